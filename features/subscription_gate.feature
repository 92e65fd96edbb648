# language: es
Característica: Sin suscripción vigente no se suman dispositivos, personas ni usuarios
  Registrar o reactivar un dispositivo, dar de alta a una persona cuidada e invitar a un
  usuario (darle acceso a una persona, invitar a un cuidador, sumar personal a una
  residencia) necesitan una suscripción vigente: activa, suspendida, o cancelada pero
  todavía dentro del período pagado. Sin ella se rechaza con su propio motivo,
  "suscripción requerida", antes de mirar los límites del paquete. Alcanza la
  suscripción de la cuenta o la de la residencia de la persona.
  La primera persona cuidada de una familia se da de alta antes de contratar: es para
  quien se contrata (a una persona a cargo de otra le contrata su representante, una vez
  dada de alta). Los administradores no tienen este control. Y nunca frena la
  seguridad: los dispositivos ya registrados siguen mandando lecturas, y sus alertas se
  abren, avisan y escalan, con suscripción o sin ella.

  Antecedentes:
    Dado que Laura tiene a su cargo a Elena, sin suscripción

  Escenario: Sin suscripción no se registra un dispositivo
    Cuando Laura registra un tensiómetro para Elena
    Entonces se rechaza porque hace falta una suscripción vigente para registrar un dispositivo
    Y Elena no tiene dispositivos

  Escenario: La primera persona de una familia se da de alta sin suscripción; otra más, no
    Dado que Marta está registrada, sin personas a cargo ni suscripción
    Cuando Marta da de alta a Rosa
    Entonces Rosa queda a cargo de Marta
    Cuando Marta da de alta a Raúl
    Entonces se rechaza porque hace falta una suscripción vigente para dar de alta a una persona cuidada

  Escenario: Sin suscripción no se invita a nadie a ver o cuidar a una persona
    Dado que Pedro está registrado y es cuidador
    Cuando Laura da acceso a Pedro al cuidado de Elena
    Entonces se rechaza porque hace falta una suscripción vigente para invitar a un usuario
    Cuando Laura invita a Pedro a cuidar a Elena
    Entonces se rechaza porque hace falta una suscripción vigente para invitar a un usuario
    Y Pedro no ve a Elena

  Escenario: Una residencia sin suscripción no suma personal
    Dado que Eva dirige la residencia "Hogar Sol", sin suscripción
    Y que Pedro está registrado y es cuidador
    Cuando Eva suma a Pedro al personal de la residencia
    Entonces se rechaza porque hace falta una suscripción vigente para invitar a un usuario

  Esquema del escenario: Vigente es activa, suspendida o cancelada dentro del período pagado
    Dado que la suscripción de Laura está <estado>
    Cuando Laura registra un tensiómetro para Elena
    Entonces <resultado>

    Ejemplos:
      | estado                                        | resultado                                                                          |
      | activa                                        | el dispositivo queda registrado                                                    |
      | suspendida                                    | el dispositivo queda registrado                                                    |
      | cancelada, con el período pagado en curso     | el dispositivo queda registrado                                                    |
      | cancelada, con el período pagado ya terminado | se rechaza porque hace falta una suscripción vigente para registrar un dispositivo |
      | vencida                                       | se rechaza porque hace falta una suscripción vigente para registrar un dispositivo |

  Escenario: Con suscripción, da de alta, invita y registra
    Dado que la suscripción de Laura está activa
    Y que Pedro está registrado y es cuidador
    Cuando Laura da de alta a Rosa
    Y Laura da acceso a Pedro al cuidado de Elena
    Y Laura registra un tensiómetro para Elena
    Entonces el dispositivo queda registrado
    Y Rosa queda a cargo de Laura
    Y Pedro ve a Elena

  Escenario: La suscripción de la residencia alcanza para sus pacientes
    Dado que Elena vive en la residencia "Hogar Sol", que tiene una suscripción vigente
    Cuando Laura registra un tensiómetro para Elena
    Entonces el dispositivo queda registrado

  Escenario: Un administrador no tiene este control
    Dado que Root es administrador
    Cuando Root registra un tensiómetro para Elena
    Entonces el dispositivo queda registrado

  Escenario: Sin suscripción, los dispositivos ya registrados siguen cuidando
    Dado que Laura es la representante legal de Elena
    Y que Elena tiene un botón de pánico, registrado cuando Laura tenía suscripción
    Y que la suscripción de Laura venció
    Cuando llega una pulsación del botón de pánico de Elena
    Entonces se abre una alerta de gravedad crítica
    Y se avisa en el acto a Laura
    Cuando pasan 2 minutos sin que nadie la confirme
    Entonces la alerta sube al nivel 2

# language: es
Característica: Alertas y escalado
  Un evento de gravedad media o mayor abre una alerta, salvo que ya haya una abierta (no
  resuelta) de la misma persona, el mismo dispositivo y el mismo tipo: entonces se suma
  a ella y, si es más grave, sube la gravedad de la alerta.

  Un sistema de seguridad nunca espera un plazo para avisar a alguien: al abrirse la
  alerta se avisa en el acto al nivel 1. Si nadie la confirma dentro del plazo de su
  gravedad (crítica 2 minutos, alta 5, media 15) sube al nivel 2; otro plazo más, al
  nivel 3; después se vuelve a avisar al nivel 3 en cada plazo, tres veces, y un plazo
  más tarde la alerta queda sin atender y se avisa a los administradores.
    Nivel 1: la persona si se cuida a sí misma, su representante legal y su cuidador principal.
    Nivel 2: todas las personas con acceso: titular, miembros, cuidadores y representante.
    Nivel 3: la guardia de su residencia y sus contactos de emergencia.
  Si en un nivel no hay nadie, se vuelve a avisar al nivel anterior; y si no hay nadie en
  ningún nivel, a los administradores: una alerta nunca queda sin avisar a alguien.
  Cada aviso es uno por persona y por canal: los usuarios, por los canales que eligieron
  (si no eligieron otros, correo y push a los teléfonos que registraron; ver
  responder_channels.feature); los contactos de emergencia, por correo y/o SMS, según lo que
  tengan.
  Ni los límites del paquete ni una suscripción suspendida frenan nunca una alerta.

  Antecedentes:
    Dado que Ana tiene a su cargo a Elena y es su representante legal
    Y que Bruno, hermano de Ana, puede ver a Elena
    Y que Carla es la cuidadora principal de Elena y Diego otro de sus cuidadores
    Y que Elena vive en la residencia "Hogar Sol", donde Eva está de guardia
    Y que los contactos de emergencia de Elena son Fer, con correo y teléfono, y Gus, solo con teléfono
    Y que Root es administrador del sistema
    Y que Elena tiene un tensiómetro, un sensor de gas, un sensor de movimiento y un botón de pánico

  # Abrir y sumar

  Esquema del escenario: Un evento de gravedad media o mayor abre una alerta; uno de gravedad baja, no
    Cuando llega <evento>
    Entonces <resultado>

    Ejemplos:
      | evento                              | resultado                              |
      | una lectura de CO2 de 999 ppm       | no se abre ninguna alerta              |
      | una lectura de CO2 de 1000 ppm      | se abre una alerta de gravedad media   |
      | una tensión de 120/80 con pulso 72  | no se abre ninguna alerta              |
      | una tensión de 150/85 con pulso 70  | se abre una alerta de gravedad alta    |
      | una tensión de 190/100 con pulso 80 | se abre una alerta de gravedad crítica |
      | una pulsación del botón de pánico   | se abre una alerta de gravedad crítica |
      | un movimiento                       | no se abre ninguna alerta              |

  Escenario: Otro evento del mismo tipo y del mismo dispositivo se suma a la alerta abierta
    Cuando llega una tensión de 190/100 con pulso 80
    Y llega una tensión de 200/110 con pulso 90
    Entonces hay 1 alerta abierta con 2 ocurrencias
    Y al nivel 1 se le avisó una sola vez

  Escenario: Un evento más grave sube la gravedad de la alerta abierta
    Cuando llega una lectura de CO2 de 1000 ppm
    Y llega una lectura de CO de 60 ppm
    Entonces hay 1 alerta abierta con 2 ocurrencias
    Y la alerta es de gravedad crítica

  Escenario: Una vez resuelta, un nuevo evento abre otra alerta
    Cuando llega una tensión de 190/100 con pulso 80
    Y Ana resuelve la alerta
    Y llega una tensión de 190/100 con pulso 80
    Entonces hay 2 alertas: una resuelta y una pendiente

  Escenario: Otro dispositivo abre otra alerta
    Dado que Elena tiene además un segundo tensiómetro
    Cuando llega una tensión de 190/100 con pulso 80
    Y llega del segundo tensiómetro una tensión de 190/100 con pulso 80
    Entonces hay 2 alertas abiertas

  Escenario: Otro tipo de evento del mismo dispositivo abre otra alerta
    Cuando llega una tensión de 190/100 con pulso 80 y batería al 5 %
    Entonces hay 2 alertas abiertas: de "tensión arterial" y de "batería baja"

  Escenario: Un evento más grave sobre una alerta ya confirmada vuelve a avisar desde el nivel 1
    Cuando llega una lectura de CO2 de 1000 ppm
    Y Carla confirma la alerta
    Y llega una lectura de CO de 60 ppm
    Entonces la alerta vuelve a estar pendiente en el nivel 1 con gravedad crítica
    Y se avisa en el acto a Ana y Carla

  # Escalado

  Escenario: El nivel 1 se avisa en el acto, sin esperar ningún plazo
    Cuando llega una tensión de 190/100 con pulso 80
    Entonces se avisa en el acto a Ana y Carla
    Y la alerta está pendiente en el nivel 1

  Escenario: El nivel 2 son todas las personas con acceso
    Dado que hay una alerta crítica abierta
    Cuando pasan 2 minutos sin que nadie la confirme
    Entonces la alerta está en el nivel 2
    Y se avisa a Ana, Bruno, Carla y Diego

  Escenario: El nivel 3 son la guardia de la residencia y los contactos de emergencia
    Dado que hay una alerta crítica abierta
    Cuando pasan 4 minutos sin que nadie la confirme
    Entonces la alerta está en el nivel 3
    Y se avisa a Eva, Fer y Gus

  Esquema del escenario: Cada gravedad tiene su plazo: se escala justo al cumplirse, no un segundo antes
    Dado que hay una alerta <gravedad> abierta
    Cuando pasan <segundos> segundos sin que nadie la confirme
    Entonces la alerta está en el nivel <nivel>

    Ejemplos:
      | gravedad | segundos | nivel |
      | crítica  | 119      | 1     |
      | crítica  | 120      | 2     |
      | alta     | 299      | 1     |
      | alta     | 300      | 2     |
      | media    | 899      | 1     |
      | media    | 900      | 2     |

  Escenario: Tres avisos más en el nivel 3 y después la alerta queda sin atender
    Dado que hay una alerta crítica abierta
    Cuando pasan 10 minutos sin que nadie la confirme
    Entonces al nivel 3 se le avisó 4 veces
    Y la alerta está en el nivel 3
    Cuando pasan 2 minutos más sin que nadie la confirme
    Entonces la alerta queda sin atender
    Y se avisa a Root
    Y aunque pase una hora no se escribe ningún aviso más

  Escenario: Confirmar la alerta detiene el escalado
    Dado que hay una alerta crítica abierta
    Cuando pasa 1 minuto sin que nadie la confirme
    Y Bruno confirma la alerta
    Y pasan 60 minutos sin que nadie la confirme
    Entonces la alerta está confirmada por Bruno en el nivel 1
    Y al nivel 1 se le avisó una sola vez

  Escenario: El escalado se guarda y no se duplica con varios procesos a la vez
    Dado que hay una alerta crítica abierta
    Cuando pasan 2 minutos y el control de escalado corre dos veces en ese mismo instante
    Entonces la alerta está en el nivel 2
    Y al nivel 2 se le avisó una sola vez

  Escenario: La entrega del primer aviso marca la alerta como enviada, y sigue escalando
    Dado que hay una alerta crítica abierta
    Cuando se entrega el primer aviso
    Entonces la alerta está enviada
    Cuando pasan 2 minutos sin que nadie la confirme
    Entonces la alerta está en el nivel 2

  # Destinatarios y canales

  Escenario: Un aviso por persona y por canal en cada nivel
    Dado que hay una alerta crítica abierta
    Cuando pasan 4 minutos sin que nadie la confirme
    Entonces se escribieron estos avisos:
      | nivel | para  | canal |
      | 1     | Ana   | correo |
      | 1     | Carla | correo |
      | 2     | Ana   | correo |
      | 2     | Bruno | correo |
      | 2     | Carla | correo |
      | 2     | Diego | correo |
      | 3     | Eva   | correo |
      | 3     | Fer   | correo |
      | 3     | Fer   | sms    |
      | 3     | Gus   | sms    |

  Escenario: Quien se cuida a sí misma recibe el primer aviso
    Dado que Marta se cuida a sí misma y tiene un botón de pánico
    Cuando Marta pulsa su botón de pánico
    Entonces se avisa en el acto a Marta

  Escenario: Si nadie figura en el nivel 1, se avisa a los administradores
    Dado que Ana también tiene a su cargo a Rosa, sin representante, cuidadores, residencia ni contactos, y Rosa tiene un botón de pánico
    Cuando Rosa pulsa su botón de pánico
    Entonces se avisa en el acto a Root

  Escenario: Sin residencia ni contactos de emergencia, el nivel 3 vuelve a avisar al nivel 2
    Dado que Ana también tiene a su cargo a Rosa, sin representante, cuidadores, residencia ni contactos, y Rosa tiene un botón de pánico
    Cuando Rosa pulsa su botón de pánico
    Y pasan 4 minutos sin que nadie la confirme
    Entonces la alerta está en el nivel 3
    Y se avisa a Ana

  # Quién puede confirmar

  Esquema del escenario: Solo quien tiene acceso a la persona, o un administrador, puede confirmar
    Dado que hay una alerta crítica abierta
    Cuando <persona> confirma la alerta
    Entonces <resultado>

    Ejemplos:
      | persona | resultado                                  |
      | Ana     | la alerta está confirmada por Ana          |
      | Bruno   | la alerta está confirmada por Bruno        |
      | Carla   | la alerta está confirmada por Carla        |
      | Diego   | la alerta está confirmada por Diego        |
      | Eva     | la alerta está confirmada por Eva          |
      | Root    | la alerta está confirmada por Root         |
      | Zoe     | se le responde que la alerta no existe     |

  Escenario: Confirmar dos veces es un conflicto
    Dado que hay una alerta crítica abierta
    Cuando Ana confirma la alerta
    Y Bruno confirma la alerta
    Entonces se le responde que la alerta ya estaba confirmada
    Y la alerta está confirmada por Ana en el nivel 1

  Escenario: Resolver sin confirmar antes confirma; resolver dos veces es un conflicto
    Dado que hay una alerta crítica abierta
    Cuando Carla resuelve la alerta
    Entonces la alerta está resuelta y confirmada por Carla
    Cuando Carla resuelve la alerta
    Entonces se le responde que la alerta ya estaba resuelta

  # La seguridad no depende del paquete

  Escenario: Una cuenta que supera los límites de su paquete recibe igual sus alertas
    Dado que la cuenta de Ana tiene el paquete básico, de 3 dispositivos, y ya tiene 4
    Cuando Ana intenta registrar otro dispositivo
    Entonces se le rechaza por superar el límite de dispositivos
    Cuando llega una tensión de 190/100 con pulso 80
    Entonces se abre una alerta de gravedad crítica
    Y se avisa en el acto a Ana y Carla

  Escenario: Una cuenta con la suscripción suspendida recibe igual sus alertas
    Dado que la cuenta de Ana tiene el paquete familiar con la suscripción suspendida
    Cuando llega una pulsación del botón de pánico
    Entonces se abre una alerta de gravedad crítica
    Y se avisa en el acto a Ana y Carla

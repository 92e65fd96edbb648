# language: es
Característica: Dar de baja y borrar datos: personas cuidadas y cuentas de usuario
  Quien administra a una persona cuidada (el titular de la cuenta o su representante
  legal vigente) o un administrador puede darla de baja, y desde ese momento deja de
  ser monitoreada: lo que manden sus dispositivos ya no se guarda ni abre alertas (se
  rechaza con el motivo "persona cuidada dada de baja"), sus alertas abiertas se
  resuelven para que nada escale, lo que quedaba por avisar se cancela, desaparece de
  las listas y deja de contar para los límites del paquete. Quien solo la ve no puede
  darla de baja; para los demás no existe. Las mismas personas la pueden reactivar,
  con los controles de agregar una persona (suscripción vigente y lugar en el paquete).
  Ya dada de baja, sus datos personales se pueden borrar a pedido, para siempre:
  quedan sus identificadores, sus alertas y las facturas, que no nombran a nadie.

  Una cuenta de usuario la da de baja un administrador o su dueño: ya no puede entrar,
  todas sus sesiones terminan en el acto y no se le avisa nada más. Una cuenta que
  todavía tiene personas a su cargo no se da de baja: primero hay que darlas de baja a
  ellas. Un administrador la reactiva, o borra sus datos a pedido; su correo queda
  libre para registrarse otra vez.

  Antecedentes:
    Dado que Ana tiene a su cargo a Elena, con un tensiómetro
    Y que Bruno puede ver a Elena
    Y que Rita es la representante legal de Elena

  # Personas cuidadas

  Escenario: Dada de baja, sus alertas abiertas se resuelven y lo pendiente no se envía
    Dado que llega del tensiómetro de Elena una tensión de 190/100
    Cuando Ana da de baja a Elena
    Entonces la alerta de Elena queda resuelta por Ana
    Y los avisos pendientes de la alerta se cancelan por "cared_person_deactivated"
    Y la auditoría registra que Ana desactivó a la persona cuidada Elena
    Y al pasar el tiempo la alerta no escala

  Escenario: Lo que mandan sus dispositivos ya no abre alertas
    Dado que Ana dio de baja a Elena
    Cuando llega del tensiómetro de Elena una tensión de 190/100
    Entonces el mensaje se rechaza por "cared_person_deactivated"
    Y Elena no tiene alertas abiertas

  Escenario: Dada de baja, solo un administrador la ve, y no cuenta para el paquete
    Dado que Ana dio de baja a Elena
    Entonces Bruno no ve a Elena
    Y Ana no ve a Elena
    Y Root ve a Elena
    Y la cuenta de Ana usa 0 dispositivos

  Esquema del escenario: Quién da de baja a una persona cuidada
    Cuando <quien> da de baja a Elena
    Entonces <resultado>

    Ejemplos:
      | quien | resultado                                 |
      | Ana   | Elena está dada de baja                   |
      | Rita  | Elena está dada de baja                   |
      | Root  | Elena está dada de baja                   |
      | Bruno | se le rechaza porque no puede hacerlo     |
      | Zoe   | se le responde que la persona no existe   |

  Escenario: Reactivada, vuelve como estaba
    Dado que Ana dio de baja a Elena
    Cuando Rita reactiva a Elena
    Entonces Elena está activa
    Y Bruno ve a Elena
    Y una tensión de 190/100 del tensiómetro de Elena abre una alerta

  Escenario: Reactivarla cuenta para los límites del paquete
    Dado que la suscripción de Ana es de un paquete de 1 dispositivo
    Y que Ana dio de baja a Elena
    Y que Ana tiene a su cargo a Rosa, con un tensiómetro
    Cuando Ana reactiva a Elena
    Entonces se le rechaza por exceder dispositivos: 1 usados más 1 pedido, de 1

  Escenario: Sus datos se borran solo si está dada de baja, y ya no vuelve
    Dado que llega del tensiómetro de Elena una tensión de 190/100
    Cuando Ana borra los datos de Elena
    Entonces se le rechaza porque Elena está activa
    Cuando Ana da de baja a Elena
    Y Ana borra los datos de Elena
    Entonces Elena se llama "Erased person" y no tiene fecha de nacimiento, contactos ni umbrales
    Y sus lecturas ya no guardan valores
    Cuando Ana reactiva a Elena
    Entonces se le rechaza porque sus datos fueron borrados

  # Cuentas de usuario

  Escenario: Una cuenta dada de baja no entra, y sus sesiones terminan en el acto
    Dado que Bruno inició sesión
    Cuando Root da de baja la cuenta de Bruno
    Entonces la sesión de Bruno ya no sirve
    Y Bruno no puede iniciar sesión
    Y la auditoría registra que Root desactivó la cuenta de Bruno

  Escenario: A una cuenta dada de baja no se le avisa nada más
    Dado que llega del tensiómetro de Elena una tensión de 190/100
    Y que a Rita se le avisó de la alerta
    Cuando Rita da de baja su propia cuenta
    Entonces los avisos pendientes para Rita se cancelan por "user_deactivated"
    Y cuando la alerta escala no se le avisa a Rita

  Escenario: Quien todavía tiene personas a su cargo no da de baja su cuenta
    Cuando Ana da de baja su propia cuenta
    Entonces se le rechaza porque todavía tiene a su cargo a Elena
    Cuando Ana da de baja a Elena
    Y Ana da de baja su propia cuenta
    Entonces la cuenta de Ana está dada de baja

  Escenario: Los datos de una cuenta dada de baja se borran, y su correo queda libre
    Dado que Root dio de baja la cuenta de Bruno
    Cuando Root borra los datos de la cuenta de Bruno
    Entonces la cuenta de Bruno se llama "Erased user" y no tiene su correo ni su teléfono
    Y alguien puede registrarse con el correo que tenía Bruno
    Y Root no puede reactivar la cuenta de Bruno

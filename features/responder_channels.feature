# language: es
Característica: Cada responsable recibe los avisos por los canales que eligió
  Cada usuario elige por qué canales le llegan las alertas: correo, SMS y notificaciones
  push. Para SMS da un número de teléfono, con el código de país; para push, la aplicación
  registra cada teléfono del usuario (hasta 10; registrar otra vez el mismo no suma otro).
  Quien no eligió nada recibe correo, y push en los teléfonos que registró.
  Familiares y cuidadores reciben el aviso por cada canal que eligieron, en cada nivel del
  escalado que los nombra. Si lo que eligieron no da ninguna dirección (push sin ningún
  teléfono registrado), el aviso va a su correo: nadie queda sin avisar.
  Un SMS o un push lleva solo el aviso: nunca la dirección ni los datos médicos de la
  persona cuidada (esos los ve quien abre la alerta en CUIOT).

  Antecedentes:
    Dado que Ana tiene a su cargo a Elena y es su representante legal
    Y que Bruno, hermano de Ana, puede ver a Elena
    Y que Carla es la cuidadora principal de Elena
    Y que Elena tiene un botón de pánico

  Escenario: Quien no eligió nada recibe correo, y push en los teléfonos que registró
    Dado que Ana registró 2 teléfonos para push
    Cuando Elena pulsa su botón de pánico
    Entonces se escribieron estos avisos:
      | nivel | para  | canal  | dirección         |
      | 1     | Ana   | correo | ana@example.com   |
      | 1     | Ana   | push   | teléfono 1 de Ana |
      | 1     | Ana   | push   | teléfono 2 de Ana |
      | 1     | Carla | correo | carla@example.com |

  Escenario: Un familiar que eligió SMS y push recibe los dos en el nivel que lo nombra
    Dado que Bruno eligió SMS al "+54 11 5555-0102" y push, y registró 1 teléfono
    Cuando Elena pulsa su botón de pánico
    Y pasan 2 minutos sin que nadie la confirme
    Entonces se escribieron estos avisos:
      | nivel | para  | canal  | dirección           |
      | 1     | Ana   | correo | ana@example.com     |
      | 1     | Carla | correo | carla@example.com   |
      | 2     | Ana   | correo | ana@example.com     |
      | 2     | Bruno | sms    | +541155550102       |
      | 2     | Bruno | push   | teléfono 1 de Bruno |
      | 2     | Carla | correo | carla@example.com   |

  Escenario: Una cuidadora que eligió solo SMS recibe solo SMS, en cada nivel
    Dado que Carla eligió solo SMS al "+54 11 5555-0303"
    Cuando Elena pulsa su botón de pánico
    Y pasan 2 minutos sin que nadie la confirme
    Entonces a Carla se le avisó solo por sms al "+541155550303" en los niveles 1 y 2

  Escenario: Si lo elegido no da ninguna dirección, el aviso va al correo
    Dado que Carla eligió solo push y no registró ningún teléfono
    Cuando Elena pulsa su botón de pánico
    Entonces a Carla se le avisó solo por correo al "carla@example.com" en el nivel 1

  Esquema del escenario: Elegir SMS exige un número con código de país, y algún canal hay que elegir
    Cuando Bruno elige <canales> <número>
    Entonces se le rechaza porque <motivo>
    Y a Bruno le siguen llegando los avisos por correo y push

    Ejemplos:
      | canales      | número                        | motivo                            |
      | solo SMS     | sin dar un número             | falta el número                   |
      | solo SMS     | con el número "11 5555-0102"  | el número no tiene código de país |
      | ningún canal | sin dar un número             | no eligió ningún canal            |

  Escenario: Un teléfono registrado otra vez es el mismo, y no se registran más de 10
    Dado que Ana registró 10 teléfonos para push
    Cuando Ana registra otra vez su teléfono 1
    Entonces Ana tiene 10 teléfonos registrados
    Cuando Ana registra un teléfono más
    Entonces se le rechaza porque ya tiene 10 teléfonos
    Y Ana tiene 10 teléfonos registrados

  Escenario: Ni un SMS ni un push llevan los datos médicos ni la dirección
    Dado que la ficha de Elena dice que vive en "Av. Rivadavia 1234", que tiene "Parkinson", que toma "Levodopa 250 mg" y que es alérgica a "penicilina"
    Y que Bruno eligió SMS al "+54 11 5555-0102" y push, y registró 1 teléfono
    Cuando Elena pulsa su botón de pánico
    Y pasan 2 minutos sin que nadie la confirme
    Entonces Bruno recibe un SMS y un push que nombran a Elena Gómez
    Y ningún SMS ni push dice "Av. Rivadavia 1234", "Parkinson", "Levodopa 250 mg" ni "penicilina"

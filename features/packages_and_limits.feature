# language: es
Característica: Paquetes y límites de uso
  Cada paquete tiene un precio mensual, un precio anual (si no se fija, doce meses) y
  límites de usuarios, dispositivos, almacenamiento y, para instituciones, pacientes.
  El uso de una cuenta son los usuarios con acceso a sus personas cuidadas (quien
  tiene la cuenta incluida), sus dispositivos activos y los datos guardados.
  Estar justo en el límite está permitido; pasarse por uno, no. Un rechazo enumera
  cada límite superado con lo usado antes de la tarea, lo que la tarea pide sumar
  (nada, al contratar o bajar de paquete) y lo permitido. Los límites controlan las
  tareas administrativas (contratar, sumar un dispositivo, bajar de paquete); una
  cuenta sin paquete no tiene límites que controlar (pero sin suscripción vigente no
  suma dispositivos, personas ni usuarios: ver subscription_gate.feature). Pedidos
  simultáneos de una misma cuenta se controlan de a uno: juntos tampoco superan el límite.

  Antecedentes:
    Dado el catálogo inicial de paquetes
    Y que hoy es el 15/01/2026
    Y que Laura está registrada, nacida el 12/08/1975

  # El catálogo

  Esquema del escenario: El catálogo inicial fija precios, límites y soporte
    Entonces el paquete <paquete> cuesta $ <mensual> por mes y $ <anual> por año
    Y admite <usuarios> usuarios, <dispositivos> dispositivos y <almacenamiento> GB de almacenamiento
    Y su soporte es por <soporte>

    Ejemplos:
      | paquete       | mensual    | anual        | usuarios | dispositivos | almacenamiento | soporte  |
      | básico        | 15.000,00  | 150.000,00   | 2        | 3            | 5              | correo   |
      | familiar      | 25.000,00  | 250.000,00   | 5        | 8            | 20             | chat     |
      | premium       | 45.000,00  | 450.000,00   | 10       | 20           | 100            | teléfono |
      | profesional   | 80.000,00  | 800.000,00   | 25       | 50           | 250            | 24/7     |
      | institucional | 300.000,00 | 3.000.000,00 | 100      | 500          | 2000           | 24/7     |

  Escenario: Solo el paquete institucional limita los pacientes
    Entonces el paquete institucional admite 100 pacientes
    Y los paquetes básico, familiar, premium y profesional no limitan pacientes

  Escenario: Un paquete sin precio anual cuesta doce meses por año
    Dado que Marta es administradora
    Cuando Marta crea el paquete "Cuidado Plus" a $ 10.000,50 por mes sin precio anual
    Entonces el paquete "Cuidado Plus" cuesta $ 120.006,00 por año

  Esquema del escenario: El valor mensual de un plan anual es la doceava parte, redondeada al centavo
    Entonces el valor mensual del paquete <paquete> pagado por año es $ <mensual>

    Ejemplos:
      | paquete       | mensual    |
      | básico        | 12.500,00  |
      | familiar      | 20.833,33  |
      | institucional | 250.000,00 |

  # Contratar: el uso debe entrar en el paquete

  Esquema del escenario: Contratar con el uso justo en el límite, por debajo o por encima
    Dado que la cuenta de Laura usa <cantidad> <límite>
    Cuando Laura contrata el paquete <paquete> mensual
    Entonces <resultado>

    Ejemplos:
      | paquete  | cantidad | límite                 | resultado                                              |
      | básico   | 2        | dispositivos           | la contratación queda activa                           |
      | básico   | 3        | dispositivos           | la contratación queda activa                           |
      | básico   | 4        | dispositivos           | se rechaza por exceder dispositivos: 4 de 3            |
      | básico   | 1        | usuarios               | la contratación queda activa                           |
      | básico   | 2        | usuarios               | la contratación queda activa                           |
      | básico   | 3        | usuarios               | se rechaza por exceder usuarios: 3 de 2                |
      | básico   | 4,99     | GB de almacenamiento   | la contratación queda activa                           |
      | básico   | 5        | GB de almacenamiento   | la contratación queda activa                           |
      | básico   | 5,01     | GB de almacenamiento   | se rechaza por exceder almacenamiento en GB: 5,01 de 5 |
      | familiar | 9        | dispositivos           | se rechaza por exceder dispositivos: 9 de 8            |

  Esquema del escenario: Una institución contrata con sus pacientes justo en el límite, por debajo o por encima
    Dado que Laura dirige la institución Residencia Sol
    Y que la institución tiene <pacientes> pacientes
    Cuando Laura contrata el paquete institucional mensual para la institución
    Entonces <resultado>

    Ejemplos:
      | pacientes | resultado                                    |
      | 99        | la contratación queda activa                 |
      | 100       | la contratación queda activa                 |
      | 101       | se rechaza por exceder pacientes: 101 de 100 |

  Escenario: Un rechazo enumera todos los límites superados a la vez
    Dado que la cuenta de Laura usa 3 usuarios
    Y que la cuenta de Laura usa 4 dispositivos
    Y que la cuenta de Laura usa 6 GB de almacenamiento
    Cuando Laura contrata el paquete básico mensual
    Entonces se rechaza por exceder estos límites:
      | límite                 | usado | pedido | permitido |
      | usuarios               | 3     | 0      | 2         |
      | dispositivos           | 4     | 0      | 3         |
      | almacenamiento en GB   | 6     | 0      | 5         |
    Y Laura no tiene facturas

  # Bajar de paquete

  Esquema del escenario: Bajar de paquete con el uso justo en el límite del menor, por debajo o por encima
    Dado que Laura tiene el paquete premium mensual
    Y que la cuenta de Laura usa <cantidad> <límite>
    Cuando Laura pide pasar al paquete familiar
    Entonces <resultado>

    Ejemplos:
      | cantidad | límite               | resultado                                                 |
      | 7        | dispositivos         | el cambio queda programado para la renovación             |
      | 8        | dispositivos         | el cambio queda programado para la renovación             |
      | 9        | dispositivos         | se rechaza por exceder dispositivos: 9 de 8               |
      | 4        | usuarios             | el cambio queda programado para la renovación             |
      | 5        | usuarios             | el cambio queda programado para la renovación             |
      | 6        | usuarios             | se rechaza por exceder usuarios: 6 de 5                   |
      | 19,99    | GB de almacenamiento | el cambio queda programado para la renovación             |
      | 20       | GB de almacenamiento | el cambio queda programado para la renovación             |
      | 20,01    | GB de almacenamiento | se rechaza por exceder almacenamiento en GB: 20,01 de 20  |

  Escenario: Una baja de paquete rechazada deja todo como estaba
    Dado que Laura tiene el paquete premium mensual
    Y que la cuenta de Laura usa 9 dispositivos
    Y que la cuenta de Laura usa 6 usuarios
    Cuando Laura pide pasar al paquete familiar
    Entonces se rechaza por exceder estos límites:
      | límite       | usado | pedido | permitido |
      | usuarios     | 6     | 0      | 5         |
      | dispositivos | 9     | 0      | 8         |
    Y Laura sigue con el paquete premium sin cambios programados

  # Tareas administrativas con paquete contratado, y sin él

  Esquema del escenario: Sumar dispositivos se rechaza con lo usado antes y lo pedido
    Dado que Laura tiene el paquete básico mensual
    Y que la cuenta de Laura usa <cantidad> dispositivos
    Cuando se controla si Laura puede sumar <pedidos> dispositivos
    Entonces <resultado>

    Ejemplos:
      | cantidad | pedidos | resultado                                                          |
      | 2        | 1       | se permite                                                         |
      | 1        | 2       | se permite                                                         |
      | 3        | 1       | se rechaza por exceder dispositivos: 3 usados más 1 pedido, de 3   |
      | 2        | 2       | se rechaza por exceder dispositivos: 2 usados más 2 pedidos, de 3  |

  Escenario: Los dispositivos dados de baja no cuentan
    Dado que Laura tiene el paquete básico mensual
    Y que la cuenta de Laura usa 2 dispositivos
    Y que la cuenta de Laura tiene 5 dispositivos dados de baja
    Cuando se controla si Laura puede sumar 1 dispositivo
    Entonces se permite

  Escenario: Una cuenta sin paquete no tiene límites que controlar
    Dado que la cuenta de Laura usa 600 dispositivos
    Cuando se controla si Laura puede sumar 1 dispositivo
    Entonces se permite

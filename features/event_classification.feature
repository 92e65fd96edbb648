# language: es
Característica: Clasificación de lo que envían los dispositivos
  Cada lectura o aviso que llega de un dispositivo se guarda como un evento con una
  gravedad: baja, media, alta o crítica. Los umbrales son valores por defecto: la
  configuración del dispositivo los reemplaza, y los umbrales propios de la persona
  cuidada mandan sobre ambos. Un valor que ninguna persona viva ni ningún sensor sano
  puede dar se rechaza con su motivo y nunca se clasifica. Los eventos de gravedad media
  o mayor abren una alerta (ver "Alertas y escalado").
  La inactividad (cuatro horas sin movimiento en ningún sensor de movimiento) solo se
  controla de 07:00 a 22:00, hora de Buenos Aires; las horas de la noche no cuentan:
  si la quietud empezó antes de las 07:00, las cuatro horas se cuentan desde las 07:00.

  Antecedentes:
    Dado que Elena está a cargo de su hija Ana
    Y que Elena tiene un tensiómetro, un sensor de gas, un sensor de movimiento, un botón de pánico y una cámara

  # Tensión arterial

  Esquema del escenario: Tensión arterial justo en cada umbral, justo debajo y justo encima
    Cuando el tensiómetro mide <sistólica>/<diastólica> con pulso <pulso>
    Entonces la lectura se guarda con gravedad <gravedad>

    Ejemplos: Sistólica crítica por encima de 180
      | sistólica | diastólica | pulso | gravedad |
      | 180       | 80         | 72    | alta     |
      | 181       | 80         | 72    | crítica  |

    Ejemplos: Diastólica crítica por encima de 120
      | sistólica | diastólica | pulso | gravedad |
      | 170       | 120        | 72    | alta     |
      | 170       | 121        | 72    | crítica  |

    Ejemplos: Sistólica alta desde 140
      | sistólica | diastólica | pulso | gravedad |
      | 139       | 80         | 72    | baja     |
      | 140       | 80         | 72    | alta     |

    Ejemplos: Diastólica alta desde 90
      | sistólica | diastólica | pulso | gravedad |
      | 120       | 89         | 72    | baja     |
      | 120       | 90         | 72    | alta     |

    Ejemplos: Sistólica baja hasta 90
      | sistólica | diastólica | pulso | gravedad |
      | 91        | 65         | 72    | baja     |
      | 90        | 65         | 72    | alta     |

    Ejemplos: Diastólica baja hasta 60
      | sistólica | diastólica | pulso | gravedad |
      | 110       | 61         | 72    | baja     |
      | 110       | 60         | 72    | alta     |

    Ejemplos: Pulso por debajo de 40 o por encima de 130
      | sistólica | diastólica | pulso | gravedad |
      | 120       | 80         | 39    | alta     |
      | 120       | 80         | 40    | baja     |
      | 120       | 80         | 130   | baja     |
      | 120       | 80         | 131   | alta     |

  Esquema del escenario: Una tensión imposible se rechaza con su motivo
    Cuando el tensiómetro mide <sistólica>/<diastólica> con pulso <pulso>
    Entonces la lectura se rechaza porque "<motivo>"
    Y no se guarda ningún evento

    Ejemplos:
      | sistólica | diastólica | pulso | motivo                                 |
      | 49        | 40         | 70    | la sistólica está fuera de rango       |
      | 301       | 90         | 70    | la sistólica está fuera de rango       |
      | 100       | 29         | 70    | la diastólica está fuera de rango      |
      | 250       | 201        | 70    | la diastólica está fuera de rango      |
      | 120       | 80         | 19    | el pulso está fuera de rango           |
      | 120       | 80         | 251   | el pulso está fuera de rango           |
      | 100       | 100        | 70    | la sistólica no supera a la diastólica |
      | 100       | 110        | 70    | la sistólica no supera a la diastólica |

  Esquema del escenario: Los valores extremos posibles se aceptan
    Cuando el tensiómetro mide <sistólica>/<diastólica> con pulso <pulso>
    Entonces la lectura se guarda con gravedad <gravedad>

    Ejemplos:
      | sistólica | diastólica | pulso | gravedad |
      | 50        | 30         | 20    | alta     |
      | 300       | 200        | 250   | crítica  |

  Escenario: A una tensión le falta un dato
    Cuando el tensiómetro envía una lectura sin pulso
    Entonces la lectura se rechaza porque "falta el pulso"

  Escenario: Un dato que no es un número
    Cuando el tensiómetro envía la sistólica "muy alta"
    Entonces la lectura se rechaza porque "la sistólica no es un número"

  Escenario: Un mensaje repetido se guarda una sola vez
    Cuando el tensiómetro envía dos veces el mismo mensaje con 190/100 y pulso 80
    Entonces hay 1 evento de "tensión arterial"

  # Gases

  Esquema del escenario: Gases justo en cada umbral; manda el más grave
    Cuando el sensor de gas mide CO <CO> ppm, CO2 <CO2> ppm y humo <humo> mg/m³
    Entonces la lectura se guarda con gravedad <gravedad>

    Ejemplos:
      | CO | CO2  | humo | gravedad |
      | 49 | 600  | 0.01 | baja     |
      | 50 | 600  | 0.01 | crítica  |
      | 5  | 600  | 0.09 | baja     |
      | 5  | 600  | 0.1  | crítica  |
      | 5  | 999  | 0.01 | baja     |
      | 5  | 1000 | 0.01 | media    |
      | 60 | 1500 | 0.01 | crítica  |
      | 5  | 1500 | 0.2  | crítica  |

  Esquema del escenario: Una concentración negativa es imposible
    Cuando el sensor de gas mide CO <CO> ppm, CO2 <CO2> ppm y humo <humo> mg/m³
    Entonces la lectura se rechaza porque "<motivo>"

    Ejemplos:
      | CO | CO2 | humo  | motivo                        |
      | -1 | 600 | 0.01  | el CO no puede ser negativo   |
      | 5  | -1  | 0.01  | el CO2 no puede ser negativo  |
      | 5  | 600 | -0.01 | el humo no puede ser negativo |

  Escenario: Una lectura que no es del tipo del dispositivo se rechaza
    Cuando el sensor de gas envía una lectura de tensión arterial
    Entonces la lectura se rechaza porque "la lectura no corresponde al dispositivo"

  # Avisos de los dispositivos

  Esquema del escenario: Avisos de cada dispositivo
    Cuando <dispositivo> avisa "<aviso>"
    Entonces se guarda un evento de "<evento>" con gravedad <gravedad>

    Ejemplos:
      | dispositivo             | aviso                | evento               | gravedad |
      | el sensor de movimiento | movimiento           | movimiento           | baja     |
      | el sensor de movimiento | caída                | caída                | crítica  |
      | el botón de pánico      | pulsado              | botón de pánico      | crítica  |
      | la cámara               | movimiento detectado | movimiento en cámara | baja     |
      | la cámara               | persona en el suelo  | persona en el suelo  | crítica  |

  Esquema del escenario: Un aviso que no corresponde al dispositivo se rechaza
    Cuando <dispositivo> avisa "<aviso>"
    Entonces la lectura se rechaza porque "el aviso no corresponde al dispositivo"

    Ejemplos:
      | dispositivo        | aviso      |
      | el botón de pánico | caída      |
      | la cámara          | movimiento |

  # Batería

  Esquema del escenario: Batería baja de cualquier dispositivo
    Cuando el botón de pánico informa batería <nivel> %
    Entonces <resultado>

    Ejemplos:
      | nivel | resultado                                                |
      | 20    | no se guarda ningún evento de "batería baja"             |
      | 19    | se guarda un evento de "batería baja" con gravedad baja  |
      | 10    | se guarda un evento de "batería baja" con gravedad baja  |
      | 9     | se guarda un evento de "batería baja" con gravedad media |

  Escenario: Un nivel de batería imposible no hace perder la lectura
    Cuando el tensiómetro mide 190/100 con pulso 80 e informa batería 150 %
    Entonces la lectura se guarda con gravedad crítica
    Y el nivel de batería queda rechazado por imposible
    Y no se guarda ningún evento de "batería baja"

  # Umbrales propios

  Escenario: El umbral del dispositivo reemplaza al general
    Dado que el tensiómetro está configurado con "sistólica alta" desde 150
    Cuando el tensiómetro mide 145/80 con pulso 72
    Entonces la lectura se guarda con gravedad baja

  Escenario: El umbral propio de la persona manda sobre el del dispositivo
    Dado que el tensiómetro está configurado con "sistólica alta" desde 150
    Y que Elena tiene su propio umbral de "sistólica alta" desde 160
    Cuando el tensiómetro mide 155/80 con pulso 72
    Entonces la lectura se guarda con gravedad baja

  Escenario: Por encima del umbral propio de la persona la tensión sigue siendo alta
    Dado que Elena tiene su propio umbral de "sistólica alta" desde 160
    Cuando el tensiómetro mide 160/80 con pulso 72
    Entonces la lectura se guarda con gravedad alta

  Escenario: Un umbral propio de gas más estricto
    Dado que Elena tiene su propio umbral de "CO crítico" desde 30
    Cuando el sensor de gas mide CO 30 ppm, CO2 600 ppm y humo 0.01 mg/m³
    Entonces la lectura se guarda con gravedad crítica

  # Inactividad: un control periódico. Solo cuenta el horario de 07:00 a 22:00 (las
  # 22:00 ya quedan fuera). Si la quietud empezó antes de las 07:00, las cuatro horas
  # se cuentan desde las 07:00: la alerta más temprana del día es a las 11:00.

  Esquema del escenario: Cuatro horas sin movimiento durante el día
    Dado que el sensor de movimiento detectó movimiento a las <último>
    Cuando a las <control> se controla la inactividad
    Entonces <resultado>

    Ejemplos:
      | último | control | resultado                                              |
      | 10:00  | 13:59   | no se guarda ningún evento de "inactividad"            |
      | 10:00  | 14:00   | se guarda un evento de "inactividad" con gravedad alta |
      | 17:30  | 21:30   | se guarda un evento de "inactividad" con gravedad alta |
      | 18:00  | 22:00   | no se guarda ningún evento de "inactividad"            |

  Esquema del escenario: Las horas de la noche no cuentan: el plazo empieza a las 07:00
    Dado que el sensor de movimiento detectó movimiento a las <último>
    Cuando a las <control> se controla la inactividad
    Entonces <resultado>

    Ejemplos:
      | último        | control | resultado                                              |
      | 05:00         | 07:00   | no se guarda ningún evento de "inactividad"            |
      | 05:00         | 10:59   | no se guarda ningún evento de "inactividad"            |
      | 05:00         | 11:00   | se guarda un evento de "inactividad" con gravedad alta |
      | 23:00 de ayer | 11:00   | se guarda un evento de "inactividad" con gravedad alta |

  Escenario: Una sola alerta de inactividad por cada período de quietud
    Dado que el sensor de movimiento detectó movimiento a las 09:00
    Cuando a las 13:00 se controla la inactividad
    Y a las 14:00 se controla la inactividad
    Entonces hay 1 evento de "inactividad"

  Escenario: Después de moverse, una nueva quietud vuelve a avisar
    Dado que el sensor de movimiento detectó movimiento a las 08:00
    Cuando a las 12:00 se controla la inactividad
    Y el sensor de movimiento detecta movimiento a las 12:30
    Y a las 16:30 se controla la inactividad
    Entonces hay 2 eventos de "inactividad"

  Escenario: El movimiento en cualquiera de los sensores cuenta
    Dado que Elena tiene además un segundo sensor de movimiento
    Y que el sensor de movimiento detectó movimiento a las 09:00
    Y que el segundo sensor de movimiento detectó movimiento a las 12:00
    Cuando a las 14:00 se controla la inactividad
    Entonces no se guarda ningún evento de "inactividad"

  # Dispositivo desconectado: sin noticias durante tres latidos (5 minutos cada uno si
  # el dispositivo no dice otra cosa), o cuando el propio dispositivo avisa que se cae.

  Esquema del escenario: Desconectado tras tres latidos perdidos, y no antes
    Dado que el tensiómetro envió una lectura a las 12:00
    Cuando a las <control> se controlan los dispositivos
    Entonces <resultado>

    Ejemplos:
      | control  | resultado                                |
      | 12:14:59 | el tensiómetro sigue conectado           |
      | 12:15    | el tensiómetro queda desconectado        |

  Escenario: Un dispositivo desconectado se informa una sola vez
    Dado que el tensiómetro envió una lectura a las 12:00
    Cuando a las 12:15 se controlan los dispositivos
    Y a las 12:20 se controlan los dispositivos
    Entonces hay 1 evento de "dispositivo desconectado"
    Y el evento tiene gravedad media

  Escenario: Un dispositivo con latido de 60 segundos se desconecta a los 3 minutos
    Dado que el tensiómetro está configurado con un latido de 60 segundos
    Y que el tensiómetro envió una lectura a las 12:00
    Cuando a las 12:03 se controlan los dispositivos
    Entonces el tensiómetro queda desconectado

  # Un dispositivo que dijera latir una vez al año quedaría callado sin que nadie lo note:
  # el latido anunciado puede ser de un día como mucho.
  Esquema del escenario: El latido que anuncia un dispositivo es de un día como mucho
    Cuando el tensiómetro anuncia que late cada <segundos> segundos
    Entonces el anuncio <resultado>

    Ejemplos:
      | segundos | resultado     |
      | 86400    | se acepta     |
      | 86401    | se rechaza    |

  Escenario: El último aviso del dispositivo lo desconecta al instante
    Dado que el tensiómetro envió una lectura a las 12:00
    Cuando el tensiómetro avisa que se desconecta
    Entonces el tensiómetro queda desconectado

  # Los mensajes de los dispositivos se guardan por tandas. Una emergencia no espera a
  # que la tanda se llene ni a los mensajes de otros dispositivos que llegaron antes; una
  # lectura es urgente si es alta o crítica con los umbrales por defecto.
  Esquema del escenario: Qué mensajes se atienden sin esperar a los demás
    Cuando llega <mensaje>
    Entonces el mensaje <resultado> a los demás

    Ejemplos:
      | mensaje                                    | resultado       |
      | el aviso "caída"                           | no espera       |
      | el aviso "pulsado"                         | no espera       |
      | el aviso "persona en el suelo"             | no espera       |
      | el aviso "movimiento"                      | puede esperar   |
      | una tensión de 190/100 con pulso 80        | no espera       |
      | una tensión de 150/85 con pulso 70         | no espera       |
      | una tensión de 120/80 con pulso 72         | puede esperar   |
      | una tensión de 80/90 con pulso 70          | puede esperar   |
      | una lectura de gas con CO 80 ppm           | no espera       |
      | una lectura de gas con CO2 1500 ppm        | puede esperar   |

# language: es
Característica: Suscripciones y facturas
  Quien puede contratar elige un paquete y un ciclo (mensual o anual). Cada período se
  factura: el importe es el precio del período, el IVA es el 21 % redondeado al centavo
  (medio centavo hacia arriba), el total es importe más IVA y vence a los 10 días. Las
  facturas se numeran CU-año-número, sin saltos, y la numeración vuelve a empezar cada año.
  Subir de paquete rige enseguida y se factura la diferencia por los días que quedan;
  bajar de paquete rige desde la renovación. Una factura impaga vence al día siguiente de
  su vencimiento y a los 15 días vencida suspende la suscripción, hasta que se paga.
  La facturación diaria renueva, da por terminadas, marca vencidas y suspende; correrla
  dos veces el mismo día no cambia nada la segunda vez.

  Antecedentes:
    Dado el catálogo inicial de paquetes
    Y que hoy es el 15/01/2026
    Y que Laura está registrada, nacida el 12/08/1975
    Y que Marta es administradora

  # Contratar y facturar

  Escenario: Contratar el paquete familiar mensual
    Cuando Laura contrata el paquete familiar mensual
    Entonces la suscripción de Laura queda activa del 15/01/2026 al 15/02/2026
    Y se emite la factura CU-2026-000001 por $ 25.000,00 más IVA $ 5.250,00, total $ 30.250,00
    Y la factura vence el 25/01/2026

  Esquema del escenario: El importe es el precio del período y el IVA el 21 %
    Cuando Laura contrata el paquete <paquete> <ciclo>
    Entonces se emite la factura CU-2026-000001 por $ <importe> más IVA $ <iva>, total $ <total>
    Y el período facturado termina el <fin>

    Ejemplos:
      | paquete       | ciclo   | importe      | iva        | total        | fin        |
      | básico        | mensual | 15.000,00    | 3.150,00   | 18.150,00    | 15/02/2026 |
      | familiar      | anual   | 250.000,00   | 52.500,00  | 302.500,00   | 15/01/2027 |
      | premium       | anual   | 450.000,00   | 94.500,00  | 544.500,00   | 15/01/2027 |
      | profesional   | mensual | 80.000,00    | 16.800,00  | 96.800,00    | 15/02/2026 |

  Esquema del escenario: El IVA se redondea al centavo, el medio centavo hacia arriba
    Dado que Marta ofrece el paquete "<nombre>" a $ <precio> por mes
    Cuando Laura contrata el paquete "<nombre>" mensual
    Entonces se emite la factura CU-2026-000001 por $ <precio> más IVA $ <iva>, total $ <total>

    Ejemplos:
      | nombre  | precio   | iva    | total    |
      | Prueba1 | 1.234,50 | 259,25 | 1.493,75 |
      | Prueba2 | 0,50     | 0,11   | 0,61     |
      | Prueba3 | 1,49     | 0,31   | 1,80     |
      | Prueba4 | 10,01    | 2,10   | 12,11    |

  Escenario: Las facturas se numeran sin saltos
    Dado que Pedro está registrado, nacido el 03/03/1980
    Cuando Laura contrata el paquete familiar mensual
    Y Pedro contrata el paquete básico mensual
    Entonces las facturas emitidas son CU-2026-000001 y CU-2026-000002

  Escenario: La numeración vuelve a empezar cada año
    Dado que hoy es el 20/12/2026
    Y que Laura tiene el paquete familiar mensual
    Cuando corre la facturación del 20/01/2027
    Entonces las facturas emitidas son CU-2026-000001 y CU-2027-000001

  Escenario: Una cuenta tiene una sola suscripción activa
    Dado que Laura tiene el paquete familiar mensual
    Cuando Laura contrata el paquete premium mensual
    Entonces se rechaza porque la cuenta ya tiene una suscripción activa
    Y hay 1 factura emitida

  # Capacidad legal para contratar

  Esquema del escenario: Quien no puede contratar no se suscribe
    Dado que Tomás está registrado, <situación>
    Cuando Tomás contrata el paquete familiar mensual
    Entonces se rechaza por capacidad legal: <motivo>
    Y hay 0 facturas emitidas

    Ejemplos:
      | situación                                | motivo                  |
      | nacido el 16/01/2008                     | menor de edad           |
      | nacido el 15/01/2008 con capacidad restringida | capacidad restringida |
      | sin fecha de nacimiento                  | sin fecha de nacimiento |

  Escenario: Para una persona a cargo hace falta una representación verificada
    Dado que Laura tiene a su cargo a Rosa
    Y que Laura pidió ser representante de Rosa sin que se verifique
    Cuando Laura contrata el paquete familiar mensual para Rosa
    Entonces se rechaza por capacidad legal: sin representante vigente

  Escenario: La representante verificada contrata para la persona a su cargo
    Dado que Laura tiene a su cargo a Rosa
    Y que Laura es la representante verificada de Rosa
    Cuando Laura contrata el paquete familiar mensual para Rosa
    Entonces la suscripción de Laura queda activa del 15/01/2026 al 15/02/2026

  # Cambiar de paquete

  Esquema del escenario: Subir de paquete factura la diferencia por los días que quedan
    Dado que Laura tiene el paquete familiar mensual
    Y que hoy es el <fecha>
    Cuando Laura pide pasar al paquete premium
    Entonces Laura ya tiene el paquete premium
    Y se emite una factura de ajuste por $ <importe> más IVA $ <iva>

    Ejemplos:
      | fecha      | importe   | iva      |
      | 15/01/2026 | 20.000,00 | 4.200,00 |
      | 30/01/2026 | 10.322,58 | 2.167,74 |
      | 31/01/2026 | 9.677,42  | 2.032,26 |
      | 14/02/2026 | 645,16    | 135,48   |

  Escenario: En el plan anual el ajuste usa los precios anuales y los días del año
    Dado que Laura tiene el paquete familiar anual
    Y que hoy es el 15/07/2026
    Cuando Laura pide pasar al paquete premium
    Entonces se emite una factura de ajuste por $ 100.821,92 más IVA $ 21.172,60

  Escenario: Bajar de paquete rige desde la renovación
    Dado que Laura tiene el paquete premium mensual
    Cuando Laura pide pasar al paquete familiar
    Y corre la facturación del 15/02/2026
    Entonces Laura ya tiene el paquete familiar
    Y la última factura es por $ 25.000,00 del 15/02/2026 al 15/03/2026

  Escenario: Bajar de paquete se rechaza si el uso no entra en el menor
    Dado que Laura tiene el paquete premium mensual
    Y que la cuenta de Laura usa 9 dispositivos
    Cuando Laura pide pasar al paquete familiar
    Entonces se rechaza por exceder dispositivos: 9 de 8
    Y Laura ya tiene el paquete premium

  # Cancelar, terminar, renovar

  Esquema del escenario: Una suscripción cancelada se usa hasta el fin del período
    Dado que Laura tiene el paquete familiar mensual
    Y que Laura canceló su suscripción
    Cuando corre la facturación del <fecha>
    Entonces la suscripción de Laura está <estado>
    Y hay 1 factura emitida

    Ejemplos:
      | fecha      | estado    |
      | 14/02/2026 | cancelada |
      | 15/02/2026 | terminada |

  Esquema del escenario: Sin renovación automática la suscripción termina al fin del período
    Dado que Laura tiene el paquete familiar mensual sin renovación automática
    Y que Marta registró el pago de la primera factura de Laura
    Cuando corre la facturación del <fecha>
    Entonces la suscripción de Laura está <estado>

    Ejemplos:
      | fecha      | estado    |
      | 14/02/2026 | activa    |
      | 15/02/2026 | terminada |

  Escenario: La facturación renueva el período con una factura nueva
    Dado que Laura tiene el paquete familiar mensual
    Y que Marta registró el pago de la primera factura de Laura
    Cuando corre la facturación del 15/02/2026
    Entonces la suscripción de Laura queda activa del 15/02/2026 al 15/03/2026
    Y la última factura es por $ 25.000,00 del 15/02/2026 al 15/03/2026
    Y las facturas emitidas son CU-2026-000001 y CU-2026-000002

  # Facturas vencidas, suspensión y pago

  Esquema del escenario: Una factura impaga vence al día siguiente de su vencimiento
    Dado que Laura tiene el paquete familiar mensual
    Cuando corre la facturación del <fecha>
    Entonces la primera factura de Laura está <estado>

    Ejemplos:
      | fecha      | estado    |
      | 25/01/2026 | pendiente |
      | 26/01/2026 | vencida   |

  Esquema del escenario: A los 15 días de vencida la factura se suspende la suscripción
    Dado que Laura tiene el paquete familiar mensual
    Cuando corre la facturación del <fecha>
    Entonces la suscripción de Laura está <estado>

    Ejemplos:
      | fecha      | estado     |
      | 08/02/2026 | activa     |
      | 09/02/2026 | suspendida |

  Escenario: Pagar la factura vencida reactiva la suscripción
    Dado que Laura tiene el paquete familiar mensual
    Y que corrió la facturación del 09/02/2026
    Cuando Marta registra el pago de la primera factura de Laura
    Entonces la primera factura de Laura está pagada
    Y la suscripción de Laura está activa

  Escenario: Una factura se paga una sola vez
    Dado que Laura tiene el paquete familiar mensual
    Y que Marta registró el pago de la primera factura de Laura
    Cuando Marta registra el pago de la primera factura de Laura
    Entonces se rechaza porque la factura ya está pagada

  Escenario: Correr la facturación dos veces el mismo día no cambia nada la segunda vez
    Dado que Laura tiene el paquete familiar mensual
    Y que corrió la facturación del 15/03/2026
    Cuando corre la facturación del 15/03/2026
    Entonces la facturación no renueva, no termina, no marca vencidas ni suspende nada
    Y hay 3 facturas emitidas
    Y la suscripción de Laura está suspendida

  Escenario: Cada cuenta ve solo sus facturas
    Dado que Pedro está registrado, nacido el 03/03/1980
    Y que Laura tiene el paquete familiar mensual
    Cuando Pedro busca la primera factura de Laura
    Entonces no la encuentra

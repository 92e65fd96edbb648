# language: es
Característica: Referidos y comisiones
  Un cuidador, una institución, un familiar o la propia persona cuidada invita a alguien
  por correo con un código de referido. Cuando la persona invitada se registra con ese
  código y paga su primera factura, la invitación se convierte y quien invitó gana
  comisiones, que un administrador paga.

  Los plazos se cuentan en días de calendario (hora de Buenos Aires), con el último día
  incluido: una invitación creada el 1 de marzo sigue vigente el día 30 (31 de marzo) y
  está vencida desde el día 31 (1 de abril). Lo mismo vale para los 90 días de una
  invitación registrada y para los 30 días en que una cancelación anula la comisión.

  Antecedentes:
    Dado que hoy es "2026-03-01"
    Y "Ana" tiene el rol "cuidador"
    Y "Admin" tiene el rol "administrador"

  # --- El código -----------------------------------------------------------------

  Esquema del escenario: Un código tiene 8 caracteres, sin 0, 1, I ni O
    Cuando se escribe el código "<texto>"
    Entonces el código es <resultado>

    Ejemplos:
      | texto     | resultado             |
      | ABCD2345  | aceptado como ABCD2345 |
      | abcd2345  | aceptado como ABCD2345 |
      | ZZZZ9999  | aceptado como ZZZZ9999 |
      | ABCD234   | rechazado             |
      | ABCD23456 | rechazado             |
      | ABCD2340  | rechazado             |
      | ABCD2341  | rechazado             |
      | ABCDI234  | rechazado             |
      | ABCDO234  | rechazado             |

  Escenario: Una invitación nueva queda pendiente con un código del alfabeto permitido
    Cuando "Ana" invita a "maria@ejemplo.com" como cuidador
    Entonces la invitación a "maria@ejemplo.com" está pendiente
    Y su código tiene 8 caracteres de "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

  Escenario: Si el código sorteado ya existe, se sortea otro
    Dado que los próximos códigos sorteados son "ABCD2345, ABCD2345, WXYZ6789"
    Cuando "Ana" invita a "maria@ejemplo.com" como cuidador
    Y "Ana" invita a "jose@ejemplo.com" como cuidador
    Entonces la invitación a "maria@ejemplo.com" tiene el código "ABCD2345"
    Y la invitación a "jose@ejemplo.com" tiene el código "WXYZ6789"

  Esquema del escenario: Cada tipo de referente necesita su rol
    Dado "Rita" tiene el rol "<rol>"
    Cuando "Rita" invita a "maria@ejemplo.com" como <tipo>
    Entonces la invitación <resultado>

    Ejemplos:
      | rol                          | tipo            | resultado                                   |
      | cuidador                     | cuidador        | a "maria@ejemplo.com" está pendiente         |
      | administrador de institución | institución     | a "maria@ejemplo.com" está pendiente         |
      | familiar                     | familiar        | a "maria@ejemplo.com" está pendiente         |
      | persona cuidada              | persona cuidada | a "maria@ejemplo.com" está pendiente         |
      | familiar                     | cuidador        | es rechazada porque no tiene el rol necesario |
      | cuidador                     | institución     | es rechazada porque no tiene el rol necesario |

  Escenario: Nadie puede invitarse a sí mismo
    Cuando "Ana" invita a "ANA@ejemplo.com" como cuidador
    Entonces la invitación es rechazada porque no puede invitarse a sí misma

  Escenario: Una sola invitación abierta por referente y correo
    Dado "Ana" invitó a "maria@ejemplo.com" como cuidador
    Cuando "Ana" invita a "Maria@Ejemplo.com" como cuidador
    Entonces la invitación es rechazada porque ya hay una invitación abierta para ese correo

  Escenario: Una invitación registrada también cuenta como abierta
    Dado "Ana" invitó a "maria@ejemplo.com" como cuidador
    Y "maria@ejemplo.com" se registró con su código
    Cuando "Ana" invita a "maria@ejemplo.com" como cuidador
    Entonces la invitación es rechazada porque ya hay una invitación abierta para ese correo

  Escenario: Vencida la invitación anterior, se puede volver a invitar al mismo correo
    Dado "Ana" invitó a "maria@ejemplo.com" como cuidador
    Y pasan 31 días
    Cuando "Ana" invita a "maria@ejemplo.com" como cuidador
    Entonces "Ana" tiene 2 invitaciones a "maria@ejemplo.com", una vencida y una pendiente

  Escenario: Otro referente puede invitar al mismo correo
    Dado "Beto" tiene el rol "familiar"
    Y "Ana" invitó a "maria@ejemplo.com" como cuidador
    Cuando "Beto" invita a "maria@ejemplo.com" como familiar
    Entonces la invitación de "Beto" a "maria@ejemplo.com" está pendiente

  # --- Validar un código -----------------------------------------------------------

  Escenario: Un código pendiente y vigente es válido
    Dado "Ana" invitó a "maria@ejemplo.com" como cuidador
    Cuando alguien valida el código de "maria@ejemplo.com"
    Entonces el resultado de la validación es "válido"

  Esquema del escenario: El correo se compara sin distinguir mayúsculas
    Dado "Ana" invitó a "maria@ejemplo.com" como cuidador
    Cuando alguien valida el código de "maria@ejemplo.com" con el correo "<correo>"
    Entonces el resultado de la validación es "<resultado>"

    Ejemplos:
      | correo            | resultado            |
      | maria@ejemplo.com | válido               |
      | MARIA@Ejemplo.COM | válido               |
      | otra@ejemplo.com  | el correo no coincide |

  Esquema del escenario: Un código inexistente o mal escrito es desconocido
    Dado "Ana" invitó a "maria@ejemplo.com" como cuidador
    Cuando alguien valida el código "<código>"
    Entonces el resultado de la validación es "código desconocido"

    Ejemplos:
      | código    |
      | ZZZZ9999  |
      | ABCD0123  |
      | ABC       |

  Escenario: Un código ya usado para registrarse no está pendiente
    Dado "Ana" invitó a "maria@ejemplo.com" como cuidador
    Y "maria@ejemplo.com" se registró con su código
    Cuando alguien valida el código de "maria@ejemplo.com"
    Entonces el resultado de la validación es "ya no está pendiente"

  Esquema del escenario: Una invitación pendiente vence el día 31, aunque el vencimiento no haya corrido
    Dado "Ana" invitó a "maria@ejemplo.com" como cuidador
    Y pasan <días> días
    Cuando alguien valida el código de "maria@ejemplo.com"
    Entonces el resultado de la validación es "<resultado>"

    Ejemplos:
      | días | resultado |
      | 29   | válido    |
      | 30   | válido    |
      | 31   | vencido   |

  Escenario: Una invitación vencida por el proceso de vencimiento dice vencida
    Dado "Ana" invitó a "maria@ejemplo.com" como cuidador
    Y pasan 31 días
    Y corre el vencimiento de invitaciones
    Cuando alguien valida el código de "maria@ejemplo.com"
    Entonces el resultado de la validación es "vencido"

  # --- Registro y vencimiento --------------------------------------------------------

  Escenario: Registrarse con un código válido deja la invitación registrada
    Dado "Ana" invitó a "maria@ejemplo.com" como cuidador
    Cuando "MARIA@ejemplo.com" se registra con su código
    Entonces la invitación a "maria@ejemplo.com" está registrada
    Y la invitación a "maria@ejemplo.com" apunta al nuevo usuario

  Escenario: Registrarse con un código no le da comisión a nadie: solo paga la primera factura
    # crear cuentas con códigos propios, sin pagar, no junta comisiones ni bonos
    Dado "Ana" invitó a "maria@ejemplo.com" como cuidador
    Y "Ana" invitó a "jose@ejemplo.com" como cuidador
    Cuando "maria@ejemplo.com" se registra con su código
    Y "jose@ejemplo.com" se registra con su código
    Entonces la invitación a "maria@ejemplo.com" está registrada
    Y la invitación a "jose@ejemplo.com" está registrada
    Y "Ana" no tiene comisiones

  Escenario: Registrarse con el código de otro correo es rechazado
    Dado "Ana" invitó a "maria@ejemplo.com" como cuidador
    Cuando "jose@ejemplo.com" se registra con el código de "maria@ejemplo.com"
    Entonces el registro es rechazado porque "el correo no coincide"
    Y la invitación a "maria@ejemplo.com" está pendiente

  Esquema del escenario: El vencimiento diario vence las pendientes desde el día 31
    Dado "Ana" invitó a "maria@ejemplo.com" como cuidador
    Y pasan <días> días
    Cuando corre el vencimiento de invitaciones
    Entonces se vencen <vencidas> invitaciones
    Y la invitación a "maria@ejemplo.com" está <estado>

    Ejemplos:
      | días | vencidas | estado    |
      | 30   | 0        | pendiente |
      | 31   | 1        | vencida   |

  Esquema del escenario: Una invitación registrada sin conversión vence el día 91
    Dado "Ana" invitó a "maria@ejemplo.com" como cuidador
    Y "maria@ejemplo.com" se registró con su código
    Y pasan <días> días
    Cuando corre el vencimiento de invitaciones
    Entonces se vencen <vencidas> invitaciones
    Y la invitación a "maria@ejemplo.com" está <estado>

    Ejemplos:
      | días | vencidas | estado     |
      | 90   | 0        | registrada |
      | 91   | 1        | vencida    |

  Escenario: Correr el vencimiento dos veces no vence nada más
    Dado "Ana" invitó a "maria@ejemplo.com" como cuidador
    Y pasan 31 días
    Y corre el vencimiento de invitaciones
    Cuando corre el vencimiento de invitaciones
    Entonces se vencen 0 invitaciones

  Escenario: Un administrador puede vencer una invitación abierta
    Dado "Ana" invitó a "maria@ejemplo.com" como cuidador
    Cuando "Admin" cambia la invitación a "maria@ejemplo.com" al estado "vencida"
    Entonces la invitación a "maria@ejemplo.com" está vencida

  Escenario: Nadie puede convertir una invitación a mano
    Dado "Ana" invitó a "maria@ejemplo.com" como cuidador
    Cuando "Admin" cambia la invitación a "maria@ejemplo.com" al estado "convertida"
    Entonces el cambio es rechazado por el estado de la invitación
    Y la invitación a "maria@ejemplo.com" está pendiente

  Escenario: Solo un administrador cambia el estado de una invitación
    Dado "Ana" invitó a "maria@ejemplo.com" como cuidador
    Cuando "Ana" cambia la invitación a "maria@ejemplo.com" al estado "vencida"
    Entonces el cambio es rechazado porque no es administrador

  # --- Conversión y comisión del primer mes ------------------------------------------

  Esquema del escenario: La primera factura pagada convierte y paga el primer mes a cada tipo de referente
    Dado "Rita" tiene el rol "<rol>"
    Y "Rita" invitó a "maria@ejemplo.com" como <tipo>
    Y "maria@ejemplo.com" se registró con su código
    Cuando "maria@ejemplo.com" paga su primera factura de un plan <ciclo> de ARS <precio>
    Entonces la invitación a "maria@ejemplo.com" está convertida
    Y "Rita" tiene una comisión de primer mes de ARS <comisión> sobre una base de ARS <base>

    Ejemplos:
      | rol                          | tipo            | ciclo   | precio     | base      | comisión |
      | cuidador                     | cuidador        | mensual | 25,000.00  | 25,000.00 | 5,000.00 |
      | administrador de institución | institución     | mensual | 25,000.00  | 25,000.00 | 3,750.00 |
      | familiar                     | familiar        | mensual | 25,000.00  | 25,000.00 | 2,500.00 |
      | persona cuidada              | persona cuidada | mensual | 25,000.00  | 25,000.00 | 2,500.00 |
      | cuidador                     | cuidador        | anual   | 250,000.00 | 20,833.33 | 4,166.67 |
      | administrador de institución | institución     | anual   | 250,000.00 | 20,833.33 | 3,125.00 |
      | familiar                     | familiar        | anual   | 250,000.00 | 20,833.33 | 2,083.33 |
      | persona cuidada              | persona cuidada | anual   | 250,000.00 | 20,833.33 | 2,083.33 |

  Esquema del escenario: Los centavos se redondean al más cercano, la mitad hacia arriba
    Dado "Rita" tiene el rol "<rol>"
    Y "Rita" invitó a "maria@ejemplo.com" como <tipo>
    Y "maria@ejemplo.com" se registró con su código
    Cuando "maria@ejemplo.com" paga su primera factura de un plan mensual de ARS <precio>
    Entonces "Rita" tiene una comisión de primer mes de ARS <comisión> sobre una base de ARS <precio>

    Ejemplos:
      | rol                          | tipo        | precio    | comisión |
      | administrador de institución | institución | 12,345.67 | 1,851.85 |
      | administrador de institución | institución | 12,345.50 | 1,851.83 |
      | familiar                     | familiar    | 12,345.65 | 1,234.57 |
      | cuidador                     | cuidador    | 12,345.67 | 2,469.13 |

  Escenario: Una invitación registrada que venció ya no se convierte
    Dado "Ana" invitó a "maria@ejemplo.com" como cuidador
    Y "maria@ejemplo.com" se registró con su código
    Y pasan 91 días
    Cuando "maria@ejemplo.com" paga su primera factura de un plan mensual de ARS 25,000.00
    Entonces la invitación a "maria@ejemplo.com" está vencida
    Y "Ana" no tiene comisiones

  Escenario: El mismo aviso de pago repetido no crea una segunda comisión
    Dado "Ana" invitó a "maria@ejemplo.com" como cuidador
    Y "maria@ejemplo.com" se registró con su código
    Cuando "maria@ejemplo.com" paga su primera factura de un plan mensual de ARS 25,000.00
    Y llega otra vez el aviso de pago de esa misma factura
    Entonces "Ana" tiene 1 comisión de primer mes
    Y "Ana" tiene 0 comisiones recurrentes

  # --- Comisiones recurrentes ----------------------------------------------------------

  Esquema del escenario: Cada mes pagado después del primero da una comisión recurrente según el tipo
    Dado "Rita" tiene el rol "<rol>"
    Y "Rita" invitó a "maria@ejemplo.com" como <tipo>
    Y "maria@ejemplo.com" se registró con su código
    Y "maria@ejemplo.com" pagó su primera factura de un plan mensual de ARS 25,000.00
    Cuando "maria@ejemplo.com" paga 1 factura mensual más
    Entonces "Rita" tiene <cantidad> comisiones recurrentes de ARS <monto> cada una

    Ejemplos:
      | rol                          | tipo            | cantidad | monto    |
      | cuidador                     | cuidador        | 1        | 1,250.00 |
      | administrador de institución | institución     | 1        | 1,250.00 |
      | familiar                     | familiar        | 0        | 0.00     |
      | persona cuidada              | persona cuidada | 0        | 0.00     |

  Esquema del escenario: Las comisiones recurrentes llegan hasta 12 meses, no a un 13.º
    Dado "Ana" invitó a "maria@ejemplo.com" como cuidador
    Y "maria@ejemplo.com" se registró con su código
    Y "maria@ejemplo.com" pagó su primera factura de un plan mensual de ARS 25,000.00
    Cuando "maria@ejemplo.com" paga <meses> facturas mensuales más
    Entonces "Ana" tiene <recurrentes> comisiones recurrentes de ARS 1,250.00 cada una

    Ejemplos:
      | meses | recurrentes |
      | 11    | 11          |
      | 12    | 12          |
      | 13    | 12          |

  # --- Bono por conversiones -----------------------------------------------------------

  Esquema del escenario: La 5.ª conversión de un mismo mes gana el bono de ARS 5,000.00
    Cuando <n> personas invitadas por "Ana" se registran y pagan su primera factura
    Entonces "Ana" tiene <bonos> bonos de ARS 5,000.00

    Ejemplos:
      | n  | bonos |
      | 4  | 0     |
      | 5  | 1     |
      | 9  | 1     |
      | 10 | 2     |

  Escenario: Conversiones de meses distintos no se suman para el bono
    Dado que hoy es "2026-03-20"
    Y 4 personas invitadas por "Ana" se registran y pagan su primera factura
    Y que hoy es "2026-04-02"
    Cuando 1 persona invitada por "Ana" se registra y paga su primera factura
    Entonces "Ana" tiene 0 bonos de ARS 5,000.00

  Escenario: Las conversiones de otro referente no cuentan para el bono
    Dado "Beto" tiene el rol "cuidador"
    Y 4 personas invitadas por "Ana" se registran y pagan su primera factura
    Cuando 1 persona invitada por "Beto" se registra y paga su primera factura
    Entonces "Ana" tiene 0 bonos de ARS 5,000.00
    Y "Beto" tiene 0 bonos de ARS 5,000.00

  # --- Pago de comisiones --------------------------------------------------------------

  Escenario: Un administrador paga una comisión pendiente
    Dado "Ana" invitó a "maria@ejemplo.com" como cuidador
    Y "maria@ejemplo.com" se registró con su código
    Y "maria@ejemplo.com" pagó su primera factura de un plan mensual de ARS 25,000.00
    Cuando "Admin" paga la comisión de primer mes de "Ana"
    Entonces la comisión de primer mes de "Ana" está pagada con fecha "2026-03-01"

  Escenario: Pagar dos veces la misma comisión es un conflicto
    Dado "Ana" invitó a "maria@ejemplo.com" como cuidador
    Y "maria@ejemplo.com" se registró con su código
    Y "maria@ejemplo.com" pagó su primera factura de un plan mensual de ARS 25,000.00
    Y "Admin" pagó la comisión de primer mes de "Ana"
    Cuando "Admin" paga la comisión de primer mes de "Ana"
    Entonces el pago es rechazado porque la comisión ya está pagada

  Escenario: Solo un administrador paga comisiones
    Dado "Ana" invitó a "maria@ejemplo.com" como cuidador
    Y "maria@ejemplo.com" se registró con su código
    Y "maria@ejemplo.com" pagó su primera factura de un plan mensual de ARS 25,000.00
    Cuando "Ana" paga la comisión de primer mes de "Ana"
    Entonces el pago es rechazado porque no es administrador
    Y la comisión de primer mes de "Ana" está pendiente

  # --- Cancelación -------------------------------------------------------------------

  Esquema del escenario: Cancelar dentro de los 30 días de la conversión anula la comisión
    Dado "Ana" invitó a "maria@ejemplo.com" como cuidador
    Y "maria@ejemplo.com" se registró con su código
    Y "maria@ejemplo.com" pagó su primera factura de un plan mensual de ARS 25,000.00
    Y pasan <días> días
    Cuando "maria@ejemplo.com" cancela su suscripción
    Entonces la comisión de primer mes de "Ana" está <estado>

    Ejemplos:
      | días | estado    |
      | 0    | cancelada |
      | 29   | cancelada |
      | 30   | cancelada |
      | 31   | pendiente |

  Escenario: Una comisión ya pagada no se anula al cancelar
    Dado "Ana" invitó a "maria@ejemplo.com" como cuidador
    Y "maria@ejemplo.com" se registró con su código
    Y "maria@ejemplo.com" pagó su primera factura de un plan mensual de ARS 25,000.00
    Y "Admin" pagó la comisión de primer mes de "Ana"
    Y pasan 10 días
    Cuando "maria@ejemplo.com" cancela su suscripción
    Entonces la comisión de primer mes de "Ana" está pagada con fecha "2026-03-01"

  # --- Estadísticas ------------------------------------------------------------------

  Escenario: Las estadísticas muestran invitaciones, conversión y comisiones
    Dado "Ana" invitó a "maria@ejemplo.com" como cuidador
    Y "Ana" invitó a "jose@ejemplo.com" como cuidador
    Y "Ana" invitó a "luz@ejemplo.com" como cuidador
    Y "Ana" invitó a "eva@ejemplo.com" como cuidador
    Y "jose@ejemplo.com" se registró con su código
    Y "maria@ejemplo.com" se registró con su código
    Y "maria@ejemplo.com" pagó su primera factura de un plan mensual de ARS 25,000.00
    Cuando "Ana" consulta sus estadísticas
    Entonces ve 4 invitaciones: 2 pendientes, 1 registrada y 1 convertida
    Y una tasa de conversión de 25.00 %
    Y comisiones pendientes por ARS 5,000.00 y pagadas por ARS 0.00

# language: es
Característica: Capacidad legal para contratar el cuidado
  Una persona puede contratar cuando tiene 18 años o más ese día y capacidad plena.
  Quien se cuida a sí mismo contrata para sí y debe poder contratar.
  Quien está a cargo de otra persona necesita una representación legal vigente:
  verificada por un administrador y dentro de sus fechas. Solo esa representante
  contrata o cambia el cuidado, y también ella debe poder contratar.
  Cada rechazo dice su motivo.

  Antecedentes:
    Dado que hoy es el 15/01/2026
    Y que Ana es administradora
    Y que Laura está registrada, nacida el 12/08/1975

  # Edad y capacidad de una persona

  Esquema del escenario: La mayoría de edad se alcanza el día en que se cumplen 18 años
    Dado una persona nacida el <nacimiento> con capacidad plena
    Cuando Laura consulta su capacidad legal para el <fecha>
    Entonces la persona tiene <edad> años
    Y <resultado>

    Ejemplos:
      | nacimiento | fecha      | edad | resultado                            |
      | 16/03/2008 | 15/03/2026 | 17   | no puede contratar: menor de edad    |
      | 16/03/2008 | 16/03/2026 | 18   | puede contratar                      |
      | 29/02/2008 | 28/02/2026 | 17   | no puede contratar: menor de edad    |
      | 29/02/2008 | 01/03/2026 | 18   | puede contratar                      |

  Esquema del escenario: Quien nació un 29 de febrero cumple años el 29 de febrero de un año bisiesto
    Dado una persona nacida el 29/02/2004 con capacidad plena
    Cuando Laura consulta su capacidad legal para el <fecha>
    Entonces la persona tiene <edad> años

    Ejemplos:
      | fecha      | edad |
      | 28/02/2024 | 19   |
      | 29/02/2024 | 20   |
      | 28/02/2025 | 20   |
      | 01/03/2025 | 21   |

  Esquema del escenario: Cada capacidad declarada tiene su respuesta
    Dado una persona nacida el <nacimiento> con capacidad <capacidad>
    Cuando Laura consulta su capacidad legal para el 15/01/2026
    Entonces <resultado>

    Ejemplos:
      | nacimiento | capacidad    | resultado                                  |
      | 10/05/1950 | plena        | puede contratar                            |
      | 10/05/1950 | restringida  | no puede contratar: capacidad restringida  |
      | 10/05/1950 | incapacitada | no puede contratar: incapacidad declarada  |
      | 20/06/2010 | restringida  | no puede contratar: menor de edad          |

  Escenario: Sin fecha de nacimiento no se puede contratar
    Dado una persona sin fecha de nacimiento con capacidad plena
    Cuando Laura consulta su capacidad legal para el 15/01/2026
    Entonces no puede contratar: sin fecha de nacimiento
    Y no se conoce su edad

  # Cuidado propio

  Esquema del escenario: Para cuidarse a sí misma la persona debe poder contratar
    Dado que Elena está registrada, nacida el <nacimiento>
    Cuando Elena se da de alta para cuidarse a sí misma con capacidad <capacidad>
    Entonces <resultado>

    Ejemplos:
      | nacimiento | capacidad    | resultado                                  |
      | 10/05/1950 | plena        | Elena queda a su propio cuidado            |
      | 16/01/2008 | plena        | no puede contratar: menor de edad          |
      | 15/01/2008 | plena        | Elena queda a su propio cuidado            |
      | 10/05/1950 | restringida  | no puede contratar: capacidad restringida  |
      | 10/05/1950 | incapacitada | no puede contratar: incapacidad declarada  |

  Escenario: Solo la persona contrata su propio cuidado
    Dado que Elena está registrada, nacida el 10/05/1950
    Y que Elena se dio de alta para cuidarse a sí misma
    Y que Elena dio acceso a Laura a su cuidado
    Cuando Elena consulta si puede contratar para Elena
    Entonces puede contratar
    Cuando Laura consulta si puede contratar para Elena
    Entonces no puede contratar: no es el representante

  # Cuidado delegado

  Escenario: Una persona a cargo de otra sin representación no puede contratar
    Dado que Laura tiene a su cargo a Rosa, nacida el 03/04/1940
    Cuando Laura consulta si puede contratar para Rosa
    Entonces no puede contratar: sin representante vigente

  Escenario: Una representación aún no verificada no habilita a contratar
    Dado que Laura tiene a su cargo a Rosa, nacida el 03/04/1940
    Y que Laura pidió ser representante de Rosa como hija desde el 01/01/2025
    Cuando Laura consulta si puede contratar para Rosa
    Entonces no puede contratar: sin representante vigente
    Y Rosa no tiene representante vigente

  Esquema del escenario: La representación solo rige dentro de sus fechas, ambos días incluidos
    Dado que Laura tiene a su cargo a Rosa, nacida el 03/04/1940
    Y que Laura pidió ser representante de Rosa como hija desde el 01/02/2025 hasta el 31/01/2026
    Y que Ana verificó esa representación
    Cuando Laura consulta si puede contratar para Rosa el <fecha>
    Entonces <resultado>

    Ejemplos:
      | fecha      | resultado                                     |
      | 31/01/2025 | no puede contratar: sin representante vigente |
      | 01/02/2025 | puede contratar                               |
      | 31/01/2026 | puede contratar                               |
      | 01/02/2026 | no puede contratar: sin representante vigente |

  Escenario: La representante verificada y vigente contrata y es la representante de la persona
    Dado que Laura tiene a su cargo a Rosa, nacida el 03/04/1940
    Y que Laura pidió ser representante de Rosa como hija desde el 01/01/2025
    Y que Ana verificó esa representación
    Cuando Laura consulta si puede contratar para Rosa
    Entonces puede contratar
    Y la representante vigente de Rosa es Laura

  Esquema del escenario: La representante también debe poder contratar
    Dado que Laura tiene a su cargo a Rosa, nacida el 03/04/1940
    Y que Marta está registrada, nacida el <nacimiento>
    Y que la capacidad de Marta es <capacidad>
    Y que Laura dio acceso a Marta al cuidado de Rosa
    Y que Marta pidió ser representante de Rosa como tutora desde el 01/01/2025
    Y que Ana verificó esa representación
    Cuando Marta consulta si puede contratar para Rosa el <fecha>
    Entonces <resultado>

    Ejemplos:
      | nacimiento | capacidad    | fecha      | resultado                                              |
      | 16/03/2008 | plena        | 15/03/2026 | no puede contratar: el representante no puede contratar |
      | 16/03/2008 | plena        | 16/03/2026 | puede contratar                                        |
      | 01/07/1980 | restringida  | 15/01/2026 | no puede contratar: el representante no puede contratar |
      | 01/07/1980 | incapacitada | 15/01/2026 | no puede contratar: el representante no puede contratar |
      | 01/07/1980 | plena        | 15/01/2026 | puede contratar                                        |

  Escenario: Quien no es la representante no puede contratar aunque vea a la persona
    Dado que Laura tiene a su cargo a Rosa, nacida el 03/04/1940
    Y que Pedro está registrado, nacido el 02/02/1970
    Y que Laura dio acceso a Pedro al cuidado de Rosa
    Y que Laura pidió ser representante de Rosa como hija desde el 01/01/2025
    Y que Ana verificó esa representación
    Cuando Pedro consulta si puede contratar para Rosa
    Entonces no puede contratar: no es el representante

  # Verificación de la representación

  Escenario: Solo un administrador verifica una representación
    Dado que Laura tiene a su cargo a Rosa, nacida el 03/04/1940
    Y que Laura pidió ser representante de Rosa como hija desde el 01/01/2025
    Cuando Laura intenta verificar esa representación
    Entonces se rechaza por falta de permiso
    Y Rosa no tiene representante vigente

  Escenario: Una representación no se verifica dos veces
    Dado que Laura tiene a su cargo a Rosa, nacida el 03/04/1940
    Y que Laura pidió ser representante de Rosa como hija desde el 01/01/2025
    Y que Ana verificó esa representación
    Cuando Ana intenta verificar esa representación
    Entonces se rechaza porque ya estaba verificada

  # Cambiar el cuidado

  Escenario: Quien ve a la persona puede corregir su nombre, pero no cambiar su cuidado
    Dado que Laura tiene a su cargo a Rosa, nacida el 03/04/1940
    Y que Pedro está registrado, nacido el 02/02/1970
    Y que Laura dio acceso a Pedro al cuidado de Rosa
    Y que Laura pidió ser representante de Rosa como hija desde el 01/01/2025
    Y que Ana verificó esa representación
    Cuando Pedro cambia el nombre de Rosa a "Rosa María"
    Entonces el nombre de Rosa es "Rosa María"
    Cuando Pedro cambia la capacidad de Rosa a restringida
    Entonces no puede contratar: no es el representante
    Y la capacidad de Rosa sigue siendo plena

  Escenario: La representante vigente cambia el cuidado
    Dado que Laura tiene a su cargo a Rosa, nacida el 03/04/1940
    Y que Laura pidió ser representante de Rosa como hija desde el 01/01/2025
    Y que Ana verificó esa representación
    Cuando Laura cambia la capacidad de Rosa a restringida
    Entonces la capacidad de Rosa es restringida

# language: es
Característica: Reseñas y puntajes de cuidadores e instituciones
  Quien tiene una relación de cuidado con una persona cuidada (la propia persona, si se
  cuida a sí misma, o su representante legal activo) puede reseñar al cuidador o a la
  institución que la cuidó. Una reseña lleva de 1 a 5 estrellas, calificaciones por
  categoría optativas (también de 1 a 5), si lo recomienda, y un comentario de hasta
  2000 caracteres. Hay una sola reseña por autor, reseñado, persona cuidada y día de servicio.

  El puntaje de cada cuidador o institución es un promedio bayesiano:
      puntaje = (5 × m + suma de sus estrellas) / (5 + cantidad de sus reseñas)
  donde m, la media de referencia, es la media de estrellas de TODAS las reseñas públicas
  del mismo tipo (todos los cuidadores, o todas las instituciones), incluidas las del
  propio reseñado; 3 cuando no hay ninguna. Se redondea a 2 decimales, la mitad hacia
  arriba. Solo cuentan las reseñas públicas: un administrador puede ocultar una reseña.
  El puntaje se recalcula con cada reseña nueva u ocultada del reseñado.

  Antecedentes:
    Dado que hoy es el 15/01/2026
    Y que Rosa se cuida a sí misma
    Y que la cuidadora Marta cuidó a Rosa
    Y que la residencia Los Aromos tuvo a Rosa como residente

  Esquema del escenario: La calificación general va de 1 a 5 estrellas
    Cuando Rosa reseña a Marta con <estrellas> estrellas
    Entonces la reseña es <resultado>

    Ejemplos:
      | estrellas | resultado                                            |
      | 0         | rechazada porque la calificación está fuera de 1 a 5 |
      | 1         | aceptada                                             |
      | 5         | aceptada                                             |
      | 6         | rechazada porque la calificación está fuera de 1 a 5 |

  Esquema del escenario: Cada categoría se califica también de 1 a 5
    Cuando Rosa reseña a Marta con 4 estrellas y <valor> en experiencia
    Entonces la reseña es <resultado>

    Ejemplos:
      | valor | resultado                                          |
      | 0     | rechazada porque una categoría está fuera de 1 a 5 |
      | 1     | aceptada                                           |
      | 5     | aceptada                                           |
      | 6     | rechazada porque una categoría está fuera de 1 a 5 |

  Escenario: Una categoría de instituciones no sirve para calificar a un cuidador
    Cuando Rosa reseña a Marta con 4 estrellas y 5 en precio
    Entonces la reseña es rechazada porque la categoría no es de cuidadores

  Escenario: Una institución se califica en sus propias categorías
    Cuando Rosa reseña a Los Aromos con 4 estrellas y 5 en calidad médica
    Entonces la reseña es aceptada
    Y el puntaje de Los Aromos en calidad médica es 5,00
    Y Los Aromos no tiene puntaje en precio

  Esquema del escenario: El comentario admite hasta 2000 caracteres
    Cuando Rosa reseña a Marta con un comentario de <largo> caracteres
    Entonces la reseña es <resultado>

    Ejemplos:
      | largo | resultado                                         |
      | 2000  | aceptada                                          |
      | 2001  | rechazada porque el comentario es demasiado largo |

  Esquema del escenario: El servicio reseñado no puede ser futuro
    Cuando Rosa reseña a Marta con 4 estrellas por el servicio de <día>
    Entonces la reseña es <resultado>

    Ejemplos:
      | día    | resultado                                       |
      | ayer   | aceptada                                        |
      | hoy    | aceptada                                        |
      | mañana | rechazada porque el servicio todavía no ocurrió |

  Escenario: La persona que se cuida a sí misma reseña a su cuidadora
    Cuando Rosa reseña a Marta con 4 estrellas
    Entonces la reseña es aceptada
    Y las reseñas visibles de Marta son de 4 estrellas

  Escenario: El representante legal activo reseña en nombre de la persona representada
    Dado que Elena está a cargo de Pablo, su representante legal verificado
    Y que la cuidadora Marta cuidó a Elena
    Cuando Pablo reseña a Marta por el cuidado de Elena con 5 estrellas
    Entonces la reseña es aceptada

  Escenario: Un familiar con acceso pero sin representación legal no puede reseñar
    Dado que Elena está a cargo de Pablo, su representante legal verificado
    Y que la cuidadora Marta cuidó a Elena
    Y que Lucía es familiar de Elena con acceso pero sin representación legal
    Cuando Lucía reseña a Marta por el cuidado de Elena con 5 estrellas
    Entonces la reseña es rechazada porque no tiene una relación de cuidado

  Escenario: Un representante cuya representación venció ya no puede reseñar
    Dado que Elena está a cargo de Pablo, cuya representación venció el 14/01/2026
    Y que la cuidadora Marta cuidó a Elena
    Cuando Pablo reseña a Marta por el cuidado de Elena con 5 estrellas
    Entonces la reseña es rechazada porque no tiene una relación de cuidado

  Escenario: No se puede reseñar a un cuidador que nunca cuidó a la persona
    Dado que el cuidador Juan nunca cuidó a Rosa
    Cuando Rosa reseña a Juan con 4 estrellas
    Entonces la reseña es rechazada porque no cuidó a esa persona

  Escenario: No se puede reseñar a una cuidadora que fue invitada pero nunca aceptó
    # asignar a un cuidador es invitarlo: si no acepta, nunca cuidó a la persona
    Dado que la cuidadora Lina fue invitada a cuidar a Rosa pero no aceptó
    Cuando Rosa reseña a Lina con 4 estrellas
    Entonces la reseña es rechazada porque no cuidó a esa persona

  Escenario: Tampoco a una cuidadora que rechazó cuidar a la persona
    Dado que la cuidadora Lina fue invitada a cuidar a Rosa y rechazó
    Cuando Rosa reseña a Lina con 4 estrellas
    Entonces la reseña es rechazada porque no cuidó a esa persona

  Escenario: No se puede reseñar a una institución que nunca tuvo a la persona
    Dado que la residencia Las Lomas nunca tuvo a Rosa
    Cuando Rosa reseña a Las Lomas con 4 estrellas
    Entonces la reseña es rechazada porque no cuidó a esa persona

  Escenario: La institución que tuvo a la persona sí puede ser reseñada
    Cuando Rosa reseña a Los Aromos con 4 estrellas
    Entonces la reseña es aceptada
    Y el puntaje de Los Aromos es 4,00 con 1 reseña

  Escenario: Alguien ajeno a la persona cuidada ni siquiera la encuentra
    Dado que Tomás no tiene relación con Rosa
    Cuando Tomás reseña a Marta por el cuidado de Rosa con 5 estrellas
    Entonces la reseña es rechazada porque la persona cuidada no existe para quien reseña

  Escenario: Solo se reseña como cuidador a quien lo es
    Dado que Jorge es usuario pero no es cuidador
    Cuando Rosa reseña a Jorge con 4 estrellas
    Entonces la reseña es rechazada porque el cuidador no existe

  Escenario: Solo se reseña a una institución registrada
    Dado que la residencia Las Lomas no está registrada
    Cuando Rosa reseña a Las Lomas con 4 estrellas
    Entonces la reseña es rechazada porque la institución no existe

  Escenario: Un mismo servicio se reseña una sola vez
    Dado que Rosa reseñó a Marta con 4 estrellas por el servicio del 10/01/2026
    Cuando Rosa reseña a Marta con 5 estrellas por el servicio del 10/01/2026
    Entonces la reseña es rechazada porque ya existe una reseña de ese servicio
    Y el puntaje de Marta es 4,00 con 1 reseña

  Escenario: El mismo autor puede reseñar otro día de servicio
    Dado que Rosa reseñó a Marta con 4 estrellas por el servicio del 10/01/2026
    Cuando Rosa reseña a Marta con 5 estrellas por el servicio del 11/01/2026
    Entonces la reseña es aceptada
    # m = (4 + 5) / 2 = 4,5; (5 × 4,5 + 9) / (5 + 2) = 31,5 / 7
    Y el puntaje de Marta es 4,50 con 2 reseñas

  Escenario: Sin ninguna reseña de cuidadores el puntaje es la media por defecto
    Dado que nadie reseñó todavía a ningún cuidador
    Entonces la media de referencia de los cuidadores es 3,00
    Y el puntaje de Marta es 3,00 con 0 reseñas

  Escenario: La primera reseña de todas ya es la media de referencia
    # m deja de ser 3 en cuanto existe una reseña: es la media de las reseñas públicas,
    # y la única es esta. (5 × 5 + 5) / (5 + 1) = 30 / 6
    Cuando Rosa reseña a Marta con 5 estrellas
    Entonces la media de referencia de los cuidadores es 5,00
    Y el puntaje de Marta es 5,00 con 1 reseña

  Escenario: Un cuidador sin reseñas toma la media de los demás cuidadores
    Dado que el cuidador Beto recibió 3 reseñas de 2 estrellas
    Entonces el puntaje de Marta es 2,00 con 0 reseñas

  Escenario: Con pocas reseñas el puntaje se acerca a la media, redondeado la mitad hacia arriba
    Dado que el cuidador Beto recibió 3 reseñas de 2 estrellas
    Cuando Rosa reseña a Marta con 5 estrellas
    # m = (3 × 2 + 5) / 4 = 2,75; (5 × 2,75 + 5) / (5 + 1) = 18,75 / 6 = 3,125
    Entonces la media de referencia de los cuidadores es 2,75
    Y el puntaje de Marta es 3,13 con 1 reseña

  Esquema del escenario: Con muchas reseñas el puntaje se acerca a la media propia
    Dado que el cuidador Beto recibió 5 reseñas de 1 estrella
    Cuando Marta recibe <n> reseñas de 5 estrellas
    Entonces la media de referencia de los cuidadores es <m>
    Y el puntaje de Marta es <puntaje> con <n> reseñas

    Ejemplos:
      | n  | m    | puntaje |
      | 1  | 1,67 | 2,22    |
      | 5  | 3,00 | 4,00    |
      | 20 | 4,20 | 4,84    |
      | 95 | 4,80 | 4,99    |

  Escenario: Las categorías se promedian solas y quedan vacías si nadie las calificó
    Cuando Rosa reseña a Marta en días distintos con:
      | estrellas | experiencia | calidad | confiabilidad |
      | 5         | 4           | 3       |               |
      | 4         | 5           |         |               |
      | 3         | 4           |         |               |
    Entonces el puntaje de Marta es 4,00 con 3 reseñas
    Y el puntaje de Marta en experiencia es 4,33
    Y el puntaje de Marta en calidad es 3,00
    Y Marta no tiene puntaje en confiabilidad
    Y Marta no tiene puntaje en disponibilidad

  Escenario: Ocultar una reseña la saca del puntaje y de la lista
    Dado que Rosa reseñó a Marta con 5 estrellas por el servicio del 10/01/2026
    Y que Rosa reseñó a Marta con 2 estrellas por el servicio del 11/01/2026
    Y que el puntaje de Marta es 3,50 con 2 reseñas
    Cuando el administrador oculta la reseña de 2 estrellas a Marta
    # solo queda la de 5: m = 5 y (5 × 5 + 5) / (5 + 1) = 5
    Entonces el puntaje de Marta es 5,00 con 1 reseña
    Y la media de referencia de los cuidadores es 5,00
    Y las reseñas visibles de Marta son de 5 estrellas

  Escenario: Solo un administrador oculta reseñas
    Dado que Rosa reseñó a Marta con 5 estrellas por el servicio del 10/01/2026
    Y que Rosa reseñó a Marta con 2 estrellas por el servicio del 11/01/2026
    Cuando Rosa intenta ocultar la reseña de 2 estrellas a Marta
    Entonces la ocultación es rechazada porque solo un administrador puede hacerlo
    Y el puntaje de Marta es 3,50 con 2 reseñas
    Y las reseñas visibles de Marta son de 2 y 5 estrellas

  Escenario: Las instituciones tienen su propia media de referencia
    Dado que el cuidador Beto recibió 3 reseñas de 1 estrella
    Cuando Rosa reseña a Los Aromos con 5 estrellas
    Entonces la media de referencia de las instituciones es 5,00
    Y el puntaje de Los Aromos es 5,00 con 1 reseña
    Y la media de referencia de los cuidadores es 1,00
    Y el puntaje de Beto es 1,00 con 3 reseñas

  Escenario: Una institución con pocas reseñas se acerca a la media de las instituciones
    Dado que la residencia Las Lomas recibió 4 reseñas de 5 estrellas
    Y que el cuidador Beto recibió 3 reseñas de 1 estrella
    Cuando Rosa reseña a Los Aromos con 1 estrella
    # m = (4 × 5 + 1) / 5 = 4,2 (los cuidadores no cuentan); (5 × 4,2 + 1) / 6 = 3,666…
    Entonces la media de referencia de las instituciones es 4,20
    Y el puntaje de Los Aromos es 3,67 con 1 reseña

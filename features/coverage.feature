# language: es
Característica: Protección de la persona cuidada
  En todo momento cada persona cuidada está protegida, degradada o desprotegida, y se
  sabe por qué, motivo por motivo. Los motivos:
    - Un dispositivo de seguridad (botón de pánico, sensor de gas, sensor de movimiento)
      desconectado: lo que vigila pasaría inadvertido. Deja a la persona desprotegida.
      Un dispositivo del que nunca se supo nada todavía no cuenta; los demás
      dispositivos (tensiómetro, cámara) tampoco.
    - Un dispositivo de seguridad con la batería por debajo del 20 %: todavía funciona,
      pero se va a apagar. Deja a la persona degradada.
    - Nadie del primer nivel de aviso (la persona si se cuida sola, su representante
      legal, su cuidador principal que aceptó) puede recibir avisos: la alerta sigue
      subiendo de nivel, pero la familia se entera tarde. Deja a la persona degradada.
    - En las últimas 24 horas se enviaron avisos de sus alertas y ninguno llegó a nadie:
      nadie se enteraría. Deja a la persona desprotegida. Si no se envió nada, no hay
      nada que juzgar.
  El motivo más grave manda; sin motivos, la persona está protegida.

  La protección se controla cada 5 minutos, y en el acto cuando un dispositivo se
  desconecta. Empeorar (de protegida a degradada o desprotegida, de degradada a
  desprotegida) abre una alerta de "protección interrumpida" por la escalera de siempre:
  media si queda degradada, alta si queda desprotegida; si ya hay una abierta, se suma a
  ella. Mientras la protección no cambia no se abre nada más, y mejorar tampoco abre
  nada: la alerta queda para que alguien la confirme y la resuelva.

  Antecedentes:
    Dado que Ana tiene a su cargo a Elena y es su representante legal
    Y que Elena tiene un botón de pánico, un sensor de gas, un sensor de movimiento y un tensiómetro, conectados y con la batería al 90 %

  # Los motivos

  Escenario: Con todo en orden, Elena está protegida
    Cuando se controla la protección
    Entonces Elena está protegida
    Y no hay ninguna alerta de protección interrumpida

  Esquema del escenario: Un dispositivo de seguridad desconectado la deja desprotegida; los demás no cuentan
    Cuando <dispositivo> deja de latir
    Entonces Elena está <estado>

    Ejemplos:
      | dispositivo              | estado                                                      |
      | el botón de pánico       | desprotegida porque el botón de pánico está desconectado    |
      | el sensor de gas         | desprotegida porque el sensor de gas está desconectado      |
      | el sensor de movimiento  | desprotegida porque el sensor de movimiento está desconectado |
      | el tensiómetro           | protegida                                                   |

  Esquema del escenario: Un dispositivo de seguridad con poca batería la deja degradada
    Cuando el botón de pánico informa la batería al <batería> %
    Y se controla la protección
    Entonces Elena está <estado>

    Ejemplos:
      | batería | estado                                                    |
      | 19      | degradada porque el botón de pánico tiene la batería baja |
      | 20      | protegida                                                 |

  Esquema del escenario: Sin nadie en el primer nivel que pueda recibir avisos queda degradada
    Dado que Ana también tiene a su cargo a Rosa, que tiene un botón de pánico conectado
    Y que en el primer nivel de Rosa está <primer nivel>
    Cuando se controla la protección
    Entonces Rosa está <estado>

    Ejemplos:
      | primer nivel                                | estado                                                              |
      | nadie                                       | degradada porque nadie del primer nivel puede recibir avisos        |
      | su cuidadora principal, que aún no aceptó   | degradada porque nadie del primer nivel puede recibir avisos        |
      | su cuidadora principal, que aceptó          | protegida                                                           |
      | su representante legal                      | protegida                                                           |

  Escenario: Quien se cuida a sí misma es su propio primer nivel
    Dado que Marta se cuida a sí misma y tiene un botón de pánico conectado
    Cuando se controla la protección
    Entonces Marta está protegida

  Esquema del escenario: Si de lo enviado en las últimas 24 horas no llegó nada, queda desprotegida
    Dado que hace <hace> se avisó de una alerta de Elena y <llegó>
    Cuando se controla la protección
    Entonces Elena está <estado>

    Ejemplos:
      | hace       | llegó                  | estado                                                            |
      | 1 hora     | ningún aviso llegó     | desprotegida porque ningún aviso llegó en las últimas 24 horas    |
      | 1 hora     | un aviso llegó         | protegida                                                         |
      | 25 horas   | ningún aviso llegó     | protegida                                                         |

  # Los cambios

  Escenario: De protegida a degradada se abre una alerta media y se avisa en el acto al nivel 1
    Cuando el botón de pánico informa la batería al 15 %
    Y se controla la protección
    Entonces Elena está degradada porque el botón de pánico tiene la batería baja
    Y hay 1 alerta de protección interrumpida, de gravedad media, con 1 ocurrencia
    Y de ella se avisó en el acto a Ana

  Escenario: De protegida a desprotegida, en cuanto un dispositivo se desconecta, se abre una alerta alta
    Cuando el botón de pánico deja de latir
    Entonces Elena está desprotegida porque el botón de pánico está desconectado
    Y hay 1 alerta de protección interrumpida, de gravedad alta, con 1 ocurrencia
    Y de ella se avisó en el acto a Ana

  Escenario: De degradada a desprotegida, la alerta abierta sube a gravedad alta
    Dado que el botón de pánico informó la batería al 15 % y se controló la protección
    Cuando el sensor de gas deja de latir
    Entonces Elena está desprotegida porque el botón de pánico tiene la batería baja y el sensor de gas está desconectado
    Y hay 1 alerta de protección interrumpida, de gravedad alta, con 2 ocurrencias

  Escenario: Mientras sigue sin protección no se abre otra alerta ni se vuelve a avisar
    Cuando el botón de pánico deja de latir
    Y se controla la protección cada 5 minutos durante una hora
    Entonces Elena está desprotegida porque el botón de pánico está desconectado
    Y hay 1 alerta de protección interrumpida, de gravedad alta, con 1 ocurrencia
    Y de ella se avisó una sola vez

  Escenario: Mejorar de desprotegida a degradada no abre nada
    Cuando el botón de pánico informa la batería al 15 %
    Y el sensor de gas deja de latir
    Y el sensor de gas vuelve a latir
    Y se controla la protección
    Entonces Elena está degradada porque el botón de pánico tiene la batería baja
    Y hay 1 alerta de protección interrumpida, de gravedad alta, con 1 ocurrencia

  Escenario: Al volver a estar protegida no se abre nada, y la alerta queda abierta hasta que alguien la resuelva
    Cuando el botón de pánico deja de latir
    Y el botón de pánico vuelve a latir
    Y se controla la protección
    Entonces Elena está protegida
    Y hay 1 alerta de protección interrumpida, de gravedad alta, con 1 ocurrencia
    Y la alerta de protección interrumpida sigue abierta

  Escenario: Con la alerta resuelta, una nueva interrupción abre otra
    Cuando el botón de pánico deja de latir
    Y Ana resuelve la alerta de protección interrumpida
    Y el botón de pánico vuelve a latir
    Y se controla la protección
    Y el botón de pánico deja de latir
    Entonces hay 2 alertas de protección interrumpida: una resuelta y una abierta

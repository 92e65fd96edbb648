# language: es
Característica: La vida de un dispositivo: darlo de baja, volver a registrarlo, reactivarlo, moverlo y cambiarle la clave
  Un dispositivo dado de baja deja de ser escuchado, pero conserva su historia y su
  identificador. Ese identificador (el de sus mensajes) lo tiene un solo dispositivo
  activo a la vez: dado de baja el anterior, se puede registrar otro con el mismo, que
  es un dispositivo nuevo, con clave nueva. Un dispositivo dado de baja se puede
  reactivar con su clave y su historia, si ningún otro activo tiene su identificador;
  reactivarlo suma un dispositivo a la cuenta, así que pasa los mismos controles que
  registrarlo (suscripción vigente y límites del paquete). Un dispositivo activo se
  puede mover a otra persona de la misma cuenta: lo que mande desde entonces, alertas
  incluidas, es de la nueva persona; lo que ya mandó y las alertas abiertas quedan con
  la anterior. Y se le puede dar una clave nueva: la anterior deja de servir en el acto.
  Lo hacen quienes pueden cambiar dispositivos (el titular, la representante legal, el
  personal de la residencia, un administrador); quien solo ve a la persona no puede, y
  para los demás el dispositivo no existe.

  Antecedentes:
    Dado que Ana tiene a su cargo a Elena y a Rosa, con una suscripción vigente
    Y que Elena tiene el tensiómetro "bp-1"

  # Volver a registrar

  Escenario: Dado de baja, su identificador se registra de nuevo como otro dispositivo
    Dado que Elena tomó 2 lecturas con el tensiómetro "bp-1"
    Cuando Ana da de baja el tensiómetro "bp-1"
    Y Ana registra para Elena un tensiómetro "bp-1"
    Entonces Elena tiene 2 dispositivos con el identificador "bp-1", uno solo activo
    Y el nuevo tiene una clave distinta de la del anterior
    Y las 2 lecturas siguen siendo del dispositivo dado de baja
    Y una lectura de "bp-1" se guarda en el nuevo

  Escenario: Mientras está activo, su identificador no se registra dos veces
    Cuando Ana registra para Rosa un tensiómetro "bp-1"
    Entonces se le rechaza porque el identificador ya está registrado

  # Reactivar

  Escenario: Un dispositivo dado de baja vuelve con su clave y su historia
    Dado que Ana dio de baja el tensiómetro "bp-1"
    Cuando Ana reactiva el tensiómetro "bp-1"
    Entonces el tensiómetro "bp-1" está activo y de estado desconocido
    Y una lectura enviada por HTTP con su clave de siempre se guarda

  Escenario: No se reactiva si otro dispositivo activo tiene su identificador
    Dado que Ana dio de baja el tensiómetro "bp-1"
    Y que Ana registró para Rosa un tensiómetro "bp-1"
    Cuando Ana reactiva el primer tensiómetro "bp-1"
    Entonces se le rechaza porque otro dispositivo activo tiene ese identificador

  Escenario: Reactivar cuenta para el límite de dispositivos del paquete
    Dado que la suscripción de Ana es del paquete básico, de 3 dispositivos
    Y que Ana dio de baja el tensiómetro "bp-1"
    Y que Elena tiene además 3 dispositivos activos
    Cuando Ana reactiva el tensiómetro "bp-1"
    Entonces se le rechaza por exceder dispositivos: 3 usados más 1 pedido, de 3

  Escenario: Sin suscripción vigente no se reactiva un dispositivo
    Dado que Ana dio de baja el tensiómetro "bp-1"
    Y que la suscripción de Ana venció
    Cuando Ana reactiva el tensiómetro "bp-1"
    Entonces se le rechaza porque hace falta una suscripción vigente

  # Mover

  Escenario: Movido a otra persona, lo que manda desde entonces es de ella; lo abierto queda con la anterior
    Dado que llega del tensiómetro "bp-1" una tensión de 190/100
    Y que se abrió una alerta crítica de Elena
    Cuando Ana mueve el tensiómetro "bp-1" a Rosa
    Y llega del tensiómetro "bp-1" una tensión de 190/100
    Entonces Elena tiene 1 alerta abierta, con 1 evento
    Y Rosa tiene 1 alerta abierta, con 1 evento
    Y las lecturas anteriores siguen siendo de Elena

  Escenario: No se mueve a una persona de otra cuenta
    Dado que Zoe tiene a su cargo a Marta y Ana es su representante legal
    Cuando Ana mueve el tensiómetro "bp-1" a Marta
    Entonces se le rechaza porque solo se mueve entre personas de la misma cuenta
    Y el tensiómetro "bp-1" sigue siendo de Elena

  Escenario: Un dispositivo dado de baja no se mueve
    Dado que Ana dio de baja el tensiómetro "bp-1"
    Cuando Ana mueve el tensiómetro "bp-1" a Rosa
    Entonces se le rechaza porque el dispositivo está dado de baja

  # Cambiar la clave

  Escenario: Con la clave nueva se guarda; la anterior deja de servir en el acto
    Cuando Ana le da una clave nueva al tensiómetro "bp-1"
    Entonces una lectura enviada por HTTP con la clave anterior se rechaza por clave equivocada
    Y una lectura enviada por HTTP con la clave nueva se guarda

  # Quién puede

  Esquema del escenario: Solo quien puede cambiar dispositivos los reactiva o les cambia la clave
    Dado que Bruno puede ver a Elena
    Y que Ana dio de baja el tensiómetro "bp-1"
    Cuando <quien> <acción> tensiómetro "bp-1"
    Entonces <resultado>

    Ejemplos:
      | quien | acción                   | resultado                                                 |
      | Bruno | reactiva el              | se le rechaza porque no puede cambiarlo                   |
      | Bruno | le da una clave nueva al | se le rechaza porque no puede cambiarlo                   |
      | Zoe   | reactiva el              | se le responde que el dispositivo no existe               |
      | Zoe   | le da una clave nueva al | se le responde que el dispositivo no existe               |
      | Root  | reactiva el              | el tensiómetro "bp-1" está activo y de estado desconocido |

  Escenario: Quien solo ve a la persona no mueve el dispositivo; para los demás no existe
    Dado que Bruno puede ver a Elena
    Cuando Bruno mueve el tensiómetro "bp-1" a Rosa
    Entonces se le rechaza porque no puede cambiarlo
    Cuando Zoe mueve el tensiómetro "bp-1" a Rosa
    Entonces se le responde que el dispositivo no existe

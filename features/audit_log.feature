# language: es
Característica: Registro de auditoría
  Todo lo que una persona hace con una alerta queda registrado: quién la atendió o la
  resolvió, y cuándo, ya sea desde CUIOT o desde el enlace de un aviso. Si quien la
  atendió no tiene cuenta (un contacto de emergencia), queda registrado por qué canal
  llegó el aviso y a qué dirección, enmascarada. Lo que se intenta y no se permite no
  queda registrado. Lo mismo vale para los permisos y el dinero: otorgar o quitar un
  rol, verificar una representación, registrar un pago, crear o cambiar un paquete.
  Solo un administrador lee el registro.

  Antecedentes:
    Dado que Ana tiene a su cargo a Rosa
    Y que Bruno es administrador
    Y que Rosa tiene una alerta crítica abierta

  Escenario: Toda acción sobre una alerta queda registrada con quién la hizo
    Cuando Ana atiende la alerta
    Y Bruno resuelve la alerta
    Entonces el registro de auditoría tiene 2 entradas
    Y dice que Ana atendió la alerta de Rosa
    Y dice que Bruno resolvió la alerta de Rosa

  Escenario: Lo que no se permite no queda registrado
    Dado que Tito no tiene acceso a Rosa
    Cuando Tito intenta atender la alerta
    Y Ana atiende la alerta
    Y Ana intenta atender la alerta otra vez
    Entonces el registro de auditoría tiene 1 entrada
    Y dice que Ana atendió la alerta de Rosa

  Escenario: Un contacto sin cuenta atiende la alerta desde el SMS que le llegó
    Cuando Fer, contacto de emergencia, atiende la alerta desde el enlace de su SMS al +54 11 5555-0001
    Entonces el registro de auditoría tiene 1 entrada
    Y dice que alguien sin cuenta atendió la alerta de Rosa por SMS, enviado a +5411****0001

  Escenario: Solo un administrador lee el registro
    Cuando Ana atiende la alerta
    Entonces Bruno lee en el registro que Ana Pérez atendió la alerta
    Y Ana no puede leer el registro

# language: es
Característica: Asignación de cuidadores, con su consentimiento
  Quien administra el cuidado de una persona (el titular de la cuenta o su representante
  legal activo) le asigna cuidadores, pero nadie queda a cargo del cuidado de otra persona
  sin aceptarlo: asignar a un cuidador es invitarlo. Mientras no acepte, la invitación no
  le da nada: no ve a la persona, no recibe sus alertas y nadie puede reseñarlo por ese
  cuidado. Al aceptar pasa a ser uno de sus cuidadores; si lo invitaron como cuidador
  principal, recién entonces reemplaza al principal anterior. Si rechaza, la invitación
  termina y se lo puede volver a invitar. Solo el cuidador invitado responde su invitación.
  Una invitación pendiente ya ocupa un lugar de usuario en el paquete de la cuenta, así
  que aceptarla nunca pide otro.

  Antecedentes:
    Dado que Laura tiene a su cargo a Rosa, con el paquete familiar de 5 usuarios
    Y que Carla y Diego son cuidadores

  Escenario: Un cuidador invitado que no aceptó no ve a la persona ni recibe sus alertas
    Cuando Laura asigna a Carla como cuidadora de Rosa
    Entonces Carla tiene una invitación pendiente para cuidar a Rosa
    Y Carla no ve a Rosa
    Y a Carla no se le avisa de ninguna alerta de Rosa, en ningún nivel

  Escenario: Al aceptar, el cuidador ve a la persona y recibe sus alertas
    Dado que Laura asignó a Carla como cuidadora de Rosa
    Cuando Carla acepta cuidar a Rosa
    Entonces Carla ve a Rosa
    Y Carla no tiene invitaciones pendientes
    Y a Carla se le avisa de una alerta de Rosa en el nivel 2

  Escenario: La nueva cuidadora principal reemplaza a la anterior recién cuando acepta
    Dado que Diego es el cuidador principal de Rosa
    Y que Laura asignó a Carla como cuidadora principal de Rosa
    Entonces el cuidador principal de Rosa es Diego
    Y a Carla no se le avisa de ninguna alerta de Rosa, en ningún nivel
    Cuando Carla acepta cuidar a Rosa
    Entonces la cuidadora principal de Rosa es Carla
    Y a Carla se le avisa de una alerta de Rosa en el nivel 1
    Y a Diego no se le avisa de una alerta de Rosa en el nivel 1
    Y a Diego se le avisa de una alerta de Rosa en el nivel 2

  Escenario: Rechazar la invitación la termina
    Dado que Laura asignó a Carla como cuidadora de Rosa
    Cuando Carla rechaza cuidar a Rosa
    Entonces Carla no tiene invitaciones pendientes
    Y Carla no ve a Rosa
    Y a Carla no se le avisa de ninguna alerta de Rosa, en ningún nivel
    Y Laura puede volver a asignar a Carla como cuidadora de Rosa

  Escenario: Solo la cuidadora invitada responde su invitación
    Dado que Laura asignó a Carla como cuidadora de Rosa
    Cuando Diego intenta aceptar la invitación de Carla para cuidar a Rosa
    Entonces la respuesta es rechazada porque esa invitación no existe para quien responde
    Y Carla tiene una invitación pendiente para cuidar a Rosa
    Y Diego no ve a Rosa

  Escenario: Nadie acepta una invitación que no recibió
    Cuando Diego acepta cuidar a Rosa
    Entonces la respuesta es rechazada porque esa invitación no existe para quien responde
    Y Diego no ve a Rosa

  Escenario: Una invitación aceptada no se vuelve a responder
    Dado que Laura asignó a Carla como cuidadora de Rosa
    Y que Carla aceptó cuidar a Rosa
    Cuando Carla rechaza cuidar a Rosa
    Entonces la respuesta es rechazada porque la invitación ya fue aceptada
    Y Carla ve a Rosa

  Escenario: Asignar dos veces a la misma cuidadora es un conflicto
    Dado que Laura asignó a Carla como cuidadora de Rosa
    Cuando Laura asigna a Carla como cuidadora de Rosa
    Entonces la asignación es rechazada porque esa cuidadora ya está asignada

  Escenario: Solo quien administra el cuidado asigna cuidadores
    Dado que Bruno también puede ver a Rosa
    Cuando Bruno asigna a Carla como cuidadora de Rosa
    Entonces la asignación es rechazada porque no administra el cuidado de la persona
    Y Carla no tiene invitaciones pendientes

  Escenario: Una invitación pendiente ya ocupa un lugar de usuario del paquete
    Dado que Bruno, Lucía y Tomás también pueden ver a Rosa
    Y que Laura asignó a Carla como cuidadora de Rosa
    Cuando Laura asigna a Diego como cuidador de Rosa
    Entonces la asignación es rechazada porque la cuenta ya usa sus 5 usuarios

  Escenario: Aceptar una invitación no pide otro lugar en el paquete
    Dado que Bruno, Lucía y Tomás también pueden ver a Rosa
    Y que Laura asignó a Carla como cuidadora de Rosa
    Cuando Carla acepta cuidar a Rosa
    Entonces Carla ve a Rosa

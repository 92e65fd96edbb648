# language: es
Característica: Acceso que se puede quitar
  El acceso a una persona cuidada se puede quitar, y quitarlo tiene efecto en el acto: quien
  lo pierde deja de ver a la persona desde su próximo pedido, no se le avisa de ninguna de
  sus alertas, los avisos que tenía pendientes de envío no se envían y los enlaces de
  confirmación que recibió dejan de servir.
  Quien administra el cuidado de la persona (el titular de la cuenta o su representante
  legal activo) o un administrador quita a un familiar o a un cuidador, y cada uno puede
  irse por su cuenta. El titular y la propia persona no son familiares que se puedan quitar.
  Sin su cuidador principal, la persona no tiene principal hasta que otro cuidador acepte
  serlo. Al personal de una institución lo quita su director o un administrador, y al
  director no se lo quita así. Una representación legal la termina el representante, el
  titular o un administrador, y termina en el acto, no al final del día.
  Quien no ve a la persona no la encuentra; quien la ve pero no puede quitar a alguien
  recibe un rechazo. Cada cambio queda registrado: quién quitó a quién.

  Antecedentes:
    Dado que Laura tiene a su cargo a Rosa, que tiene un tensiómetro
    Y que Pedro y Bruno también pueden ver a Rosa
    Y que Carla es la cuidadora principal de Rosa

  Escenario: Quien administra quita a un familiar, que deja de ver a la persona y de recibir avisos
    Cuando Laura le quita el acceso a Rosa a Pedro
    Entonces Pedro no ve a Rosa
    Y a Pedro no se le avisa de ninguna alerta de Rosa, en ningún nivel
    Y Bruno ve a Rosa
    Y queda registrado que Laura le quitó el acceso a Pedro

  Escenario: Un familiar se va por su cuenta
    Cuando Pedro le quita el acceso a Rosa a Pedro
    Entonces Pedro no ve a Rosa
    Y queda registrado que Pedro le quitó el acceso a Pedro

  Escenario: Un administrador quita a un familiar
    Dado que Ana es administradora
    Cuando Ana le quita el acceso a Rosa a Pedro
    Entonces Pedro no ve a Rosa

  Escenario: La representante legal activa también quita a un familiar
    Dado que Bruno es el representante legal de Rosa
    Cuando Bruno le quita el acceso a Rosa a Pedro
    Entonces Pedro no ve a Rosa

  Escenario: Un familiar no quita a otro
    Cuando Pedro le quita el acceso a Rosa a Bruno
    Entonces el pedido es rechazado porque no administra el cuidado de la persona
    Y Bruno ve a Rosa

  Escenario: Quien no ve a la persona no la encuentra
    Dado que Tito no conoce a Rosa
    Cuando Tito le quita el acceso a Rosa a Pedro
    Entonces el pedido es rechazado porque la persona no existe para quien lo pide
    Y Pedro ve a Rosa

  Escenario: Al titular no se le quita el acceso como a un familiar
    Dado que Ana es administradora
    Cuando Ana le quita el acceso a Rosa a Laura
    Entonces el pedido es rechazado porque el titular no es un familiar que se pueda quitar
    Y Laura ve a Rosa

  Escenario: Los avisos pendientes de quien pierde el acceso no se envían
    Dado que el tensiómetro de Rosa marcó una presión crítica
    Y que hay avisos a Carla sobre esa alerta esperando su envío
    Cuando Laura quita a Carla como cuidadora de Rosa
    Entonces ningún aviso a Carla sobre esa alerta se envía: quedan fallidos porque perdió el acceso
    Y los avisos a Laura sobre esa alerta siguen esperando su envío

  Escenario: Sin su cuidadora principal, la persona no tiene principal hasta que otro acepte
    Dado que Laura invitó a Diego como cuidador de Rosa
    Cuando Laura quita a Carla como cuidadora de Rosa
    Entonces Carla no ve a Rosa
    Y a Carla no se le avisa de ninguna alerta de Rosa, en ningún nivel
    Y Rosa no tiene cuidador principal
    Y queda registrado que Laura quitó a Carla como cuidadora

  Escenario: Una cuidadora renuncia por su cuenta
    Cuando Carla quita a Carla como cuidadora de Rosa
    Entonces Carla no ve a Rosa
    Y Rosa no tiene cuidador principal

  Escenario: Un cuidador invitado que no aceptó también puede renunciar
    Dado que Laura invitó a Diego como cuidador de Rosa
    Cuando Diego quita a Diego como cuidador de Rosa
    Entonces Diego no tiene invitaciones pendientes

  Escenario: Un familiar no quita a una cuidadora
    Cuando Pedro quita a Carla como cuidadora de Rosa
    Entonces el pedido es rechazado porque no administra el cuidado de la persona
    Y Carla ve a Rosa

  Escenario: El director de una institución quita a alguien de su personal de guardia
    Dado que Rosa vive en el Hogar Sol, que dirige Marta, con Inés de guardia y Tomás en el personal
    Cuando Marta quita a Inés del personal del Hogar Sol
    Entonces Inés no ve a Rosa
    Y a Inés no se le avisa de ninguna alerta de Rosa, en ningún nivel
    Y Tomás ve a Rosa
    Y queda registrado que Marta quitó a Inés del personal

  Escenario: El personal no quita al personal, ni el director se quita a sí mismo
    Dado que Rosa vive en el Hogar Sol, que dirige Marta, con Inés de guardia y Tomás en el personal
    Cuando Tomás quita a Inés del personal del Hogar Sol
    Entonces el pedido es rechazado porque no dirige la institución
    Y Inés ve a Rosa
    Cuando Marta quita a Marta del personal del Hogar Sol
    Entonces el pedido es rechazado porque al director no se lo quita del personal
    Y Marta ve a Rosa

  Escenario: El titular termina una representación legal, en el acto
    Dado que Bruno es el representante legal de Rosa
    Y que Laura le quitó el acceso a Rosa a Bruno
    Y Bruno ve a Rosa
    Cuando Laura termina la representación de Bruno
    Entonces la representación de Bruno ya no está vigente hoy
    Y Bruno no ve a Rosa
    Y a Bruno no se le avisa de ninguna alerta de Rosa, en ningún nivel
    Y queda registrado que Laura terminó la representación de Bruno

  Escenario: El representante termina su propia representación
    Dado que Bruno es el representante legal de Rosa
    Cuando Bruno termina la representación de Bruno
    Entonces la representación de Bruno ya no está vigente hoy
    Y Bruno ve a Rosa

  Escenario: Un familiar no termina la representación de otro
    Dado que Bruno es el representante legal de Rosa
    Cuando Pedro termina la representación de Bruno
    Entonces el pedido es rechazado porque no puede terminar esa representación
    Y la representación de Bruno sigue vigente hoy

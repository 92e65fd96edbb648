# language: es
Característica: Confirmar una alerta desde el aviso
  Cada aviso de una alerta (correo, SMS, push o webhook) lleva su propio enlace: quien lo
  recibe lo abre sin entrar a CUIOT, ve la alerta y la confirma con un botón. Confirmarla
  así detiene el escalado igual que hacerlo en CUIOT, y queda registrado por qué canal
  llegó el aviso y a quién se le había enviado. Abrir el enlace nunca cambia nada: los
  correos a veces los abren solos; solo el botón confirma.
  Un enlace sirve una sola vez, y solo mientras la alerta sigue en el nivel de aviso para
  el que se hizo: vence cuando la alerta sube de nivel, cuando alguien la confirma o la
  resuelve, y como mucho en un día.
  Un SMS lleva además un código de 6 dígitos: responder a ese SMS con el código confirma
  la alerta, solo desde el número al que se envió.

  Antecedentes:
    Dado que Ana tiene a su cargo a Rosa y es su representante legal
    Y que el contacto de emergencia de Rosa es Fer, con el teléfono +54 11 5555-0001
    Y que llega una tensión de 190/100 con pulso 80 del tensiómetro de Rosa

  Escenario: Cada aviso lleva su propio enlace
    Entonces el aviso por correo a Ana lleva un enlace para confirmar la alerta

  Escenario: Abrir el enlace muestra la alerta y no cambia nada
    Cuando Ana abre el enlace de su aviso
    Entonces ve la alerta crítica de presión arterial de Rosa, en el nivel 1
    Y la alerta sigue sin confirmar

  Escenario: Confirmar desde el enlace detiene el escalado y registra de dónde vino
    Cuando Ana confirma la alerta desde el enlace de su aviso
    Entonces la alerta queda confirmada por Ana, por correo, enviado a ana@example.com
    Y pasados 10 minutos nadie más recibe avisos

  Escenario: Un enlace sirve una sola vez
    Cuando Ana confirma la alerta desde el enlace de su aviso
    Y Ana vuelve a usar el mismo enlace
    Entonces el enlace responde que ya se usó

  Escenario: El enlace vence cuando la alerta sube de nivel
    Cuando pasan 2 minutos sin que nadie confirme la alerta
    Y Ana abre el enlace de su aviso de nivel 1
    Entonces el enlace responde que venció
    Cuando Ana confirma la alerta desde el enlace de su aviso de nivel 1
    Entonces el enlace responde que venció
    Y la alerta sigue sin confirmar

  Escenario: Si alguien ya confirmó la alerta en CUIOT, el enlace lo dice
    Cuando Ana confirma la alerta en CUIOT
    Y Ana confirma la alerta desde el enlace de su aviso
    Entonces el enlace responde que la alerta ya fue atendida

  Escenario: Un enlace inventado no sirve
    Cuando alguien confirma la alerta desde un enlace inventado
    Entonces el enlace responde que no es válido
    Y la alerta sigue sin confirmar

  Escenario: Responder al SMS con su código confirma la alerta
    Cuando pasan 4 minutos sin que nadie confirme la alerta
    Y Fer responde al SMS con el código de su aviso
    Entonces la alerta queda confirmada por Fer, por SMS, enviado a +54 11 5555-0001

  Esquema del escenario: Una respuesta que no es el código de ese número no confirma nada
    Cuando pasan 4 minutos sin que nadie confirme la alerta
    Y <quién> responde al SMS con <texto>
    Entonces la respuesta no coincide con ningún aviso
    Y la alerta sigue sin confirmar

    Ejemplos:
      | quién                      | texto                        |
      | Fer                        | un código equivocado         |
      | el número +54 11 4444-0000 | el código del aviso de Fer   |
      | Fer                        | "sí, voy"                    |

"""The broker ``cuiot serve`` runs itself when ``CUIOT_MQTT_URL`` is unset (amqtt, on
loopback only), so devices and the simulator work with nothing installed.

amqtt speaks MQTT 3.1.1 only: clients of this broker connect with 3.1.1 (no shared
subscriptions, no session expiry property; ``clean_session=False`` keeps a session).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import socket
from typing import Any

from amqtt.broker import Broker
from amqtt.errors import BrokerError

logger = logging.getLogger("cuiot.mqtt")

HOST = "127.0.0.1"


class EmbeddedBrokerError(RuntimeError):
    """The embedded broker cannot run; the message is one line an operator can act on."""


def port_taken_message(port: int) -> str:
    return (f"MQTT port {HOST}:{port} is already in use: set CUIOT_MQTT_URL to the broker "
            f"listening there (e.g. CUIOT_MQTT_URL=mqtt://{HOST}:{port}), pick a free "
            f"CUIOT_MQTT_EMBEDDED_PORT, or CUIOT_MQTT_URL=off to run without MQTT")


def _config(port: int) -> dict[str, Any]:
    return {
        "listeners": {"default": {"type": "tcp", "bind": f"{HOST}:{port}"}},
        "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
    }


def _port_in_use(port: int) -> bool:
    """Whether binding the port fails as taken (checked before amqtt tries, which would
    log a traceback)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError as error:
            return error.errno == errno.EADDRINUSE
    return False


def _is_port_taken(error: BaseException) -> bool:
    while error is not None:
        if isinstance(error, OSError) and error.errno == errno.EADDRINUSE:
            return True
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
    return False


class EmbeddedBroker:
    """A runner: ``await start()`` listens on ``127.0.0.1:port`` (``EmbeddedBrokerError``
    when the port is taken), ``await stop()`` closes it (idempotent)."""

    def __init__(self, port: int = 1883) -> None:
        self.port = port
        self._broker: Broker | None = None

    @property
    def url(self) -> str:
        """Where clients of this process reach it (``CUIOT_MQTT_URL`` for them)."""
        return f"mqtt://{HOST}:{self.port}"

    async def start(self) -> None:
        if self._broker is not None:
            return
        if _port_in_use(self.port):
            raise EmbeddedBrokerError(port_taken_message(self.port))
        broker = Broker(_config(self.port))
        try:
            await broker.start()
        except BrokerError as error:
            if _is_port_taken(error):
                raise EmbeddedBrokerError(port_taken_message(self.port)) from None
            raise EmbeddedBrokerError(f"the embedded MQTT broker did not start: {error}") from error
        self._broker = broker
        logger.info("embedded MQTT broker listening on %s", self.url)

    async def stop(self) -> None:
        broker, self._broker = self._broker, None
        if broker is None:
            return
        with contextlib.suppress(BrokerError):
            await broker.shutdown()
        logger.info("embedded MQTT broker stopped")

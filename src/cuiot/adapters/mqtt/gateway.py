"""Commands to devices over MQTT: ``{"command_id", "command", "params"}`` on
``cuiot/devices/{device_id}/commands`` at QoS 1 (CONTRACTS.md).

``PahoDeviceCommandGateway`` is also a runner (``start``/``stop``): one paho client,
connected in the background and reconnecting by itself. It speaks MQTT 3.1.1, which
every broker takes (the embedded amqtt broker takes nothing newer); publishing needs
nothing of MQTT 5. ``publish`` returns once the broker acknowledged the message (PUBACK)
and raises ``CommandNotDelivered`` when there is no connection or no acknowledgement in
time; without a connection nothing is queued to leave later. (A connection lost in the
very instant of publishing, or a PUBACK that never came, may still let the device get
it after it was reported failed; its reply is then kept on the failed command.)
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from typing import Any
from uuid import uuid4

from paho.mqtt.client import Client
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion
from prometheus_client import CollectorRegistry, Counter

from cuiot.adapters.mqtt.client import BrokerAddress
from cuiot.application.safety.ports import CommandNotDelivered

logger = logging.getLogger("cuiot.mqtt")


def command_topic(device_id: str) -> str:
    return f"cuiot/devices/{device_id}/commands"


def command_payload(command_id: str, command: str, params: dict[str, Any]) -> bytes:
    return json.dumps({"command_id": command_id, "command": command, "params": params},
                      separators=(",", ":"), ensure_ascii=False).encode()


def mqtt311_client(address: BrokerAddress, client_id: str) -> Client:
    """A paho client for any broker (MQTT 3.1.1, clean session), not yet connected."""
    client = Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                    protocol=MQTTProtocolVersion.MQTTv311, clean_session=True)
    if address.username is not None:
        client.username_pw_set(address.username, address.password)
    if address.tls:
        client.tls_set()
    return client


class PahoDeviceCommandGateway:
    def __init__(self, mqtt_url: str, *, registry: CollectorRegistry | None = None,
                 client_id: str | None = None, publish_timeout: float = 5.0,
                 connect_timeout: float = 5.0) -> None:
        self.address = BrokerAddress.parse(mqtt_url)
        self.client_id = client_id or f"cuiot-commands-{uuid4().hex[:12]}"
        self.publish_timeout, self.connect_timeout = publish_timeout, connect_timeout
        self._client: Client | None = None
        self._connected = threading.Event()
        self._published = None if registry is None else Counter(
            "cuiot_device_commands_published", "Commands handed to the MQTT broker, by result",
            ["result"], registry=registry)

    async def start(self) -> None:
        """Connect in the background; waits ``connect_timeout`` at most (a broker not up
        yet is retried by paho, and commands fail as not delivered meanwhile)."""
        if self._client is not None:
            return
        client = mqtt311_client(self.address, self.client_id)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.connect_async(self.address.host, self.address.port, keepalive=30)
        client.loop_start()
        self._client = client
        if not await asyncio.to_thread(self._connected.wait, self.connect_timeout):
            logger.warning("command gateway: %s not reachable yet, still trying", self.address)

    async def stop(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        self._connected.clear()  # an intended disconnection is not worth a warning
        client.disconnect()
        await asyncio.to_thread(client.loop_stop)

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    async def publish(self, device_id: str, command_id: str, command: str,
                      params: dict[str, Any]) -> None:
        try:
            await self._publish(command_topic(device_id),
                                command_payload(command_id, command, params))
        except CommandNotDelivered:
            self._count("not_delivered")
            raise
        self._count("published")

    async def _publish(self, topic: str, payload: bytes) -> None:
        client = self._client
        if client is None or not self._connected.is_set():
            raise CommandNotDelivered(f"not connected to the MQTT broker {self.address}")
        info = client.publish(topic, payload, qos=1)
        try:
            await asyncio.to_thread(info.wait_for_publish, self.publish_timeout)
        except (ValueError, RuntimeError) as error:
            raise CommandNotDelivered(str(error)) from error
        if not info.is_published():
            raise CommandNotDelivered(
                f"the broker did not acknowledge it within {self.publish_timeout:g} s")

    def _count(self, result: str) -> None:
        if self._published is not None:
            self._published.labels(result=result).inc()

    def _on_connect(self, _client: Client, _userdata: Any, _flags: Any, reason: Any,
                    _properties: Any) -> None:
        if reason.is_failure:
            logger.warning("command gateway: %s refused the connection: %s", self.address, reason)
            return
        logger.info("command gateway connected to %s", self.address)
        self._connected.set()

    def _on_disconnect(self, _client: Client, _userdata: Any, _flags: Any, reason: Any,
                       _properties: Any) -> None:
        if self._connected.is_set():
            logger.warning("command gateway: disconnected from %s (%s)", self.address, reason)
        self._connected.clear()


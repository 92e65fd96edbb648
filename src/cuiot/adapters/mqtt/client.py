"""paho-mqtt 2 clients from a broker URL: ``mqtt://[user:pass@]host[:port]`` (1883) or
``mqtts://…`` (TLS, 8883), with the version 2 callback API; MQTT 5 unless asked for
3.1.1 (the embedded amqtt broker speaks nothing newer)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from paho.mqtt.client import Client
from paho.mqtt.enums import CallbackAPIVersion, MQTTProtocolVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

DEFAULT_PORTS = {"mqtt": 1883, "mqtts": 8883}


@dataclass(frozen=True, slots=True)
class BrokerAddress:
    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    tls: bool = False

    @classmethod
    def parse(cls, url: str) -> BrokerAddress:
        parts = urlsplit(url)
        if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            raise ValueError(f"expected mqtt://host:port or mqtts://host:port, got {url!r}")
        return cls(host=parts.hostname, port=parts.port or DEFAULT_PORTS[parts.scheme],
                   username=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password else None,
                   tls=parts.scheme == "mqtts")

    def __str__(self) -> str:  # never the password
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"


def new_client(address: BrokerAddress, client_id: str, *, manual_ack: bool = False,
               mqtt5: bool = True) -> Client:
    """A client, not yet connected. ``manual_ack``: QoS 1 messages are acknowledged only
    by ``client.ack(mid, qos)``. Without ``mqtt5`` it speaks MQTT 3.1.1 (the embedded
    amqtt broker) and asks for a persistent session with ``clean_session=False``."""
    if mqtt5:
        client = Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                        protocol=MQTTProtocolVersion.MQTTv5, manual_ack=manual_ack)
    else:
        client = Client(CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=False,
                        protocol=MQTTProtocolVersion.MQTTv311, manual_ack=manual_ack)
    if address.username is not None:
        client.username_pw_set(address.username, address.password)
    if address.tls:
        client.tls_set()
    return client


def session_properties(expiry_seconds: int, receive_maximum: int | None = None) -> Properties:
    """CONNECT properties of a persistent session kept ``expiry_seconds`` after a
    disconnect (0 would end it at once). ``receive_maximum``: how many QoS 1 messages
    the broker may send before the first of them is acknowledged (MQTT 5's default is
    65,535, and Mosquitto then ignores its own ``max_inflight_messages``)."""
    properties = Properties(PacketTypes.CONNECT)
    properties.SessionExpiryInterval = expiry_seconds
    if receive_maximum is not None:
        properties.ReceiveMaximum = receive_maximum
    return properties


def connect_persistent(client: Client, address: BrokerAddress, expiry_seconds: int, *,
                       keepalive: int = 30, receive_maximum: int | None = None) -> None:
    """Ask for the session kept under the client's id (MQTT 5: ``clean_start=False`` and
    a session expiry); the connection itself is made by the network loop
    (``loop_start``), which reconnects."""
    if client.protocol != MQTTProtocolVersion.MQTTv5:
        client.connect_async(address.host, address.port, keepalive=keepalive)
        return
    client.connect_async(address.host, address.port, keepalive=keepalive, clean_start=False,
                         properties=session_properties(expiry_seconds, receive_maximum))

"""The one MQTT broker ``serve``, ``worker`` and ``devices simulate`` agree on:
``CUIOT_MQTT_URL``, else the embedded broker of ``cuiot serve`` on
``CUIOT_MQTT_EMBEDDED_PORT`` (``mqtt_target`` in the container). Each command names it,
so a simulator talking to another broker than the server's shows at once."""

from __future__ import annotations

from dependency_injector import providers

from cuiot.adapters.mqtt.client import BrokerAddress
from cuiot.entrypoints.container import Container, mqtt_target
from cuiot.entrypoints.settings import Settings

URL_FORM = "mqtt://[user:password@]host[:port], mqtts://…"  # what --url takes


def broker_address(settings: Settings) -> BrokerAddress | None:
    """None when MQTT is off (the settings have refused a malformed CUIOT_MQTT_URL)."""
    target = mqtt_target(settings)
    return None if target is None else BrokerAddress.parse(target)


def embedded_port(settings: Settings) -> int | None:
    """The port of the embedded broker ``cuiot serve`` runs; None with an external one
    or none at all."""
    return settings.mqtt_embedded_port if settings.mqtt_url is None else None


def broker_label(settings: Settings) -> str:
    """The broker as each command prints it: its address (never a password) and where
    that address came from; ``off`` when MQTT is off."""
    address = broker_address(settings)
    if address is None:
        return "off"
    if settings.mqtt_url is None:
        return f"{address} (embedded broker, CUIOT_MQTT_EMBEDDED_PORT={address.port})"
    return f"{address} (CUIOT_MQTT_URL)"


def without_mqtt(c: Container) -> None:
    """``--no-mqtt`` is ``CUIOT_MQTT_URL=off`` for this process: no consumer, no command
    gateway, no embedded broker; nothing connects."""
    off = c.settings().model_copy(update={"mqtt_url": "off"})
    c.settings.override(providers.Object(off))

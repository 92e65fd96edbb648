"""One broker address for ``serve``, ``worker`` and ``devices simulate``: CUIOT_MQTT_URL,
else the embedded broker's port; named the same way by each, never with a password;
``--no-mqtt`` turns every MQTT connection off."""

from __future__ import annotations

from cuiot.entrypoints.cli.broker import (
    broker_address,
    broker_label,
    embedded_port,
    without_mqtt,
)
from cuiot.entrypoints.container import build_container
from cuiot.entrypoints.settings import Settings


def settings(**values: object) -> Settings:
    return Settings.model_construct(**values)  # not the environment of the machine


def test_without_cuiot_mqtt_url_it_is_the_embedded_broker_on_its_port() -> None:
    chosen = settings(mqtt_url=None, mqtt_embedded_port=1884)
    assert str(broker_address(chosen)) == "mqtt://127.0.0.1:1884"
    assert embedded_port(chosen) == 1884
    assert broker_label(chosen) == (
        "mqtt://127.0.0.1:1884 (embedded broker, CUIOT_MQTT_EMBEDDED_PORT=1884)")


def test_cuiot_mqtt_url_wins_and_its_password_is_never_shown() -> None:
    chosen = settings(mqtt_url="mqtt://cuiot:s3cret@broker.example:1885",
                      mqtt_embedded_port=1884)
    assert str(broker_address(chosen)) == "mqtt://broker.example:1885"
    assert embedded_port(chosen) is None
    assert broker_label(chosen) == "mqtt://broker.example:1885 (CUIOT_MQTT_URL)"


def test_off_is_no_broker_at_all() -> None:
    chosen = settings(mqtt_url="off", mqtt_embedded_port=1884)
    assert (broker_address(chosen), embedded_port(chosen), broker_label(chosen)) == (
        None, None, "off")


def test_no_mqtt_leaves_the_container_without_a_command_gateway() -> None:
    c = build_container(settings(mqtt_url=None, mqtt_embedded_port=1884))
    without_mqtt(c)
    assert c.settings().mqtt_url == "off" and c.settings().mqtt_embedded_port == 1884
    assert c.command_gateway() is None

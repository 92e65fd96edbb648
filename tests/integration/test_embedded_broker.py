"""The broker ``cuiot serve`` embeds (amqtt): clients talk through it, and a port already
taken is said in one line that names the way out (CUIOT_MQTT_URL)."""

from __future__ import annotations

import socket

import pytest
from prometheus_client import CollectorRegistry

from cuiot.adapters.mqtt import embedded
from cuiot.adapters.mqtt.embedded import EmbeddedBroker, EmbeddedBrokerError
from cuiot.adapters.mqtt.gateway import PahoDeviceCommandGateway
from cuiot.application.safety.ports import CommandNotDelivered
from tests.integration.test_device_commands_mqtt import MqttProbe
from tests.support.servers import free_port, port_answers


async def test_one_client_publishes_and_another_receives() -> None:
    broker = EmbeddedBroker(free_port())
    await broker.start()
    await broker.start()  # already running: nothing more
    try:
        assert broker.url == f"mqtt://127.0.0.1:{broker.port}"
        async with MqttProbe(broker.url, "cuiot/devices/+/telemetry") as backend, \
                MqttProbe(broker.url) as device:
            await device.publish("cuiot/devices/bp-1/telemetry", {"msg_id": "m-1", "n": 1})
            assert await backend.next(5) == ("cuiot/devices/bp-1/telemetry",
                                             {"msg_id": "m-1", "n": 1}, False)
    finally:
        await broker.stop()
        await broker.stop()  # idempotent
    assert not port_answers("127.0.0.1", broker.port)


async def test_the_command_gateway_publishes_through_it() -> None:
    broker = EmbeddedBroker(free_port())
    await broker.start()
    registry = CollectorRegistry()
    gateway = PahoDeviceCommandGateway(broker.url, registry=registry)
    try:
        await gateway.start()
        async with MqttProbe(broker.url, "cuiot/devices/gas-1/commands") as device:
            await gateway.publish("gas-1", "c-1", "calibrate", {"zero": True})
            assert await device.next(5) == ("cuiot/devices/gas-1/commands", {
                "command_id": "c-1", "command": "calibrate", "params": {"zero": True}}, False)
    finally:
        await gateway.stop()
        await broker.stop()
    with pytest.raises(CommandNotDelivered):  # stopped: nothing leaves any more
        await gateway.publish("gas-1", "c-2", "calibrate", {})
    published = "cuiot_device_commands_published_total"
    assert registry.get_sample_value(published, {"result": "published"}) == 1
    assert registry.get_sample_value(published, {"result": "not_delivered"}) == 1


@pytest.fixture
def taken_port():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def assert_says_how_to_go_on(error: EmbeddedBrokerError, port: int) -> None:
    message = str(error)
    assert "\n" not in message and f"127.0.0.1:{port}" in message
    assert "CUIOT_MQTT_URL" in message and "already in use" in message


async def test_a_taken_port_is_said_in_one_line_naming_cuiot_mqtt_url(taken_port) -> None:
    broker = EmbeddedBroker(taken_port)
    with pytest.raises(EmbeddedBrokerError) as refused:
        await broker.start()
    assert_says_how_to_go_on(refused.value, taken_port)
    await broker.stop()  # never started: nothing to do


async def test_the_same_line_when_the_port_is_taken_after_the_check(taken_port,
                                                                    monkeypatch) -> None:
    """Taken between the check and amqtt's bind: amqtt's own error becomes the same line."""
    monkeypatch.setattr(embedded, "_port_in_use", lambda _port: False)
    with pytest.raises(EmbeddedBrokerError) as refused:
        await EmbeddedBroker(taken_port).start()
    assert_says_how_to_go_on(refused.value, taken_port)

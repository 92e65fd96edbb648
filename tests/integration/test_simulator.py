"""``cuiot devices simulate`` against a real broker (the embedded one on a free port, and
a throwaway Mosquitto for the main scenario):
a subscriber collects what it publishes; every payload decodes per the envelope of
CONTRACTS.md, the readings mean what the scenario says, and a device going silent leaves
its offline last will."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from cuiot.adapters.mqtt.embedded import EmbeddedBroker
from cuiot.adapters.mqtt.envelope import decode
from cuiot.domain.classification import Thresholds, classify_device_event, classify_reading
from cuiot.domain.policy import DEFAULT_POLICY
from cuiot.domain.sensor_events import DeviceType, Severity
from cuiot.entrypoints.cli.demo import DEVICES
from cuiot.entrypoints.cli.simulate import simulate
from tests.integration.test_device_commands_mqtt import MqttProbe
from tests.support.mosquitto import throwaway_mosquitto
from tests.support.servers import free_port

TYPES = {device_id: DeviceType(kind) for device_id, _name, kind, _where in DEVICES}
app = typer.Typer()
app.command()(simulate)


@pytest.fixture
async def broker() -> AsyncIterator[EmbeddedBroker]:
    broker = EmbeddedBroker(free_port())
    await broker.start()
    yield broker
    await broker.stop()


@pytest.fixture(params=["embedded", "mosquitto"])
async def any_broker(request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    """The embedded broker of ``cuiot serve``, or a Mosquitto (``CUIOT_MQTT_URL``)."""
    if request.param == "embedded":
        embedded = EmbeddedBroker(free_port())
        await embedded.start()
        yield embedded
        await embedded.stop()
        return
    with throwaway_mosquitto() as mosquitto:
        yield mosquitto


async def run(broker: Any, *args: str) -> tuple[Any, list[tuple[str, Any, bool]]]:
    """Run the simulator (in a thread: the broker runs on this loop) while a subscriber
    collects every message; returns the CLI result and the messages in arrival order."""
    async with MqttProbe(broker.url, "cuiot/devices/#") as backend:
        result = await asyncio.to_thread(CliRunner().invoke, app, [
            "--url", broker.url, "--speed", "1000", "--seed", "7", *args])
        assert result.exit_code == 0, result.output
        return result, await backend.drain()


def severity(topic: str, payload: dict[str, Any]) -> Severity | None:
    """What the backend's rules make of it (None for a status message)."""
    envelope = decode(topic, json.dumps(payload).encode())  # refuses what breaks CONTRACTS.md
    kind, device_type = envelope.kind, TYPES[envelope.device_id]
    if kind == "telemetry":
        found = classify_reading(device_type, payload["type"], payload["data"],
                                 Thresholds.from_policy(DEFAULT_POLICY))
        return found.severity
    if kind == "events":
        return classify_device_event(device_type, payload["event"]).severity
    return None


async def test_normal_traffic_then_every_emergency_and_a_device_going_silent(any_broker):
    result, messages = await run(any_broker, "--rounds", "1", "--json")
    printed = [json.loads(line) for line in result.stdout.splitlines()]
    published = [(p["topic"], p["payload"]) for p in printed if p["payload"] is not None]
    # every message printed arrived, in order, and is valid per CONTRACTS.md
    assert [(topic, payload) for topic, payload, _ in messages[:len(published)]] == published
    found = [(topic.split("/")[2], topic.split("/")[3], severity(topic, payload))
             for topic, payload in published]
    normal = [("bp-rosa-01", "telemetry", Severity.LOW), ("gas-rosa-01", "telemetry", Severity.LOW),
              ("motion-rosa-01", "events", Severity.LOW),
              *((device, "status", None) for device in TYPES)]
    emergencies = [("bp-rosa-01", "telemetry", Severity.CRITICAL),
                   ("motion-rosa-01", "events", Severity.CRITICAL),
                   ("panic-rosa-01", "events", Severity.CRITICAL),
                   ("gas-rosa-01", "telemetry", Severity.CRITICAL)]
    assert found == normal + emergencies + normal
    ids = [payload["msg_id"] for _, payload in published if "msg_id" in payload]
    assert len(ids) == len(set(ids)) == 10 and all(payload["ts"] for _, payload in published)
    # then the gas sensor goes silent: the broker publishes the offline will it left
    assert printed[-1] == {"device_id": "gas-rosa-01", "topic": "cuiot/devices/gas-rosa-01/status",
                           "payload": None}
    will_topic, will, _ = messages[-1]
    assert (will_topic, will) == ("cuiot/devices/gas-rosa-01/status",
                                  {"status": "offline", "heartbeat_s": 300})
    assert decode(will_topic, json.dumps(will).encode()).body.status == "offline"


@pytest.mark.parametrize(("scenario", "expected"), [
    ("crisis", ("cuiot/devices/bp-rosa-01/telemetry", Severity.CRITICAL)),
    ("fall", ("cuiot/devices/motion-rosa-01/events", Severity.CRITICAL)),
    ("panic", ("cuiot/devices/panic-rosa-01/events", Severity.CRITICAL)),
    ("gas", ("cuiot/devices/gas-rosa-01/telemetry", Severity.CRITICAL)),
])
async def test_one_scenario_alone(broker, scenario, expected) -> None:
    result, messages = await run(broker, "--scenario", scenario, "--rounds", "0")
    assert [(topic, severity(topic, payload)) for topic, payload, _ in messages] == [expected]
    assert expected[0] in result.stdout and result.stdout.count("\n") == 1


async def test_the_crisis_reading_is_hypertensive(broker) -> None:
    _result, [(_topic, payload, _)] = await run(broker, "--scenario", "crisis", "--rounds", "0")
    data = {k: Decimal(str(v)) for k, v in payload["data"].items()}
    assert data["systolic"] > DEFAULT_POLICY.bp_critical_systolic_above
    assert data["diastolic"] > DEFAULT_POLICY.bp_critical_diastolic_above


async def test_heartbeats_are_retained_so_a_late_subscriber_sees_each_device_online(
        any_broker):
    await run(any_broker, "--scenario", "normal", "--rounds", "1")
    async with MqttProbe(any_broker.url, "cuiot/devices/+/status") as late:
        seen = {topic.split("/")[2]: (payload["status"], retained)
                for topic, payload, retained in await late.drain()}
    assert seen == {device: ("online", True) for device in TYPES}


def test_an_unreachable_broker_is_one_line_and_a_non_zero_exit() -> None:
    result = CliRunner().invoke(app, ["--url", f"mqtt://127.0.0.1:{free_port()}", "--rounds", "0"])
    assert result.exit_code == 1
    assert "cannot reach the MQTT broker" in result.stderr and "Traceback" not in result.output
    assert result.stderr.count("\n") == 1

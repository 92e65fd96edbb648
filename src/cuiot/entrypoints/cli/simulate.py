"""``cuiot devices simulate``: Rosa's devices (``cuiot seed --demo``) publishing real MQTT
traffic to the broker ``cuiot serve`` uses: ``CUIOT_MQTT_URL``, else its embedded broker on
``CUIOT_MQTT_EMBEDDED_PORT`` (or ``--url``). It names that broker before publishing, and
stops in one line when no broker answers there.

Normal readings and heartbeats first, then what the demo is for: a hypertensive crisis,
a fall, a panic press, a gas leak, and a device going silent — its connection drops
without a goodbye, so the broker publishes the offline last will it left at connect.
Each device is its own MQTT client (3.1.1, as most devices and every broker speak), and
every message is printed as it is acknowledged by the broker.
"""

from __future__ import annotations

import json
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any
from uuid import uuid4

import typer

from cuiot.adapters.mqtt.client import BrokerAddress
from cuiot.adapters.mqtt.gateway import mqtt311_client
from cuiot.entrypoints.cli.broker import URL_FORM, broker_address, broker_label
from cuiot.entrypoints.cli.demo import DEVICES
from cuiot.entrypoints.cli.output import fail
from cuiot.entrypoints.cli.users import JSON

BP, GAS, MOTION, PANIC = (device[0] for device in DEVICES)
HEARTBEAT_S = 300
PAUSE_S = 1.0  # between two messages at --speed 1
ACK_TIMEOUT_S = 5.0
HINT = ("(is 'cuiot serve' running, with the same CUIOT_MQTT_URL or "
        "CUIOT_MQTT_EMBEDDED_PORT in this terminal?)")


class Scenario(StrEnum):
    ALL = "all"
    NORMAL = "normal"
    CRISIS = "crisis"
    FALL = "fall"
    PANIC = "panic"
    GAS = "gas"
    SILENT = "silent"


@dataclass(frozen=True)
class Step:
    device_id: str
    kind: str  # telemetry, events, status, or drop (the connection is cut)
    body: dict[str, Any] = field(default_factory=dict)


def _normal(rng: random.Random) -> list[Step]:
    bp = {"systolic": rng.randint(115, 130), "diastolic": rng.randint(72, 84),
          "pulse": rng.randint(62, 80)}
    gas = {"CO": rng.randint(1, 6), "CO2": rng.randint(480, 650),
           "smoke": round(rng.uniform(0, 0.02), 3)}
    return [Step(BP, "telemetry", {"type": "blood_pressure", "data": bp, "battery_level": 87}),
            Step(GAS, "telemetry", {"type": "gas_sensor", "data": gas, "battery_level": 92}),
            Step(MOTION, "events", {"event": "motion", "data": {"room": "living"}}),
            *(Step(device[0], "status", {"status": "online", "heartbeat_s": HEARTBEAT_S})
              for device in DEVICES)]


SCENES: dict[Scenario, list[Step]] = {
    Scenario.CRISIS: [Step(BP, "telemetry", {"type": "blood_pressure", "battery_level": 86,
                                             "data": {"systolic": 192, "diastolic": 124,
                                                      "pulse": 112}})],
    Scenario.FALL: [Step(MOTION, "events", {"event": "fall", "data": {"room": "baño"}})],
    Scenario.PANIC: [Step(PANIC, "events", {"event": "pressed", "data": {}})],
    Scenario.GAS: [Step(GAS, "telemetry", {"type": "gas_sensor", "battery_level": 91,
                                           "data": {"CO": 85, "CO2": 1250, "smoke": 0.18}})],
    Scenario.SILENT: [Step(GAS, "drop")],
}


def plan(scenario: Scenario, rounds: int, rng: random.Random) -> list[Step]:
    """``rounds`` of normal traffic, then the scenario (all of them, for ``all``)."""
    steps = [step for _ in range(rounds) for step in _normal(rng)]
    if scenario is Scenario.ALL:
        for scene in (Scenario.CRISIS, Scenario.FALL, Scenario.PANIC, Scenario.GAS):
            steps += SCENES[scene]
        return steps + _normal(rng) + SCENES[Scenario.SILENT]
    return steps + SCENES.get(scenario, [])


def stamped(step: Step) -> dict[str, Any]:
    """The payload as sent: the time now, and a fresh ``msg_id`` for readings and events."""
    ts = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    ids = {} if step.kind == "status" else {"msg_id": f"sim-{uuid4().hex[:16]}"}
    return {**ids, "ts": ts, **step.body}


class SimulatedDevice:
    """One device's MQTT connection, with its offline status as last will."""

    def __init__(self, address: BrokerAddress, device_id: str) -> None:
        self.address, self.device_id = address, device_id
        self.status_topic = f"cuiot/devices/{device_id}/status"
        self.client = mqtt311_client(address, f"sim-{device_id}-{uuid4().hex[:6]}")
        self.client.will_set(self.status_topic, json.dumps(
            {"status": "offline", "heartbeat_s": HEARTBEAT_S}), qos=1, retain=True)
        self._answered, self._refusal, self._dropped = threading.Event(), "", False
        self.client.on_connect = self._on_connect

    def _on_connect(self, _client: Any, _userdata: Any, _flags: Any, reason: Any,
                    _properties: Any) -> None:
        self._refusal = str(reason) if reason.is_failure else ""
        self._answered.set()

    def connect(self) -> None:
        try:
            self.client.connect(self.address.host, self.address.port, keepalive=30)
        except OSError as error:
            fail(f"cannot reach the MQTT broker at {self.address}: {error.strerror or error}"
                 f" {HINT}")
        self.client.loop_start()
        if not self._answered.wait(ACK_TIMEOUT_S):
            fail(f"no MQTT broker answered at {self.address} within {ACK_TIMEOUT_S:g} s {HINT}")
        if self._refusal:
            fail(f"the MQTT broker at {self.address} refused {self.device_id}: {self._refusal}")

    def send(self, kind: str, payload: dict[str, Any]) -> str:
        topic = f"cuiot/devices/{self.device_id}/{kind}"
        info = self.client.publish(topic, json.dumps(payload, ensure_ascii=False), qos=1,
                                   retain=kind == "status")
        info.wait_for_publish(ACK_TIMEOUT_S)
        if not info.is_published():
            fail(f"the MQTT broker at {self.address} did not acknowledge {topic}")
        return topic

    def drop(self) -> None:
        """Gone without a DISCONNECT: the broker publishes the last will."""
        self.client.loop_stop()
        sock = self.client.socket()
        if sock is not None:
            sock.close()
        self._dropped = True

    def close(self) -> None:
        if not self._dropped:
            self.client.disconnect()  # nothing to say when it never connected
            self.client.loop_stop()


def target(url: str | None) -> tuple[BrokerAddress, str]:
    """``--url``, else the broker ``cuiot serve`` uses; and how to name it."""
    from cuiot.entrypoints.cli.runtime import container

    if url is not None:
        try:
            address = BrokerAddress.parse(url)
        except ValueError:
            fail(f"--url is not a broker URL: expected {URL_FORM}")
        return address, f"{address} (--url)"
    settings = container().settings()
    found = broker_address(settings)
    if found is None:
        fail("MQTT is off (CUIOT_MQTT_URL=off): pass --url mqtt://host:port")
    return found, broker_label(settings)


def _show(device_id: str, topic: str, payload: dict[str, Any] | None, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps({"device_id": device_id, "topic": topic, "payload": payload},
                              ensure_ascii=False))
    elif payload is None:
        typer.echo(f"{datetime.now():%H:%M:%S}  {device_id} went silent: the broker publishes "
                   f"its last will on {topic}")
    else:
        typer.echo(f"{datetime.now():%H:%M:%S}  {topic}  {json.dumps(payload, ensure_ascii=False)}")


def simulate(
    scenario: Annotated[Scenario, typer.Option(
        help="What happens after the normal rounds")] = Scenario.ALL,
    speed: Annotated[float, typer.Option(
        min=0.01, help="Faster than real time: 10 → ten times")] = 1.0,
    rounds: Annotated[int, typer.Option(
        min=0, max=1000, help="Rounds of normal readings and heartbeats first")] = 2,
    url: Annotated[str | None, typer.Option(
        help="Broker URL; default CUIOT_MQTT_URL, else the embedded broker")] = None,
    seed: Annotated[int | None, typer.Option(help="The same readings on every run")] = None,
    json_: bool = JSON,
) -> None:
    """Publish realistic traffic for the demo family's devices over MQTT."""
    address, label = target(url)
    devices = {device[0]: SimulatedDevice(address, device[0]) for device in DEVICES}
    try:
        for device in devices.values():
            device.connect()
        typer.echo(f"publishing to {label}", err=True)
        for step in plan(scenario, rounds, random.Random(seed)):
            time.sleep(PAUSE_S / speed)
            device = devices[step.device_id]
            if step.kind == "drop":
                device.drop()
                _show(step.device_id, device.status_topic, None, json_)
                continue
            payload = stamped(step)
            _show(step.device_id, device.send(step.kind, payload), payload, json_)
    finally:
        for device in devices.values():
            device.close()

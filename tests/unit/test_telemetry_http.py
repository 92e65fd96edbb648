"""A device posting its telemetry over HTTP (its own key; impossible readings kept as
rejected). Naming devices for the people who look at alerts and events is now part of
those reads' views (the device's id joined in)."""

from __future__ import annotations

import json

import pytest

from cuiot.application.safety.commands.devices import (
    DeviceCommand,
    RegisterDevice,
    RegisterDeviceCommand,
    RemoveDevice,
)
from cuiot.application.safety.commands.ingest import DUPLICATE, STORED
from cuiot.application.safety.commands.telemetry import HttpTelemetryCommand, IngestHttpTelemetry
from cuiot.domain.errors import InvalidReading, Unauthenticated
from cuiot.domain.sensor_events import Severity
from tests.support.alerts import BP_CRITICAL, BP_NORMAL, SafetyBench

IMPOSSIBLE = {"systolic": 80, "diastolic": 120, "pulse": 72}  # systolic not above diastolic


@pytest.fixture
def bench() -> SafetyBench:
    return SafetyBench()


@pytest.fixture
async def scene(bench: SafetyBench):
    """Ana's mother Elena with a blood pressure monitor; its key as registered."""
    ana = bench.user("Ana")
    elena = bench.person(ana)
    registered = await bench.call(RegisterDevice, RegisterDeviceCommand(
        actor_id=ana.id, device_id="bp-1", name="Tensiómetro", device_type="blood_pressure",
        cared_person_id=elena.id))
    return ana, elena, registered.device, registered.api_key


def post(key: str, data: dict, msg_id: str = "m-1",
         device_id: str = "bp-1") -> HttpTelemetryCommand:
    body = {"msg_id": msg_id, "type": "blood_pressure", "data": data}
    return HttpTelemetryCommand(device_id=device_id, api_key=key, msg_id=msg_id,
                                type="blood_pressure", data=data, raw=json.dumps(body).encode())


async def test_a_reading_with_the_right_key_is_stored_at_the_receive_time(bench, scene) -> None:
    key = scene[3]
    result = await bench.call(IngestHttpTelemetry, post(key, BP_NORMAL))
    assert result.outcome == STORED
    (event,) = bench.events()
    assert event.timestamp == bench.clock.now() and event.msg_id == "m-1"
    assert not bench.store.rejected_messages.items


async def test_a_critical_reading_opens_an_alert(bench, scene) -> None:
    result = await bench.call(IngestHttpTelemetry, post(scene[3], BP_CRITICAL))
    assert result.alert_ids == (bench.alert().id,)
    assert bench.alert().severity is Severity.CRITICAL


async def test_the_same_message_twice_is_stored_once(bench, scene) -> None:
    assert (await bench.call(IngestHttpTelemetry, post(scene[3], BP_NORMAL))).outcome == STORED
    again = await bench.call(IngestHttpTelemetry, post(scene[3], BP_NORMAL))
    assert again.outcome == DUPLICATE and len(bench.events()) == 1


@pytest.mark.parametrize("key", ["", "not-the-key"])
async def test_a_wrong_or_missing_key_is_refused_and_nothing_kept(bench, scene, key) -> None:
    with pytest.raises(Unauthenticated):
        await bench.call(IngestHttpTelemetry, post(key, IMPOSSIBLE))
    assert not bench.events() and not bench.store.rejected_messages.items


async def test_an_unknown_or_removed_device_is_refused(bench, scene) -> None:
    ana, _, device, key = scene
    with pytest.raises(Unauthenticated):
        await bench.call(IngestHttpTelemetry, post(key, BP_NORMAL, device_id="ghost"))
    await bench.call(RemoveDevice, DeviceCommand(ana.id, device.id))
    with pytest.raises(Unauthenticated):
        await bench.call(IngestHttpTelemetry, post(key, BP_NORMAL))


async def test_an_impossible_reading_is_refused_and_kept_as_rejected(bench, scene) -> None:
    command = post(scene[3], IMPOSSIBLE, msg_id="m-9")
    with pytest.raises(InvalidReading):
        await bench.call(IngestHttpTelemetry, command)
    (rejected,) = bench.store.rejected_messages.items.values()
    assert (rejected.source, rejected.reason, rejected.device_id) == ("http", "invalid_reading",
                                                                      "bp-1")
    assert rejected.topic == "cuiot/devices/bp-1/telemetry"
    assert rejected.received_at == bench.clock.now() and "systolic" in rejected.detail
    assert json.loads(rejected.payload)["msg_id"] == "m-9"
    assert not bench.events() and not bench.alerts()

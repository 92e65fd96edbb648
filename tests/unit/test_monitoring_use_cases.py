"""Device status, missed heartbeats and inactivity: the periodic checks."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cuiot.application.safety.commands.monitoring import (
    CheckDevicesOffline,
    CheckInactivity,
    RecordDeviceStatus,
    RecordDeviceStatusCommand,
)
from cuiot.domain.devices import DeviceStatus
from cuiot.domain.errors import InvalidReading, NotFound
from cuiot.domain.policy import DEFAULT_POLICY
from cuiot.domain.sensor_events import EventType, Severity, inactivity_due
from tests.support.alerts import BP_NORMAL, SafetyBench

ZONE = ZoneInfo("America/Argentina/Buenos_Aires")


def local(hour: int, minute: int = 0, day: int = 15) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=ZONE)


@pytest.fixture
def bench() -> SafetyBench:
    return SafetyBench(now=local(9))


@pytest.fixture
async def scene(bench: SafetyBench):
    ana = bench.user("Ana")
    person = bench.person(ana)
    bench.representative(person, ana)
    return person, await bench.device(person), await bench.device(person, "motion_sensor")


def status(device_id: str, value: str, **fields) -> RecordDeviceStatusCommand:
    return RecordDeviceStatusCommand(device_id, value, **fields)


# --- status messages ---------------------------------------------------------------------

async def test_online_status_marks_the_device_seen_and_takes_its_heartbeat(bench, scene) -> None:
    device = scene[1]
    got = await bench.call(RecordDeviceStatus, status(device.device_id, "online", heartbeat_s=60))
    stored = bench.fresh(device)
    assert got is DeviceStatus.ONLINE and stored.config["heartbeat_s"] == 60
    assert stored.offline_due_at == bench.clock.now() + timedelta(minutes=3)


async def test_a_last_will_gives_one_device_offline_alert(bench, scene) -> None:
    device = scene[1]
    await bench.call(RecordDeviceStatus, status(device.device_id, "online"))
    for _ in range(2):  # the retained message comes again on every reconnection
        await bench.call(RecordDeviceStatus, status(device.device_id, "offline"))
    (event,) = [e for e in bench.events() if e.event_type is EventType.DEVICE_OFFLINE]
    assert event.severity is Severity.MEDIUM and event.sensor_data["reason"] == "status_offline"
    assert bench.alert().alert_type == "device_offline"


@pytest.mark.parametrize("fields", [{"status": "asleep"}, {"heartbeat_s": 0}])
async def test_bad_status_messages_are_refused(bench, scene, fields) -> None:
    values = {"device_id": scene[1].device_id, "status": "online", **fields}
    with pytest.raises(InvalidReading):
        await bench.call(RecordDeviceStatus, RecordDeviceStatusCommand(**values))


async def test_status_of_an_unknown_device(bench, scene) -> None:
    with pytest.raises(NotFound):
        await bench.call(RecordDeviceStatus, status("ghost", "offline"))


# --- missed heartbeats -------------------------------------------------------------------

async def test_offline_after_three_missed_heartbeats_and_only_once(bench, scene) -> None:
    device = scene[1]
    await bench.reading(device, BP_NORMAL)
    bench.advance(minutes=15, seconds=-1)
    assert await bench.call(CheckDevicesOffline) == 0
    bench.advance(seconds=1)
    assert await bench.call(CheckDevicesOffline) == 1
    assert await bench.call(CheckDevicesOffline) == 0
    assert bench.fresh(device).status is DeviceStatus.OFFLINE
    assert bench.alert().alert_type == "device_offline"
    (event,) = [e for e in bench.events() if e.event_type is EventType.DEVICE_OFFLINE]
    assert event.sensor_data["last_seen_at"].endswith("Z")  # as HTTP writes instants


async def test_back_online_then_silent_again_is_reported_again(bench, scene) -> None:
    device = scene[1]
    await bench.reading(device, BP_NORMAL)
    bench.advance(minutes=15)
    await bench.call(CheckDevicesOffline)
    await bench.reading(device, BP_NORMAL)
    bench.advance(minutes=15)
    assert await bench.call(CheckDevicesOffline) == 1
    assert bench.alert().occurrences == 2  # joined while the first was open


async def test_a_device_never_heard_from_is_not_reported(bench, scene) -> None:
    bench.advance(hours=2)
    assert await bench.call(CheckDevicesOffline) == 0


async def test_a_devices_own_heartbeat(bench, scene) -> None:
    person = scene[0]
    quick = await bench.device(person, config={"heartbeat_s": 60})
    await bench.reading(quick, BP_NORMAL)
    bench.advance(minutes=3)
    assert await bench.call(CheckDevicesOffline) == 1


# --- inactivity ----------------------------------------------------------------------------

async def moved(bench: SafetyBench, sensor, at: datetime) -> None:
    bench.clock.set(at)
    await bench.device_event(sensor, "motion")


@pytest.mark.parametrize(("check_at", "raised"), [(local(13, 59), 0), (local(14), 1)])
async def test_four_hours_without_motion_in_the_day(bench, scene, check_at, raised) -> None:
    await moved(bench, scene[2], local(10))
    bench.clock.set(check_at)
    assert await bench.call(CheckInactivity) == raised
    if raised:
        alert = bench.alert()
        assert (alert.alert_type, alert.severity) == ("inactivity", Severity.HIGH)


async def test_once_per_quiet_spell_and_again_after_new_motion(bench, scene) -> None:
    sensor = scene[2]
    await moved(bench, sensor, local(9))
    bench.clock.set(local(13))
    assert await bench.call(CheckInactivity) == 1
    bench.clock.set(local(14))
    assert await bench.call(CheckInactivity) == 0
    await moved(bench, sensor, local(14, 30))
    bench.clock.set(local(18, 30))
    assert await bench.call(CheckInactivity) == 1


async def test_motion_on_any_sensor_counts(bench, scene) -> None:
    other = await bench.device(scene[0], "motion_sensor")
    await moved(bench, scene[2], local(9))
    await moved(bench, other, local(12))
    bench.clock.set(local(14))
    assert await bench.call(CheckInactivity) == 0


@pytest.mark.parametrize(("check_at", "raised"), [
    (local(7), 0), (local(10, 59), 0), (local(11), 1), (local(22), 0), (local(6, 59), 0),
])
async def test_quiet_hours_before_seven_do_not_count(bench, scene, check_at, raised) -> None:
    await moved(bench, scene[2], local(23, day=14))
    bench.clock.set(check_at)
    assert await bench.call(CheckInactivity) == raised


async def test_a_person_who_never_moved_counts_from_the_sensors_registration(bench) -> None:
    ana = bench.user("Ana")
    person = bench.person(ana)
    await bench.device(person, "motion_sensor")  # registered at 09:00
    bench.clock.set(local(12, 59))
    assert await bench.call(CheckInactivity) == 0
    bench.clock.set(local(13))
    assert await bench.call(CheckInactivity) == 1


async def test_people_without_motion_sensors_are_not_checked(bench) -> None:
    person = bench.person(bench.user("Ana"))
    await bench.device(person)
    bench.clock.set(local(20))
    assert await bench.call(CheckInactivity) == 0


def test_inactivity_window_edges() -> None:
    assert inactivity_due(local(10), local(21, 59), DEFAULT_POLICY)
    assert not inactivity_due(local(10), local(22), DEFAULT_POLICY)
    assert not inactivity_due(local(5), local(10, 59), DEFAULT_POLICY)
    assert inactivity_due(local(5), local(11), DEFAULT_POLICY)

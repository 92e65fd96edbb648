"""Ingesting readings and device events: stored once, classified, alerts and their
notifications in the same unit of work, never gated by limits."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from cuiot.application.safety.commands import devices as devices_uc
from cuiot.application.safety.commands.alerts import AlertCommand, ResolveAlert
from cuiot.application.safety.commands.ingest import DUPLICATE, STORED
from cuiot.domain.alerts import AlertOpened, AlertStatus
from cuiot.domain.devices import DeviceStatus
from cuiot.domain.errors import InvalidReading, NotFound, PackageLimitExceeded
from cuiot.domain.sensor_events import EventType, Severity
from tests.support.alerts import BP_CRITICAL, BP_NORMAL, SafetyBench

GAS_CO2_HIGH = {"CO": 5, "CO2": 1200, "smoke": 0.01}


@pytest.fixture
def bench() -> SafetyBench:
    return SafetyBench()


@pytest.fixture
async def scene(bench: SafetyBench):
    ana = bench.user("Ana")
    person = bench.person(ana)
    bench.representative(person, ana)
    return person, ana, await bench.device(person)


async def test_a_normal_reading_is_stored_without_an_alert(bench, scene) -> None:
    person, _, device = scene
    result = await bench.reading(device, BP_NORMAL, msg_id="m-1")
    assert result.outcome == STORED
    (event,) = bench.events()
    assert (event.event_type, event.severity, event.msg_id) == (EventType.BLOOD_PRESSURE,
                                                                Severity.LOW, "m-1")
    assert event.timestamp == event.received_at == bench.clock.now()
    assert event.size_bytes == len(b'{"systolic":120,"diastolic":80,"pulse":72}')
    assert (event.cared_person_id, event.device_pk) == (person.id, device.id)
    assert not bench.alerts() and not bench.notifications()
    stored = bench.fresh(device)
    assert stored.status is DeviceStatus.ONLINE and stored.last_seen_at == bench.clock.now()


async def test_the_devices_timestamp_is_kept_when_given(bench, scene) -> None:
    ts = datetime(2026, 1, 15, 14, 58, tzinfo=UTC)
    await bench.reading(scene[2], BP_NORMAL, ts=ts)
    assert bench.events()[0].timestamp == ts


async def test_a_timestamp_without_zone_is_refused(bench, scene) -> None:
    with pytest.raises(InvalidReading):
        await bench.reading(scene[2], BP_NORMAL, ts=datetime(2026, 1, 15, 12, 0))


@pytest.mark.parametrize("msg_id, extra, accepted", [
    ("m" * 128, 0, True), ("m" * 129, 0, False),
    ("m-1", 16_384 - 60, True), ("m-1", 16_384, False)])
async def test_the_message_limits_are_the_same_for_every_transport(
        bench, scene, msg_id, extra, accepted) -> None:
    data = {**BP_NORMAL, "note": "x" * extra}
    if accepted:
        assert (await bench.reading(scene[2], data, msg_id=msg_id)).outcome == STORED
    else:
        with pytest.raises(InvalidReading):
            await bench.reading(scene[2], data, msg_id=msg_id)


async def test_a_message_seen_before_is_stored_once(bench, scene) -> None:
    device = scene[2]
    assert (await bench.reading(device, BP_CRITICAL, msg_id="m-1")).outcome == STORED
    assert (await bench.reading(device, BP_CRITICAL, msg_id="m-1")).outcome == DUPLICATE
    assert len(bench.events()) == 1 and bench.alert().occurrences == 1


async def test_the_same_msg_id_from_another_device_is_another_message(bench, scene) -> None:
    other = await bench.device(scene[0])
    await bench.reading(scene[2], BP_NORMAL, msg_id="m-1")
    assert (await bench.reading(other, BP_NORMAL, msg_id="m-1")).outcome == STORED
    assert len(bench.events()) == 2


async def test_unknown_and_removed_devices_are_refused(bench, scene) -> None:
    _, ana, device = scene
    with pytest.raises(NotFound):
        await bench.reading(replace(device, device_id="ghost"), BP_NORMAL)
    await bench.call(devices_uc.RemoveDevice, devices_uc.DeviceCommand(ana.id, device.id))
    with pytest.raises(NotFound):
        await bench.reading(device, BP_NORMAL)


async def test_an_impossible_reading_is_refused_and_leaves_no_trace(bench, scene) -> None:
    device = scene[2]
    with pytest.raises(InvalidReading) as refused:
        await bench.reading(device, {"systolic": 80, "diastolic": 90, "pulse": 70})
    assert refused.value.details["reason"] == "systolic_not_above_diastolic"
    assert not bench.events() and bench.fresh(device).last_seen_at is None


async def test_a_critical_reading_opens_an_alert_and_tells_level_one_in_one_commit(
        bench, scene) -> None:
    device = scene[2]
    commits = bench.uow.commits
    result = await bench.reading(device, BP_CRITICAL)
    alert = bench.alert()
    assert bench.uow.commits == commits + 1
    assert result.alert_ids == (alert.id,) and bench.events()[0].alert_id == alert.id
    assert (alert.severity, alert.status, alert.escalation_level) == (
        Severity.CRITICAL, AlertStatus.PENDING, 1)
    assert alert.alert_type == "blood_pressure" and alert.device_pk == device.id
    assert bench.told(alert) == {("email", "ana@example.com")}  # no phone for push
    assert any(isinstance(e, AlertOpened) for e in bench.publisher.published)


async def test_events_of_the_same_kind_join_the_open_alert(bench, scene) -> None:
    device = scene[2]
    await bench.reading(scene[2], {"systolic": 150, "diastolic": 85, "pulse": 70})
    await bench.reading(device, BP_CRITICAL)
    alert = bench.alert()
    assert (alert.occurrences, alert.severity) == (2, Severity.CRITICAL)
    assert len(bench.notifications(alert)) == 1  # joining does not notify again


async def test_after_resolution_a_new_alert_opens(bench, scene) -> None:
    _, ana, device = scene
    await bench.reading(device, BP_CRITICAL)
    first = bench.alert()
    await bench.call(ResolveAlert, AlertCommand(ana.id, first.id))
    await bench.reading(device, BP_CRITICAL)
    assert len(bench.alerts()) == 2
    assert {a.status for a in bench.alerts()} == {AlertStatus.RESOLVED, AlertStatus.PENDING}


async def test_another_device_or_another_type_opens_another_alert(bench, scene) -> None:
    person, _, device = scene
    other = await bench.device(person)
    await bench.reading(device, BP_CRITICAL)
    await bench.reading(other, BP_CRITICAL)
    await bench.reading(device, BP_CRITICAL, battery=5)
    kinds = sorted((a.device_pk == device.id, a.alert_type) for a in bench.alerts())
    assert kinds == [(False, "blood_pressure"), (True, "battery_low"), (True, "blood_pressure")]


@pytest.mark.parametrize(("battery", "severity"), [(20, None), (19, Severity.LOW),
                                                   (10, Severity.LOW), (9, Severity.MEDIUM)])
async def test_battery_events(bench, scene, battery, severity) -> None:
    result = await bench.reading(scene[2], BP_NORMAL, battery=battery)
    found = [e.severity for e in result.events if e.event_type is EventType.BATTERY_LOW]
    assert found == ([severity] if severity else [])
    assert bool(bench.alerts()) is (severity is Severity.MEDIUM)
    assert bench.fresh(scene[2]).battery_level == battery


async def test_an_impossible_battery_level_does_not_cost_the_reading(bench, scene) -> None:
    result = await bench.reading(scene[2], BP_CRITICAL, battery=255)
    assert result.outcome == STORED and result.battery_rejected
    assert [e.event_type for e in bench.events()] == [EventType.BLOOD_PRESSURE]
    assert bench.alert().severity is Severity.CRITICAL
    assert bench.fresh(scene[2]).battery_level is None


async def test_a_panic_button_reports_its_battery_by_telemetry(bench, scene) -> None:
    button = await bench.device(scene[0], "panic_button")
    result = await bench.reading(button, {}, battery=8, msg_id="b-1")
    (event,) = result.events
    assert (event.event_type, event.severity, event.msg_id) == (EventType.BATTERY_LOW,
                                                                Severity.MEDIUM, "b-1")
    assert (await bench.reading(button, {}, battery=8, msg_id="b-1")).outcome == DUPLICATE


async def test_the_persons_own_threshold_applies(bench, scene) -> None:
    person, _, device = scene
    bench.fresh(person).thresholds = {"bp_high_systolic_at_least": 160}
    await bench.reading(device, {"systolic": 150, "diastolic": 80, "pulse": 70})
    assert bench.events()[0].severity is Severity.LOW


async def test_a_fall_opens_a_critical_alert(bench, scene) -> None:
    sensor = await bench.device(scene[0], "motion_sensor")
    result = await bench.device_event(sensor, "fall")
    assert result.events[0].event_type is EventType.FALL
    assert (bench.alert().alert_type, bench.alert().severity) == ("fall", Severity.CRITICAL)


async def test_motion_refreshes_the_persons_last_activity(bench, scene) -> None:
    person = scene[0]
    sensor = await bench.device(person, "motion_sensor")
    earlier = bench.clock.now() - timedelta(minutes=5)
    await bench.device_event(sensor, "motion", ts=earlier)
    assert bench.fresh(person).last_activity_at == earlier
    await bench.device_event(sensor, "motion", ts=bench.clock.now() + timedelta(hours=3))
    assert bench.fresh(person).last_activity_at == bench.clock.now()  # never in the future
    assert not bench.alerts()


async def test_an_event_that_does_not_fit_the_device_is_refused(bench, scene) -> None:
    with pytest.raises(InvalidReading):
        await bench.device_event(scene[2], "pressed")
    assert not bench.events()


async def test_ingestion_is_never_gated_by_limits(bench, scene, monkeypatch) -> None:
    async def refuse(*args, **kwargs):
        raise PackageLimitExceeded([{"dimension": "devices", "used": 9, "limit": 3}])

    monkeypatch.setattr(devices_uc.limits, "ensure_within_limits", refuse)
    await bench.reading(scene[2], BP_CRITICAL)
    assert bench.alert().severity is Severity.CRITICAL and bench.notifications()

"""The coverage check on in-memory adapters: every person in pages, the state kept, the
lapse's event and alert (filed under which device), a device's last will judged at once,
the scheduler's job.
(The rules and the transitions read as scenarios in features/coverage.feature.)"""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from cuiot.application.safety.commands.coverage import CheckCoverage, CheckCoverageCommand
from cuiot.application.safety.commands.monitoring import (
    RecordDeviceStatus,
    RecordDeviceStatusCommand,
)
from cuiot.domain.coverage import CoverageState
from cuiot.domain.sensor_events import EventType, Severity
from cuiot.entrypoints.scheduler import Scheduler
from tests.fakes.uow import InMemoryUnitOfWork
from tests.support.alerts import SafetyBench


async def online(bench: SafetyBench, *devices) -> None:
    for device in devices:
        await bench.call(RecordDeviceStatus, RecordDeviceStatusCommand(device.device_id,
                                                                       "online"))


def kept(bench: SafetyBench, person) -> CoverageState:
    return bench.store.coverage.items[person.id].state


async def test_every_person_is_evaluated_page_by_page() -> None:
    bench = SafetyBench()
    ana = bench.user("Ana")
    persons = [bench.person(ana, name) for name in ("Elena", "Rosa", "Marta", "Inés", "Luz")]
    for person in persons[:3]:
        bench.representative(person, ana)
    assert await bench.call(CheckCoverage, CheckCoverageCommand(limit=2)) == 0  # no device
    assert [kept(bench, p) for p in persons] == [CoverageState.PROTECTED] * 3 + [
        CoverageState.DEGRADED] * 2
    assert bench.uow.commits == 3  # pages of 2, 2 and 1


async def test_a_lapse_is_an_event_and_an_alert_under_the_first_safety_critical_device() -> None:
    bench = SafetyBench()
    ana = bench.user("Ana")
    elena = bench.person(ana)
    await bench.device(elena, "blood_pressure")  # older, but it raises no alarm
    button, gas = await bench.device(elena, "panic_button"), await bench.device(elena, "gas_sensor")
    await online(bench, button, gas)
    assert await bench.call(CheckCoverage) == 1  # nobody on level 1
    (event,) = [e for e in bench.events() if e.event_type is EventType.COVERAGE_LAPSED]
    alert = bench.alert()
    assert (alert.alert_type, alert.severity, alert.device_pk) == (
        "coverage_lapsed", Severity.MEDIUM, button.id)
    assert event.alert_id == alert.id and event.device_pk == button.id
    assert event.sensor_data == {"state": "degraded", "previous": "protected",
                                 "reason_count": 1,
                                 "reasons": [{"code": "no_reachable_responder",
                                              "subject_id": str(elena.id)}]}
    assert await bench.call(CheckCoverage) == 0  # it stays lapsed: nothing more
    assert len(bench.alerts()) == 1


async def test_a_page_opens_its_lapses_in_the_order_of_their_devices() -> None:
    """Devices are locked in id order, as an ingest batch locks its own: a page that held
    one device while it waited for another held by a batch, itself waiting for the first,
    would deadlock."""
    bench = SafetyBench()
    ana = bench.user("Ana")
    persons = [bench.person(ana, name) for name in ("Elena", "Rosa", "Marta", "Inés", "Luz")]
    for person in reversed(persons):  # the devices' order is not the persons'
        await bench.device(person, "panic_button")
    assert await bench.call(CheckCoverage) == len(persons)  # nobody on level 1
    filed_under = [e.device_pk for e in bench.events()
                   if e.event_type is EventType.COVERAGE_LAPSED]
    assert len(filed_under) == len(persons) and filed_under == sorted(filed_under)


async def test_without_a_safety_critical_device_the_oldest_device_holds_the_alert() -> None:
    bench = SafetyBench()
    elena = bench.person(bench.user("Ana"))
    first, _ = await bench.device(elena), await bench.device(elena, "ip_camera")
    await bench.call(CheckCoverage)
    assert bench.alert().device_pk == first.id


async def test_a_last_will_judges_the_persons_coverage_at_once() -> None:
    bench = SafetyBench()
    ana = bench.user("Ana")
    elena = bench.person(ana)
    bench.representative(elena, ana)
    button = await bench.device(elena, "panic_button")
    await online(bench, button)
    await bench.call(RecordDeviceStatus, RecordDeviceStatusCommand(button.device_id, "offline"))
    assert kept(bench, elena) is CoverageState.UNPROTECTED
    assert sorted((a.alert_type, a.severity) for a in bench.alerts()) == [
        ("coverage_lapsed", Severity.HIGH), ("device_offline", Severity.MEDIUM)]
    # the retained copy of the will, again: the device was offline already
    await bench.call(RecordDeviceStatus, RecordDeviceStatusCommand(button.device_id, "offline"))
    assert len(bench.alerts()) == 2


async def test_the_scheduler_checks_every_person_every_five_minutes() -> None:
    bench = SafetyBench()
    scheduler = Scheduler(lambda: InMemoryUnitOfWork(bench.store, bench.publisher),
                          bench.clock, bench.ids, bench.policy,
                          metrics_registry=CollectorRegistry())
    assert (await scheduler.tick())["coverage"] == "ok"
    elena = bench.person(bench.user("Ana"))  # nobody on her level 1
    await bench.device(elena, "panic_button")
    bench.advance(minutes=4, seconds=59)
    assert "coverage" not in await scheduler.tick()
    assert elena.id not in bench.store.coverage.items
    bench.advance(seconds=1)
    assert (await scheduler.tick())["coverage"] == "ok"
    assert kept(bench, elena) is CoverageState.DEGRADED
    assert bench.alert().alert_type == "coverage_lapsed"

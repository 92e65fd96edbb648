"""The batch path (``IngestBatch``): many readings and device events in one unit of work
give each message the outcome, and the store the state, that the per-message use cases
give them, one by one."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cuiot.application.safety.commands.device_messages import (
    DeviceMessageCommand,
    IngestEventMessage,
    IngestTelemetryMessage,
)
from cuiot.application.safety.commands.ingest import (
    DUPLICATE,
    STORED,
    IngestDeviceEventCommand,
    IngestReadingCommand,
)
from cuiot.application.safety.commands.ingest_batch import IngestBatch, closes_batch
from cuiot.domain.classification import Thresholds
from cuiot.domain.devices import DeviceStatus
from cuiot.domain.policy import DEFAULT_POLICY
from cuiot.domain.sensor_events import Severity
from tests.fakes.uow import InMemoryUnitOfWork
from tests.support.alerts import BP_CRITICAL, BP_NORMAL, NOON, SafetyBench

BP_HIGH = {"systolic": 150, "diastolic": 85, "pulse": 70}
BP_IMPOSSIBLE = {"systolic": 80, "diastolic": 90, "pulse": 70}


async def family(bench: SafetyBench) -> dict[str, Any]:
    """Ana looks after Elena, whose home has one device of each kind that sends."""
    ana = bench.user("Ana")
    person = bench.person(ana)
    bench.representative(person, ana)
    devices = {kind: await bench.device(person, kind, device_id=kind)
               for kind in ("blood_pressure", "gas_sensor", "motion_sensor", "panic_button")}
    return {"person": person, **devices}


def reading(device_id: str, msg_id: str, data: dict, *, type: str = "blood_pressure",
            battery: Any = None) -> DeviceMessageCommand:
    body = IngestReadingCommand(device_id, msg_id, type, data, battery_level=battery)
    return DeviceMessageCommand(f"cuiot/devices/{device_id}/telemetry",
                                json.dumps(data).encode(), body)


def event(device_id: str, msg_id: str, name: str) -> DeviceMessageCommand:
    body = IngestDeviceEventCommand(device_id, msg_id, name)
    return DeviceMessageCommand(f"cuiot/devices/{device_id}/events", name.encode(), body)


async def one_by_one(bench: SafetyBench, items: list[DeviceMessageCommand]) -> list:
    outcomes = []
    for item in items:
        kind = IngestTelemetryMessage if isinstance(item.body, IngestReadingCommand) \
            else IngestEventMessage
        outcomes.append(await kind(bench.uow, bench.clock, bench.ids, bench.policy)(item))
    return outcomes


async def in_batches(bench: SafetyBench, items: list[DeviceMessageCommand],
                     size: int) -> list:
    outcomes = []
    for start in range(0, len(items), size):
        outcomes += await bench.call(IngestBatch, items[start:start + size])
    return outcomes


def state(bench: SafetyBench) -> dict[str, Any]:
    """What the store holds, without the ids the two paths draw in different orders."""
    names = {d.id: d.device_id for d in bench.store.devices.all()}
    alerts = {a.id: (names[a.device_pk], a.alert_type) for a in bench.alerts()}
    return {
        "events": Counter((names[e.device_pk], e.event_type.value, e.severity.value, e.msg_id,
                           e.timestamp, alerts.get(e.alert_id)) for e in bench.events()),
        "alerts": Counter((names[a.device_pk], a.alert_type, a.severity.value, a.status.value,
                           a.occurrences, a.escalation_level) for a in bench.alerts()),
        "notifications": Counter((n.channel.value, n.address, alerts[n.alert_id],
                                  n.escalation_level)
                                 for n in bench.store.notifications.all()),
        "devices": {d.device_id: (d.status, d.last_seen_at, d.battery_level, d.offline_due_at)
                    for d in bench.store.devices.all()},
        "rejected": Counter((r.reason, r.topic, r.source)
                            for r in bench.store.rejected_messages.all()),
        "activity": [p.last_activity_at for p in bench.store.cared_persons.all()],
    }


def summary(outcomes: list) -> list[tuple[str, str | None]]:
    return [(o.outcome, o.reason) for o in outcomes]


async def test_a_mixed_batch_stores_each_message_as_the_rules_say() -> None:
    bench = SafetyBench()
    await family(bench)
    await bench.call(IngestBatch, [reading("blood_pressure", "seen-before", BP_NORMAL)])
    outcomes = await bench.call(IngestBatch, [
        reading("blood_pressure", "a", BP_NORMAL),
        reading("blood_pressure", "b", BP_CRITICAL),
        reading("blood_pressure", "a", BP_NORMAL),  # the same message again, in the batch
        reading("blood_pressure", "seen-before", BP_NORMAL),  # redelivered from before
        reading("blood_pressure", "c", BP_IMPOSSIBLE),
        reading("nobody", "d", BP_NORMAL),
        event("motion_sensor", "e", "motion"),
        event("panic_button", "f", "pressed"),
        reading("motion_sensor", "g", {}, type="motion_sensor", battery=5),
    ])
    assert summary(outcomes) == [
        (STORED, None), (STORED, None), (DUPLICATE, None), (DUPLICATE, None),
        ("rejected", "invalid_reading"), ("rejected", "unknown_device"), (STORED, None),
        (STORED, None), (STORED, None)]
    assert {(a.alert_type, a.severity) for a in bench.alerts()} == {
        ("blood_pressure", Severity.CRITICAL), ("panic_pressed", Severity.CRITICAL),
        ("battery_low", Severity.MEDIUM)}
    assert all(bench.notifications(alert) for alert in bench.alerts())
    assert outcomes[1].result.alert_ids and not outcomes[0].result.alert_ids
    assert sorted(e.msg_id or "-" for e in bench.events()) == [
        "a", "b", "e", "f", "g", "seen-before"]
    device = bench.store.devices.items[next(d.id for d in bench.store.devices.all()
                                            if d.device_id == "motion_sensor")]
    assert device.status is DeviceStatus.ONLINE and device.battery_level == 5
    assert bench.store.cared_persons.all().__iter__().__next__().last_activity_at == NOON
    assert bench.uow.commits >= 2


async def test_motion_keeps_the_latest_time_even_when_an_earlier_one_comes_later() -> None:
    bench = SafetyBench()
    await family(bench)
    later, earlier = NOON - timedelta(minutes=1), NOON - timedelta(minutes=30)
    late = event("motion_sensor", "late", "motion")
    early = event("motion_sensor", "early", "motion")
    await bench.call(IngestBatch, [
        DeviceMessageCommand(late.topic, late.raw, IngestDeviceEventCommand(
            "motion_sensor", "late", "motion", ts=later)),
        DeviceMessageCommand(early.topic, early.raw, IngestDeviceEventCommand(
            "motion_sensor", "early", "motion", ts=earlier))])
    (person,) = bench.store.cared_persons.all()
    assert person.last_activity_at == later


async def test_a_batch_that_fails_writes_nothing() -> None:
    bench = SafetyBench()
    await family(bench)

    class BrokenIngest:
        def __init__(self, real) -> None:
            self.real = real

        def __getattr__(self, name: str) -> Any:
            return getattr(self.real, name)

        async def save_device_states(self, devices) -> None:
            raise RuntimeError("the database went away")

    uow = InMemoryUnitOfWork(bench.store)
    uow.ingest = BrokenIngest(uow.ingest)
    with pytest.raises(RuntimeError):
        await IngestBatch(uow, bench.clock, bench.ids, bench.policy)(
            [reading("blood_pressure", "a", BP_CRITICAL)])
    assert not bench.events() and not bench.alerts() and not bench.notifications()


# Every message the devices of ``family`` could send, each with its own msg_id: a repeat
# is a redelivery of the very same message.
POOL = [
    reading("blood_pressure", "bp-normal", BP_NORMAL),
    reading("blood_pressure", "bp-high", BP_HIGH),
    reading("blood_pressure", "bp-critical", BP_CRITICAL),
    reading("blood_pressure", "bp-impossible", BP_IMPOSSIBLE),
    reading("blood_pressure", "bp-battery", BP_NORMAL, battery=8),
    reading("blood_pressure", "bp-bad-battery", BP_NORMAL, battery=140),
    reading("blood_pressure", "bp-wrong-type", {"CO": 1}, type="gas_sensor"),
    reading("gas_sensor", "gas-co", {"CO": 80}),
    reading("gas_sensor", "gas-co2", {"CO2": 1500}),
    reading("gas_sensor", "gas-ok", {"CO": 1, "CO2": 400}),
    reading("motion_sensor", "motion-battery", {}, type="motion_sensor", battery=15),
    event("motion_sensor", "motion", "motion"),
    event("motion_sensor", "fall", "fall"),
    event("motion_sensor", "nonsense", "pressed"),
    event("panic_button", "panic", "pressed"),
    reading("ghost", "ghost", BP_NORMAL),
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(picks=st.lists(st.integers(0, len(POOL) - 1), min_size=1, max_size=25),
       size=st.integers(1, 10))
async def test_batches_give_what_one_message_at_a_time_gives(picks: list[int], size: int) -> None:
    items = [POOL[i] for i in picks]
    alone, batched = SafetyBench(), SafetyBench()
    await family(alone)
    await family(batched)
    assert summary(await one_by_one(alone, items)) == summary(
        await in_batches(batched, items, size))
    assert state(alone) == state(batched)


@pytest.mark.parametrize(("item", "urgent"), [
    (event("x", "1", "fall"), True),
    (event("x", "1", "pressed"), True),
    (event("x", "1", "person_down"), True),
    (event("x", "1", "motion"), False),
    (reading("x", "1", BP_CRITICAL), True),
    (reading("x", "1", BP_HIGH), True),
    (reading("x", "1", BP_NORMAL), False),
    (reading("x", "1", BP_IMPOSSIBLE), False),
    (reading("x", "1", {"CO": 80}, type="gas_sensor"), True),
    (reading("x", "1", {"CO2": 1500}, type="gas_sensor"), False),
    (reading("x", "1", {}, type="motion_sensor", battery=3), False),
])
def test_what_closes_a_batch_at_once(item: DeviceMessageCommand, urgent: bool) -> None:
    assert closes_batch(item.body, Thresholds.from_policy(DEFAULT_POLICY)) is urgent

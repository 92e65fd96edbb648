"""The safety use cases end to end on the real unit of work, SQLite and PostgreSQL:
registering devices (with and without a package), a critical reading that opens an
alert and tells level 1, duplicates, joining, escalation, acknowledgement, the periodic
checks, and the listings."""

from __future__ import annotations

import inspect
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import pytest

from cuiot.adapters.persistence.views.safety import SqlAlertViews, SqlEventViews
from cuiot.application.safety.commands.alerts import AcknowledgeAlert, AlertCommand
from cuiot.application.safety.commands.devices import RegisterDevice, RegisterDeviceCommand
from cuiot.application.safety.commands.escalation import EscalateDueAlerts
from cuiot.application.safety.commands.ingest import (
    DUPLICATE,
    STORED,
    IngestDeviceEvent,
    IngestDeviceEventCommand,
    IngestReading,
    IngestReadingCommand,
)
from cuiot.application.safety.commands.monitoring import CheckDevicesOffline, CheckInactivity
from cuiot.application.safety.queries.alerts import ListAlerts, ListAlertsQuery
from cuiot.application.safety.queries.events import ListEvents, ListEventsQuery
from cuiot.application.shared.queries import Window
from cuiot.domain.alerts import AlertOpened, AlertStatus
from cuiot.domain.care import (
    AssignmentStatus,
    CaregiverAssignment,
    LegalRepresentation,
    Relationship,
)
from cuiot.domain.devices import Device, DeviceStatus
from cuiot.domain.errors import Conflict, Forbidden, InvalidReading, NotFound, PackageLimitExceeded
from cuiot.domain.packages import BillingCycle, PackageType, default_catalogue
from cuiot.domain.sensor_events import EventType, Severity
from cuiot.domain.subscriptions import Subscription
from cuiot.domain.users import Role
from tests.integration.test_safety_persistence import BP, NOW, a_person, a_user, store
from tests.support.alerts import SqlReads, alerts_of, events_of_device, outbox_of, viewer
from tests.support.subscriptions import subscribe

BP_NORMAL = {"systolic": 120, "diastolic": 80, "pulse": 72}


class Safety:
    """Runs a use case on a fresh SQL unit of work, with the ports it names; ``read``
    runs a query over its views."""

    def __init__(self, sql_uow, engine, clock, ids, rng, policy) -> None:
        self.sql_uow, self.clock = sql_uow, clock
        self.ports = {"clock": clock, "ids": ids, "rng": rng, "policy": policy}
        self.read = SqlReads(engine, clock)

    async def __call__(self, cls: type, cmd: Any = None) -> Any:
        names = inspect.signature(cls).parameters
        use_case = cls(**{n: self.sql_uow() if n == "uow" else self.ports[n] for n in names})
        return await (use_case(cmd) if cmd is not None else use_case())

    async def register(self, actor, person, device_id: str, kind: str = "blood_pressure"
                       ) -> Device:
        registered = await self(RegisterDevice, RegisterDeviceCommand(
            actor.id, device_id, f"Sensor {device_id}", kind, person.id))
        return registered.device

    async def reading(self, device: Device, msg_id: str, data: dict = BP, **extra: Any):
        return await self(IngestReading, IngestReadingCommand(
            device.device_id, msg_id, device.device_type.value, data, **extra))


@pytest.fixture
def run(sql_uow, engine, clock, ids, rng, policy) -> Safety:
    return Safety(sql_uow, engine, clock, ids, rng, policy)


@pytest.fixture
async def family(sql_uow):
    """Elena (delegated) on Ana's account: Rita represents her, Carla is her primary
    caregiver, Bruno a member. Zoe is a stranger; Root an admin."""
    people = {n: a_user(n) for n in ("Ana", "Rita", "Bruno", "Zoe")}
    people["Carla"], people["Root"] = a_user("Carla", Role.CAREGIVER), a_user("Root", Role.ADMIN)
    elena = a_person(people["Ana"], member_ids={people["Bruno"].id},
                     caregivers=[CaregiverAssignment(people["Carla"].id, primary=True,
                                                     status=AssignmentStatus.ACCEPTED)])
    representation = LegalRepresentation(
        id=uuid4(),
        cared_person_id=elena.id, representative_id=people["Rita"].id,
        relationship=Relationship.CHILD, document_ref="poder 12", valid_from=date(2025, 1, 1),
        created_at=NOW, verified=True)
    await store(sql_uow, *people.values(), elena)
    async with sql_uow() as uow:
        await uow.representations.add(representation)
        await uow.commit()
    ana = people["Ana"].id  # registering devices needs a subscription in force
    await subscribe(sql_uow(), NOW, NOW.date(), ana, account_id=ana)
    return elena, people


async def told(sql_uow, alert_id, level: int) -> set[tuple[str, str]]:
    async with sql_uow() as uow:
        rows = await outbox_of(uow, alert_id)
    return {(n.channel.value, n.address) for n in rows if n.escalation_level == level}


def emails(people, *names: str) -> set[tuple[str, str]]:
    """Their rows: email alone (none of them registered a phone for push)."""
    return {("email", f"{n.lower()}@example.com") for n in names}


# -- devices and packages ------------------------------------------------------------------

async def test_registering_devices_respects_the_package(sql_uow, run, family, clock, ids):
    elena, people = family
    zoe = people["Zoe"]
    mother = a_person(zoe, "Marta")
    packages = default_catalogue(ids.new_id)
    basic = next(p for p in packages if p.type is PackageType.BASIC)
    subscription = Subscription.start(id=ids.new_id(), subscriber_id=zoe.id, package_id=basic.id,
                                      cycle=BillingCycle.MONTHLY, today=clock.today(),
                                      now=clock.now(), account_id=zoe.id)
    await store(sql_uow, mother)
    async with sql_uow() as uow:
        for package in packages:
            await uow.packages.add(package)
        await uow.subscriptions.add(subscription)
        await uow.commit()
    for n in range(3):  # the basic package allows three
        await run.register(zoe, mother, f"zoe-{n}")
    with pytest.raises(PackageLimitExceeded) as refused:
        await run.register(zoe, mother, "zoe-3")
    assert refused.value.exceeded == [{"dimension": "devices", "used": 3,
                                       "requested": 1, "limit": 3}]
    registered = await run(RegisterDevice, RegisterDeviceCommand(
        people["Ana"].id, "ana-0", "Tensiómetro", "blood_pressure", elena.id,
        location="living", config={"heartbeat_s": 60}))
    for n in range(1, 4):  # Ana has no package: nothing gates her
        await run.register(people["Ana"], elena, f"ana-{n}")
    with pytest.raises(Conflict):
        await run.register(people["Ana"], elena, "zoe-0")
    with pytest.raises(Forbidden):  # a member sees the devices but may not add one
        await run.register(people["Bruno"], elena, "bruno-1")
    with pytest.raises(NotFound):  # a stranger is told Elena does not exist
        await run.register(zoe, elena, "zoe-9")
    async with sql_uow() as uow:
        assert await uow.devices.count_active_for_cared_persons([mother.id]) == 3
        stored = await uow.devices.get_by_device_id("ana-0")
    assert stored.verify_key(registered.api_key) and not stored.verify_key("guess")
    assert (stored.location, stored.config, stored.status) == (
        "living", {"heartbeat_s": 60}, DeviceStatus.UNKNOWN)


# -- the safety path -------------------------------------------------------------------------

async def test_a_critical_reading_alerts_escalates_and_stops_when_acknowledged(
        sql_uow, run, family, clock, publisher):
    elena, people = family
    device = await run.register(people["Ana"], elena, "bp-1")
    first = await run.reading(device, "m-1", battery_level=85)
    assert first.outcome == STORED and len(first.events) == 1
    [alert_id] = first.alert_ids
    assert await told(sql_uow, alert_id, 1) == emails(people, "Rita", "Carla")
    assert any(isinstance(e, AlertOpened) for e in publisher.published)

    assert (await run.reading(device, "m-1")).outcome == DUPLICATE  # stored once
    clock.advance(timedelta(seconds=30))
    joined = await run.reading(device, "m-2")
    assert joined.alert_ids == (alert_id,)

    clock.advance(timedelta(minutes=2))
    assert await run(EscalateDueAlerts) == 1
    assert await told(sql_uow, alert_id, 2) == emails(people, "Ana", "Bruno", "Carla", "Rita")
    acknowledged = await run(AcknowledgeAlert, AlertCommand(people["Bruno"].id, alert_id))
    assert acknowledged.status is AlertStatus.ACKNOWLEDGED
    clock.advance(timedelta(minutes=30))
    assert await run(EscalateDueAlerts) == 0
    with pytest.raises(Conflict):
        await run(AcknowledgeAlert, AlertCommand(people["Ana"].id, alert_id))
    with pytest.raises(NotFound):
        await run(AcknowledgeAlert, AlertCommand(people["Zoe"].id, alert_id))

    async with sql_uow() as uow:
        events = await events_of_device(uow, device.id)
        alert = await uow.alerts.get(alert_id)
        rows = await outbox_of(uow, alert_id)
        stored = await uow.devices.get(device.id)
    assert [e.msg_id for e in events] == ["m-2", "m-1"]
    assert {e.alert_id for e in events} == {alert_id}
    assert (alert.occurrences, alert.escalation_level, alert.acknowledged_by) == (
        2, 2, people["Bruno"].id)
    assert alert.next_escalation_at is None and len(rows) == 2 + 4  # one email each
    assert stored.battery_level == 85 and stored.status is DeviceStatus.ONLINE


async def test_an_impossible_reading_is_refused_and_nothing_is_stored(sql_uow, run, family):
    elena, people = family
    device = await run.register(people["Ana"], elena, "bp-1")
    with pytest.raises(InvalidReading):
        await run.reading(device, "m-1", {"systolic": 80, "diastolic": 90, "pulse": 70})
    async with sql_uow() as uow:
        assert await events_of_device(uow, device.id) == []
        assert await uow.events.get_by_msg_id(device.id, "m-1") is None


async def test_a_silent_device_goes_offline_once(sql_uow, run, family, clock):
    elena, people = family
    device = await run.register(people["Ana"], elena, "bp-1")
    await run.reading(device, "m-1", BP_NORMAL)
    clock.advance(timedelta(minutes=14, seconds=59))
    assert await run(CheckDevicesOffline) == 0
    clock.advance(timedelta(seconds=1))  # 3 heartbeats of 5 minutes
    assert await run(CheckDevicesOffline) == 1
    assert await run(CheckDevicesOffline) == 0
    async with sql_uow() as uow:
        stored = await uow.devices.get(device.id)
        [offline] = await alerts_of(uow, elena.id)
        latest = await uow.events.latest_of_type_for_cared_person(elena.id,
                                                                  EventType.DEVICE_OFFLINE)
    assert stored.status is DeviceStatus.OFFLINE and stored.offline_due_at is None
    assert (offline.alert_type, offline.severity) == ("device_offline", Severity.MEDIUM)
    assert latest.alert_id == offline.id and latest.sensor_data["reason"] == "missed_heartbeats"


async def test_four_quiet_hours_in_the_day_raise_inactivity_once(sql_uow, run, family, clock):
    elena, people = family
    sensor = await run.register(people["Ana"], elena, "motion-1", "motion_sensor")
    await run(IngestDeviceEvent, IngestDeviceEventCommand(sensor.device_id, "m-1", "motion"))
    async with sql_uow() as uow:
        assert (await uow.cared_persons.get(elena.id)).last_activity_at == NOW
    clock.advance(timedelta(hours=3, minutes=59))
    assert await run(CheckInactivity) == 0
    clock.advance(timedelta(minutes=1))
    assert await run(CheckInactivity) == 1
    clock.advance(timedelta(minutes=10))
    assert await run(CheckInactivity) == 0  # once per quiet spell
    async with sql_uow() as uow:
        [alert] = await alerts_of(uow, elena.id)
    assert (alert.alert_type, alert.severity, alert.device_pk) == (
        "inactivity", Severity.HIGH, sensor.id)


# -- listings --------------------------------------------------------------------------------

async def test_events_and_alerts_are_listed_with_filters_and_pages(sql_uow, run, family, clock):
    elena, people = family
    bp = await run.register(people["Ana"], elena, "bp-1")
    panic = await run.register(people["Ana"], elena, "panic-1", "panic_button")
    [m1] = (await run.reading(bp, "m-1", BP_NORMAL)).events
    clock.advance(timedelta(minutes=1))
    [m2] = (await run.reading(bp, "m-2", {"systolic": 150, "diastolic": 85, "pulse": 70})).events
    clock.advance(timedelta(minutes=1))
    [p1] = (await run(IngestDeviceEvent, IngestDeviceEventCommand(panic.device_id, "p-1",
                                                                  "pressed"))).events
    ana, zoe, root = (viewer(people[n]) for n in ("Ana", "Zoe", "Root"))

    def events(who=ana, limit: int = 100, offset: int = 0, **filters: Any):
        return run.read(ListEvents, SqlEventViews,
                        ListEventsQuery(who, window=Window(offset, limit), **filters))

    def alerts(who=ana, limit: int = 100, offset: int = 0, **filters: Any):
        return run.read(ListAlerts, SqlAlertViews,
                        ListAlertsQuery(who, window=Window(offset, limit), **filters))

    assert [e.severity for e in await events()] == [Severity.CRITICAL, Severity.HIGH,
                                                    Severity.LOW]
    assert [e.id for e in await events(severity="high")] == [m2.id]
    assert [e.id for e in await events(since=NOW + timedelta(minutes=1))] == [p1.id, m2.id]
    assert [e.id for e in await events(offset=1, limit=1)] == [m2.id, m1.id]  # one past the page
    assert await events(zoe) == []
    with pytest.raises(NotFound):
        await events(zoe, cared_person_id=elena.id)

    [panic_alert, bp_alert] = await alerts()
    assert (panic_alert.alert_type, bp_alert.alert_type) == ("panic_pressed", "blood_pressure")
    await run(AcknowledgeAlert, AlertCommand(people["Ana"].id, bp_alert.id))
    acknowledged = await alerts(status="acknowledged")
    assert [a.id for a in acknowledged] == [bp_alert.id]
    critical = await alerts(severity="critical")
    assert [a.id for a in critical] == [panic_alert.id]
    assert [a.id for a in await alerts(offset=1)] == [bp_alert.id]
    everything = await alerts(root)  # admins: all
    assert len(everything) == 2
    assert await alerts(zoe) == []

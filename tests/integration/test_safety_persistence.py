"""Devices, sensor events, alerts and the outbox on SQLite and PostgreSQL: every
repository method, dirty checking, rollback, the database's constraints, msg_id
idempotency and (PostgreSQL) the monthly partitions. The builders here are shared with
the other safety integration tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import insert, text
from sqlalchemy.exc import IntegrityError

from cuiot.adapters.persistence.orm.safety import alerts, devices, events, notifications
from cuiot.adapters.persistence.partitions import ensure_partitions
from cuiot.application.safety.commands.dispatch import DispatchDueNotifications
from cuiot.application.safety.commands.escalation import EscalateDueAlerts
from cuiot.application.safety.ports import DeliveryFailed
from cuiot.domain.alerts import Alert, AlertStatus
from cuiot.domain.care import CaredPerson
from cuiot.domain.classification import Thresholds
from cuiot.domain.devices import Device, DeviceStatus, hash_api_key
from cuiot.domain.errors import Conflict
from cuiot.domain.notifications import Channel, DeliveryStatus, Notification
from cuiot.domain.policy import DEFAULT_POLICY
from cuiot.domain.sensor_events import DeviceType, EventType, SensorEvent, Severity
from cuiot.domain.users import Role, User
from cuiot.domain.values import EmailAddress
from tests.support.alerts import alerts_of, events_of_device, outbox_of
from tests.support.statements import statements

NOW = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
BP = {"systolic": 190, "diastolic": 100, "pulse": 80}


# -- builders ------------------------------------------------------------------------

def a_user(name: str = "Ana", *roles: Role) -> User:
    user = User(id=uuid4(), email=EmailAddress(f"{name.lower()}@example.com"),
                password_hash="h", first_name=name, last_name="Paz", created_at=NOW,
                date_of_birth=date(1970, 1, 1))
    for role in roles:
        user.grant_role(role, NOW)
    return user


def a_person(holder: User, name: str = "Elena", **fields: Any) -> CaredPerson:
    return CaredPerson(id=uuid4(), account_id=holder.id, first_name=name, last_name="Gómez",
                       date_of_birth=date(1940, 3, 1), created_at=NOW, **fields)


def a_device(person: CaredPerson, device_id: str = "bp-1", *,
             device_type: DeviceType = DeviceType.BLOOD_PRESSURE, **fields: Any) -> Device:
    fields.setdefault("created_at", NOW)
    return Device(id=uuid4(), device_id=device_id, name=f"Tensiómetro {device_id}",
                  device_type=device_type, cared_person_id=person.id,
                  api_key_hash=hash_api_key(device_id), **fields)


def an_event(device: Device, *, at: datetime = NOW, severity: Severity = Severity.LOW,
             event_type: EventType = EventType.BLOOD_PRESSURE, **fields: Any) -> SensorEvent:
    fields.setdefault("received_at", at)
    fields.setdefault("sensor_data", {"systolic": 120, "diastolic": 80, "pulse": 72})
    return SensorEvent(id=uuid4(), device_pk=device.id, cared_person_id=device.cared_person_id,
                       event_type=event_type, severity=severity, timestamp=at, **fields)


def an_alert(device: Device, *, at: datetime = NOW, severity: Severity = Severity.CRITICAL,
             alert_type: str = "blood_pressure") -> Alert:
    return Alert.open(id=uuid4(), cared_person_id=device.cared_person_id, device_pk=device.id,
                      alert_type=alert_type, severity=severity, at=at, policy=DEFAULT_POLICY)


def a_notification(alert: Alert | None = None, *, at: datetime = NOW,
                   **fields: Any) -> Notification:
    return Notification(id=uuid4(), channel=fields.pop("channel", Channel.EMAIL),
                        address=fields.pop("address", "ana@example.com"), subject="Alerta",
                        body="Alerta crítica", created_at=at,
                        alert_id=alert.id if alert else None, **fields)


async def store(sql_uow, *entities: Any) -> None:
    async with sql_uow() as uow:
        repos = {User: uow.users, CaredPerson: uow.cared_persons, Device: uow.devices,
                 SensorEvent: uow.events, Alert: uow.alerts, Notification: uow.notifications}
        for entity in entities:
            await repos[type(entity)].add(entity)
        await uow.commit()


def state(entity: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(entity).items() if not k.startswith("_")}


def ids(entities: list[Any]) -> list[UUID]:
    return [e.id for e in entities]


@pytest.fixture
def holder() -> User:
    return a_user("Ana", Role.FAMILY)


@pytest.fixture
def person(holder: User) -> CaredPerson:
    return a_person(holder)


@pytest.fixture
def device(person: CaredPerson) -> Device:
    return a_device(person)


@pytest.fixture
async def stored(sql_uow, holder, person, device) -> Device:
    """Ana, her mother Elena and Elena's blood pressure monitor, stored."""
    await store(sql_uow, holder, person, device)
    return device


def is_postgres(database_url: str) -> bool:
    return database_url.startswith("postgresql")


# -- devices ---------------------------------------------------------------------------

async def test_device_round_trip_of_every_field(sql_uow, holder, person):
    bare = a_device(person, "bare")
    full = a_device(person, "full", location="dormitorio", is_active=False,
                    config={"heartbeat_s": 60, "bp_critical_systolic_above": 170.5},
                    status=DeviceStatus.ONLINE, last_seen_at=NOW, battery_level=0,
                    offline_due_at=NOW + timedelta(minutes=3))
    await store(sql_uow, holder, person, bare, full)
    async with sql_uow() as uow:
        loaded_bare, loaded_full = await uow.devices.get(bare.id), await uow.devices.get(full.id)
    assert state(loaded_bare) == state(bare) and loaded_bare.location is None
    assert loaded_bare.status is DeviceStatus.UNKNOWN and loaded_bare.config == {}
    assert state(loaded_full) == state(full) and loaded_full.verify_key("full")
    assert loaded_full.offline_due_at.tzinfo is not None
    assert loaded_full.device_type is DeviceType.BLOOD_PRESSURE


async def test_decimal_thresholds_in_a_config_are_stored_as_json_numbers(sql_uow, holder,
                                                                         person):
    device = a_device(person, config={"gas_smoke_critical_mg_m3": Decimal("0.05"),
                                      "gas_co_critical_ppm": Decimal(40)})
    await store(sql_uow, holder, person, device)
    async with sql_uow() as uow:
        loaded = await uow.devices.get(device.id)
    assert loaded.config == {"gas_smoke_critical_mg_m3": 0.05, "gas_co_critical_ppm": 40}
    thresholds = Thresholds.resolve(DEFAULT_POLICY, loaded.config)
    assert thresholds.gas_smoke_critical_mg_m3 == Decimal("0.05")


async def test_device_lookups(sql_uow, holder, person):
    other = a_person(holder, "Otro")
    first = a_device(person, "a", created_at=NOW - timedelta(days=2))
    second = a_device(person, "b", device_type=DeviceType.MOTION_SENSOR,
                      created_at=NOW - timedelta(days=1))
    gone = a_device(person, "c", device_type=DeviceType.MOTION_SENSOR, is_active=False)
    elsewhere = a_device(other, "d", device_type=DeviceType.MOTION_SENSOR,
                         created_at=NOW + timedelta(days=1))
    await store(sql_uow, holder, person, other, first, second, gone, elsewhere)
    async with sql_uow() as uow:
        repo = uow.devices
        assert (await repo.get_by_device_id("c")).id == gone.id
        assert await repo.get_by_device_id("zz") is None and await repo.get(uuid4()) is None
        assert await repo.count_active_for_cared_persons([person.id]) == 2
        assert await repo.count_active_for_cared_persons([person.id, other.id]) == 3
        assert await repo.count_active_for_cared_persons([]) == 0
        # listing them is a read: test_devices_views.py
        motion = await repo.list_active_of_type(DeviceType.MOTION_SENSOR)
        assert ids(motion) == ids([second, elsewhere])
        assert ids(await repo.list_active_of_type(DeviceType.MOTION_SENSOR, 1, 5)) == [
            elsewhere.id]
        assert await repo.list_active_of_type(DeviceType.IP_CAMERA) == []


async def test_devices_due_to_go_offline(sql_uow, holder, person):
    def due(device_id: str, minutes: int, **fields: Any) -> Device:
        fields.setdefault("status", DeviceStatus.ONLINE)
        return a_device(person, device_id, offline_due_at=NOW + timedelta(minutes=minutes),
                        **fields)

    late, on_time = due("late", -10), due("now", 0)
    not_yet, off = due("soon", 1), due("off", -20, status=DeviceStatus.OFFLINE)
    inactive, never = due("inactive", -30, is_active=False), a_device(person, "never")
    await store(sql_uow, holder, person, late, on_time, not_yet, off, inactive, never)
    async with sql_uow() as uow:
        assert ids(await uow.devices.list_offline_due(NOW)) == ids([late, on_time])
        assert ids(await uow.devices.list_offline_due(NOW, limit=1)) == ids([late])


async def test_a_device_id_is_registered_once(sql_uow, stored, person):
    async with sql_uow() as uow:  # the repository refuses at once, like the in-memory one
        with pytest.raises(Conflict):
            await uow.devices.add(a_device(person, stored.device_id))
    async with sql_uow() as uow:  # and the database refuses what slips past it
        row = {**_device_row(person.id), "device_id": stored.device_id}
        with pytest.raises(IntegrityError):
            await uow.connection.execute(insert(devices).values(**row))


# -- sensor events -----------------------------------------------------------------------

async def test_event_round_trip_of_every_field(sql_uow, stored):
    derived = an_event(stored, event_type=EventType.BATTERY_LOW, sensor_data={"battery_level": 9})
    alert = an_alert(stored)
    reading = an_event(stored, at=NOW - timedelta(seconds=30), severity=Severity.CRITICAL,
                       received_at=NOW, msg_id="m-1", size_bytes=44, alert_id=alert.id,
                       sensor_data={"systolic": 190, "diastolic": 100, "pulse": 80.5,
                                    "extra": {"cuff": "L", "ok": True, "list": [1, None]}})
    await store(sql_uow, derived, reading)
    async with sql_uow() as uow:
        loaded_derived, loaded = await uow.events.get(derived.id), await uow.events.get(reading.id)
    assert state(loaded_derived) == state(derived) and loaded_derived.msg_id is None
    assert loaded_derived.alert_id is None
    assert state(loaded) == state(reading) and loaded.timestamp.tzinfo is not None
    assert loaded.severity is Severity.CRITICAL and loaded.event_type is EventType.BLOOD_PRESSURE


async def test_event_queries(sql_uow, holder, person, stored):
    other_person = a_person(holder, "Otro")
    other_device = a_device(other_person, "bp-2")
    old = an_event(stored, at=NOW - timedelta(hours=2), msg_id="m-1", size_bytes=10)
    high = an_event(stored, at=NOW - timedelta(hours=1), severity=Severity.HIGH, msg_id="m-2",
                    size_bytes=20)
    same_time = an_event(stored, at=NOW - timedelta(hours=1), received_at=NOW, size_bytes=5,
                         event_type=EventType.BATTERY_LOW)
    theirs = an_event(other_device, at=NOW, msg_id="m-1", size_bytes=100)
    await store(sql_uow, other_person, other_device, old, high, same_time, theirs)
    async with sql_uow() as uow:
        repo = uow.events
        assert (await repo.get_by_msg_id(stored.id, "m-1")).id == old.id
        assert (await repo.get_by_msg_id(other_device.id, "m-1")).id == theirs.id
        assert await repo.get_by_msg_id(stored.id, "m-3") is None
        latest = await repo.latest_of_type_for_cared_person(person.id, EventType.BLOOD_PRESSURE)
        assert latest.id == high.id
        assert await repo.latest_of_type_for_cared_person(person.id, EventType.FALL) is None
        # listing them is a read: test_safety_views.py
        assert await repo.stored_bytes_for_cared_persons([person.id]) == 35
        assert await repo.stored_bytes_for_cared_persons([person.id, other_person.id]) == 135
        assert await repo.stored_bytes_for_cared_persons([uuid4()]) == 0


async def test_a_device_message_is_stored_once(sql_uow, holder, person, stored):
    other = a_device(person, "bp-2")
    await store(sql_uow, other, an_event(stored, msg_id="m-1"), an_event(stored),
                an_event(stored))  # events the backend derives carry no msg_id
    with pytest.raises(Conflict):  # a second worker that missed the first one's commit
        await store(sql_uow, an_event(stored, msg_id="m-1", at=NOW + timedelta(days=40)))
    await store(sql_uow, an_event(other, msg_id="m-1"))  # the same id from another device
    async with sql_uow() as uow:
        assert len(await events_of_device(uow, stored.id)) == 3
        assert len(await events_of_device(uow, other.id)) == 1


async def test_a_message_rolled_back_can_arrive_again(sql_uow, stored):
    async with sql_uow() as uow:
        await uow.events.add(an_event(stored, msg_id="m-1"))
        await uow.flush()
    again = an_event(stored, msg_id="m-1")
    await store(sql_uow, again)
    async with sql_uow() as uow:
        assert (await uow.events.get_by_msg_id(stored.id, "m-1")).id == again.id


# -- alerts ----------------------------------------------------------------------------

async def test_alert_round_trip_of_every_field(sql_uow, holder, stored):
    fresh = an_alert(stored, severity=Severity.MEDIUM)
    full = Alert(id=uuid4(), cared_person_id=stored.cared_person_id, device_pk=stored.id,
                 alert_type="blood_pressure", severity=Severity.HIGH, created_at=NOW,
                 next_escalation_at=None, last_event_at=NOW + timedelta(minutes=4),
                 status=AlertStatus.RESOLVED, escalation_level=3, repeats_at_max_level=2,
                 occurrences=7, acknowledged_by=holder.id,
                 acknowledged_at=NOW + timedelta(minutes=5), resolved_by=holder.id,
                 resolved_at=NOW + timedelta(minutes=6), unhandled_at=NOW + timedelta(minutes=1))
    await store(sql_uow, fresh, full)
    async with sql_uow() as uow:
        loaded_fresh, loaded_full = await uow.alerts.get(fresh.id), await uow.alerts.get(full.id)
    assert state(loaded_fresh) == state(fresh) and loaded_fresh.acknowledged_by is None
    assert loaded_fresh.next_escalation_at == NOW + timedelta(minutes=15)
    assert state(loaded_full) == state(full) and loaded_full.status is AlertStatus.RESOLVED
    assert loaded_full.pull_events() == []  # recorded events are not stored


async def test_the_open_alert_of_a_person_device_and_type(sql_uow, holder, person, stored):
    other = a_device(person, "bp-2")
    resolved = an_alert(stored, at=NOW - timedelta(hours=1))
    resolved.resolve(holder.id, NOW)
    acknowledged = an_alert(stored)
    acknowledged.acknowledge(holder.id, NOW)
    battery = an_alert(stored, alert_type="battery_low", severity=Severity.MEDIUM)
    await store(sql_uow, other, resolved, acknowledged, battery)
    async with sql_uow() as uow:
        repo = uow.alerts
        assert (await repo.get_open(person.id, stored.id, "blood_pressure")).id == acknowledged.id
        assert (await repo.get_open(person.id, stored.id, "battery_low")).id == battery.id
        assert await repo.get_open(person.id, other.id, "blood_pressure") is None
        assert await repo.get_open(uuid4(), stored.id, "blood_pressure") is None


async def test_alerts_due_for_escalation(sql_uow, holder, stored):
    def opened(minutes_ago: int, severity: Severity = Severity.CRITICAL) -> Alert:
        return an_alert(stored, at=NOW - timedelta(minutes=minutes_ago), severity=severity)

    most_overdue, due_now, sent = opened(30), opened(2), opened(10)
    sent.mark_sent(NOW)
    not_yet = opened(1)
    acknowledged, resolved, unhandled = opened(40), opened(50), opened(60)
    acknowledged.acknowledge(holder.id, NOW)
    resolved.resolve(holder.id, NOW)
    unhandled.status, unhandled.unhandled_at, unhandled.next_escalation_at = (
        AlertStatus.UNHANDLED, NOW, None)
    await store(sql_uow, most_overdue, due_now, sent, not_yet, acknowledged, resolved, unhandled)
    async with sql_uow() as uow:
        assert ids(await uow.alerts.list_due_for_escalation(NOW)) == ids(
            [most_overdue, sent, due_now])
    async with sql_uow() as uow:
        assert ids(await uow.alerts.list_due_for_escalation(NOW, limit=2)) == ids(
            [most_overdue, sent])


# -- the outbox ------------------------------------------------------------------------

async def test_notification_round_trip_of_every_field(sql_uow, holder, stored):
    alert = an_alert(stored)
    pending = a_notification(alert, channel=Channel.PUSH, address=str(holder.id),
                             recipient_user_id=holder.id, escalation_level=1,
                             payload={"alert_id": str(alert.id), "level": 1, "ok": True})
    failed = a_notification(None, kind="account", channel=Channel.SMS, address="+54 11 5555")
    for attempt in range(DEFAULT_POLICY.notification_max_attempts):
        failed.mark_attempt_failed(NOW + timedelta(minutes=attempt), "smtp down " * 80,
                                   DEFAULT_POLICY)
    sent = a_notification(alert, channel=Channel.WEBHOOK, address="https://example.com/h")
    sent.mark_sent(NOW + timedelta(seconds=3))
    await store(sql_uow, alert, pending, failed, sent)
    async with sql_uow() as uow:
        loaded = [await uow.notifications.get(n.id) for n in (pending, failed, sent)]
    assert [state(n) for n in loaded] == [state(n) for n in (pending, failed, sent)]
    assert loaded[1].status is DeliveryStatus.FAILED and loaded[1].next_attempt_at is None
    assert len(loaded[1].last_error) == 500 and loaded[1].alert_id is None
    assert loaded[2].sent_at == NOW + timedelta(seconds=3)


# -- the unit of work ------------------------------------------------------------------

async def test_changes_are_written_by_dirty_checking(sql_uow, holder, stored):
    alert, event = an_alert(stored), an_event(stored, msg_id="m-1")
    notification = a_notification(alert)
    await store(sql_uow, alert, event, notification)
    later = NOW + timedelta(minutes=2)
    async with sql_uow() as uow:
        (await uow.devices.get(stored.id)).mark_seen(later, DEFAULT_POLICY)
        (await uow.events.get(event.id)).attach_to(alert.id)
        assert (await uow.alerts.get(alert.id)).escalate(later, DEFAULT_POLICY) == 2
        (await uow.notifications.get(notification.id)).mark_sent(later)
        await uow.commit()
    async with sql_uow() as uow:
        device, stored_event = await uow.devices.get(stored.id), await uow.events.get(event.id)
        escalated = await uow.alerts.get(alert.id)
        delivered = await uow.notifications.get(notification.id)
    assert device.status is DeviceStatus.ONLINE and device.offline_due_at == later + timedelta(
        minutes=15)
    assert stored_event.alert_id == alert.id
    assert (escalated.escalation_level, escalated.next_escalation_at) == (2, later + timedelta(
        minutes=2))
    assert delivered.status is DeliveryStatus.SENT


async def test_a_page_of_alerts_changed_in_different_ways_is_written_in_two_statements(
        sql_uow, engine, holder, stored, clock, ids, policy):
    """Escalated (level 1 to 2), repeated (at level 3) and unhandled (the ladder ran out)
    alerts change different columns; the page is still one executemany UPDATE, and its
    outbox rows one INSERT (``orm.safety.write_whole_rows``)."""
    def due(n: int, level: int, repeats: int = 0) -> Alert:
        alert = an_alert(stored, at=NOW - timedelta(minutes=10, seconds=n),
                         alert_type=f"t{n}")
        alert.escalation_level, alert.repeats_at_max_level = level, repeats
        return alert

    page = [due(n, *[(1,), (3, 1), (3, 3)][n % 3]) for n in range(12)]
    await store(sql_uow, *page)
    with statements(engine) as run:
        moved = await EscalateDueAlerts(sql_uow(), clock, ids, policy)()
    assert moved == 12
    assert [w.split()[:3] for w in run.writes()].count(["UPDATE", "alerts", "SET"]) == 1
    assert len([w for w in run.writes() if w.startswith("INSERT INTO notifications")]) == 1
    async with sql_uow() as uow:
        stored_page = {a.id: a for a in await alerts_of(uow)}
    assert {(a.escalation_level, a.repeats_at_max_level, a.status)
            for a in stored_page.values()} == {(2, 0, AlertStatus.PENDING),
                                               (3, 2, AlertStatus.PENDING),
                                               (3, 3, AlertStatus.UNHANDLED)}


async def test_a_dispatched_batch_writes_its_rows_and_alerts_in_one_statement_each(
        sql_uow, engine, stored, clock, policy):
    """Sent and retried outbox rows change different columns; still one UPDATE of the
    outbox, and one of the alerts that became sent (held in one SELECT … FOR UPDATE)."""
    opened = [an_alert(stored, alert_type=f"t{n}") for n in range(3)]
    rows = [a_notification(opened[n % 3], address=f"u{n}@example.com") for n in range(9)]

    class Sender:
        async def send(self, notification: Notification) -> None:
            if notification.address.startswith(("u1", "u4")):
                raise DeliveryFailed("smtp: 451")

    await store(sql_uow, *opened, *rows)
    with statements(engine) as run:
        result = await DispatchDueNotifications(sql_uow(), clock, policy, Sender())()
    assert (result.sent, result.retried) == (7, 2)
    writes = [" ".join(w.split()[:2]) for w in run.writes()]
    assert sorted(writes) == ["UPDATE alerts", "UPDATE notifications"]
    assert len([q for q in run.queries() if "FROM alerts" in q]) == 1
    async with sql_uow() as uow:
        assert {a.status for a in await alerts_of(uow)} == {AlertStatus.SENT}


async def test_an_unchanged_alert_writes_nothing(sql_uow, engine, stored):
    alert = an_alert(stored)
    await store(sql_uow, alert)
    with statements(engine) as run:
        async with sql_uow() as uow:
            loaded = await uow.alerts.get(alert.id)
            loaded.occurrences = loaded.occurrences  # set, but no net change
            await uow.commit()
    assert run.writes() == []


async def test_queries_see_what_the_unit_of_work_added(sql_uow, person, stored):
    async with sql_uow() as uow:
        await uow.devices.add(a_device(person, "bp-2"))
        assert await uow.devices.count_active_for_cared_persons([person.id]) == 2
        await uow.events.add(an_event(stored, msg_id="m-1", size_bytes=12))
        assert await uow.events.stored_bytes_for_cared_persons([person.id]) == 12
        assert await uow.events.get_by_msg_id(stored.id, "m-1") is not None
        alert = an_alert(stored, at=NOW - timedelta(hours=1))
        await uow.alerts.add(alert)
        assert await uow.alerts.get_open(person.id, stored.id, "blood_pressure") is alert
        assert await uow.alerts.list_due_for_escalation(NOW) == [alert]


async def test_without_commit_nothing_is_written(sql_uow, person, stored):
    async with sql_uow() as uow:
        await uow.devices.add(a_device(person, "bp-2"))
        alert = an_alert(stored)
        await uow.alerts.add(alert)
        await uow.notifications.add(a_notification(alert))
        await uow.flush()
    async with sql_uow() as uow:
        assert await uow.devices.get_by_device_id("bp-2") is None
        assert await alerts_of(uow) == []
        assert await outbox_of(uow, alert.id) == []


# One refused commit per test: on SQLite a COMMIT refused by a deferred foreign key
# leaves the pooled connection inside its transaction (reported to the lead).
async def test_a_device_needs_a_stored_cared_person(sql_uow, stored):
    with pytest.raises(Conflict):
        await store(sql_uow, a_device(a_person(a_user("Nadie")), "bp-9"))


async def test_an_event_needs_a_stored_device(sql_uow, stored, person):
    with pytest.raises(Conflict):
        await store(sql_uow, an_event(a_device(person, "bp-9")))


# -- constraints -----------------------------------------------------------------------

def _device_row(cared_person_id: UUID, **bad: Any) -> dict[str, Any]:
    return {"id": uuid4(), "device_id": f"d-{uuid4().hex[:8]}", "name": "Sensor",
            "device_type": "gas_sensor", "cared_person_id": cared_person_id,
            "api_key_hash": "a" * 64, "created_at": NOW, "config": {}, "is_active": True,
            "status": "unknown", **bad}


def _event_row(device: Device, **bad: Any) -> dict[str, Any]:
    return {"id": uuid4(), "timestamp": NOW, "device_pk": device.id,
            "cared_person_id": device.cared_person_id, "event_type": "fall",
            "severity": "critical", "received_at": NOW, "sensor_data": {}, "size_bytes": 2, **bad}


def _alert_row(device: Device, **bad: Any) -> dict[str, Any]:
    return {"id": uuid4(), "created_at": NOW, "cared_person_id": device.cared_person_id,
            "device_pk": device.id, "alert_type": "fall", "severity": "critical",
            "status": "pending", "escalation_level": 1, "repeats_at_max_level": 0,
            "occurrences": 1, "next_escalation_at": NOW, "last_event_at": NOW, **bad}


def _notification_row(**bad: Any) -> dict[str, Any]:
    return {"id": uuid4(), "channel": "email", "address": "a@example.com", "subject": "s",
            "body": "b", "created_at": NOW, "kind": "alert", "payload": {},
            "status": "pending", "attempts": 0, **bad}


async def _refused(sql_uow, table: Any, row: dict[str, Any], valid: bool) -> None:
    async with sql_uow() as uow:
        statement = insert(table).values(**row)
        if valid:
            await uow.connection.execute(statement)
            return
        with pytest.raises(IntegrityError):
            await uow.connection.execute(statement)


@pytest.mark.parametrize("bad", [
    {}, {"device_type": "toaster"}, {"status": "asleep"}, {"battery_level": -1},
    {"battery_level": 101}, {"name": "  "}, {"api_key_hash": "short"},
], ids=["valid", "device_type", "status", "battery_negative", "battery_over_100",
        "blank_name", "api_key_hash"])
async def test_the_devices_table_checks_its_rows(sql_uow, stored, bad):
    await _refused(sql_uow, devices, _device_row(stored.cared_person_id, **bad), not bad)


@pytest.mark.parametrize("bad", [
    {}, {"severity": "grave"}, {"event_type": "earthquake"}, {"size_bytes": -1},
    {"timestamp": None},
], ids=["valid", "severity", "event_type", "negative_size", "no_timestamp"])
async def test_the_events_table_checks_its_rows(sql_uow, stored, bad):
    await _refused(sql_uow, events, _event_row(stored, **bad), not bad)


@pytest.mark.parametrize("bad", [
    {}, {"status": "lost"}, {"severity": "low"}, {"escalation_level": -1},
    {"occurrences": 0}, {"repeats_at_max_level": -1}, {"next_escalation_at": None},
    {"status": "acknowledged", "next_escalation_at": None},
    {"status": "resolved", "next_escalation_at": None},
    {"status": "unhandled", "next_escalation_at": None},
], ids=["valid", "status", "low_severity", "negative_level", "no_occurrence",
        "negative_repeats", "escalating_without_deadline", "acknowledged_without_time",
        "resolved_without_time", "unhandled_without_time"])
async def test_the_alerts_table_checks_its_rows(sql_uow, stored, bad):
    await _refused(sql_uow, alerts, _alert_row(stored, **bad), not bad)


@pytest.mark.parametrize("bad", [
    {}, {"channel": "pigeon"}, {"status": "lost"}, {"attempts": -1}, {"status": "sent"},
    {"escalation_level": -1},
], ids=["valid", "channel", "status", "negative_attempts", "sent_without_time",
        "negative_level"])
async def test_the_notifications_table_checks_its_rows(sql_uow, bad):
    await _refused(sql_uow, notifications, _notification_row(**bad), not bad)


# -- partitions (PostgreSQL) -------------------------------------------------------------

async def partition_of(engine, table: str, row_id: UUID) -> str:
    async with engine.connect() as conn:
        found = await conn.execute(text(f"SELECT tableoid::regclass::text FROM {table} "
                                        "WHERE id = :id"), {"id": row_id})
        return found.scalar_one()


async def test_rows_land_in_their_month_partition(sql_uow, engine, database_url, stored):
    if not is_postgres(database_url):
        async with engine.begin() as conn:  # SQLite has no partitions: nothing to make
            assert await ensure_partitions(conn, date(2030, 3, 1)) == []
        return
    this_month = datetime.now(UTC).replace(day=1, hour=12)
    current = an_event(stored, at=this_month)
    alert = an_alert(stored, at=this_month)
    early = an_event(stored, at=datetime(2030, 3, 31, 23, 59, tzinfo=UTC), msg_id="m-early")
    early_alert = an_alert(stored, at=datetime(2030, 3, 1, tzinfo=UTC))
    await store(sql_uow, current, alert, early, early_alert)
    assert await partition_of(engine, "events", current.id) == f"events_{this_month:%Y_%m}"
    assert await partition_of(engine, "alerts", alert.id) == f"alerts_{this_month:%Y_%m}"
    assert await partition_of(engine, "events", early.id) == "events_default"
    async with engine.begin() as conn:  # a month made late takes its rows from the default
        made = await ensure_partitions(conn, date(2030, 3, 10), months_ahead=0, months_back=0)
    assert made == ["events_2030_03", "alerts_2030_03"]
    assert await partition_of(engine, "events", early.id) == "events_2030_03"
    assert await partition_of(engine, "alerts", early_alert.id) == "alerts_2030_03"
    async with engine.begin() as conn:
        assert await ensure_partitions(conn, date(2030, 3, 10), 0, 0) == []
    async with sql_uow() as uow:  # still found by id and by message, and still unique
        assert (await uow.events.get_by_msg_id(stored.id, "m-early")).id == early.id
        assert (await uow.alerts.get(early_alert.id)).created_at == early_alert.created_at
    with pytest.raises(Conflict):
        await store(sql_uow, an_event(stored, msg_id="m-early"))


async def test_a_lookup_by_id_uses_the_primary_key_index(sql_uow, engine, database_url,
                                                         stored):
    if not is_postgres(database_url):
        pytest.skip("partitioning and its plans are PostgreSQL's")
    async with engine.begin() as conn:
        await conn.execute(text("SET LOCAL enable_seqscan = off"))
        for table in ("events", "alerts"):
            plan = await conn.execute(text(f"EXPLAIN SELECT * FROM {table} WHERE id = :id"),
                                      {"id": uuid4()})
            lines = " ".join(plan.scalars())
            assert "Seq Scan" not in lines and "pkey" in lines

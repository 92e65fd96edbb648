"""The batch path on SQLite and PostgreSQL: one unit of work of bulk statements stores
what the rules say, once per message id whoever else stores it, and writes nothing when
it fails."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from cuiot.adapters.persistence.orm.safety import (
    device_messages,
    devices,
    events,
    notifications,
    rejected_messages,
)
from cuiot.application.safety.commands.device_messages import DeviceMessageCommand
from cuiot.application.safety.commands.ingest import (
    DUPLICATE,
    STORED,
    IngestDeviceEventCommand,
    IngestReadingCommand,
)
from cuiot.application.safety.commands.ingest_batch import IngestBatch
from cuiot.domain.devices import DeviceStatus
from cuiot.domain.policy import DEFAULT_POLICY
from cuiot.domain.sensor_events import DeviceType
from tests.integration.test_safety_persistence import BP, NOW, a_device, a_person, a_user, store
from tests.support.statements import statements

NORMAL = {"systolic": 120, "diastolic": 80, "pulse": 72}


def reading(device_id: str, msg_id: str, data: dict, battery: int | None = None):
    body = IngestReadingCommand(device_id, msg_id, "blood_pressure", data, battery_level=battery)
    return DeviceMessageCommand(f"cuiot/devices/{device_id}/telemetry",
                                json.dumps(data).encode(), body)


def motion(msg_id: str, minutes_ago: int):
    body = IngestDeviceEventCommand("motion-1", msg_id, "motion",
                                    ts=NOW - timedelta(minutes=minutes_ago))
    return DeviceMessageCommand("cuiot/devices/motion-1/events", b"{}", body)


@pytest.fixture
async def home(sql_uow):
    ana = a_user("Ana")
    elena = a_person(ana)
    bp, sensor = a_device(elena, "bp-1"), a_device(elena, "motion-1",
                                                  device_type=DeviceType.MOTION_SENSOR)
    await store(sql_uow, ana, elena, bp, sensor)
    return elena, bp


@pytest.fixture
def ingest(sql_uow, clock, ids, policy):
    async def run(items):
        return await IngestBatch(sql_uow(), clock, ids, policy)(items)
    return run


async def count(engine, table) -> int:
    async with engine.connect() as conn:
        return (await conn.execute(select(func.count()).select_from(table))).scalar_one()


async def test_a_batch_is_stored_in_one_unit_of_work(home, ingest, sql_uow, engine, clock):
    elena, bp = home
    outcomes = await ingest([
        reading("bp-1", "a", NORMAL, battery=55), reading("bp-1", "b", BP),
        reading("bp-1", "a", NORMAL), reading("bp-1", "c", {"systolic": 500}),
        reading("ghost", "d", NORMAL)])
    assert [(o.outcome, o.reason) for o in outcomes] == [
        (STORED, None), (STORED, None), (DUPLICATE, None), ("rejected", "invalid_reading"),
        ("rejected", "unknown_device")]
    assert (await count(engine, events), await count(engine, device_messages)) == (2, 2)
    async with sql_uow() as uow:
        device = await uow.devices.get(bp.id)
        alert = await uow.alerts.get_open(elena.id, bp.id, "blood_pressure")
    async with engine.connect() as conn:
        told = (await conn.execute(select(func.count()).select_from(notifications).where(
            notifications.c.alert_id == alert.id))).scalar_one()
        rejected = (await conn.execute(select(rejected_messages.c.reason))).scalars().all()
    assert (device.status, device.last_seen_at, device.battery_level) == (
        DeviceStatus.ONLINE, clock.now(), 55)
    assert device.offline_due_at is not None and told
    assert outcomes[1].result.alert_ids == (alert.id,)
    assert sorted(rejected) == ["invalid_reading", "unknown_device"]


async def test_what_was_stored_before_is_a_duplicate_for_any_worker(home, ingest, engine):
    await ingest([reading("bp-1", "a", NORMAL), reading("bp-1", "b", NORMAL)])
    # two workers given the same messages at once (a redelivery racing a slow commit)
    again = [reading("bp-1", "a", NORMAL), reading("bp-1", "b", NORMAL),
             reading("bp-1", "c", NORMAL)]
    first, second = await asyncio.gather(ingest(again), ingest(again))
    outcomes = [o.outcome for o in first + second]
    assert outcomes.count(STORED) == 1 and outcomes.count(DUPLICATE) == 5
    assert (await count(engine, events), await count(engine, device_messages)) == (3, 3)


async def test_the_latest_motion_is_kept_whatever_the_order(home, ingest, sql_uow):
    elena, _ = home
    await ingest([motion("m1", 5), motion("m2", 30)])
    await ingest([motion("m3", 60)])
    async with sql_uow() as uow:
        assert (await uow.cared_persons.get(elena.id)).last_activity_at == NOW - timedelta(
            minutes=5)


async def test_what_the_bulk_statements_write_the_session_sees(home, sql_uow, engine):
    """A device and a person the session held before the batch path's UPDATEs are given
    what those wrote (a command loading them in the same transaction sees it), and the
    session does not write them again at commit."""
    elena, bp = home
    later = NOW + timedelta(minutes=1)
    async with sql_uow() as uow:
        held = await uow.devices.get(bp.id)
        person = await uow.cared_persons.get(elena.id)
        copy = (await uow.ingest.devices_by_device_id(["bp-1"]))["bp-1"].device
        assert copy is not held
        copy.mark_seen(later, DEFAULT_POLICY)
        copy.report_battery(Decimal(40))
        await uow.ingest.save_device_states([copy])
        await uow.ingest.record_activity({elena.id: later})
        assert await uow.devices.get(bp.id) is held
        assert (held.status, held.last_seen_at, held.battery_level, held.offline_due_at) == (
            DeviceStatus.ONLINE, later, 40, copy.offline_due_at)
        assert (await uow.cared_persons.get(elena.id)).last_activity_at == later
        assert person.last_activity_at == later
        with statements(engine) as run:
            await uow.commit()
        assert run.writes() == []
    async with engine.connect() as conn:
        row = (await conn.execute(select(devices).where(devices.c.id == bp.id))).one()
    assert (row.status, row.last_seen_at, row.battery_level) == (DeviceStatus.ONLINE, later, 40)


async def test_a_device_loaded_after_the_bulk_update_is_read_fresh(home, sql_uow):
    _, bp = home
    later = NOW + timedelta(minutes=1)
    async with sql_uow() as uow:
        copy = (await uow.ingest.devices_by_device_id(["bp-1"]))["bp-1"].device
        copy.mark_seen(later, DEFAULT_POLICY)
        await uow.ingest.save_device_states([copy])
        loaded = await uow.devices.get(bp.id)
        assert (loaded.status, loaded.last_seen_at) == (DeviceStatus.ONLINE, later)
        by_name = await uow.devices.get_by_device_id("bp-1")
        assert by_name is loaded


async def test_a_batch_of_any_size_is_sent_as_the_same_statements(home, ingest, sql_uow,
                                                                  engine):
    """The driver prepares a statement once per text and keeps it on the connection. A
    text per batch size (an ``IN`` list or a ``VALUES`` list of N rows) would fill every
    pooled connection's cache with statements of N × columns parameters: the worker's
    memory would climb through a long run, as batch sizes vary with the load."""
    elena, _ = home
    await store(sql_uow, *(a_device(elena, f"bp-{n}") for n in range(2, 6)))
    sent = []
    for size in (1, 2, 5):  # a reading from each of that many devices
        with statements(engine) as run:
            await ingest([reading(f"bp-{n}", f"{size}-{n}", NORMAL)
                          for n in range(1, size + 1)])
        sent.append(run.queries())
    assert len(sent[0]) >= 3  # the devices, the message ids, the events
    assert sent[1] == sent[0] and sent[2] == sent[0]
    assert (await count(engine, events), await count(engine, device_messages)) == (8, 8)

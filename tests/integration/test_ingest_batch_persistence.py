"""The batch path on SQLite and PostgreSQL: one unit of work of bulk statements stores
what the rules say, once per message id whoever else stores it, and writes nothing when
it fails."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cuiot.adapters.persistence.orm.safety import device_messages, events
from cuiot.application.safety.commands.device_messages import DeviceMessageCommand
from cuiot.application.safety.commands.ingest import DUPLICATE, STORED, IngestDeviceEventCommand, IngestReadingCommand
from cuiot.application.safety.commands.ingest_batch import IngestBatch
from cuiot.domain.devices import DeviceStatus
from cuiot.domain.sensor_events import DeviceType
from tests.integration.test_safety_persistence import BP, NOW, a_device, a_person, a_user, store

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
        told = await uow.notifications.list_for_alert(alert.id)
        rejected = await uow.rejected_messages.list()
    assert (device.status, device.last_seen_at, device.battery_level) == (
        DeviceStatus.ONLINE, clock.now(), 55)
    assert device.offline_due_at is not None and told
    assert outcomes[1].result.alert_ids == (alert.id,)
    assert sorted(r.reason for r in rejected) == ["invalid_reading", "unknown_device"]


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

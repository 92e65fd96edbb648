"""Devices that come back, move and are re-keyed, on SQLite and PostgreSQL: a device_id is
unique among active devices only (migration 0012, a partial unique index), the lookups
by device_id name the active device, and the migration goes down and up again."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from sqlalchemy import inspect, update
from sqlalchemy.exc import IntegrityError

from cuiot.adapters.persistence.database import create_engine
from cuiot.adapters.persistence.migrate import upgrade
from cuiot.adapters.persistence.orm.safety import devices
from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from cuiot.domain.errors import Conflict
from cuiot.domain.sensor_events import EventType, SensorEvent, Severity
from tests.integration.test_caregiver_consent import downgrade, own_database  # noqa: F401
from tests.integration.test_safety_persistence import NOW, a_device, a_person, a_user, store
from tests.support.alerts import events_of_device
from tests.support.databases import in_thread


async def test_a_removed_device_id_is_registered_again_and_names_the_active_device(sql_uow):
    ana = a_user()
    elena, rosa = a_person(ana), a_person(ana, "Rosa")
    old = a_device(elena, "bp-1", is_active=False, created_at=NOW - timedelta(days=3))
    await store(sql_uow, ana, elena, rosa, old)
    new = a_device(rosa, "bp-1")
    await store(sql_uow, new)
    async with sql_uow() as uow:
        assert (await uow.devices.get_by_device_id("bp-1")).id == new.id
        watched = await uow.ingest.devices_by_device_id(["bp-1"])
        assert watched["bp-1"].device.id == new.id
        with pytest.raises(Conflict, match="device_id already registered"):
            await uow.devices.add(a_device(elena, "bp-1"))


async def test_the_database_keeps_one_active_device_per_device_id(sql_uow, engine):
    """What a use case that checked before another committed would write: refused."""
    ana = a_user()
    elena = a_person(ana)
    first, second = a_device(elena, "bp-1"), a_device(elena, "bp-1", is_active=False)
    await store(sql_uow, ana, elena, first, second)
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(update(devices).where(devices.c.id == second.id)
                               .values(is_active=True))
    async with sql_uow() as uow:  # the use case's own check says it first
        stored = await uow.devices.get(second.id)
        stored.reactivate()
        with pytest.raises(Conflict):
            await uow.commit()


async def test_0012_goes_down_and_up_again_keeping_devices_and_their_events(
        own_database: str) -> None:
    engine = create_engine(own_database)

    def uow() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(engine)

    ana = a_user()
    elena = a_person(ana)
    device = a_device(elena, "bp-1")
    event = SensorEvent(id=uuid4(), device_pk=device.id, cared_person_id=elena.id,
                        event_type=EventType.MOTION, severity=Severity.LOW, timestamp=NOW,
                        received_at=NOW, msg_id="m-1")
    try:
        await store(uow, ana, elena, device, event)
        await engine.dispose()
        in_thread(downgrade, own_database, "0011")
        async with engine.connect() as conn:
            indexes = await conn.run_sync(lambda c: {i["name"] for i in
                                                     inspect(c).get_indexes("devices")})
            assert "uq_devices_active_device_id" not in indexes
        with pytest.raises(Conflict):  # unique again, removed devices included
            async with SqlAlchemyUnitOfWork(engine) as held:
                await held.devices.add(a_device(elena, "bp-1", is_active=False))
                await held.commit()
        await engine.dispose()
        in_thread(upgrade, own_database)
        async with uow() as again:
            assert (await again.devices.get(device.id)).device_id == "bp-1"
            assert [e.id for e in await events_of_device(again, device.id)] == [event.id]
            await again.devices.add(a_device(elena, "bp-2", is_active=False))
            await again.devices.add(a_device(elena, "bp-2"))  # up again: only active ones
            await again.commit()
    finally:
        await engine.dispose()


async def test_0012_will_not_go_down_while_a_device_id_names_two_devices(
        own_database: str) -> None:
    engine = create_engine(own_database)
    ana = a_user()
    elena = a_person(ana)
    try:
        await store(lambda: SqlAlchemyUnitOfWork(engine), ana, elena,
                    a_device(elena, "bp-1", is_active=False), a_device(elena, "bp-1"))
        await engine.dispose()
        with pytest.raises(RuntimeError, match="bp-1"):
            in_thread(downgrade, own_database, "0011")
        async with SqlAlchemyUnitOfWork(engine) as uow:  # nothing changed
            assert (await uow.devices.get_by_device_id("bp-1")).is_active
    finally:
        await engine.dispose()

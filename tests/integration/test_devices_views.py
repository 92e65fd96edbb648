"""Reads of devices on SQLite and PostgreSQL: the queries over the real views, each page
or detail one SQL statement with the access rule in it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest

from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.devices import SqlDeviceViews
from cuiot.adapters.persistence.views.safety import SqlEventViews
from cuiot.application.safety.queries.devices import (
    GetDevice,
    GetDeviceQuery,
    ListDevices,
    ListDevicesQuery,
)
from cuiot.application.safety.queries.events import (
    ListDeviceEvents,
    ListDeviceEventsQuery,
    ListEvents,
    ListEventsQuery,
)
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.devices import DeviceStatus
from cuiot.domain.errors import NotFound, ValidationFailed
from cuiot.domain.sensor_events import DeviceType, Severity
from tests.fakes.system import FixedClock
from tests.integration.test_safety_persistence import (
    NOW,
    a_device,
    a_person,
    a_user,
    an_event,
    ids,
    store,
)
from tests.support.statements import statements

ADMIN = Viewer(uuid4(), is_admin=True)


async def read(engine, handler: Any, query: Any) -> Any:
    """``handler`` over the device views, in a read transaction of its own."""
    async with ReadSide(engine).transaction() as conn:
        return await handler(SqlDeviceViews(conn), clock=FixedClock(NOW))(query)


async def test_devices_oldest_first_paged_and_filtered_by_person(sql_uow, engine):
    holder = a_user("Ana")
    person, other = a_person(holder), a_person(holder, "Otro")
    first = a_device(person, "a", created_at=NOW - timedelta(days=2))
    second = a_device(person, "b", device_type=DeviceType.MOTION_SENSOR,
                      created_at=NOW - timedelta(days=1))
    gone = a_device(person, "c", device_type=DeviceType.MOTION_SENSOR, is_active=False)
    elsewhere = a_device(other, "d", device_type=DeviceType.MOTION_SENSOR,
                         created_at=NOW + timedelta(days=1))
    await store(sql_uow, holder, person, other, first, second, gone, elsewhere)
    mine = await read(engine, ListDevices, ListDevicesQuery(ADMIN, person.id))
    assert ids(mine) == ids([first, second, gone])
    paged = await read(engine, ListDevices, ListDevicesQuery(ADMIN, window=Window(1, 2)))
    assert ids(paged) == ids([second, gone, elsewhere])  # limit + 1: the caller sees more
    assert ids(paged[:2]) == ids([second, gone])
    assert await read(engine, ListDevices, ListDevicesQuery(Viewer(uuid4()))) == []


async def test_listing_and_getting_follow_access(sql_uow, engine):
    ana, bruno, otto = a_user("Ana"), a_user("Bruno"), a_user("Otto")
    person = a_person(ana, member_ids={bruno.id})
    theirs = a_person(otto, "Marta")
    device, other = a_device(person, "bp-1"), a_device(theirs, "bp-2")
    await store(sql_uow, ana, bruno, otto, person, theirs, device, other)
    listed = await read(engine, ListDevices, ListDevicesQuery(Viewer(bruno.id)))
    assert [d.id for d in listed] == [device.id]
    admin_sees = await read(engine, ListDevices, ListDevicesQuery(ADMIN))
    assert {d.id for d in admin_sees} == {device.id, other.id}
    seen = await read(engine, GetDevice, GetDeviceQuery(Viewer(bruno.id), device.id))
    assert seen.id == device.id
    with pytest.raises(NotFound):
        await read(engine, GetDevice, GetDeviceQuery(Viewer(bruno.id), other.id))


async def test_a_person_one_may_not_see_does_not_exist(sql_uow, engine):
    ana, carlos = a_user("Ana"), a_user("Carlos")
    person, empty = a_person(ana), a_person(ana, "Raúl")
    await store(sql_uow, ana, carlos, person, empty, a_device(person))
    for viewer, person_id in ((Viewer(carlos.id), person.id), (ADMIN, uuid4())):
        with pytest.raises(NotFound):
            await read(engine, ListDevices, ListDevicesQuery(viewer, person_id))
    assert await read(engine, ListDevices, ListDevicesQuery(Viewer(ana.id), empty.id)) == []
    assert await read(engine, ListDevices, ListDevicesQuery(ADMIN, empty.id)) == []


async def test_a_device_is_read_as_stored(sql_uow, engine):
    ana = a_user("Ana")
    person = a_person(ana)
    device = a_device(person, "full", location="dormitorio", config={"heartbeat_s": 60},
                      status=DeviceStatus.ONLINE, last_seen_at=NOW, battery_level=0,
                      offline_due_at=NOW + timedelta(minutes=3))
    await store(sql_uow, ana, person, device)
    seen = await read(engine, GetDevice, GetDeviceQuery(Viewer(ana.id), device.id))
    assert {name: getattr(seen, name) for name in seen.__dataclass_fields__} == {
        "id": device.id, "device_id": "full", "name": device.name,
        "device_type": DeviceType.BLOOD_PRESSURE, "cared_person_id": person.id,
        "location": "dormitorio", "config": {"heartbeat_s": 60}, "is_active": True,
        "status": DeviceStatus.ONLINE, "last_seen_at": NOW, "battery_level": 0,
        "created_at": NOW}


async def test_a_page_and_a_device_are_one_statement_each(sql_uow, engine):
    ana, bruno = a_user("Ana"), a_user("Bruno")
    person = a_person(ana, member_ids={bruno.id})
    devices = [a_device(person, f"bp-{n}", created_at=NOW + timedelta(seconds=n))
               for n in range(5)]
    await store(sql_uow, ana, bruno, person, *devices)
    async with ReadSide(engine).transaction() as conn:
        views = SqlDeviceViews(conn)
        with statements(engine) as run:
            page = await ListDevices(views, clock=FixedClock(NOW))(
                ListDevicesQuery(Viewer(bruno.id), person.id, Window(1, 2)))
        assert ids(page) == ids(devices[1:4]) and len(run.queries()) == 1
        with statements(engine) as run:
            await GetDevice(views, clock=FixedClock(NOW))(
                GetDeviceQuery(Viewer(bruno.id), devices[0].id))
        assert len(run.queries()) == 1
        assert not any("FOR UPDATE" in s.upper() for s in run)


async def test_events_of_a_device_and_of_the_people_one_may_see(sql_uow, engine):
    """Moved from the device use-case tests (the event reads are ``queries/events.py``)."""
    ana, bruno, otto = a_user("Ana"), a_user("Bruno"), a_user("Otto")
    person, theirs = a_person(ana, member_ids={bruno.id}), a_person(otto, "Marta")
    device, other = a_device(person, "bp-1"), a_device(theirs, "bp-2")
    later = NOW + timedelta(minutes=1)
    await store(sql_uow, ana, bruno, otto, person, theirs, device, other,
                an_event(device, severity=Severity.LOW),
                an_event(device, at=later, severity=Severity.CRITICAL),
                an_event(other, at=later, severity=Severity.CRITICAL))

    async def events(handler: Any, query: Any) -> Any:
        async with ReadSide(engine).transaction() as conn:
            return await handler(SqlEventViews(conn), clock=FixedClock(later))(query)

    bruno_sees = Viewer(bruno.id)
    mine = await events(ListDeviceEvents, ListDeviceEventsQuery(bruno_sees, device.id))
    assert [e.severity for e in mine] == [Severity.CRITICAL, Severity.LOW]  # newest first
    critical = await events(ListEvents, ListEventsQuery(bruno_sees, severity="critical"))
    assert [e.device_pk for e in critical] == [device.id]
    recent = await events(ListEvents, ListEventsQuery(
        bruno_sees, cared_person_id=person.id, since=later - timedelta(seconds=30)))
    assert len(recent) == 1
    paged = await events(ListEvents, ListEventsQuery(bruno_sees, window=Window(1, 1)))
    assert [e.severity for e in paged] == [Severity.LOW]
    with pytest.raises(ValidationFailed):
        await events(ListEvents, ListEventsQuery(bruno_sees, severity="grave"))

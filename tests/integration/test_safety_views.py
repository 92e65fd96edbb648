"""The reads of alerts and sensor events, on the real views (SQLite and PostgreSQL): who
sees what, filters, order, pages, and that reading takes no row lock. (These were use
cases over the in-memory repositories; the assertions are the same.)"""

from __future__ import annotations

import asyncio
import inspect
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import pytest

from cuiot.adapters.persistence.views.safety import SqlAlertViews, SqlEventViews
from cuiot.application.safety.commands.devices import RegisterDevice, RegisterDeviceCommand
from cuiot.application.safety.commands.ingest import IngestReading, IngestReadingCommand
from cuiot.application.safety.queries.alerts import (
    GetAlert,
    GetAlertQuery,
    ListAlerts,
    ListAlertsQuery,
)
from cuiot.application.safety.queries.events import (
    ListDeviceEvents,
    ListDeviceEventsQuery,
    ListEvents,
    ListEventsQuery,
)
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.alerts import AlertStatus
from cuiot.domain.care import (
    AssignmentStatus,
    CaregiverAssignment,
    Institution,
    LegalRepresentation,
    Relationship,
)
from cuiot.domain.errors import NotFound, ValidationFailed
from cuiot.domain.sensor_events import EventType, Severity
from cuiot.domain.users import Role
from tests.integration.test_safety_persistence import (
    NOW,
    a_device,
    a_person,
    a_user,
    an_alert,
    an_event,
    ids,
    store,
)
from tests.support.alerts import BP_CRITICAL, BP_NORMAL, SqlReads, viewer
from tests.support.statements import statements
from tests.support.subscriptions import subscribe

ADMIN = Viewer(uuid4(), is_admin=True)


@pytest.fixture
def reads(engine, clock) -> SqlReads:
    return SqlReads(engine, clock)


class Commands:
    """Device commands on fresh SQL units of work, as the safety bench runs them."""

    def __init__(self, sql_uow, clock, ids, rng, policy) -> None:
        self.sql_uow, self.clock, self.ports = sql_uow, clock, {
            "clock": clock, "ids": ids, "rng": rng, "policy": policy}
        self.count = 0

    async def __call__(self, cls: type, cmd: Any) -> Any:
        names = inspect.signature(cls).parameters
        return await cls(**{n: self.sql_uow() if n == "uow" else self.ports[n]
                            for n in names})(cmd)

    async def device(self, person, device_type: str = "blood_pressure"):
        self.count += 1
        await subscribe(self.sql_uow(), self.clock.now(), self.clock.today(),
                        person.account_id, account_id=person.account_id)  # it needs one
        registered = await self(RegisterDevice, RegisterDeviceCommand(
            person.account_id, f"dev-{self.count}", f"{device_type} {self.count}",
            device_type, person.id))
        return registered.device

    async def reading(self, device, data: dict, battery: Any = None):
        self.count += 1
        return await self(IngestReading, IngestReadingCommand(
            device.device_id, f"m{self.count}", device.device_type.value, data,
            battery_level=battery))


@pytest.fixture
def commands(sql_uow, clock, ids, rng, policy) -> Commands:
    return Commands(sql_uow, clock, ids, rng, policy)


@pytest.fixture
async def scene(sql_uow, commands):
    """Elena, on Ana's account: Bruno a member, Carla her primary caregiver, Rita her
    representative, Eva on call at her institution; a critical reading opened an alert."""
    people = {n: a_user(n) for n in ("Ana", "Bruno", "Carla", "Rita", "Eva", "Director", "Zoe")}
    people["Root"] = a_user("Root", Role.ADMIN)
    home = Institution(id=uuid4(), name="Hogar Sol", admin_id=people["Director"].id,
                       created_at=NOW, on_call_ids={people["Eva"].id})
    elena = a_person(people["Ana"], member_ids={people["Bruno"].id},
                     caregivers=[CaregiverAssignment(people["Carla"].id, primary=True,
                                                     status=AssignmentStatus.ACCEPTED)],
                     institution_id=home.id)
    representation = LegalRepresentation(
        id=uuid4(), cared_person_id=elena.id, representative_id=people["Rita"].id,
        relationship=Relationship.CHILD, document_ref="poder 12", valid_from=date(2025, 1, 1),
        created_at=NOW, verified=True)
    await store(sql_uow, *people.values())
    async with sql_uow() as uow:
        await uow.institutions.add(home)
        await uow.commit()
    await store(sql_uow, elena)
    async with sql_uow() as uow:
        await uow.representations.add(representation)
        await uow.commit()
    device = await commands.device(elena)
    [alert_id] = (await commands.reading(device, BP_CRITICAL)).alert_ids
    return people, alert_id, elena, device


# -- alerts (from tests/unit/test_alerts_use_cases.py) -----------------------------------

async def test_listing_filters_and_access(sql_uow, reads, commands, scene) -> None:
    people, alert_id, _, device = scene
    await commands.reading(device, BP_CRITICAL, battery=5)  # a medium battery alert too
    other = a_person(people["Zoe"], "Otto")
    await store(sql_uow, other)
    await commands.reading(await commands.device(other), BP_CRITICAL)
    bruno = viewer(people["Bruno"])

    async def listed(who: Viewer = bruno, offset: int = 0, limit: int = 100, **filters: Any):
        return await reads(ListAlerts, SqlAlertViews,
                           ListAlertsQuery(who, window=Window(offset, limit), **filters))

    assert len(await listed()) == 2
    assert [a.alert_type for a in await listed(severity="medium")] == ["battery_low"]
    assert [a.id for a in await listed(status="pending", severity="critical")] == [alert_id]
    assert len(await listed(limit=1)) == 1 + 1  # the page, and one to tell another follows
    assert await listed(status="resolved") == []
    everything = await listed(viewer(people["Root"]))
    assert len(everything) == 3
    with pytest.raises(NotFound):
        await listed(cared_person_id=other.id)
    with pytest.raises(ValidationFailed):
        await listed(status="forgotten")


@pytest.mark.parametrize("who", ["Ana", "Bruno", "Carla", "Rita", "Eva", "Root"])
async def test_get_alert(reads, scene, who) -> None:
    people, alert_id, elena, device = scene
    got = await reads(GetAlert, SqlAlertViews, GetAlertQuery(viewer(people[who]), alert_id))
    assert (got.id, got.severity) == (alert_id, Severity.CRITICAL)
    assert (got.device_id, got.device_pk, got.cared_person_id) == (
        device.device_id, device.id, elena.id)
    assert (got.cared_person_name, got.device_name) == ("Elena Gómez", device.name)


async def test_someone_without_access_is_told_it_does_not_exist(reads, scene) -> None:
    people, alert_id, *_ = scene
    for who, alert in ((people["Zoe"], alert_id), (people["Ana"], people["Ana"].id)):
        with pytest.raises(NotFound):
            await reads(GetAlert, SqlAlertViews, GetAlertQuery(viewer(who), alert))


@pytest.mark.parametrize("who", ["Ana", "Root"])
async def test_each_page_or_detail_is_one_statement_without_a_lock(engine, reads, scene, who):
    people, alert_id, elena, device = scene
    me = viewer(people[who])
    for handler, views, query in [
        (ListAlerts, SqlAlertViews, ListAlertsQuery(me)),
        (ListAlerts, SqlAlertViews, ListAlertsQuery(me, "pending", "critical", elena.id)),
        (GetAlert, SqlAlertViews, GetAlertQuery(me, alert_id)),
        (ListEvents, SqlEventViews, ListEventsQuery(me)),
        (ListEvents, SqlEventViews, ListEventsQuery(me, elena.id, "critical", NOW)),
        (ListDeviceEvents, SqlEventViews, ListDeviceEventsQuery(me, device.id)),
    ]:
        with statements(engine) as run:
            assert await reads(handler, views, query)
        assert len(run.queries()) == 1, (query, run.queries())
        assert not any("FOR UPDATE" in q.upper() for q in run)


async def test_reading_an_alert_takes_no_lock(sql_uow, reads, scene, database_url) -> None:
    people, alert_id, *_ = scene
    ana = viewer(people["Ana"])
    async with sql_uow() as uow:
        await uow.alerts.get(alert_id)  # held (PostgreSQL: FOR UPDATE) until the end
        got = await asyncio.wait_for(reads(GetAlert, SqlAlertViews, GetAlertQuery(
            ana, alert_id)), 5)
        listed = await asyncio.wait_for(reads(ListAlerts, SqlAlertViews,
                                              ListAlertsQuery(ana)), 5)
    assert got.status is AlertStatus.PENDING and [a.id for a in listed] == [alert_id]


async def test_alert_listings_newest_first_with_filters(sql_uow, reads):
    """(from test_safety_persistence: the repository's listing, now the view's)"""
    holder = a_user("Ana", Role.FAMILY)
    person, other_person = a_person(holder), a_person(holder, "Otro")
    device, other_device = a_device(person), a_device(other_person, "bp-2")
    old = an_alert(device, at=NOW - timedelta(days=2), severity=Severity.HIGH)
    mid = an_alert(device, at=NOW - timedelta(days=1), alert_type="battery_low",
                   severity=Severity.MEDIUM)
    mid.acknowledge(holder.id, NOW)
    new = an_alert(other_device, at=NOW)
    await store(sql_uow, holder, person, other_person, device, other_device, old, mid, new)

    async def listed(who: Viewer = ADMIN, offset: int = 0, limit: int = 100, **filters: Any):
        return ids(await reads(ListAlerts, SqlAlertViews,
                               ListAlertsQuery(who, window=Window(offset, limit), **filters)))

    assert await listed() == ids([new, mid, old])
    assert await listed(cared_person_id=person.id) == ids([mid, old])
    assert await listed(status="acknowledged") == ids([mid])
    assert await listed(cared_person_id=person.id, severity="high") == ids([old])
    assert (await listed(offset=1, limit=1))[:1] == ids([mid])
    assert await listed(viewer(a_user("Nadie"))) == []
    assert await listed(viewer(holder)) == ids([new, mid, old])


# -- events (from test_devices_use_cases.py and test_safety_persistence.py) ---------------

async def test_the_events_of_a_device_one_may_not_see_do_not_exist(sql_uow, reads,
                                                                   commands) -> None:
    """(The rest of the device-event reads: test_devices_views.py.)"""
    ana, zoe = a_user("Ana"), a_user("Zoe")
    elena = a_person(ana)
    await store(sql_uow, ana, zoe, elena)
    device = await commands.device(elena)
    await commands.reading(device, BP_NORMAL)
    assert len(await reads(ListDeviceEvents, SqlEventViews,
                           ListDeviceEventsQuery(viewer(ana), device.id))) == 1
    for who, device_pk in ((viewer(zoe), device.id), (viewer(ana), uuid4())):
        with pytest.raises(NotFound):
            await reads(ListDeviceEvents, SqlEventViews, ListDeviceEventsQuery(who, device_pk))
    with pytest.raises(NotFound):
        await reads(ListEvents, SqlEventViews, ListEventsQuery(viewer(zoe), elena.id))


async def test_event_listings_newest_first(sql_uow, reads) -> None:
    holder = a_user("Ana", Role.FAMILY)
    person, other_person = a_person(holder), a_person(holder, "Otro")
    device, other_device = a_device(person), a_device(other_person, "bp-2")
    old = an_event(device, at=NOW - timedelta(hours=2), msg_id="m-1")
    high = an_event(device, at=NOW - timedelta(hours=1), severity=Severity.HIGH, msg_id="m-2")
    same_time = an_event(device, at=NOW - timedelta(hours=1), received_at=NOW,
                         event_type=EventType.BATTERY_LOW)
    theirs = an_event(other_device, at=NOW, msg_id="m-1")
    await store(sql_uow, holder, person, other_person, device, other_device, old, high,
                same_time, theirs)

    async def of_device(device_pk, offset: int = 0, limit: int = 100):
        return ids(await reads(ListDeviceEvents, SqlEventViews,
                               ListDeviceEventsQuery(ADMIN, device_pk, Window(offset, limit))))

    async def listed(who: Viewer = ADMIN, offset: int = 0, limit: int = 100, **filters: Any):
        return ids(await reads(ListEvents, SqlEventViews,
                               ListEventsQuery(who, window=Window(offset, limit), **filters)))

    # newest first; equal timestamps: the one received last first
    assert await of_device(device.id) == ids([same_time, high, old])
    assert (await of_device(device.id, 1, 1))[:1] == ids([high])
    assert await listed() == ids([theirs, same_time, high, old])
    assert await listed(cared_person_id=person.id, severity="high") == [high.id]
    since = await listed(cared_person_id=person.id, since=NOW - timedelta(hours=1))
    assert since == ids([same_time, high])
    assert await listed(offset=3, limit=5) == ids([old])
    assert await listed(viewer(a_user("Nadie"))) == []
    [shown] = await reads(ListEvents, SqlEventViews, ListEventsQuery(
        ADMIN, cared_person_id=other_person.id))
    assert (shown.device_id, shown.sensor_data, shown.alert_id) == (
        "bp-2", theirs.sensor_data, None)

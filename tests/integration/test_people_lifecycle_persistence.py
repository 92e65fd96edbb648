"""Deactivating and erasing on the real unit of work, SQLite and PostgreSQL: what is held
and closed, what the bulk erasures change (and leave), the list of deactivated persons
their managers read, and migration 0013 down and up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine

from cuiot.adapters.cache.memory import InMemoryRevocationList
from cuiot.adapters.persistence.database import create_engine
from cuiot.adapters.persistence.migrate import upgrade
from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.lifecycle import SqlDeactivatedPersonViews
from cuiot.application.care.commands.lifecycle import (
    CaredPersonCommand,
    DeactivateCaredPerson,
    EraseCaredPerson,
)
from cuiot.application.identity.commands.lifecycle import (
    DeactivateUser,
    EraseUser,
    UserLifecycleCommand,
)
from cuiot.application.identity.commands.users import RegisterUser, RegisterUserCommand
from cuiot.application.safety.commands.escalation import EscalateDueAlerts
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.alerts import AlertStatus
from cuiot.domain.care import EmergencyContact
from cuiot.domain.errors import MonitoringStopped
from cuiot.domain.notifications import ERASED, DeliveryStatus
from cuiot.domain.sensor_events import SensorEvent
from cuiot.domain.users import erased_email
from tests.fakes.system import PlainPasswordHasher
from tests.integration.test_access_views import allowed, visible, world  # noqa: F401
from tests.integration.test_caregiver_consent import downgrade, own_database
from tests.integration.test_safety_flows import Safety, family, run  # noqa: F401
from tests.integration.test_safety_persistence import BP, NOW, a_person, a_user, store
from tests.support.alerts import alerts_of, outbox_of
from tests.support.databases import in_thread

__all__ = ["own_database"]  # a database the migration test may downgrade


@pytest.fixture
def lifecycle(run: Safety, clock) -> Safety:
    run.ports |= {"revocations": InMemoryRevocationList(clock), "hasher": PlainPasswordHasher()}
    return run


async def test_deactivating_holds_and_closes_the_open_alert_and_its_queued_rows(
        lifecycle, family, sql_uow):
    elena, people = family
    device = await lifecycle.register(people["Ana"], elena, "bp-1")
    await lifecycle.reading(device, "m-1", BP)
    await lifecycle(DeactivateCaredPerson, CaredPersonCommand(people["Rita"].id, elena.id))
    async with sql_uow() as uow:
        [alert] = await alerts_of(uow, elena.id)
        rows = await outbox_of(uow, alert.id)
        stored = await uow.cared_persons.get(elena.id)
    assert (alert.status, alert.resolved_by) == (AlertStatus.RESOLVED, people["Rita"].id)
    assert rows and {(r.status, r.last_error) for r in rows} == {
        (DeliveryStatus.FAILED, "cancelled: cared_person_deactivated")}
    assert stored.deactivated_at is not None and not stored.is_active
    with pytest.raises(MonitoringStopped):
        await lifecycle.reading(device, "m-2", BP)
    async with sql_uow() as uow:
        assert len(await alerts_of(uow, elena.id)) == 1


async def test_erasing_a_person_erases_readings_texts_and_contacts_addresses(
        lifecycle, family, sql_uow, clock):
    elena, people = family
    async with sql_uow() as uow:
        (await uow.cared_persons.get(elena.id)).change_care(
            emergency_contacts=[EmergencyContact("Juan", "juan@example.com")])
        await uow.commit()
    device = await lifecycle.register(people["Ana"], elena, "bp-1")
    await lifecycle.reading(device, "m-1", BP)
    for _ in range(2):  # up to level 3: the emergency contact is told too
        clock.advance(timedelta(minutes=3))
        await lifecycle(EscalateDueAlerts)
    ana = people["Ana"].id
    await lifecycle(DeactivateCaredPerson, CaredPersonCommand(ana, elena.id))
    await lifecycle(EraseCaredPerson, CaredPersonCommand(ana, elena.id))
    async with sql_uow() as uow:
        [alert] = await alerts_of(uow, elena.id)
        rows = await outbox_of(uow, alert.id)
        events = (await uow.session.scalars(select(SensorEvent))).all()
        erased = await uow.cared_persons.get(elena.id)
    assert events and {e.event_type.value for e in events} == {"blood_pressure"}
    assert all(e.sensor_data == {} for e in events)
    assert {(r.subject, r.body) for r in rows} == {(ERASED, ERASED)}
    assert {r.address for r in rows if r.recipient_user_id is None} == {ERASED}
    assert "rita@example.com" in {r.address for r in rows}  # a user's own address stays
    assert (erased.full_name, erased.emergency_contacts, erased.erased_at) == (
        "Erased person", [], clock.now())


async def test_erasing_a_user_frees_the_email_and_erases_where_they_were_told(
        lifecycle, family, sql_uow):
    elena, people = family
    rita, root = people["Rita"], people["Root"]
    device = await lifecycle.register(people["Ana"], elena, "bp-1")
    await lifecycle.reading(device, "m-1", BP)
    await lifecycle(DeactivateUser, UserLifecycleCommand(root.id, rita.id))
    await lifecycle(EraseUser, UserLifecycleCommand(root.id, rita.id))
    again = await lifecycle(RegisterUser, RegisterUserCommand(
        "rita@example.com", "una clave larga", "Rita", "Nueva"))
    async with sql_uow() as uow:
        [alert] = await alerts_of(uow, elena.id)
        to_rita = [r for r in await outbox_of(uow, alert.id) if r.recipient_user_id == rita.id]
        erased = await uow.users.get(rita.id)
    assert to_rita and {(r.address, r.recipient_name) for r in to_rita} == {(ERASED, None)}
    assert (erased.email, erased.phone, erased.is_active) == (erased_email(rita.id), None, False)
    assert erased.erased_at is not None and erased.deactivated_at is not None
    assert again.id != rita.id


async def test_deactivated_persons_are_listed_to_their_managers_alone(family, sql_uow,
                                                                      engine, clock):
    elena, people = family
    rosa = a_person(people["Ana"], "Rosa")
    await store(sql_uow, rosa)
    async with sql_uow() as uow:
        (await uow.cared_persons.get(elena.id)).deactivate(NOW)
        await uow.commit()

    async def listed(name: str, admin: bool = False) -> list[str]:
        async with ReadSide(engine).transaction() as conn:
            found = await SqlDeactivatedPersonViews(conn).deactivated_cared_persons(
                Viewer(people[name].id, admin), clock.today(), Window(0, 10))
        assert all((p.deactivated_at, p.erased_at) == (NOW, None) for p in found)
        return [p.first_name for p in found]

    assert await listed("Ana") == await listed("Rita") == ["Elena"]  # holder, representative
    assert await listed("Bruno") == await listed("Carla") == []  # a member, a caregiver
    assert await listed("Root", admin=True) == ["Elena"]  # not Rosa: she is active


async def test_a_deactivated_person_is_seen_by_admins_alone_in_sql_as_in_may_access(
        engine, sql_uow, world):
    """The access rule twice (``test_access_views.py``), some persons deactivated: each
    way in to them (holder, own login, member, caregiver, representative, institution)
    is closed in the SQL as ``may_access`` closes it."""
    users, persons = world["users"], world["persons"]
    rosa, juan, tito, ana, _nobody = persons
    async with sql_uow() as uow:
        for person in (rosa, juan, tito):
            (await uow.cared_persons.get(person.id)).deactivate(NOW)
        await uow.commit()
    for way, user in users.items():
        assert await visible(engine, user.id) == await allowed(sql_uow, user.id, persons), way
    assert await visible(engine, users["holder"].id) == {ana.id}
    assert await visible(engine, users["admin"].id) == {p.id for p in persons}


async def test_0013_goes_down_and_up_keeping_people(own_database: str) -> None:
    ana = a_user("Ana")
    engine = create_engine(own_database)
    try:
        in_thread(downgrade, own_database, "0012")
        assert {"deactivated_at", "erased_at"}.isdisjoint(await _columns(engine, "users"))
        await engine.dispose()
        in_thread(upgrade, own_database)
        for table in ("users", "cared_persons"):
            assert {"deactivated_at", "erased_at"} <= await _columns(engine, table)
        async with SqlAlchemyUnitOfWork(engine) as uow:
            await uow.users.add(ana)
            await uow.commit()
        async with SqlAlchemyUnitOfWork(engine) as uow:
            assert (await uow.users.get(ana.id)).deactivated_at is None
    finally:
        await engine.dispose()


async def _columns(engine: AsyncEngine, table: str) -> set[str]:
    async with engine.connect() as conn:
        return await conn.run_sync(
            lambda sync: {c["name"] for c in inspect(sync).get_columns(table)})


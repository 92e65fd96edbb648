"""The access rule twice, on the same stored data, on SQLite and PostgreSQL: the SQL of
``views/access.py`` (``visible_cared_persons``, what every read filters with) must say
exactly what the domain's ``may_access`` says, for every way in and out. Where they
disagree, the domain rule wins: fix the SQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.access import in_force, visible_cared_persons
from cuiot.adapters.persistence.views.identity import SqlPrincipalViews
from cuiot.application.shared.access import may_access
from cuiot.application.shared.queries import Viewer
from cuiot.domain.capacity import representative_id_of
from cuiot.domain.care import (
    CaredPerson,
    CareType,
    Institution,
    LegalRepresentation,
    Relationship,
)
from cuiot.domain.users import Role, User
from cuiot.domain.values import EmailAddress

NOW = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
TODAY = date(2026, 1, 15)
UowFactory = Callable[[], SqlAlchemyUnitOfWork]

WAYS = ("holder", "own_login", "member", "caregiver", "invited", "declined", "representative",
        "superseded",
        "tied_first", "tied_second", "expired", "unverified", "not_yet", "ended_today",
        "ended",
        "institution_admin", "staff", "on_call", "stranger", "admin", "former_admin")


def a_user(name: str) -> User:
    return User(id=uuid4(), email=EmailAddress(f"{name}@example.com"), password_hash="h",
                first_name=name.title(), last_name="Pérez", created_at=NOW,
                date_of_birth=date(1975, 8, 12))


def a_person(holder: User, name: str, **fields: object) -> CaredPerson:
    return CaredPerson(id=uuid4(), account_id=holder.id, first_name=name, last_name="Gómez",
                       date_of_birth=date(1940, 4, 3), created_at=NOW, **fields)  # type: ignore[arg-type]


def a_representation(person: CaredPerson, user: User, *, verified: bool = True,
                     valid_from: date = date(2025, 1, 1), valid_until: date | None = None,
                     created_at: datetime = NOW - timedelta(days=30)) -> LegalRepresentation:
    return LegalRepresentation(id=uuid4(), cared_person_id=person.id,
                               representative_id=user.id, relationship=Relationship.CHILD,
                               document_ref="poder 1234", valid_from=valid_from,
                               valid_until=valid_until, verified=verified,
                               created_at=created_at)


@pytest.fixture
async def world(sql_uow: UowFactory) -> dict[str, object]:
    """One user per way in (or out), and the persons they reach or not."""
    users = {way: a_user(way) for way in WAYS}
    users["admin"].grant_role(Role.ADMIN, NOW)
    users["former_admin"].grant_role(Role.ADMIN, NOW - timedelta(days=10),
                                     expires_at=NOW - timedelta(days=1))
    home = Institution(id=uuid4(), name="Hogar Sol", admin_id=users["institution_admin"].id,
                       created_at=NOW)
    home.add_staff(users["staff"].id)
    home.add_staff(users["on_call"].id, on_call=True)
    holder = users["holder"]
    rosa = a_person(holder, "Rosa", user_id=users["own_login"].id, care_type=CareType.SELF_CARE)
    juan = a_person(holder, "Juan")
    tito = a_person(holder, "Tito", institution_id=home.id)
    ana = a_person(holder, "Ana")
    nobody = a_person(users["stranger"], "Nadie")  # the stranger holds one: no one else sees
    juan.add_member(users["member"].id)
    juan.assign_caregiver(users["caregiver"].id, primary=True)
    juan.accept_caregiving(users["caregiver"].id)
    for person in (juan, rosa):  # invited to care for both, has not answered: sees neither
        person.assign_caregiver(users["invited"].id, primary=True)
    juan.assign_caregiver(users["declined"].id)
    juan.decline_caregiving(users["declined"].id)
    same = NOW - timedelta(days=3)
    representations = [
        a_representation(juan, users["representative"], valid_from=date(2025, 6, 1)),
        a_representation(juan, users["superseded"]),  # in force, but an older one
        a_representation(ana, users["tied_first"], created_at=same),
        a_representation(ana, users["tied_second"], created_at=same),
        a_representation(tito, users["expired"], valid_until=date(2025, 12, 31)),
        a_representation(tito, users["unverified"], verified=False),
        a_representation(tito, users["not_yet"], valid_from=date(2026, 2, 1)),
        a_representation(rosa, users["ended_today"], valid_until=TODAY),
        # Ended an hour ago: in force no more, and the newest of Juan's beats nobody.
        a_representation(juan, users["ended"], valid_from=date(2025, 9, 1)),
    ]
    representations[-1].end(holder.id, NOW - timedelta(hours=1))
    async with sql_uow() as uow:
        for user in users.values():
            await uow.users.add(user)
        await uow.institutions.add(home)
        for person in (rosa, juan, tito, ana, nobody):
            await uow.cared_persons.add(person)
        for representation in representations:
            await uow.representations.add(representation)
        await uow.commit()
    return {"users": users, "persons": [rosa, juan, tito, ana, nobody],
            "representations": representations}


async def visible(engine: AsyncEngine, user_id: UUID, today: date = TODAY) -> set[UUID]:
    """What the SQL says ``user_id`` sees, the viewer's roles read as a request reads them."""
    async with ReadSide(engine).transaction() as conn:
        roles = await SqlPrincipalViews(conn).active_roles(user_id, NOW)
        viewer = Viewer.of(user_id, roles or frozenset())
        return set((await conn.execute(visible_cared_persons(viewer, today))).scalars())


async def allowed(sql_uow: UowFactory, user_id: UUID, persons: list[CaredPerson]) -> set[UUID]:
    """What the domain says: ``may_access`` on each stored person."""
    found = set()
    async with sql_uow() as uow:
        user = await uow.users.get(user_id)
        for person in persons:
            stored = await uow.cared_persons.get(person.id)
            if await may_access(uow, user, stored, NOW, TODAY):
                found.add(person.id)
    return found


async def test_the_sql_rule_agrees_with_may_access_for_every_way_in(
        engine: AsyncEngine, sql_uow: UowFactory, world: dict) -> None:
    users, persons = world["users"], world["persons"]
    for way, user in users.items():
        assert await visible(engine, user.id) == await allowed(sql_uow, user.id, persons), way


async def test_each_way_in_reaches_whom_it_should(
        engine: AsyncEngine, world: dict) -> None:
    users = world["users"]
    rosa, juan, tito, ana, nobody = (p.id for p in world["persons"])
    expected = {
        "holder": {rosa, juan, tito, ana}, "own_login": {rosa}, "member": {juan},
        "caregiver": {juan}, "invited": set(), "declined": set(),
        "representative": {juan}, "superseded": set(),
        "expired": set(), "unverified": set(), "not_yet": set(), "ended_today": {rosa},
        "ended": set(),
        "institution_admin": {tito}, "staff": {tito}, "on_call": {tito},
        "stranger": {nobody}, "admin": {rosa, juan, tito, ana, nobody}, "former_admin": set(),
    }
    for way, persons in expected.items():
        assert await visible(engine, users[way].id) == persons, way
    # Two representations alike but for their ids: the repository's order (by id) puts
    # one first, and the domain keeps that one.
    first_id = min(r.id for r in world["representations"][2:4])
    winner = next(r for r in world["representations"][2:4] if r.id == first_id)
    loser = next(r for r in world["representations"][2:4] if r.id != first_id)
    assert await visible(engine, winner.representative_id) == {ana}
    assert await visible(engine, loser.representative_id) == set()


async def test_the_representation_in_force_is_the_domains_on_any_day(
        engine: AsyncEngine, sql_uow: UowFactory, world: dict) -> None:
    days = [date(2024, 12, 31), date(2025, 1, 1), date(2025, 5, 31), date(2025, 6, 1),
            date(2025, 12, 31), TODAY, date(2026, 1, 16), date(2026, 2, 1)]
    async with sql_uow() as uow:
        stored = {p.id: await uow.representations.list_for_cared_person(p.id)
                  for p in world["persons"]}
    for day in days:
        r, current = in_force(day)
        async with ReadSide(engine).transaction() as conn:
            rows = (await conn.execute(
                r.select().with_only_columns(r.c.cared_person_id, r.c.representative_id)
                .where(current))).all()
        by_sql = dict(rows)
        assert len(rows) == len(by_sql), day  # one in force per person at most
        for person_id, representations in stored.items():
            assert by_sql.get(person_id) == representative_id_of(representations, day), day

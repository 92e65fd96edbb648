"""The reads of user accounts over the real views, on SQLite and PostgreSQL: the admin's
list of users and one's own profile, each one SQL statement."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.identity import SqlUserViews
from cuiot.application.identity.ports import RoleView, UserView
from cuiot.application.identity.queries.users import (
    GetProfile,
    GetProfileQuery,
    ListUsers,
    ListUsersQuery,
)
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.errors import Forbidden, Unauthenticated, ValidationFailed
from cuiot.domain.users import CapacityStatus, Role, User
from cuiot.domain.values import EmailAddress
from tests.fakes.system import FixedClock
from tests.support.statements import statements

NOW = datetime(2026, 1, 15, 15, 0, 0, 123000, tzinfo=UTC)
UowFactory = Callable[[], SqlAlchemyUnitOfWork]


def a_user(name: str, n: int, *roles: Role) -> User:
    """The ``n``-th user to register (so the list's order is known)."""
    user = User(id=uuid4(), email=EmailAddress(f"{name.lower()}@example.com"),
                password_hash="plain$secreto-123", first_name=name, last_name="Pérez",
                created_at=NOW + timedelta(minutes=n), date_of_birth=date(1975, 8, 12))
    for role in roles or (Role.FAMILY,):
        user.grant_role(role, NOW)
    return user


async def stored(sql_uow: UowFactory, *users: User) -> None:
    async with sql_uow() as uow:
        for user in users:
            await uow.users.add(user)
        await uow.commit()


async def read(engine: AsyncEngine, clock: FixedClock, handler: Any, query: Any) -> Any:
    async with ReadSide(engine).transaction() as conn:
        return await handler(SqlUserViews(conn), clock)(query)


def viewer(user: User, now: datetime) -> Viewer:
    return Viewer.of(user.id, frozenset(user.active_roles(now)))


# -- moved from tests/unit/test_users_use_cases.py (it ran on the in-memory fakes) -----

async def test_only_an_admin_lists_users_a_page_at_a_time(
        sql_uow: UowFactory, engine: AsyncEngine, clock: FixedClock) -> None:
    admin, laura = a_user("Ana", 0, Role.ADMIN), a_user("Laura", 1)
    pedro = a_user("Pedro", 2)
    await stored(sql_uow, admin, laura, pedro)
    page = await read(engine, clock, ListUsers,
                      ListUsersQuery(viewer(admin, clock.now()), Window(offset=1, limit=1)))
    assert [u.id for u in page] == [laura.id, pedro.id]  # the page, and one more: a next page
    with pytest.raises(Forbidden):
        await read(engine, clock, ListUsers, ListUsersQuery(viewer(laura, clock.now())))
    with pytest.raises(ValidationFailed):
        await read(engine, clock, ListUsers,
                   ListUsersQuery(viewer(admin, clock.now()), Window(limit=0)))


# -- the views --------------------------------------------------------------------------

async def test_a_listed_user_shows_its_fields_and_only_its_active_roles(
        sql_uow: UowFactory, engine: AsyncEngine, clock: FixedClock) -> None:
    admin, laura, bare = a_user("Ana", 0, Role.ADMIN), a_user("Laura", 1), a_user("Bea", 2)
    laura.grant_role(Role.CAREGIVER, NOW, expires_at=clock.now() + timedelta(days=30))
    laura.grant_role(Role.INSTITUTION_ADMIN, NOW - timedelta(days=9),
                     expires_at=clock.now())  # over by now
    laura.declare_capacity(CapacityStatus.RESTRICTED)
    bare.roles = []
    await stored(sql_uow, admin, laura, bare)
    page = await read(engine, clock, ListUsers, ListUsersQuery(viewer(admin, clock.now())))
    assert [u.id for u in page] == [admin.id, laura.id, bare.id]
    assert page[1] == UserView(
        id=laura.id, email="laura@example.com", first_name="Laura", last_name="Pérez",
        phone=None, date_of_birth=date(1975, 8, 12), capacity_status=CapacityStatus.RESTRICTED,
        is_active=True, created_at=NOW + timedelta(minutes=1),
        roles=(RoleView(Role.CAREGIVER, NOW, clock.now() + timedelta(days=30)),
               RoleView(Role.FAMILY, NOW, None)))
    assert page[2].roles == () and page[1].full_name == "Laura Pérez"


async def test_a_page_of_users_with_their_roles_is_one_statement(
        sql_uow: UowFactory, engine: AsyncEngine, clock: FixedClock) -> None:
    admin = a_user("Ana", 0, Role.ADMIN, Role.FAMILY)
    others = [a_user(f"User{n}", n, Role.FAMILY, Role.CAREGIVER) for n in range(1, 8)]
    await stored(sql_uow, admin, *others)
    with statements(engine) as seen:
        page = await read(engine, clock, ListUsers,
                          ListUsersQuery(viewer(admin, clock.now()), Window(offset=2, limit=3)))
    assert [u.id for u in page] == [u.id for u in others[1:5]]
    assert all({r.role for r in u.roles} == {Role.FAMILY, Role.CAREGIVER} for u in page)
    assert len(seen.queries()) == 1


async def test_the_profile_is_one_statement_and_only_for_an_active_user(
        sql_uow: UowFactory, engine: AsyncEngine, clock: FixedClock) -> None:
    laura, gone = a_user("Laura", 0, Role.FAMILY, Role.CAREGIVER), a_user("Pedro", 1)
    gone.is_active = False
    await stored(sql_uow, laura, gone)
    with statements(engine) as seen:
        profile = await read(engine, clock, GetProfile, GetProfileQuery(laura.id))
    assert len(seen.queries()) == 1
    assert (profile.id, profile.email, {r.role for r in profile.roles}) == (
        laura.id, "laura@example.com", {Role.FAMILY, Role.CAREGIVER})
    for unknown in (gone.id, uuid4()):
        with pytest.raises(Unauthenticated):
            await read(engine, clock, GetProfile, GetProfileQuery(unknown))

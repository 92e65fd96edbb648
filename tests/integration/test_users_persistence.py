"""Users on the ORM mapping, on SQLite and PostgreSQL: the statements a change of a user
writes (an unchanged list of roles writes nothing), the email value object, and the
``roles`` table that a granted role must name."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from cuiot.adapters.persistence.orm.identity import roles, users
from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from cuiot.domain.errors import Conflict
from cuiot.domain.users import Role, RoleGrant, User
from cuiot.domain.values import EmailAddress
from tests.support.statements import statements

NOW = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
UowFactory = Callable[[], SqlAlchemyUnitOfWork]


def a_user(*granted: Role) -> User:
    user = User(id=uuid4(), email=EmailAddress("Ana@Example.com"), password_hash="h",
                first_name="Ana", last_name="Pérez", created_at=NOW)
    for role in granted:
        user.grant_role(role, NOW)
    return user


async def stored(sql_uow: UowFactory, user: User) -> None:
    async with sql_uow() as uow:
        await uow.users.add(user)
        await uow.commit()


async def writes_of(engine: AsyncEngine, sql_uow: UowFactory, user: User,
                    change: Callable[[User], object]) -> list[str]:
    """The INSERT/UPDATE/DELETE statements of loading ``user``, changing it, committing."""
    with statements(engine) as seen:
        async with sql_uow() as uow:
            change(await uow.users.get(user.id))
            await uow.commit()
    return [" ".join(s.split()[:3]) for s in seen.writes()]


async def test_an_unchanged_list_of_roles_writes_nothing(
        engine: AsyncEngine, sql_uow: UowFactory) -> None:
    user = a_user(Role.FAMILY, Role.CAREGIVER)
    await stored(sql_uow, user)
    assert await writes_of(engine, sql_uow, user, lambda u: None) == []
    assert await writes_of(engine, sql_uow, user, lambda u: setattr(u, "phone", "+54 11")) == [
        "UPDATE users SET"]
    assert await writes_of(engine, sql_uow, user,
                           lambda u: u.update_profile(NOW.date(), first_name="Ana")) == []


async def test_a_change_of_roles_writes_only_the_rows_that_changed(
        engine: AsyncEngine, sql_uow: UowFactory) -> None:
    user = a_user(Role.FAMILY, Role.CAREGIVER)
    await stored(sql_uow, user)
    later = NOW + timedelta(days=1)
    assert await writes_of(engine, sql_uow, user, lambda u: u.grant_role(Role.ADMIN, later)) == [
        "INSERT INTO user_roles"]
    assert await writes_of(engine, sql_uow, user,  # granted again: the same row, rewritten
                           lambda u: u.grant_role(Role.FAMILY, later, later + timedelta(days=9))
                           ) == ["UPDATE user_roles SET"]
    assert await writes_of(engine, sql_uow, user, lambda u: u.revoke_role(Role.CAREGIVER)) == [
        "DELETE FROM user_roles"]
    async with sql_uow() as uow:
        loaded = await uow.users.get(user.id)
    assert loaded.roles == [RoleGrant(Role.ADMIN, later),
                            RoleGrant(Role.FAMILY, later, later + timedelta(days=9))]


async def test_the_email_is_a_value_object_on_one_lower_case_column(
        sql_uow: UowFactory) -> None:
    user = a_user(Role.FAMILY)
    await stored(sql_uow, user)
    async with sql_uow() as uow:
        loaded = await uow.users.get_by_email(EmailAddress("ANA@example.COM"))
        column = (await uow.connection.execute(
            select(users.c.email).where(users.c.id == user.id))).scalar_one()
        assert loaded.email == EmailAddress("ana@example.com") and column == "ana@example.com"
        loaded.email = EmailAddress("Ana.Paz@Example.com")
        await uow.commit()
    async with sql_uow() as uow:
        assert (await uow.users.get(user.id)).email == EmailAddress("ana.paz@example.com")


async def test_the_roles_table_names_every_role(sql_uow: UowFactory) -> None:
    async with sql_uow() as uow:
        names = (await uow.connection.execute(select(roles.c.name))).scalars().all()
    assert sorted(names) == sorted(role.value for role in Role)


async def test_a_role_the_roles_table_does_not_name_is_refused(sql_uow: UowFactory) -> None:
    user = a_user(Role.FAMILY)
    user.roles.append(RoleGrant("emperor", NOW))  # type: ignore[arg-type]
    with pytest.raises(Conflict):
        await stored(sql_uow, user)

"""Ids named by a typed prefix, read as a range of the primary key on SQLite (hex text)
and PostgreSQL (native uuid) alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from uuid import UUID

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.id_prefixes import SqlIdPrefixes
from cuiot.application.shared.id_prefixes import ExpandId, IdKind
from cuiot.domain.errors import NotFound, ValidationFailed
from cuiot.domain.users import User
from cuiot.domain.values import EmailAddress

NOW = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
IDS = [UUID("1a977b3c-0000-4000-8000-000000000001"),
       UUID("1a977b3c-9000-4000-8000-000000000002"),
       UUID("ffffffff-ffff-4fff-bfff-ffffffffffff")]


async def store_users(sql_uow: Callable[[], SqlAlchemyUnitOfWork]) -> None:
    async with sql_uow() as uow:
        for n, id_ in enumerate(IDS):
            await uow.users.add(User(
                id=id_, email=EmailAddress(f"u{n}@example.com"), password_hash="plain$x",
                first_name="Ana", last_name="Pérez", created_at=NOW,
                date_of_birth=date(1975, 8, 12)))
        await uow.commit()


async def expand(engine: AsyncEngine, kind: IdKind, text: str) -> UUID:
    async with ReadSide(engine).transaction() as conn:
        return await ExpandId(SqlIdPrefixes(conn))(kind, text)


async def test_a_prefix_names_the_one_id_starting_with_it(sql_uow, engine):
    await store_users(sql_uow)
    assert await expand(engine, IdKind.USER, "1a977b3c0") == IDS[0]
    assert await expand(engine, IdKind.USER, "1A977B3C-9") == IDS[1]
    assert await expand(engine, IdKind.USER, "ffffffff") == IDS[2]  # the top of the range
    with pytest.raises(ValidationFailed, match="several users"):
        await expand(engine, IdKind.USER, "1a977b3c")


@pytest.mark.parametrize("kind", list(IdKind))
async def test_every_kind_is_looked_up_in_its_own_table(sql_uow, engine, kind):
    await store_users(sql_uow)
    if kind is IdKind.USER:
        assert await expand(engine, kind, "ffff") == IDS[2]
    else:
        with pytest.raises(NotFound):
            await expand(engine, kind, "ffff")

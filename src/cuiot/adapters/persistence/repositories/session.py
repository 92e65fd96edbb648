"""What every repository over the ORM session shares: add an aggregate, get one by its
key, get many in one query. The session is the identity map and does the dirty checking;
the unit of work flushes and commits it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import Dialect, Table, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from cuiot.adapters.persistence import bulk
from cuiot.domain.errors import Conflict

T = TypeVar("T")


class SessionRepository(Generic[T]):
    """``entity_class`` is the mapped domain class; ``entity`` names it in errors."""

    uses_session: ClassVar[bool] = True
    entity_class: ClassVar[type[Any]]
    entity: ClassVar[str] = "entity"

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, entity: T) -> None:
        key = inspect(self.entity_class).primary_key_from_instance(entity)
        if self.session.identity_map.get(
                self.session.identity_key(self.entity_class, tuple(key))) is not None:
            raise Conflict(f"{self.entity} {key[0] if len(key) == 1 else key} already exists")
        self.session.add(entity)

    async def get(self, key: Any) -> T | None:
        found: T | None = await self.session.get(self.entity_class, key)
        return found

    async def get_many(self, keys: Iterable[Any]) -> dict[Any, T]:
        """Those of ``keys`` that exist, by key, in one query (none for those already
        in the session)."""
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return {}
        pk = inspect(self.entity_class).primary_key[0]
        rows = (await self.session.scalars(select(self.entity_class).where(
            bulk.one_of(pk, wanted, dialect_of(self.session))))).all()
        by_key = {getattr(row, pk.key): row for row in rows}
        return {key: by_key[key] for key in wanted if key in by_key}


def dialect_of(session: AsyncSession) -> Dialect:
    """The dialect of the engine the session runs on."""
    return session.get_bind().dialect


def insert_of(dialect: Dialect, table: Table) -> postgresql.Insert | sqlite.Insert:
    """The dialect's own ``INSERT``: the one with ``ON CONFLICT``."""
    return (postgresql.insert if dialect.name == "postgresql" else sqlite.insert)(table)

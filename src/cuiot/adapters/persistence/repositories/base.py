"""Explicit mappers and a repository base with an identity map and dirty checking.

A repository loads rows, builds entities through its mapper and remembers a snapshot of
each. At commit the unit of work calls ``flush``: new entities are inserted, changed ones
updated (their child rows replaced), unchanged ones left alone. Callers never ``save``.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Generic, Iterable, Mapping, Sequence, TypeVar

from sqlalchemy import Select, Table, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from cuiot.domain.errors import Conflict

T = TypeVar("T")
Row = Mapping[str, Any]


@dataclass(frozen=True)
class Child:
    """Rows of another table that belong to the entity (roles of a user, members…)."""

    name: str
    table: Table
    parent_column: str
    to_rows: Callable[[Any], list[dict[str, Any]]]


@dataclass(frozen=True)
class Mapper(Generic[T]):
    table: Table
    to_row: Callable[[T], dict[str, Any]]
    from_row: Callable[[Row, Mapping[str, list[Row]]], T]
    children: tuple[Child, ...] = ()
    key_column: str = "id"
    key: Callable[[T], Any] = field(default=lambda e: e.id)  # type: ignore[attr-defined]


def _state(entity: Any) -> dict[str, Any]:
    """The entity's public attributes, live: compares equal to its snapshot until changed."""
    return {k: v for k, v in vars(entity).items() if not k.startswith("_")}


def _snapshot(entity: Any) -> dict[str, Any]:
    return copy.deepcopy(_state(entity))


class SqlRepository(Generic[T]):
    mapper: Mapper[T]
    entity = "entity"
    write_together = False  # True: one statement for all new rows, one for all changed

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self._identity: dict[Any, T] = {}
        self._snapshots: dict[Any, dict[str, Any] | None] = {}  # None: new, not yet inserted

    # -- reading ---------------------------------------------------------------
    def _select(self) -> Select:
        return select(self.mapper.table)

    async def _load(self, stmt: Select) -> list[T]:
        await self.flush()  # a query sees what this unit of work added or changed
        rows = (await self.conn.execute(stmt)).mappings().all()
        children = await self._load_children([r[self.mapper.key_column] for r in rows])
        return [self._adopt(row, children) for row in rows]

    async def _load_one(self, stmt: Select) -> T | None:
        found = await self._load(stmt.limit(1))
        return found[0] if found else None

    async def _load_children(self, keys: Sequence[Any]) -> dict[Any, dict[str, list[Row]]]:
        result: dict[Any, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
        if not keys:
            return result
        for child in self.mapper.children:
            column = child.table.c[child.parent_column]
            rows = (await self.conn.execute(select(child.table).where(column.in_(keys)))).mappings()
            for row in rows:
                result[row[child.parent_column]][child.name].append(row)
        return result

    def _adopt(self, row: Row, children: Mapping[Any, Mapping[str, list[Row]]]) -> T:
        key = row[self.mapper.key_column]
        if key in self._identity:
            return self._identity[key]
        entity = self.mapper.from_row(row, children.get(key, {}))
        self._identity[key] = entity
        self._snapshots[key] = _snapshot(entity)
        return entity

    async def get(self, key: Any) -> T | None:
        if key in self._identity:
            return self._identity[key]
        column = self.mapper.table.c[self.mapper.key_column]
        return await self._load_one(self._select().where(column == key))

    async def get_many(self, keys: Iterable[Any]) -> dict[Any, T]:
        """Those of ``keys`` that exist, by key: the ones not yet seen in one query."""
        keys = list(dict.fromkeys(keys))
        missing = [key for key in keys if key not in self._identity]
        if missing:
            column = self.mapper.table.c[self.mapper.key_column]
            await self._load(self._select().where(column.in_(missing)))
        return {key: self._identity[key] for key in keys if key in self._identity}

    # -- writing ---------------------------------------------------------------
    async def add(self, entity: T) -> None:
        key = self.mapper.key(entity)
        if key in self._identity:
            raise Conflict(f"{self.entity} {key} already exists")
        self._identity[key] = entity
        self._snapshots[key] = None

    def seen(self) -> Iterable[T]:
        return self._identity.values()

    async def flush(self) -> None:
        if self.write_together:
            return await self._flush_together()
        for key, entity in self._identity.items():
            before = self._snapshots[key]
            if before is None:
                await self._insert(entity)
            elif _state(entity) != before:
                await self._update(entity)
            else:
                continue
            self._snapshots[key] = _snapshot(entity)

    async def _flush_together(self) -> None:
        """``flush`` for a table without child rows that a unit of work may write by the
        thousand (the outbox, a page of escalated alerts): executemany statements."""
        new = [e for key, e in self._identity.items() if self._snapshots[key] is None]
        changed = [e for key, e in self._identity.items()
                   if self._snapshots[key] is not None and _state(e) != self._snapshots[key]]
        if new:
            await self._insert_rows([self.mapper.to_row(entity) for entity in new])
        if changed:
            await self._update_all(changed)
        for entity in new + changed:
            self._snapshots[self.mapper.key(entity)] = _snapshot(entity)

    async def _insert_rows(self, rows: list[dict[str, Any]]) -> None:
        await self._execute(insert(self.mapper.table), rows)

    async def _update_all(self, entities: list[T]) -> None:
        """One executemany UPDATE, each row found by its key (no child rows here)."""
        key_column = self.mapper.table.c[self.mapper.key_column]
        rows = []
        for entity in entities:
            values = self.mapper.to_row(entity)
            rows.append({**values, "_key": values.pop(self.mapper.key_column)})
        await self._execute(update(self.mapper.table).where(key_column == bindparam("_key")),
                            rows)

    async def _insert(self, entity: T) -> None:
        await self._execute(insert(self.mapper.table).values(**self.mapper.to_row(entity)))
        await self._insert_children(entity)

    async def _update(self, entity: T) -> None:
        key_column = self.mapper.table.c[self.mapper.key_column]
        values = self.mapper.to_row(entity)
        values.pop(self.mapper.key_column, None)
        key = self.mapper.key(entity)
        await self._execute(update(self.mapper.table).where(key_column == key).values(**values))
        for child in self.mapper.children:
            await self.conn.execute(
                delete(child.table).where(child.table.c[child.parent_column] == key)
            )
        await self._insert_children(entity)

    async def _insert_children(self, entity: T) -> None:
        for child in self.mapper.children:
            rows = child.to_rows(entity)
            if rows:
                await self._execute(insert(child.table), rows)

    async def _execute(self, statement: Any, params: Any = None) -> None:
        try:
            await self.conn.execute(statement, params) if params is not None else await self.conn.execute(statement)
        except IntegrityError as exc:
            raise Conflict(f"{self.entity} conflicts with stored data",
                           constraint=_constraint_name(exc)) from exc


def _constraint_name(exc: IntegrityError) -> str:
    orig = getattr(exc, "orig", None)
    name = getattr(orig, "constraint_name", None) or getattr(getattr(orig, "__cause__", None), "constraint_name", None)
    return name or str(orig).splitlines()[0][:120]

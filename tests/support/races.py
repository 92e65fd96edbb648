"""Requests made to meet: on PostgreSQL a lock on a table holds every request at its
first write there until all of them wait, then all go at once, so a race between a
check and a write is run every time, not by luck. SQLite takes its one writer at
``BEGIN``: its requests follow each other and only start together."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

T = TypeVar("T")
WAITING = text("SELECT count(*) FROM pg_locks WHERE relation = CAST(:table AS regclass) "
               "AND NOT granted")


@asynccontextmanager
async def _held_until_waiting(engine: AsyncEngine, table: str, count: int,
                              ) -> AsyncIterator[None]:
    if engine.dialect.name != "postgresql":
        yield
        return
    async with engine.connect() as holder, engine.connect() as watcher:
        # EXCLUSIVE lets readers through and stops every INSERT, UPDATE and DELETE.
        await holder.execute(text(f"LOCK TABLE {table} IN EXCLUSIVE MODE"))
        yield
        async with asyncio.timeout(30):
            while await watcher.scalar(WAITING, {"table": table}) < count:
                await watcher.rollback()
                await asyncio.sleep(0.02)
        await holder.rollback()


async def at_once(engine: AsyncEngine, table: str, count: int,
                  request: Callable[[], Awaitable[T]]) -> list[T]:
    """``count`` calls of ``request``, meeting at their first write to ``table``."""
    async with _held_until_waiting(engine, table, count):
        started = [asyncio.ensure_future(request()) for _ in range(count)]
    return await asyncio.gather(*started)

"""The read side: views answer queries with one SQL statement per page, straight into
read models, in one read-only transaction per request that never takes a row lock.

Reads go to ``CUIOT_DATABASE_READ_URL`` when it is set (a replica), else to the primary.
On SQLite a read transaction begins deferred, so it never waits for a writer (WAL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from cuiot.adapters.persistence.database import READ_ONLY


class ReadSide:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        """One read-only transaction: PostgreSQL ``BEGIN READ ONLY``, SQLite deferred."""
        async with self.engine.connect() as conn:
            conn = await conn.execution_options(**READ_ONLY, postgresql_readonly=True)
            async with conn.begin():
                yield conn

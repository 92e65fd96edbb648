"""The outbox signal across processes on PostgreSQL: ``LISTEN cuiot_outbox``.

Every commit that writes outbox rows carries ``NOTIFY cuiot_outbox`` (queued inside the
transaction by the notification repository, so it is heard on commit and never after a
rollback), whichever process made it: an API worker, a CLI command, another pipeline.
This runner holds one connection of the engine listening on that channel and rings this
process's bell for each notification heard. Every dispatcher listening wakes; their row
locks (``SKIP LOCKED``) still let only one send each row.

A closed connection is noticed at once; a silent one by a check every ``check_seconds``
(a plain ``SELECT 1`` outside any transaction: PostgreSQL delivers notifications only
between transactions). When it is lost, the runner reconnects every ``retry_seconds``
and rings once it listens again, since notifications sent meanwhile were lost.

The live alert stream listens the same way on ``cuiot_alert_changes`` (``channel``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from cuiot.adapters.notifications.signal import InProcessOutboxSignal
from cuiot.adapters.persistence.repositories.alerts import OUTBOX_CHANNEL

logger = logging.getLogger("cuiot.notifications")


class PostgresOutboxListener:
    def __init__(self, engine: AsyncEngine, local: InProcessOutboxSignal, *,
                 channel: str = OUTBOX_CHANNEL, retry_seconds: float = 1.0,
                 check_seconds: float = 30.0) -> None:
        self.engine, self.local, self.channel = engine, local, channel
        self.retry_seconds, self.check_seconds = retry_seconds, check_seconds
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Listening once this returns (or, with the database away, retrying behind it)."""
        if self._task is None:
            try:
                conn: AsyncConnection | None = await self._listen()
            except Exception as error:
                logger.warning("outbox listener: cannot LISTEN (%s); retrying", error)
                conn = None
            self._task = asyncio.create_task(self._run(conn), name="cuiot-outbox-listener")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self, conn: AsyncConnection | None) -> None:
        while True:
            if conn is None:
                conn = await self._relisten()
            try:
                await self._hold(conn)
            except Exception as error:
                logger.warning("outbox listener lost its connection (%s); reconnecting",
                               error)
            finally:
                await _discard(conn)
            conn = None

    async def _listen(self) -> AsyncConnection:
        """A connection of its own, listening; the bell rings for anything written
        before (the dispatcher looks once)."""
        conn = await self.engine.connect()
        try:
            raw = await _driver_connection(conn)
            await raw.add_listener(self.channel, self._heard)
        except BaseException:
            await _discard(conn)
            raise
        self.local.ring_nowait()
        return conn

    async def _relisten(self) -> AsyncConnection:
        while True:
            await asyncio.sleep(self.retry_seconds)
            try:
                return await self._listen()
            except Exception as error:
                logger.warning("outbox listener: database still unreachable (%s)", error)

    async def _hold(self, conn: AsyncConnection) -> None:
        """Return (or raise) only when the connection is lost: at once when asyncpg sees
        it close, else at the next check."""
        raw = await _driver_connection(conn)
        lost = asyncio.Event()
        raw.add_termination_listener(lambda *_: lost.set())
        while not raw.is_closed():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(lost.wait(), self.check_seconds)
                return
            await asyncio.wait_for(raw.fetchval("SELECT 1"), self.check_seconds)

    def _heard(self, *_notification: Any) -> None:
        """asyncpg's callback: (connection, pid, channel, payload)."""
        self.local.ring_nowait()


async def _driver_connection(conn: AsyncConnection) -> Any:
    """The asyncpg connection under SQLAlchemy's."""
    return (await conn.get_raw_connection()).driver_connection


async def _discard(conn: AsyncConnection) -> None:
    """Close the connection instead of handing a listening one back to the pool."""
    with contextlib.suppress(Exception):
        await conn.invalidate()
    with contextlib.suppress(Exception):
        await conn.close()

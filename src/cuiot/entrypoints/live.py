"""The live alert stream's wiring: from the journal of alert changes to this process's
WebSockets and alert metrics.

Every unit of work writes the alert changes of its commit to the journal and rings the
live signal after it, in whatever process it runs: an API worker, ``cuiot worker``
(MQTT, escalation, the dispatcher), a CLI command (``adapters/live/journal.py`` says
why a journal). Such a process runs nothing for it; the CLI has nothing to wait for once
the commit (and its ring, ``RING_SECONDS`` at most) is done.

Each process serving WebSockets runs one ``LiveAlerts``. Its ``JournalReader`` reads the
rows it has not handled yet, when the signal rings (this process's bell; from other
processes PostgreSQL LISTEN, or Redis on SQLite) and every ``POLL_SECONDS`` in any case;
reads those alerts as they now stand (on the primary, one statement a batch: a replica
might not have the commit yet); hands one message per alert to this process's stream;
and counts each change in the metrics. Every change thus reaches each subscriber once,
and /metrics counts every change, whichever process made it.

In the same read, after the alert changes, it reads the access taken away since
(``adapters/live/access_journal.py``) and hands it on first, as ``access_changed``
messages: a removal committed before an alert change is heard before it, so the socket
of a user who lost access looks again at what they may see before deciding on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from prometheus_client import CollectorRegistry, Counter

from cuiot.adapters.live import InProcessAlertStream, access_journal, journal
from cuiot.adapters.live.journal import JournalEntry, JournalPosition
from cuiot.adapters.notifications.signal_postgres import PostgresOutboxListener
from cuiot.adapters.notifications.signal_redis import RedisOutboxSignal
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.safety import SqlAlertViews
from cuiot.application.safety.ports import AlertChange, AlertStream
from cuiot.application.safety.queries.live_alerts import (
    ReadAlertChanges,
    ReadAlertChangesQuery,
    access_change,
)
from cuiot.entrypoints.alert_metrics import AlertMetrics

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from cuiot.entrypoints.container import Container

logger = logging.getLogger("cuiot.live")
POLL_SECONDS = 0.5
BATCH = 500


class Bell(Protocol):
    async def wait(self) -> None:
        """Until rung (at once if it rang since the last wait)."""
        ...


class JournalReader:
    """Runner: once ``start()`` returns, every change committed from then on is read;
    ``stop()`` ends the reading. A look that fails (the database away) is logged and
    made again at the next one, from the same place: nothing lost, nothing twice."""

    def __init__(self, read_side: ReadSide, bell: Bell, stream: AlertStream,
                 metrics: AlertMetrics, *, registry: CollectorRegistry | None = None,
                 poll_seconds: float = POLL_SECONDS) -> None:
        self.read_side, self.bell, self.stream = read_side, bell, stream
        self.metrics, self.poll_seconds = metrics, poll_seconds
        registry = registry or CollectorRegistry()
        self.published = Counter("cuiot_live_alert_changes_total",
                                 "Alert changes handed to the live stream, by outcome",
                                 ["outcome"], registry=registry).labels("published")
        self.failures = Counter("cuiot_live_journal_failures_total",
                                "Reads of the alert changes' journal that failed (each "
                                "made again at the next look)", registry=registry)
        self._position: JournalPosition | None = None
        self._access = JournalPosition(0)  # set with ``_position``
        self._failing = False
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self._task is None:
            await self.look()
            self._task = asyncio.create_task(self._run(), name="cuiot-live-journal")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def look(self) -> None:
        """Hand on every change not handled yet, batch after batch."""
        try:
            while await self._step() >= BATCH:
                pass
        except Exception as error:
            self.failures.inc()
            if not self._failing:
                logger.warning("live alerts: the journal cannot be read (%s); trying again "
                               "at each look", _first_line(error), exc_info=error)
            self._failing = True
            return
        if self._failing:
            logger.info("live alerts: reading the journal again")
        self._failing = False

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.bell.wait(), self.poll_seconds)
            await self.look()

    async def _step(self) -> int:
        """One batch; how many rows past the last one it found (a whole batch: more)."""
        async with self.read_side.transaction() as conn:
            if self._position is None:  # a new reader starts after every row there is
                self._position = JournalPosition(await journal.latest_seq(conn))
                self._access = JournalPosition(await access_journal.latest_seq(conn))
                return 0
            found = await journal.entries_after(conn, self._position.last, BATCH)
            stragglers = await journal.entries_among(conn, self._position.waiting)
            fresh, position = self._position.take([*stragglers, *found], time.monotonic())
            messages = await _messages(conn, fresh)
            # After the alert changes: access taken away before any of them committed is
            # read too, and goes out ahead of them.
            revoked, access = await access_journal.fresh(conn, self._access, time.monotonic())
        self._position, self._access = position, access
        for message in [*(access_change(r.user_id) for r in revoked), *messages]:
            await self.stream.publish(message)
        for entry in fresh:
            self.metrics.count(entry)
        self.published.inc(len(fresh))
        return len(found)


async def _messages(conn: AsyncConnection, fresh: list[JournalEntry]) -> list[AlertChange]:
    if not fresh:
        return []
    query = ReadAlertChangesQuery(tuple((entry.alert_id, entry.change) for entry in fresh))
    return await ReadAlertChanges(SqlAlertViews(conn))(query)


def _first_line(error: Exception) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0]


Listener = PostgresOutboxListener | RedisOutboxSignal


class LiveAlerts:
    """Runner for a process serving WebSockets: the stream (``.stream``, what they
    subscribe to), the reader feeding it and what wakes the reader when another process
    commits. ``stop()`` also ends every subscription."""

    def __init__(self, stream: InProcessAlertStream, reader: JournalReader,
                 listeners: Sequence[Listener] = ()) -> None:
        self.stream, self.reader, self.listeners = stream, reader, listeners

    @classmethod
    def from_container(cls, container: Container) -> LiveAlerts:
        stream, registry = InProcessAlertStream(), container.metrics_registry()
        reader = JournalReader(ReadSide(container.engine()), container.live_bell(), stream,
                               AlertMetrics(registry), registry=registry)
        return cls(stream, reader, live_listeners(container))

    async def start(self) -> None:
        for listener in self.listeners:  # first: nothing rung meanwhile is missed
            await listener.start()
        await self.reader.start()

    async def stop(self) -> None:
        await self.reader.stop()
        for listener in reversed(self.listeners):
            await listener.stop()
        await self.stream.close()


def live_listeners(container: Container) -> list[Listener]:
    """What rings this process's live bell when another process commits alert changes:
    PostgreSQL LISTEN, or Redis on SQLite with CUIOT_REDIS_URL; on SQLite alone nothing
    (the reader's poll finds them)."""
    transport = container.outbox_transport()
    if transport == "postgresql":
        return [PostgresOutboxListener(container.engine(), container.live_bell(),
                                       channel=journal.CHANNEL)]
    if transport == "redis":
        return [container.live_signal()]
    return []

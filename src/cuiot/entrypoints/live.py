"""The live alert stream's wiring: the bridge from domain events to the AlertStream.

Every unit of work hands its domain events to the in-process publisher after commit.
The bridge keeps the alert changes among them (a quick, non-blocking step on the commit
path), then, on its own task, reads those alerts from the database as they now stand (a
view on the primary, one statement a batch: a replica might not have the commit yet) and
publishes their JSON on the stream — in this process, or through Redis to every worker,
so a WebSocket on worker B sees an alert that worker A (or a `cuiot worker`) changed.

Run exactly one bridge per process and publisher, or each change is published twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING
from uuid import UUID

from prometheus_client import CollectorRegistry, Counter

from cuiot.adapters.live import InProcessAlertStream, RedisAlertStream
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.safety import SqlAlertViews
from cuiot.adapters.system import InProcessEventPublisher
from cuiot.application.safety.ports import AlertChange, AlertStream
from cuiot.application.safety.queries.live_alerts import (
    ReadAlertChanges,
    ReadAlertChangesQuery,
    change_name,
)
from cuiot.domain.events import DomainEvent

if TYPE_CHECKING:
    from cuiot.entrypoints.container import Container

logger = logging.getLogger("cuiot.live")
MAX_PENDING = 10_000  # alert changes waiting to be read and published
BATCH = 100
STOP_SECONDS = 5.0

Change = tuple[UUID, str]  # (alert id, change name)
ChangeReader = Callable[[ReadAlertChangesQuery], Awaitable[list[AlertChange]]]


def read_changes_on(read_side: ReadSide) -> ChangeReader:
    """``ReadAlertChanges`` in a read transaction of its own on ``read_side``."""

    async def read(query: ReadAlertChangesQuery) -> list[AlertChange]:
        async with read_side.transaction() as conn:
            return await ReadAlertChanges(SqlAlertViews(conn))(query)

    return read


class LiveAlertBridge:
    """Runner: ``start()`` listens to the publisher, ``stop()`` publishes what is still
    pending (for up to ``STOP_SECONDS``) and stops listening. Idempotent."""

    def __init__(self, publisher: InProcessEventPublisher, read_changes: ChangeReader,
                 stream: AlertStream, metrics_registry: CollectorRegistry | None = None) -> None:
        self.publisher, self.read_changes, self.stream = publisher, read_changes, stream
        self._pending: asyncio.Queue[Change | None] = asyncio.Queue(MAX_PENDING)
        self._unsubscribe: Callable[[], None] | None = None
        self._task: asyncio.Task[None] | None = None
        self.changes = Counter("cuiot_live_alert_changes_total",
                               "Alert changes handed to the live stream, by outcome",
                               ["outcome"], registry=metrics_registry or CollectorRegistry())

    async def start(self) -> None:
        if self._task is None:
            self._unsubscribe = self.publisher.subscribe(self._on_event)
            self._task = asyncio.create_task(self._run(), name="cuiot-live-bridge")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        with contextlib.suppress(asyncio.QueueFull):
            self._pending.put_nowait(None)
        try:
            await asyncio.wait_for(asyncio.shield(task), STOP_SECONDS)
        except TimeoutError:
            logger.warning("live bridge: stopped with changes still pending")
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _on_event(self, event: DomainEvent) -> None:
        name = change_name(event)
        if name is None:
            return
        try:
            self._pending.put_nowait((event.alert_id, name))  # type: ignore[attr-defined]
        except asyncio.QueueFull:
            self.changes.labels("dropped").inc()
            logger.warning("live bridge: %d changes pending, one dropped", MAX_PENDING)

    async def _run(self) -> None:
        stopping = False
        while not stopping:
            batch = [await self._pending.get()]
            while not self._pending.empty() and len(batch) < BATCH:
                batch.append(self._pending.get_nowait())
            stopping = None in batch
            await self._publish(tuple(item for item in batch if item is not None))

    async def _publish(self, changes: tuple[Change, ...]) -> None:
        if not changes:
            return
        try:
            messages = await self.read_changes(ReadAlertChangesQuery(changes))
            for message in messages:
                await self.stream.publish(message)
            self.changes.labels("published").inc(len(messages))
        except Exception:
            self.changes.labels("failed").inc(len(changes))
            logger.exception("live bridge: %d alert changes not published", len(changes))


class LiveAlerts:
    """Runner for a process: the stream (``.stream``, what WebSockets subscribe to) and
    the bridge feeding it. ``stop()`` also ends every subscription."""

    def __init__(self, stream: AlertStream, bridge: LiveAlertBridge) -> None:
        self.stream, self.bridge = stream, bridge

    @classmethod
    def from_container(cls, container: Container) -> LiveAlerts:
        stream = alert_stream_for(container)
        primary = ReadSide(container.engine())
        return cls(stream, LiveAlertBridge(container.publisher(), read_changes_on(primary),
                                           stream, container.metrics_registry()))

    async def start(self) -> None:
        await self.bridge.start()

    async def stop(self) -> None:
        await self.bridge.stop()
        await self.stream.close()


def alert_stream_for(container: Container) -> AlertStream:
    """Redis pub/sub when ``CUIOT_REDIS_URL`` is set (every worker), else in-process."""
    settings = container.settings()
    if settings.redis_url:
        return RedisAlertStream(container.redis(), settings.redis_prefix)
    return InProcessAlertStream()

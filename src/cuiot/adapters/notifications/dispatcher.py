"""The outbox dispatcher runner: when the outbox signal rings (a commit wrote rows) and
on every tick it delivers batches of due notifications until none is left, counting
each outcome in ``cuiot_notifications_delivered_total{channel, status}`` (sent, retry,
failed). The signal makes a new alert's first delivery follow its commit at once; the
tick is the safety net (retries after their backoff, a ring that was lost).

A tick that fails (the database away) is logged and the next tick tries again: the
runner never dies while started. ``stop()`` lets the batch in hand finish (within a
grace period; past it the batch is cancelled and its rows, never committed, are
delivered again later), then closes the channels. Several runners, in one process or
many, share the outbox without sending a row twice (PostgreSQL row locks)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from prometheus_client import CollectorRegistry, Counter

from cuiot.adapters.notifications.router import ChannelRouter
from cuiot.adapters.notifications.signal import InProcessOutboxSignal
from cuiot.application.safety.commands.dispatch import (
    Delivery,
    DispatchDueNotifications,
    DispatchDueNotificationsCommand,
    DispatchResult,
)
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.policy import Policy

log = logging.getLogger("cuiot.notifications")


class OutboxDispatcher:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock, policy: Policy,
                 sender: ChannelRouter, registry: CollectorRegistry, *,
                 tick_seconds: float = 1.0, batch_size: int = 20,
                 timeout_seconds: float = 30.0, stop_grace_seconds: float = 10.0,
                 signal: InProcessOutboxSignal | None = None) -> None:
        self.uow_factory, self.clock, self.policy, self.sender = uow_factory, clock, policy, sender
        self.signal = signal
        self.tick_seconds, self.stop_grace_seconds = tick_seconds, stop_grace_seconds
        self.command = DispatchDueNotificationsCommand(batch_size, timeout_seconds)
        self.delivered = Counter("cuiot_notifications_delivered",
                                 "Notification delivery attempts by channel and outcome",
                                 ["channel", "status"], registry=registry)
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    async def start(self) -> None:
        if self._task is None and not self._closed:
            self._stopping.clear()
            self._task = asyncio.create_task(self._run(), name="cuiot-outbox-dispatcher")

    async def stop(self) -> None:
        """Graceful and idempotent."""
        self._stopping.set()
        task, self._task = self._task, None
        if task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(task), self.stop_grace_seconds)
            except TimeoutError:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if not self._closed:
            self._closed = True
            await self.sender.aclose()

    async def dispatch_due(self) -> DispatchResult:
        """One tick: batches until nothing is due (or the runner is stopping)."""
        deliveries: list[Delivery] = []
        while True:
            use_case = DispatchDueNotifications(self.uow_factory(), self.clock, self.policy,
                                                self.sender)
            result = await use_case(self.command)
            for delivery in result.deliveries:
                self.delivered.labels(delivery.channel, delivery.outcome.value).inc()
            deliveries += result.deliveries
            if result.claimed < self.command.limit or self._stopping.is_set():
                return DispatchResult(tuple(deliveries))

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.dispatch_due()
            except Exception as exc:  # the next tick tries again
                log.error("outbox dispatch failed (%s); retrying next tick", type(exc).__name__)
                log.debug("outbox dispatch failure", exc_info=True)
            await self._pause()

    async def _pause(self) -> None:
        """Until the next tick, a ring of the outbox signal, or ``stop()``."""
        waits: set[asyncio.Future[Any]] = {asyncio.ensure_future(self._stopping.wait())}
        if self.signal is not None:
            waits.add(asyncio.ensure_future(self.signal.wait()))
        try:
            await asyncio.wait(waits, timeout=self.tick_seconds,
                               return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()

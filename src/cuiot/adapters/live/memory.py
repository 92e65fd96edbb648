"""The live alert stream inside one process: each subscription is a bounded queue.

A subscriber that falls more than ``max_queued`` changes behind is dropped (its
iteration ends) rather than let memory grow: the client reconnects and reloads.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Self

from cuiot.application.safety.ports import AlertChange

logger = logging.getLogger("cuiot.live")
MAX_QUEUED = 1000
_CLOSED = object()


class QueueSubscription:
    def __init__(self, hub: InProcessAlertStream, max_queued: int) -> None:
        self._hub = hub
        self._queue: asyncio.Queue[object] = asyncio.Queue(max_queued + 1)
        self._max = max_queued
        self.closed = False

    def offer(self, change: AlertChange) -> None:
        """Queue a change; a subscriber too far behind is dropped."""
        if self.closed:
            return
        if self._queue.qsize() >= self._max:
            logger.warning("live subscriber %d changes behind: dropped", self._max)
            self._end()
            return
        self._queue.put_nowait(change)

    def __aiter__(self) -> AsyncIterator[AlertChange]:
        return self._changes()

    async def _changes(self) -> AsyncIterator[AlertChange]:
        while (item := await self._queue.get()) is not _CLOSED:
            yield item  # type: ignore[misc]

    async def close(self) -> None:
        self._end()

    def _end(self) -> None:
        if not self.closed:
            self.closed = True
            self._hub.forget(self)
            self._queue.put_nowait(_CLOSED)  # room kept for it: maxsize is max_queued + 1

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()


class InProcessAlertStream:
    """Subscriptions in this process; ``publish`` hands a change to each at once."""

    def __init__(self, max_queued: int = MAX_QUEUED) -> None:
        self._subscriptions: set[QueueSubscription] = set()
        self._max_queued = max_queued

    async def publish(self, alert_change: AlertChange) -> None:
        self.deliver(alert_change)

    def deliver(self, alert_change: AlertChange) -> None:
        for subscription in list(self._subscriptions):
            subscription.offer(alert_change)

    async def subscribe(self) -> QueueSubscription:
        subscription = QueueSubscription(self, self._max_queued)
        self._subscriptions.add(subscription)
        return subscription

    def forget(self, subscription: QueueSubscription) -> None:
        self._subscriptions.discard(subscription)

    @property
    def subscribers(self) -> int:
        return len(self._subscriptions)

    async def close(self) -> None:
        for subscription in list(self._subscriptions):
            await subscription.close()

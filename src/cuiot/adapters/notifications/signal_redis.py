"""The outbox signal across processes through Redis pub/sub, for a database without
LISTEN/NOTIFY (SQLite under ``cuiot serve --workers N``, whose API workers write outbox
rows that the pipeline worker delivers). On PostgreSQL the database itself carries the
signal (see ``signal_postgres``).

``ring()`` wakes this process's dispatcher at once and publishes on
``<prefix>outbox``. As a runner (``start``/``stop``, in the pipeline) it listens on that
channel and rings this process's bell for each message. If Redis goes away the listener
reconnects and rings once it is back, since what was published meanwhile is lost.

The live alert stream's signal is the same on ``<prefix>live:alerts`` (``topic``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from cuiot.adapters.notifications.signal import InProcessOutboxSignal
from cuiot.adapters.redis_pubsub import confirmed_subscription

logger = logging.getLogger("cuiot.notifications")


class RedisOutboxSignal:
    def __init__(self, redis: Redis, prefix: str, local: InProcessOutboxSignal, *,
                 topic: str = "outbox", retry_seconds: float = 1.0) -> None:
        self.channel = f"{prefix}{topic}"
        self.local = local
        self._redis, self._retry = redis, retry_seconds
        self._listener: asyncio.Task[None] | None = None

    async def ring(self) -> None:
        self.local.ring_nowait()
        await self._redis.publish(self.channel, b"")

    async def start(self) -> None:
        """Listening once this returns (or, with Redis away, retrying behind it)."""
        if self._listener is None:
            try:
                pubsub: PubSub | None = await self._subscribe()
            except (RedisError, OSError, TimeoutError) as error:
                logger.warning("outbox signal: Redis unreachable (%s); retrying", error)
                pubsub = None
            self._listener = asyncio.create_task(self._listen(pubsub),
                                                 name="cuiot-outbox-signal-redis")

    async def stop(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener

    async def _subscribe(self) -> PubSub:
        return await confirmed_subscription(self._redis, self.channel)

    async def _listen(self, pubsub: PubSub | None) -> None:
        while True:
            if pubsub is None:
                pubsub = await self._resubscribe()
                self.local.ring_nowait()  # rings published while away were lost
            try:
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        self.local.ring_nowait()
            except (RedisError, OSError) as error:
                logger.warning("outbox signal lost Redis (%s); reconnecting", error)
            finally:
                await pubsub.aclose()
            pubsub = None

    async def _resubscribe(self) -> PubSub:
        while True:
            await asyncio.sleep(self._retry)
            try:
                return await self._subscribe()
            except (RedisError, OSError, TimeoutError) as error:
                logger.warning("outbox signal: Redis still unreachable (%s)", error)

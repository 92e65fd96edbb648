"""The live alert stream shared by every worker through Redis pub/sub.

Changes are published on one channel, ``<prefix>live:alerts``. Each process holds one
Redis subscription (opened on its first local subscriber) and fans what arrives out to
its local subscriptions, so a thousand WebSockets cost one Redis connection. If Redis
goes away the listener reconnects; changes published meanwhile are not replayed (the
stream is best effort: the outbox is what tells people).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

from redis.asyncio import Redis
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError

from cuiot.adapters.live.memory import MAX_QUEUED, InProcessAlertStream, QueueSubscription
from cuiot.adapters.redis_pubsub import confirmed_subscription
from cuiot.application.safety.ports import AlertChange

logger = logging.getLogger("cuiot.live")


class RedisAlertStream:
    def __init__(self, redis: Redis, prefix: str = "cuiot:", *, max_queued: int = MAX_QUEUED,
                 retry_seconds: float = 1.0) -> None:
        self.channel = f"{prefix}live:alerts"
        self._redis, self._retry = redis, retry_seconds
        self._local = InProcessAlertStream(max_queued)
        self._listener: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    async def publish(self, alert_change: AlertChange) -> None:
        await self._redis.publish(self.channel, json.dumps(alert_change, separators=(",", ":")))

    async def subscribe(self) -> QueueSubscription:
        async with self._lock:
            if self._listener is None or self._listener.done():
                pubsub = await self._connect()
                self._listener = asyncio.create_task(self._listen(pubsub),
                                                     name="cuiot-live-redis")
        return await self._local.subscribe()

    async def close(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener
        await self._local.close()

    async def _connect(self) -> PubSub:
        return await confirmed_subscription(self._redis, self.channel)

    async def _listen(self, pubsub: PubSub) -> None:
        try:
            while True:
                try:
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            self._deliver(message["data"])
                except (RedisError, OSError) as error:
                    logger.warning("live stream lost Redis (%s); reconnecting", error)
                await pubsub.aclose()
                pubsub = await self._reconnect()
        finally:
            await pubsub.aclose()

    async def _reconnect(self) -> PubSub:
        while True:
            await asyncio.sleep(self._retry)
            try:
                return await self._connect()
            except (RedisError, OSError, TimeoutError) as error:
                logger.warning("live stream: Redis still unreachable (%s)", error)

    def _deliver(self, data: bytes | str) -> None:
        try:
            change = json.loads(data)
        except ValueError:
            logger.warning("live stream: a message that is not JSON was ignored")
            return
        if isinstance(change, dict):
            self._local.deliver(change)

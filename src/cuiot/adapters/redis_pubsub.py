"""Redis pub/sub as the live stream and the outbox signal both use it."""

from __future__ import annotations

import asyncio

from redis.asyncio import Redis
from redis.asyncio.client import PubSub

CONFIRM_SECONDS = 5.0


async def confirmed_subscription(redis: Redis, channel: str) -> PubSub:
    """A pub/sub connection on ``channel`` once Redis confirmed it: nothing published
    after this returns is missed. Closed again if the confirmation does not come."""
    pubsub = redis.pubsub()
    try:
        await pubsub.subscribe(channel)
        async with asyncio.timeout(CONFIRM_SECONDS):
            while (await pubsub.get_message(timeout=CONFIRM_SECONDS) or {}).get(
                    "type") != "subscribe":
                pass
    except BaseException:
        await pubsub.aclose()
        raise
    return pubsub

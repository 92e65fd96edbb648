"""Rate limits and revoked tokens in Redis, shared by every worker.

Every key lives under one prefix (``cuiot:`` unless told otherwise): rate windows under
``<prefix>rate:<key>``, revoked tokens under ``<prefix>revoked:<jti>``. The rate limiter
counts in a Lua script, so concurrent workers never both take the last unit of budget;
Redis expires windows and revocations itself.
"""

from __future__ import annotations

import math
from datetime import datetime

from redis.asyncio import Redis

from cuiot.application.identity.ports import RateDecision

DEFAULT_PREFIX = "cuiot:"

# Count one hit; the first hit of a window sets its expiry. Returns {count, ms left}.
_HIT = """
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
"""

# Read the count and ms left without counting.
_PEEK = """
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
return {count, redis.call('PTTL', KEYS[1])}
"""


def connect_redis(url: str) -> Redis:
    """A client (a connection pool) for ``CUIOT_REDIS_URL``; close it with ``aclose()``."""
    client: Redis = Redis.from_url(url)
    return client


def _decision(count: int, ttl_ms: int, limit: int, fits: bool) -> RateDecision:
    retry_after = 0 if fits else max(1, math.ceil(ttl_ms / 1000))
    return RateDecision(fits, max(0, limit - count), retry_after, count)


class RedisRateLimiter:
    """A fixed window per key, opened by its first hit, counted atomically in Redis."""

    def __init__(self, client: Redis, prefix: str = DEFAULT_PREFIX) -> None:
        self._client, self._prefix = client, prefix
        self._hit = client.register_script(_HIT)
        self._peek = client.register_script(_PEEK)

    def _key(self, key: str) -> str:
        return f"{self._prefix}rate:{key}"

    async def hit(self, key: str, limit: int, window_seconds: int) -> RateDecision:
        count, ttl_ms = await self._hit(keys=[self._key(key)], args=[window_seconds * 1000])
        return _decision(int(count), int(ttl_ms), limit, fits=int(count) <= limit)

    async def peek(self, key: str, limit: int, window_seconds: int) -> RateDecision:
        count, ttl_ms = await self._peek(keys=[self._key(key)])
        return _decision(int(count), int(ttl_ms), limit, fits=int(count) < limit)

    async def reset(self, key: str) -> None:
        await self._client.delete(self._key(key))


class RedisRevocationList:
    """Revoked token ids; Redis forgets each when its token would have expired anyway."""

    def __init__(self, client: Redis, prefix: str = DEFAULT_PREFIX) -> None:
        self._client, self._prefix = client, prefix

    def _key(self, jti: str) -> str:
        return f"{self._prefix}revoked:{jti}"

    async def revoke(self, jti: str, until: datetime) -> None:
        until_ms = math.ceil(until.timestamp() * 1000)
        await self._client.set(self._key(jti), b"1", pxat=until_ms)

    async def is_revoked(self, jti: str) -> bool:
        return bool(await self._client.exists(self._key(jti)))

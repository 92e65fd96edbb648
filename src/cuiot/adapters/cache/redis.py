"""Rate limits and revoked tokens in Redis, shared by every worker.

Every key lives under one prefix (``cuiot:`` unless told otherwise): rate windows under
``<prefix>rate:<key>``, revoked tokens under ``<prefix>revoked:<jti>``. The rate limiter
counts in a Lua script, so concurrent workers never both take the last unit of budget;
Redis expires windows and revocations itself.

While Redis cannot be reached, each falls back to this process's own memory (given as
``fallback``) and logs a warning once a minute at most: the rate limits hold per worker
instead of across them, and a revocation holds in the worker that made it. A request is
never refused, or answered 500, because Redis is away. (The database's own check of the
session still ends every token of a login that was revoked, reused or reset.)
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from redis.asyncio import Redis
from redis.exceptions import RedisError

from cuiot.application.identity.ports import RateDecision, RateLimiter, RevocationList

logger = logging.getLogger("cuiot.redis")
T = TypeVar("T")
WARN_EVERY_SECONDS = 60.0

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


class _Fallback:
    """Runs a call on Redis, or on the fallback while Redis cannot be reached (with no
    fallback, the error is the caller's)."""

    _warned_at = -WARN_EVERY_SECONDS
    _has_fallback = False

    async def _either(self, on_redis: Callable[[], Awaitable[T]],
                      on_fallback: Callable[[], Awaitable[T]]) -> T:
        try:
            return await on_redis()
        except (RedisError, OSError) as error:
            if not self._has_fallback:
                raise
            now = time.monotonic()
            if now - _Fallback._warned_at >= WARN_EVERY_SECONDS:
                _Fallback._warned_at = now
                logger.warning("Redis unavailable (%r): rate limits and revocations held "
                               "in this process until it is back", error)
            return await on_fallback()


class RedisRateLimiter(_Fallback):
    """A fixed window per key, opened by its first hit, counted atomically in Redis."""

    def __init__(self, client: Redis, prefix: str = DEFAULT_PREFIX, *,
                 fallback: RateLimiter | None = None) -> None:
        self._client, self._prefix = client, prefix
        self._fallback: RateLimiter = fallback or _NoRateLimiter()
        self._has_fallback = fallback is not None
        self._hit = client.register_script(_HIT)
        self._peek = client.register_script(_PEEK)

    def _key(self, key: str) -> str:
        return f"{self._prefix}rate:{key}"

    async def hit(self, key: str, limit: int, window_seconds: int) -> RateDecision:
        async def on_redis() -> RateDecision:
            count, ttl_ms = await self._hit(keys=[self._key(key)],
                                            args=[window_seconds * 1000])
            return _decision(int(count), int(ttl_ms), limit, fits=int(count) <= limit)
        return await self._either(on_redis, lambda: self._fallback.hit(key, limit,
                                                                       window_seconds))

    async def peek(self, key: str, limit: int, window_seconds: int) -> RateDecision:
        async def on_redis() -> RateDecision:
            count, ttl_ms = await self._peek(keys=[self._key(key)])
            return _decision(int(count), int(ttl_ms), limit, fits=int(count) < limit)
        return await self._either(on_redis, lambda: self._fallback.peek(key, limit,
                                                                        window_seconds))

    async def reset(self, key: str) -> None:
        async def on_redis() -> None:
            await self._client.delete(self._key(key))
        await self._fallback.reset(key)  # what was counted here while Redis was away
        await self._either(on_redis, _nothing)


class RedisRevocationList(_Fallback):
    """Revoked token ids; Redis forgets each when its token would have expired anyway."""

    def __init__(self, client: Redis, prefix: str = DEFAULT_PREFIX, *,
                 fallback: RevocationList | None = None) -> None:
        self._client, self._prefix = client, prefix
        self._fallback: RevocationList = fallback or _NoRevocations()
        self._has_fallback = fallback is not None

    def _key(self, jti: str) -> str:
        return f"{self._prefix}revoked:{jti}"

    async def revoke(self, jti: str, until: datetime) -> None:
        async def on_redis() -> None:
            await self._client.set(self._key(jti), b"1", pxat=math.ceil(until.timestamp() * 1000))
        await self._either(on_redis, lambda: self._fallback.revoke(jti, until))

    async def is_revoked(self, jti: str) -> bool:
        async def on_redis() -> bool:
            return bool(await self._client.exists(self._key(jti)))
        return await self._fallback.is_revoked(jti) or await self._either(
            on_redis, _false)


class _NoRateLimiter:
    """No fallback: never consulted (``_Fallback`` raises first), a reset is a no-op."""

    async def hit(self, key: str, limit: int, window_seconds: int) -> RateDecision:
        raise NotImplementedError

    async def peek(self, key: str, limit: int, window_seconds: int) -> RateDecision:
        raise NotImplementedError

    async def reset(self, key: str) -> None:
        return None


class _NoRevocations:
    async def revoke(self, jti: str, until: datetime) -> None:
        raise NotImplementedError

    async def is_revoked(self, jti: str) -> bool:
        return False


async def _nothing() -> None:
    return None


async def _false() -> bool:
    return False

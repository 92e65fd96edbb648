"""The Redis rate limiter and revocation list against a real Redis, shared by several
clients the way several workers share it."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from redis.asyncio import Redis

from cuiot.adapters.cache.redis import RedisRateLimiter, RedisRevocationList, connect_redis
from cuiot.application.identity.commands.login import Login, LoginCommand
from cuiot.domain.errors import RateLimited, Unauthenticated
from tests.support.auth import AuthBench
from tests.support.redis_server import redis_prefix, redis_url  # noqa: F401


@pytest.fixture
def prefix(redis_prefix: str) -> str:
    """This test's own keys, inside the run's prefix."""
    return f"{redis_prefix}{uuid.uuid4().hex[:8]}:"


@pytest.fixture
async def clients(redis_url: str) -> AsyncIterator[list[Redis]]:
    """Two separate connection pools: two workers."""
    made = [connect_redis(redis_url), connect_redis(redis_url)]
    yield made
    for client in made:
        await client.aclose()


async def test_two_workers_share_one_budget(clients: list[Redis], prefix: str) -> None:
    one, two = (RedisRateLimiter(c, prefix) for c in clients)
    decisions = [await (one if n % 2 else two).hit("ip:10.0.0.1", 5, 60) for n in range(7)]
    assert [d.allowed for d in decisions] == [True] * 5 + [False] * 2
    assert [d.remaining for d in decisions] == [4, 3, 2, 1, 0, 0, 0]


async def test_concurrent_hits_from_two_workers_never_exceed_the_budget(
        clients: list[Redis], prefix: str) -> None:
    one, two = (RedisRateLimiter(c, prefix) for c in clients)
    decisions = await asyncio.gather(*(
        (one if n % 2 else two).hit("burst", 10, 60) for n in range(60)))
    assert sum(d.allowed for d in decisions) == 10


async def test_retry_after_is_the_time_left_in_the_window(clients: list[Redis],
                                                          prefix: str) -> None:
    limiter = RedisRateLimiter(clients[0], prefix)
    await limiter.hit("k", 1, 120)
    refused = await limiter.hit("k", 1, 120)
    assert not refused.allowed and 119 <= refused.retry_after_seconds <= 120
    peeked = await RedisRateLimiter(clients[1], prefix).peek("k", 1, 120)
    assert not peeked.allowed and 119 <= peeked.retry_after_seconds <= 120
    ttl = await clients[0].pttl(f"{prefix}rate:k")
    assert 119_000 <= ttl <= 120_000  # extra hits did not stretch the window


async def test_peek_counts_nothing_and_reset_clears_the_key(clients: list[Redis],
                                                           prefix: str) -> None:
    limiter = RedisRateLimiter(clients[0], prefix)
    for _ in range(3):
        assert (await limiter.peek("k", 2, 60)).remaining == 2
    assert await clients[0].exists(f"{prefix}rate:k") == 0
    await limiter.hit("k", 2, 60)
    await limiter.hit("k", 2, 60)
    assert not (await limiter.peek("k", 2, 60)).allowed
    await limiter.reset("k")
    assert (await limiter.hit("k", 2, 60)).remaining == 1


async def test_every_key_lives_under_the_prefix(clients: list[Redis], prefix: str) -> None:
    await RedisRateLimiter(clients[0], prefix).hit("login-fail:a@b.c", 5, 60)
    await RedisRevocationList(clients[0], prefix).revoke(
        "jti-1", datetime.now(UTC) + timedelta(minutes=5))
    keys = sorted(k.decode() for k in await clients[0].keys(f"{prefix}*"))
    assert keys == [f"{prefix}rate:login-fail:a@b.c", f"{prefix}revoked:jti-1"]


async def test_a_revocation_is_seen_by_every_worker_until_the_token_expires(
        clients: list[Redis], prefix: str) -> None:
    writer, reader = (RedisRevocationList(c, prefix) for c in clients)
    until = datetime.now(UTC) + timedelta(seconds=1)
    await writer.revoke("jti-1", until)
    assert await reader.is_revoked("jti-1") and not await reader.is_revoked("jti-2")
    assert 0 < await clients[0].pttl(f"{prefix}revoked:jti-1") <= 1000
    await asyncio.sleep(max(0.0, (until - datetime.now(UTC)).total_seconds()) + 0.1)
    assert not await reader.is_revoked("jti-1")


async def test_revoking_an_expired_token_leaves_nothing(clients: list[Redis],
                                                       prefix: str) -> None:
    revocations = RedisRevocationList(clients[0], prefix)
    await revocations.revoke("old", datetime.now(UTC) - timedelta(seconds=5))
    assert not await revocations.is_revoked("old")
    assert await clients[0].keys(f"{prefix}*") == []


async def test_login_failures_are_counted_across_workers(clients: list[Redis], prefix: str,
                                                        uow, clock, ids, rng,
                                                        policy) -> None:
    bench = AuthBench(uow, clock, ids, rng, policy)
    bench.user("laura@example.com")
    workers = [RedisRateLimiter(c, prefix) for c in clients]
    for n in range(7):  # the allowance of 5, then two that each set a wait (1 s, 2 s)
        bench.ports["rate_limiter"] = workers[n % 2]
        if n == 6:
            await asyncio.sleep(1.1)  # the wait the 6th failure set, in Redis's time
        with pytest.raises(Unauthenticated):
            await bench.call(Login, LoginCommand("laura@example.com", "wrong", "10.0.0.9"))
    for worker in workers:
        bench.ports["rate_limiter"] = worker
        with pytest.raises(RateLimited) as caught:
            await bench.call(Login, LoginCommand("laura@example.com", "secreto-123",
                                                 "10.0.0.9"))
        assert 1 <= caught.value.retry_after_seconds <= 2

"""While Redis cannot be reached, the API goes on: rate limits hold per process (from its
own memory) instead of across workers, and a revocation holds in the process that made
it. No request is refused or answered 500 because Redis is away."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from redis.exceptions import RedisError

from cuiot.adapters.cache.memory import InMemoryRateLimiter, InMemoryRevocationList
from cuiot.adapters.cache.redis import RedisRateLimiter, RedisRevocationList, connect_redis
from cuiot.entrypoints.container import build_container, dispose_engines
from cuiot.entrypoints.http.app import create_app
from tests.e2e.conftest import settings_for
from tests.fakes.system import FixedClock
from tests.support.servers import free_port

LIMIT = 3


def nowhere() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"  # nobody listens


@pytest.fixture
async def client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    container = build_container(settings_for(database_url, redis_url=nowhere(),
                                             rate_limit_per_minute=LIMIT))
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://cuiot.test") as client:
        yield client
    await container.redis().aclose()
    await dispose_engines(container)


async def test_without_redis_the_rate_limit_holds_in_this_process(client):
    answers = [(await client.get("/api/v1/alerts")).status_code for _ in range(LIMIT + 1)]
    assert answers == [401] * LIMIT + [429]  # served (unauthenticated), then limited


async def test_without_redis_a_revocation_holds_in_this_process():
    clock = FixedClock(datetime(2026, 12, 4, 12, tzinfo=UTC))
    client = connect_redis(nowhere())
    try:
        revocations = RedisRevocationList(client, fallback=InMemoryRevocationList(clock))
        await revocations.revoke("jti-1", clock.now() + timedelta(minutes=30))
        assert await revocations.is_revoked("jti-1")
        assert not await revocations.is_revoked("jti-2")
        limiter = RedisRateLimiter(client, fallback=InMemoryRateLimiter(clock))
        assert [(await limiter.hit("k", 1, 60)).allowed for _ in range(2)] == [True, False]
        await limiter.reset("k")
        assert (await limiter.hit("k", 1, 60)).allowed
    finally:
        await client.aclose()


async def test_without_a_fallback_the_error_is_the_callers():
    client = connect_redis(nowhere())
    try:
        with pytest.raises(RedisError):
            await RedisRateLimiter(client).hit("k", 1, 60)
    finally:
        await client.aclose()

"""Live alerts across workers through a real Redis: an alert changed on one worker
reaches the WebSockets of every worker, once; and the Redis stream itself (fan-out,
reconnection after Redis dropped the connection)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from cuiot.adapters.live import RedisAlertStream
from cuiot.application.safety.commands.alerts import AcknowledgeAlert, AlertCommand
from cuiot.entrypoints.container import use_case
from tests.e2e.conftest import settings_for
from tests.e2e.test_ws_alerts import (
    Worker,
    nothing_within,
    receive,
    receive_alert,
    running_worker,
)
from tests.support.redis_server import redis_prefix, redis_url  # noqa: F401


@pytest.fixture
def prefix(redis_prefix: str) -> str:
    return f"{redis_prefix}{uuid.uuid4().hex[:8]}:"


@pytest.fixture
async def workers(database_url, redis_url, prefix) -> AsyncIterator[tuple[Worker, Worker]]:
    settings = settings_for(database_url, redis_url=redis_url, redis_prefix=prefix)
    async with running_worker(settings) as a, running_worker(settings) as b:
        yield a, b


async def test_an_alert_opened_on_one_worker_reaches_every_worker_once(workers):
    a, b = workers
    token, ana_id, _ = await a.family("ana@example.com", "bp-elena")
    async with b.socket(token) as on_b, a.socket(token) as on_a:
        for ws in (on_a, on_b):
            assert (await receive(ws))["type"] == "ready"
        alert_id = await a.reading("bp-elena", "m-1")
        for ws in (on_b, on_a):
            seen = await receive_alert(ws, timeout=1.0)
            assert (seen["change"], seen["alert"]["id"]) == ("opened", str(alert_id))
        await use_case(b.container, AcknowledgeAlert)(AlertCommand(ana_id, alert_id))
        for ws in (on_a, on_b):
            assert (await receive_alert(ws))["change"] == "acknowledged"
            assert await nothing_within(ws)  # each change once, not once per worker


# --- the Redis stream on its own ----------------------------------------------------------

@pytest.fixture
async def redis(redis_url, prefix) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url, client_name=f"{prefix}live".replace(":", "-"))
    yield client
    await client.aclose()


async def test_every_process_gets_what_any_publishes(redis, prefix):
    here, there = RedisAlertStream(redis, prefix), RedisAlertStream(redis, prefix)
    elsewhere = RedisAlertStream(redis, prefix + "other:")
    try:
        mine, theirs = await here.subscribe(), await there.subscribe()
        unrelated = await elsewhere.subscribe()
        await there.publish({"n": 1})
        for subscription in (mine, theirs):
            assert await asyncio.wait_for(anext(aiter(subscription)), 1) == {"n": 1}
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(anext(aiter(unrelated)), 0.2)
    finally:
        for stream in (here, there, elsewhere):
            await stream.close()


async def test_the_stream_reconnects_when_redis_drops_it(redis, prefix):
    stream = RedisAlertStream(redis, prefix, retry_seconds=0.05)
    try:
        subscription = await stream.subscribe()
        name = f"{prefix}live".replace(":", "-")
        killed = [c for c in await redis.client_list(_type="pubsub") if c["name"] == name]
        assert killed
        for client in killed:
            await redis.client_kill_filter(_id=client["id"])

        async def delivered() -> dict:
            while True:  # published until the new connection hears it
                await stream.publish({"n": 2})
                try:
                    return await asyncio.wait_for(anext(aiter(subscription)), 0.1)
                except TimeoutError:
                    continue

        assert await asyncio.wait_for(delivered(), 10) == {"n": 2}
    finally:
        await stream.close()
    assert [change async for change in subscription] == []  # closing ended it

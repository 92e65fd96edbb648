"""The dispatcher runner: started, it delivers what falls due on its ticks and counts
each outcome by channel; a failing tick does not kill it; stop is graceful and
idempotent."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from prometheus_client import CollectorRegistry

from cuiot.adapters.notifications.dispatcher import OutboxDispatcher
from cuiot.adapters.notifications.router import ChannelRouter
from cuiot.domain.notifications import Channel, DeliveryStatus
from tests.integration.test_dispatch_webhook import SECRET, WebhookServer, a_hook, load
from tests.integration.test_safety_persistence import store


def delivered(registry: CollectorRegistry, channel: str, status: str) -> float:
    value = registry.get_sample_value("cuiot_notifications_delivered_total",
                                      {"channel": channel, "status": status})
    return value or 0.0


async def eventually(condition, timeout: float = 10.0) -> None:
    async def poll() -> None:
        while not await condition():
            await asyncio.sleep(0.02)
    await asyncio.wait_for(poll(), timeout)


@pytest.fixture
async def webhooks():
    async with WebhookServer() as server:
        yield server


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def runner(sql_uow, clock, policy, registry):
    def build(uow_factory=None, **options) -> OutboxDispatcher:
        router = ChannelRouter(webhook_secret=SECRET, timeout_seconds=5)
        return OutboxDispatcher(uow_factory or sql_uow, clock, policy, router, registry,
                                tick_seconds=0.05, **options)
    return build


async def test_a_started_dispatcher_delivers_on_its_ticks(sql_uow, runner, registry,
                                                          webhooks):
    dispatcher = runner(batch_size=2)
    await dispatcher.start()
    try:
        rows = [a_hook(webhooks.url(f"/p{i}")) for i in range(5)]
        rows.append(a_hook("log", channel=Channel.LOG))
        await store(sql_uow, *rows)

        async def all_sent() -> bool:
            return all([(await load(sql_uow, r)).status is DeliveryStatus.SENT for r in rows])
        await eventually(all_sent)
    finally:
        await dispatcher.stop()
        await dispatcher.stop()  # idempotent
    assert len(webhooks.received) == 5
    assert delivered(registry, "webhook", "sent") == 5
    assert delivered(registry, "log", "sent") == 1


async def test_retries_and_failures_are_counted(sql_uow, runner, registry, webhooks, clock):
    webhooks.down.add("/down")
    await store(sql_uow, a_hook(webhooks.url("/down")))
    dispatcher = runner()
    for wait in (0, 2, 4, 8, 16):
        clock.advance(timedelta(seconds=wait))
        await dispatcher.dispatch_due()
    await dispatcher.stop()
    assert delivered(registry, "webhook", "retry") == 4
    assert delivered(registry, "webhook", "failed") == 1
    assert delivered(registry, "webhook", "sent") == 0


async def test_a_failing_tick_is_survived(sql_uow, runner, webhooks):
    calls = {"n": 0}

    def flaky_uow():
        calls["n"] += 1
        if calls["n"] <= 2:
            raise ConnectionError("database away")
        return sql_uow()

    row = a_hook(webhooks.url())
    await store(sql_uow, row)
    dispatcher = runner(flaky_uow)
    await dispatcher.start()
    try:
        async def sent() -> bool:
            return (await load(sql_uow, row)).status is DeliveryStatus.SENT
        await eventually(sent)
    finally:
        await dispatcher.stop()
    assert calls["n"] >= 3


async def test_stop_before_start_and_twice_is_harmless(runner):
    dispatcher = runner()
    await asyncio.wait_for(dispatcher.stop(), 5)
    await asyncio.wait_for(dispatcher.stop(), 5)

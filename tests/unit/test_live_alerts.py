"""The live alert stream without a network: the in-process stream, and how the bridge
from domain events to the stream batches, survives a failing read and stops. (What it
reads, and the gate deciding who sees what, are reads over the views:
tests/integration/test_live_alerts.py.)"""

from __future__ import annotations

import asyncio

import pytest
from prometheus_client import CollectorRegistry

from cuiot.adapters.live import InProcessAlertStream
from cuiot.adapters.system import InProcessEventPublisher
from cuiot.application.safety.ports import AlertChange
from cuiot.application.safety.queries.live_alerts import ReadAlertChangesQuery
from cuiot.entrypoints.live import LiveAlertBridge
from tests.fakes.uow import InMemoryUnitOfWork
from tests.support.alerts import BP_CRITICAL, SafetyBench


async def next_of(subscription, timeout: float = 1.0) -> dict:
    return await asyncio.wait_for(anext(aiter(subscription)), timeout)


async def nothing_more(subscription, within: float = 0.05) -> bool:
    try:
        await asyncio.wait_for(anext(aiter(subscription)), within)
    except TimeoutError:
        return True
    return False


# --- the in-process stream -------------------------------------------------------------

async def test_every_subscription_gets_every_change_in_order() -> None:
    stream = InProcessAlertStream()
    first, second = await stream.subscribe(), await stream.subscribe()
    await stream.publish({"n": 1})
    await stream.publish({"n": 2})
    for subscription in (first, second):
        assert [await next_of(subscription), await next_of(subscription)] == [{"n": 1}, {"n": 2}]


async def test_a_closed_subscription_ends_and_gets_nothing_more() -> None:
    stream = InProcessAlertStream()
    async with await stream.subscribe() as subscription:
        pass
    await stream.publish({"n": 1})
    assert [change async for change in subscription] == []
    assert stream.subscribers == 0


async def test_a_subscriber_too_far_behind_is_dropped_not_the_others() -> None:
    stream = InProcessAlertStream(max_queued=2)
    slow, quick = await stream.subscribe(), await stream.subscribe()
    for n in range(3):
        await stream.publish({"n": n})
        if n < 2:
            assert await next_of(quick) == {"n": n}
    assert [change async for change in slow] == [{"n": 0}, {"n": 1}]  # then it ended
    assert await next_of(quick) == {"n": 2}


async def test_closing_the_stream_ends_every_subscription() -> None:
    stream = InProcessAlertStream()
    subscription = await stream.subscribe()
    await stream.close()
    assert [change async for change in subscription] == []


# --- the bridge ----------------------------------------------------------------------------

async def echo(query: ReadAlertChangesQuery) -> list[AlertChange]:
    """The bridge's read, without a database: each change names its alert only."""
    return [{"change": name, "alert": {"id": str(alert_id)}} for alert_id, name in query.changes]


@pytest.fixture
def bench() -> SafetyBench:
    bench = SafetyBench()
    bench.publisher = InProcessEventPublisher()
    bench.uow = bench.ports["uow"] = InMemoryUnitOfWork(bench.store, bench.publisher)
    return bench


@pytest.fixture
async def device(bench: SafetyBench):
    return await bench.device(bench.person(bench.user("Ana")), device_id="bp-elena")


async def test_the_changes_of_a_commit_are_read_and_published(bench, device) -> None:
    stream = InProcessAlertStream()
    read: list[ReadAlertChangesQuery] = []

    async def reading(query: ReadAlertChangesQuery) -> list[AlertChange]:
        read.append(query)
        return await echo(query)

    bridge = LiveAlertBridge(bench.publisher, reading, stream)
    await bridge.start()
    subscription = await stream.subscribe()
    await bench.reading(device, BP_CRITICAL)
    assert await next_of(subscription) == {"change": "opened",
                                           "alert": {"id": str(bench.alert().id)}}
    await bridge.stop()
    assert read == [ReadAlertChangesQuery(((bench.alert().id, "opened"),))]


async def test_a_failing_read_loses_that_batch_only(bench, device) -> None:
    stream = InProcessAlertStream()
    broken = {"yes": True}

    async def reading(query: ReadAlertChangesQuery) -> list[AlertChange]:
        if broken.pop("yes", False):
            raise RuntimeError("database away")
        return await echo(query)

    registry = CollectorRegistry()
    bridge = LiveAlertBridge(bench.publisher, reading, stream, registry)
    await bridge.start()
    subscription = await stream.subscribe()
    await bench.reading(device, BP_CRITICAL)
    assert await nothing_more(subscription, 0.2)
    await bench.reading(device, BP_CRITICAL)
    assert (await next_of(subscription))["change"] == "joined"
    await bridge.stop()
    assert registry.get_sample_value("cuiot_live_alert_changes_total",
                                     {"outcome": "failed"}) == 1


async def test_stop_publishes_what_is_pending_and_is_idempotent(bench, device) -> None:
    stream = InProcessAlertStream()
    bridge = LiveAlertBridge(bench.publisher, echo, stream)
    await bridge.start()
    subscription = await stream.subscribe()
    await bench.reading(device, BP_CRITICAL)
    await bridge.stop()
    await bridge.stop()
    assert (await next_of(subscription))["change"] == "opened"
    await bench.reading(device, BP_CRITICAL)  # no longer listening
    assert await nothing_more(subscription)

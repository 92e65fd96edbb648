"""The dispatcher is woken by the commit that writes outbox rows, not only by its tick:
with a tick of a minute, a committed alert's notification is delivered within seconds —
in one process (SQLite and PostgreSQL), from another process's commit through
PostgreSQL NOTIFY (heard on commit, never on rollback; the listener reconnects when its
connection is killed), and through Redis on SQLite."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import text

from cuiot.adapters.cache.redis import connect_redis
from cuiot.adapters.notifications.dispatcher import OutboxDispatcher
from cuiot.adapters.notifications.router import ChannelRouter
from cuiot.adapters.notifications.signal import InProcessOutboxSignal
from cuiot.adapters.notifications.signal_postgres import PostgresOutboxListener
from cuiot.adapters.notifications.signal_redis import RedisOutboxSignal
from cuiot.adapters.persistence.database import create_engine
from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from cuiot.domain.notifications import DeliveryStatus, Notification
from tests.integration.test_dispatch_runner import eventually
from tests.integration.test_dispatch_webhook import SECRET, WebhookServer, a_hook, load
from tests.integration.test_safety_persistence import (  # noqa: F401 - fixtures
    an_alert,
    device,
    holder,
    is_postgres,
    person,
    store,
    stored,
)
from tests.support.redis_server import redis_prefix, redis_url  # noqa: F401

TICK = 60.0  # the safety net, far beyond any wait below
PROMPT = 5.0  # "within milliseconds", with room for a loaded test machine


@pytest.fixture
async def webhooks() -> AsyncIterator[WebhookServer]:
    async with WebhookServer() as server:
        yield server


@pytest.fixture
def bell() -> InProcessOutboxSignal:
    return InProcessOutboxSignal()


@pytest.fixture
async def dispatching(engine, clock, policy, bell) -> AsyncIterator[OutboxDispatcher]:
    """The pipeline's dispatcher: a one-minute tick, woken by ``bell``."""
    router = ChannelRouter(webhook_secret=SECRET, timeout_seconds=5)
    dispatcher = OutboxDispatcher(lambda: SqlAlchemyUnitOfWork(engine), clock, policy, router,
                                  CollectorRegistry(), tick_seconds=TICK, signal=bell)
    await dispatcher.start()
    yield dispatcher
    await dispatcher.stop()


async def delivered_soon(sql_uow, row: Notification) -> None:
    async def sent() -> bool:
        return (await load(sql_uow, row)).status is DeliveryStatus.SENT
    await eventually(sent, timeout=PROMPT)


@pytest.fixture
def ringing_uow(engine, bell) -> Callable[[], SqlAlchemyUnitOfWork]:
    """Units of work of the dispatcher's own process: they ring its bell."""
    return lambda: SqlAlchemyUnitOfWork(engine, outbox_signal=bell)


async def an_idle_dispatcher(ringing_uow, webhooks: WebhookServer) -> None:
    """Once a first row is sent, the dispatcher's pass is over: what follows can only
    be delivered by a ring (or by the tick, a minute away)."""
    await store(ringing_uow, first := a_hook(webhooks.url("/first")))
    await delivered_soon(ringing_uow, first)


async def an_alert_with_its_notification(uow_factory: Callable, stored,
                                         webhooks: WebhookServer) -> Notification:
    alert = an_alert(stored)
    row = a_hook(webhooks.url("/alert"), alert_id=alert.id)
    await store(uow_factory, alert, row)
    return row


async def test_a_committed_alert_is_delivered_before_the_tick(ringing_uow, stored,
                                                              dispatching, webhooks):
    await an_idle_dispatcher(ringing_uow, webhooks)
    row = await an_alert_with_its_notification(ringing_uow, stored, webhooks)
    await delivered_soon(ringing_uow, row)
    assert [r.path for r in webhooks.received] == ["/first", "/alert"]


@pytest.fixture
async def postgres_listener(engine, database_url, bell) -> AsyncIterator[PostgresOutboxListener]:
    if not is_postgres(database_url):
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; SQLite runs in one process")
    listener = PostgresOutboxListener(engine, bell, retry_seconds=0.1)
    await listener.start()
    await asyncio.wait_for(bell.wait(), PROMPT)  # the ring on listening: nothing missed
    yield listener
    await listener.stop()


@pytest.fixture
async def other_process(database_url) -> AsyncIterator[Callable[[], SqlAlchemyUnitOfWork]]:
    """Units of work of another process (an API worker): an engine of their own and no
    bell of the pipeline's."""
    engine = create_engine(database_url)
    yield lambda: SqlAlchemyUnitOfWork(engine)
    await engine.dispose()


async def test_another_process_commit_wakes_the_dispatcher_through_notify(
        postgres_listener, other_process, ringing_uow, sql_uow, stored, dispatching,
        webhooks):
    await an_idle_dispatcher(ringing_uow, webhooks)
    row = await an_alert_with_its_notification(other_process, stored, webhooks)
    await delivered_soon(sql_uow, row)


async def test_notify_is_heard_on_commit_only(postgres_listener, other_process, bell, stored):
    async with other_process() as uow:
        await uow.notifications.add(a_hook("http://127.0.0.1:9/rolled-back"))
        await uow.flush()  # the row and the NOTIFY reach PostgreSQL, then are undone
        await uow.rollback()
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(bell.wait(), 1.0)
    await store(other_process, a_hook("http://127.0.0.1:9/committed"))
    await asyncio.wait_for(bell.wait(), PROMPT)


async def test_the_listener_listens_again_after_its_connection_is_killed(
        postgres_listener, other_process, engine, bell):
    async with engine.connect() as admin:
        killed = (await admin.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND query LIKE 'LISTEN %'"))).scalars().all()
    assert killed == [True]
    await asyncio.wait_for(bell.wait(), PROMPT)  # listening again (and ringing for it)
    await store(other_process, a_hook("http://127.0.0.1:9/after"))
    await asyncio.wait_for(bell.wait(), PROMPT)


async def test_redis_carries_the_ring_between_processes_on_sqlite(
        database_url, redis_url, redis_prefix, ringing_uow, sql_uow, stored, bell,
        dispatching, webhooks):
    if is_postgres(database_url):
        pytest.skip("on PostgreSQL the database carries the signal")
    prefix = f"{redis_prefix}outbox-test:"
    pipeline_redis, api_redis = connect_redis(redis_url), connect_redis(redis_url)
    listener = RedisOutboxSignal(pipeline_redis, prefix, bell)
    api_signal = RedisOutboxSignal(api_redis, prefix, InProcessOutboxSignal())
    engine = create_engine(database_url)
    await listener.start()
    try:
        await an_idle_dispatcher(ringing_uow, webhooks)
        row = await an_alert_with_its_notification(
            lambda: SqlAlchemyUnitOfWork(engine, outbox_signal=api_signal), stored, webhooks)
        await delivered_soon(sql_uow, row)
    finally:
        await listener.stop()
        await engine.dispose()
        await pipeline_redis.aclose()
        await api_redis.aclose()

"""The outbox signal: the unit of work rings it after a commit that wrote notification
rows — not after one that wrote none, not on rollback, and a failing signal never undoes
a commit; the in-process bell keeps a ring for the next wait, from any thread; and the
composition root picks the cross-process transport from the settings."""

from __future__ import annotations

import asyncio
import threading
from uuid import uuid4

import pytest

from cuiot.adapters.notifications.signal import InProcessOutboxSignal
from cuiot.adapters.notifications.signal_postgres import PostgresOutboxListener
from cuiot.adapters.notifications.signal_redis import RedisOutboxSignal
from cuiot.domain.notifications import Channel, Notification
from cuiot.entrypoints.container import build_container
from cuiot.entrypoints.pipeline import outbox_listeners
from cuiot.entrypoints.settings import Settings
from tests.conftest import NOON_2026_01_15 as NOW
from tests.fakes.uow import InMemoryUnitOfWork


class CountingSignal:
    """Our own fake of the OutboxSignal port: counts the rings."""

    def __init__(self, fails: bool = False) -> None:
        self.rings = 0
        self.fails = fails

    async def ring(self) -> None:
        self.rings += 1
        if self.fails:
            raise ConnectionError("redis away")


def a_notification() -> Notification:
    return Notification(id=uuid4(), channel=Channel.EMAIL, address="ana@example.com",
                        subject="Alerta", body="Alerta crítica", created_at=NOW)


@pytest.fixture
def signal() -> CountingSignal:
    return CountingSignal()


@pytest.fixture
def uow(store, publisher, signal) -> InMemoryUnitOfWork:
    return InMemoryUnitOfWork(store, publisher, signal)


async def test_a_commit_that_wrote_notifications_rings_once(uow, signal):
    async with uow:
        await uow.notifications.add(a_notification())
        await uow.notifications.add(a_notification())
        assert signal.rings == 0  # not before the commit
        await uow.commit()
    assert signal.rings == 1


async def test_a_commit_without_new_notifications_does_not_ring(uow, store, signal):
    async with uow:
        await uow.notifications.add(a_notification())
        await uow.commit()
    async with uow:
        [row] = await uow.notifications.list_due(NOW)
        row.attempts += 1  # a change, not a new row (what the dispatcher does)
        await uow.commit()
    async with uow:
        await uow.commit()
    assert signal.rings == 1


async def test_a_rollback_does_not_ring(uow, store, signal):
    async with uow:
        await uow.notifications.add(a_notification())
        await uow.rollback()
    with pytest.raises(RuntimeError):
        async with uow:
            await uow.notifications.add(a_notification())
            raise RuntimeError("the use case failed")
    assert signal.rings == 0
    assert not store.notifications.items


async def test_a_failing_signal_does_not_undo_the_commit(store, publisher):
    signal = CountingSignal(fails=True)
    uow = InMemoryUnitOfWork(store, publisher, signal)
    async with uow:
        await uow.notifications.add(a_notification())
        await uow.commit()
    assert signal.rings == 1
    assert len(store.notifications.items) == 1


async def test_a_ring_before_the_wait_is_kept_and_taken_once():
    bell = InProcessOutboxSignal()
    await bell.ring()
    await bell.ring()
    await asyncio.wait_for(bell.wait(), 1)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(bell.wait(), 0.05)


async def test_a_ring_from_another_thread_wakes_the_waiter():
    bell = InProcessOutboxSignal()
    waiting = asyncio.ensure_future(bell.wait())
    await asyncio.sleep(0)  # the waiter is now waiting on this loop
    threading.Thread(target=bell.ring_nowait).start()
    await asyncio.wait_for(waiting, 5)


@pytest.mark.parametrize(("database_url", "redis_url", "transport"), [
    ("sqlite+aiosqlite:///./x.db", None, "in_process"),
    ("sqlite+aiosqlite:///./x.db", "redis://127.0.0.1:6379/0", "redis"),
    ("postgresql+asyncpg://cuiot@db/cuiot", "redis://127.0.0.1:6379/0", "postgresql"),
])
def test_the_container_picks_the_transport(database_url, redis_url, transport):
    c = build_container(Settings(database_url=database_url, redis_url=redis_url,
                                 jwt_secret="x" * 32))
    bell = c.outbox_bell()
    listeners = outbox_listeners(c)
    assert c.outbox_transport() == transport
    if transport == "redis":
        assert isinstance(c.outbox_signal(), RedisOutboxSignal)
        assert listeners == [c.outbox_signal()] and c.outbox_signal().local is bell
    else:
        assert c.outbox_signal() is bell
    if transport == "postgresql":
        [listener] = listeners
        assert isinstance(listener, PostgresOutboxListener) and listener.local is bell
    if transport == "in_process":
        assert listeners == []

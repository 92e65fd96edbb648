"""The live alert stream without a network: the in-process stream; the journal's rows
of a commit and how a reader's position moves through them (gaps left by commits still
in flight are waited for, for a while); and which signal wakes the readers of other
processes. (The journal and its reader on real databases, and the gate deciding who
sees what: tests/integration/test_live_alerts.py.)"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from cuiot.adapters.live import InProcessAlertStream
from cuiot.adapters.live.journal import (
    MAX_WAITING,
    STRAGGLER_SECONDS,
    JournalEntry,
    JournalPosition,
    rows_of,
)
from cuiot.adapters.notifications.signal_postgres import PostgresOutboxListener
from cuiot.adapters.notifications.signal_redis import RedisOutboxSignal
from cuiot.domain.alerts import AlertAcknowledged, AlertOpened, AlertStatus
from cuiot.domain.classification import Severity
from cuiot.domain.referrals import ReferralRegistered
from cuiot.entrypoints.container import build_container
from cuiot.entrypoints.live import live_listeners
from cuiot.entrypoints.settings import Settings


async def next_of(subscription, timeout: float = 1.0) -> dict:
    return await asyncio.wait_for(anext(aiter(subscription)), timeout)


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


# --- the journal's rows and a reader's position ----------------------------------------------

NOW = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)


def test_a_commit_writes_one_row_per_alert_change_in_order() -> None:
    alert_id, person_id, ana = uuid4(), uuid4(), uuid4()
    common = {"occurred_at": NOW, "alert_id": alert_id, "cared_person_id": person_id,
              "severity": Severity.CRITICAL, "level": 1}
    events = [AlertOpened(status=AlertStatus.PENDING, **common),
              ReferralRegistered(occurred_at=NOW, referral_id=uuid4(), referred_user_id=ana),
              AlertAcknowledged(status=AlertStatus.ACKNOWLEDGED, by=ana, **common)]
    assert rows_of(events) == [
        {"alert_id": alert_id, "change": "opened", "severity": "critical",
         "status": "pending", "level": 1},
        {"alert_id": alert_id, "change": "acknowledged", "severity": "critical",
         "status": "acknowledged", "level": 1}]


def entry(seq: int) -> JournalEntry:
    return JournalEntry(seq, uuid4(), "opened", "critical", "pending", 1)


def seqs(entries: list[JournalEntry]) -> list[int]:
    return [e.seq for e in entries]


def test_a_reader_takes_what_is_new_once_and_in_order() -> None:
    first, position = JournalPosition(10).take([entry(12), entry(11), entry(9)], now=0)
    assert (seqs(first), position.last, dict(position.waiting)) == ([11, 12], 12, {})
    again, position = position.take([entry(12), entry(13)], now=1)
    assert (seqs(again), position.last) == ([13], 13)


def test_a_seq_skipped_over_is_waited_for_then_given_up() -> None:
    fresh, position = JournalPosition(10).take([entry(13)], now=0)
    assert seqs(fresh) == [13] and set(position.waiting) == {11, 12}
    late, position = position.take([entry(12)], now=1)  # its commit came after 13's
    assert seqs(late) == [12] and set(position.waiting) == {11}
    _, position = position.take([], now=STRAGGLER_SECONDS + 0.1)
    assert dict(position.waiting) == {}  # a rolled-back one never comes
    never, _ = position.take([entry(11)], now=STRAGGLER_SECONDS + 0.2)
    assert never == []


def test_a_reader_waits_for_at_most_so_many_gaps() -> None:
    _, position = JournalPosition(0).take([entry(5 * MAX_WAITING)], now=0)
    assert len(position.waiting) == MAX_WAITING
    assert min(position.waiting) == 4 * MAX_WAITING  # the newest gaps


# --- what wakes the readers of other processes --------------------------------------------------

@pytest.mark.parametrize(("database_url", "redis_url", "transport"), [
    ("sqlite+aiosqlite:///./x.db", None, "in_process"),
    ("sqlite+aiosqlite:///./x.db", "redis://127.0.0.1:6379/0", "redis"),
    ("postgresql+asyncpg://cuiot@db/cuiot", "redis://127.0.0.1:6379/0", "postgresql"),
])
def test_the_container_picks_the_live_signal(database_url, redis_url, transport) -> None:
    c = build_container(Settings(database_url=database_url, redis_url=redis_url,
                                 redis_prefix="p:", jwt_secret="x" * 32))
    bell, signal, listeners = c.live_bell(), c.live_signal(), live_listeners(c)
    assert bell is not c.outbox_bell()  # each waiter has a bell of its own
    if transport == "in_process":
        assert (signal, listeners) == (bell, [])
    elif transport == "redis":
        assert isinstance(signal, RedisOutboxSignal) and signal.local is bell
        assert signal.channel == "p:live:alerts" and listeners == [signal]
    else:
        [listener] = listeners
        assert signal is bell
        assert isinstance(listener, PostgresOutboxListener)
        assert (listener.channel, listener.local) == ("cuiot_alert_changes", bell)

"""Access taken away reaches the live stream at once, on SQLite and PostgreSQL: a removal's
commit writes its row to the access journal and rings the live signal after it (never
on a rollback); the reader hands an ``access_changed`` message on ahead of every alert
change committed after the removal, even when it reads both in one look; another
process's removal wakes the reader (PostgreSQL NOTIFY, or Redis on SQLite). (The gate
that reloads on it: tests/unit/test_live_access_changes.py; through a real socket:
tests/e2e/test_access_removal_api.py.)"""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from cuiot.adapters.live import access_journal, journal
from cuiot.adapters.notifications.signal import InProcessOutboxSignal
from cuiot.adapters.notifications.signal_postgres import PostgresOutboxListener
from cuiot.adapters.notifications.signal_redis import RedisOutboxSignal
from cuiot.adapters.persistence.orm.live import access_changes
from cuiot.adapters.persistence.views import ReadSide
from cuiot.application.care.commands.removals import RemoveMember, RemoveMemberCommand
from cuiot.domain.access_removal import AccessRevoked
from tests.integration.test_live_alerts import (  # noqa: F401 - fixtures
    Live,
    elsewhere,
    family,
    live,
    next_of,
    nothing_more,
    reading,
)
from tests.integration.test_safety_persistence import NOW
from tests.support.redis_server import redis_prefix, redis_url  # noqa: F401


async def rows(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(access_changes)) or 0)


class RecordingSignal:
    """Our fake of the live signal: how many access rows were committed when it rang."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine, self.seen_at_ring = engine, list[int]()

    async def ring(self) -> None:
        self.seen_at_ring.append(await rows(self.engine))


async def member(live: Live, family: tuple) -> None:
    """Bruno, a stranger to Elena until now, becomes her member."""
    _, bruno, elena, _ = family
    async with live.uow() as uow:
        (await uow.cared_persons.get(elena.id)).add_member(bruno.id)
        await uow.commit()


async def remove_bruno(live: Live, family: tuple) -> None:
    ana, bruno, elena, _ = family
    await live(RemoveMember, RemoveMemberCommand(ana.id, elena.id, bruno.id))


async def test_a_removal_is_journaled_with_its_commit_and_rings_after_it(live, family, engine):
    await member(live, family)
    signal = live.signal = RecordingSignal(engine)
    await remove_bruno(live, family)
    assert signal.seen_at_ring == [1]  # committed by the time it rang
    with pytest.raises(RuntimeError):
        async with live.uow() as uow:
            await uow.access_changes.add(AccessRevoked(family[1].id, NOW))
            raise RuntimeError("the removal failed")
    assert (await rows(engine), signal.seen_at_ring) == (1, [1])


async def test_access_taken_away_goes_out_ahead_of_later_alert_changes(live, family, engine):
    await member(live, family)
    _, bruno, _, device = family
    async with reading(ReadSide(engine), InProcessOutboxSignal()) as started:
        await live.reading(device)
        await started.reader.look()
        assert (await next_of(started.subscription))["change"] == "opened"
        await remove_bruno(live, family)
        await live.reading(device)  # committed after the removal
        await started.reader.look()  # both in one look: the removal first
        assert await next_of(started.subscription) == {"change": "access_changed",
                                                       "user_id": str(bruno.id)}
        assert (await next_of(started.subscription))["change"] == "joined"
        await started.reader.look()
        assert await nothing_more(started.subscription)
        assert started.counted("cuiot_live_alert_changes_total", outcome="published") == 2


async def test_an_access_row_committed_after_a_higher_one_is_still_handed_on(
        live, family, engine):
    _, bruno, _, _ = family
    async with reading(ReadSide(engine), InProcessOutboxSignal()) as started:
        for seq in (3, 2):  # seq 2 was still committing when 3 was read
            async with engine.begin() as conn:
                await conn.execute(insert(access_changes).values(seq=seq, user_id=bruno.id,
                                                                 at=NOW))
            await started.reader.look()
            assert (await next_of(started.subscription))["user_id"] == str(bruno.id)
        await started.reader.look()
        assert await nothing_more(started.subscription)


async def test_a_reader_starts_after_the_access_removed_before_it(live, family, engine):
    await member(live, family)
    await remove_bruno(live, family)
    async with reading(ReadSide(engine), InProcessOutboxSignal()) as started:
        await started.reader.look()
        assert await nothing_more(started.subscription)


async def test_postgresql_notify_wakes_readers_for_a_removal_elsewhere(
        live, family, engine, elsewhere):
    if engine.dialect.name != "postgresql":
        pytest.skip("NOTIFY is PostgreSQL's")
    await member(live, family)
    bell = InProcessOutboxSignal()
    listener = PostgresOutboxListener(engine, bell, channel=journal.CHANNEL)
    await listener.start()
    try:
        async with reading(ReadSide(engine), bell) as started:
            await remove_bruno(elsewhere, family)
            assert (await next_of(started.subscription))["change"] == "access_changed"
    finally:
        await listener.stop()


async def test_redis_wakes_readers_for_a_removal_elsewhere(live, family, engine, elsewhere,
                                                           redis_url, redis_prefix):
    from redis.asyncio import Redis

    await member(live, family)
    prefix = f"{redis_prefix}{id(live)}:"
    here, there = Redis.from_url(redis_url), Redis.from_url(redis_url)
    bell = InProcessOutboxSignal()
    listener = RedisOutboxSignal(here, prefix, bell, topic="live:alerts")
    elsewhere.signal = RedisOutboxSignal(there, prefix, InProcessOutboxSignal(),
                                         topic="live:alerts")
    await listener.start()
    try:
        async with reading(ReadSide(engine), bell) as started:
            await remove_bruno(elsewhere, family)
            assert (await next_of(started.subscription))["change"] == "access_changed"
    finally:
        await listener.stop()
        for client in (here, there):
            await client.aclose()


async def test_pruning_keeps_the_newest_access_rows(family, engine):
    async with engine.begin() as conn:
        for _ in range(3):
            await conn.execute(insert(access_changes).values(user_id=family[1].id, at=NOW))
    async with engine.begin() as conn:
        assert await access_journal.prune(conn, keep=2) == 1
    assert await rows(engine) == 2

"""The live alert stream on the real databases (SQLite and PostgreSQL): the journal a
commit writes its alert changes to, and the reader that hands them to the stream (the
alert JSON as the API shows it, each change once, what a signal from another process
wakes it for); then the per-connection gate deciding who sees what."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from cuiot.adapters.live import InProcessAlertStream, journal
from cuiot.adapters.notifications.signal import InProcessOutboxSignal
from cuiot.adapters.notifications.signal_postgres import PostgresOutboxListener
from cuiot.adapters.notifications.signal_redis import RedisOutboxSignal
from cuiot.adapters.persistence.database import create_engine
from cuiot.adapters.persistence.orm.live import alert_changes
from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.safety import SqlAlertViews, SqlLiveAudience
from cuiot.adapters.system import InProcessEventPublisher
from cuiot.application.safety.commands.alerts import AcknowledgeAlert, AlertCommand
from cuiot.application.safety.commands.devices import RegisterDevice, RegisterDeviceCommand
from cuiot.application.safety.commands.ingest import IngestReading, IngestReadingCommand
from cuiot.application.safety.queries.live_alerts import (
    AlertsVisibleTo,
    AlertsVisibleToQuery,
    LiveAlertFilter,
    ReadAlertChanges,
    ReadAlertChangesQuery,
)
from cuiot.domain.errors import Unauthenticated
from cuiot.domain.instants import iso_utc
from cuiot.domain.users import Role
from cuiot.entrypoints.alert_metrics import AlertMetrics
from cuiot.entrypoints.live import JournalReader
from tests.integration.test_safety_persistence import NOW, a_person, a_user, store
from tests.support.alerts import BP_CRITICAL, alerts_of
from tests.support.redis_server import redis_prefix, redis_url  # noqa: F401
from tests.support.subscriptions import subscribe

NEVER = 3600.0  # a reader's poll that never comes within a test: only a signal wakes it


class Live:
    """Use cases on SQL units of work that journal their alert changes and ring
    ``signal`` (this process's bell unless told otherwise)."""

    def __init__(self, engine, clock, ids, rng, policy) -> None:
        self.engine, self.publisher = engine, InProcessEventPublisher()
        self.bell = self.signal = InProcessOutboxSignal()
        self.ports = {"clock": clock, "ids": ids, "rng": rng, "policy": policy}

    def uow(self) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(self.engine, self.publisher, alert_signal=self.signal)

    async def __call__(self, cls: type, cmd: Any) -> Any:
        names = inspect.signature(cls).parameters
        return await cls(**{n: self.uow() if n == "uow" else self.ports[n] for n in names})(cmd)

    async def reading(self, device) -> None:
        await self(IngestReading, IngestReadingCommand(
            device.device_id, f"m-{self.ports['ids'].new_id()}", "blood_pressure", BP_CRITICAL))


@pytest.fixture
def live(engine, clock, ids, rng, policy) -> Live:
    return Live(engine, clock, ids, rng, policy)


@pytest.fixture
async def family(live: Live):
    ana, bruno = a_user("Ana"), a_user("Bruno")
    elena = a_person(ana)
    await store(live.uow, ana, bruno, elena)
    await subscribe(live.uow(), NOW, NOW.date(), ana.id, account_id=ana.id)
    registered = await live(RegisterDevice, RegisterDeviceCommand(
        ana.id, "bp-elena", "Tensiómetro", "blood_pressure", elena.id))
    return ana, bruno, elena, registered.device


class Reading:
    """A started reader, its stream's subscription and its metrics."""

    def __init__(self, reader: JournalReader, subscription: Any,
                 registry: CollectorRegistry) -> None:
        self.reader, self.subscription, self.registry = reader, subscription, registry

    def counted(self, name: str, **labels: str) -> float:
        return self.registry.get_sample_value(name, labels) or 0.0


@contextlib.asynccontextmanager
async def reading(read_side: Any, bell: Any, poll_seconds: float = NEVER
                  ) -> AsyncIterator[Reading]:
    stream, registry = InProcessAlertStream(), CollectorRegistry()
    reader = JournalReader(read_side, bell, stream, AlertMetrics(registry), registry=registry,
                           poll_seconds=poll_seconds)
    await reader.start()
    try:
        yield Reading(reader, await stream.subscribe(), registry)
    finally:
        await reader.stop()


@pytest.fixture
async def subscription(live: Live, engine):
    async with reading(ReadSide(engine), live.bell) as started:
        yield started.subscription


async def next_of(subscription, timeout: float = 5.0) -> dict:
    return await asyncio.wait_for(anext(aiter(subscription)), timeout)


async def nothing_more(subscription, within: float = 0.3) -> bool:
    try:
        await asyncio.wait_for(anext(aiter(subscription)), within)
    except TimeoutError:
        return True
    return False


async def the_alert(live: Live):
    async with live.uow() as uow:
        [alert] = await alerts_of(uow)
    return alert


async def journal_size(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(alert_changes)) or 0)


# --- the journal: written with the commit, rung after it --------------------------------------

class RecordingSignal:
    """Our own fake of the signal: what another process would read when it rings."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine, self.seen_at_ring = engine, list[int]()

    async def ring(self) -> None:
        self.seen_at_ring.append(await journal_size(self.engine))


async def test_a_commit_journals_its_alert_changes_and_rings_once_after_it(live, family,
                                                                           engine):
    ana, _, _, device = family
    signal = live.signal = RecordingSignal(engine)
    await live.reading(device)
    assert signal.seen_at_ring == [1]  # committed by the time it rang
    await live(AcknowledgeAlert, AlertCommand(ana.id, (await the_alert(live)).id))
    async with engine.connect() as conn:
        entries = await journal.entries_after(conn, 0, 10)
    assert [(e.change, e.status) for e in entries] == [("opened", "pending"),
                                                       ("acknowledged", "acknowledged")]
    assert signal.seen_at_ring == [1, 2]


async def test_no_alert_change_or_a_rollback_journals_and_rings_nothing(live, family, engine):
    ana, *_ = family
    signal = live.signal = RecordingSignal(engine)
    async with live.uow() as uow:
        (await uow.users.get(ana.id)).first_name = "Anita"
        await uow.commit()
    with pytest.raises(RuntimeError):
        async with live.uow() as uow:
            await uow.alerts.get_many([])
            raise RuntimeError("the use case failed")
    assert (await journal_size(engine), signal.seen_at_ring) == (0, [])


async def test_a_signal_that_hangs_never_holds_the_commit(live, family, engine, monkeypatch):
    from cuiot.application.shared import uow as base

    class Hanging:
        async def ring(self) -> None:
            await asyncio.Event().wait()

    monkeypatch.setattr(base, "RING_SECONDS", 0.05)
    live.signal = Hanging()
    await live.reading(family[3])
    assert await journal_size(engine) == 1


# --- the reader ------------------------------------------------------------------------------

async def test_an_opened_alert_is_published_as_the_api_shows_it(live, family, subscription):
    *_, elena, device = family
    await live.reading(device)
    alert = await the_alert(live)
    assert await next_of(subscription) == {"change": "opened", "alert": {
        "id": str(alert.id), "alert_type": "blood_pressure", "severity": "critical",
        "status": "pending", "escalation_level": 1, "occurrences": 1,
        "cared_person_id": str(elena.id), "cared_person_name": elena.full_name,
        "device_id": "bp-elena", "device_pk": str(device.id), "device_name": "Tensiómetro",
        "created_at": iso_utc(alert.created_at), "last_event_at": iso_utc(alert.created_at),
        "acknowledged_at": None, "acknowledged_by": None, "acknowledged_via": None,
        "acknowledged_recipient": None, "resolved_at": None, "resolved_by": None}}


async def test_later_changes_follow_with_the_stored_state(live, family, subscription):
    ana, _, _, device = family
    await live.reading(device)
    await next_of(subscription)
    await live.reading(device)
    joined = await next_of(subscription)
    assert (joined["change"], joined["alert"]["occurrences"]) == ("joined", 2)
    await live(AcknowledgeAlert, AlertCommand(ana.id, (await the_alert(live)).id))
    acknowledged = await next_of(subscription)
    assert acknowledged["change"] == "acknowledged"
    assert acknowledged["alert"]["status"] == "acknowledged"
    assert acknowledged["alert"]["acknowledged_by"] == str(ana.id)
    assert await nothing_more(subscription)


async def test_changes_of_one_alert_read_together_make_one_message(live, family, engine):
    *_, device = family
    await live.reading(device)
    alert_id = (await the_alert(live)).id
    async with ReadSide(engine).transaction() as conn:
        changes = await ReadAlertChanges(SqlAlertViews(conn))(ReadAlertChangesQuery((
            (alert_id, "opened"), (alert_id, "sent"), (alert_id, "escalated"))))
    assert [c["change"] for c in changes] == ["opened"]


async def test_a_reader_hands_on_only_what_came_after_it_started_each_change_counted_once(
        live, family, engine):
    ana, _, _, device = family
    await live.reading(device)  # before the reader: not its business
    async with reading(ReadSide(engine), InProcessOutboxSignal()) as started:
        await live.reading(device)
        await live(AcknowledgeAlert, AlertCommand(ana.id, (await the_alert(live)).id))
        await started.reader.look()  # both changes in one look: one message
        message = await next_of(started.subscription)
        assert (message["change"], message["alert"]["occurrences"]) == ("acknowledged", 2)
        await started.reader.look()
        assert await nothing_more(started.subscription)
        assert started.counted("cuiot_alert_changes_total", change="joined",
                               severity="critical", status="pending") == 1
        assert started.counted("cuiot_alert_changes_total", change="acknowledged",
                               severity="critical", status="acknowledged") == 1
        assert started.counted("cuiot_alert_changes_total", change="opened",
                               severity="critical", status="pending") == 0
        assert started.counted("cuiot_live_alert_changes_total", outcome="published") == 2


async def insert_row(engine: AsyncEngine, seq: int, alert_id: Any) -> None:
    async with engine.begin() as conn:
        await conn.execute(insert(alert_changes).values(
            seq=seq, alert_id=alert_id, change="sent", severity="critical", status="sent",
            level=1))


async def test_a_row_committed_after_a_higher_one_is_still_handed_on(live, family, engine):
    *_, device = family
    await live.reading(device)
    alert_id = (await the_alert(live)).id  # the journal holds seq 1
    async with reading(ReadSide(engine), InProcessOutboxSignal()) as started:
        await insert_row(engine, 3, alert_id)  # seq 2 is still committing
        await started.reader.look()
        assert (await next_of(started.subscription))["change"] == "sent"
        await insert_row(engine, 2, alert_id)
        await started.reader.look()
        assert (await next_of(started.subscription))["change"] == "sent"
        assert started.counted("cuiot_live_alert_changes_total", outcome="published") == 2


class FlakyReadSide(ReadSide):
    """The primary, away for one look."""

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(engine)
        self.away = False

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        if self.away:
            self.away = False
            raise ConnectionError("the database is away")
        async with super().transaction() as conn:
            yield conn


async def test_a_failed_look_is_made_again_from_the_same_place(live, family, engine):
    *_, device = family
    read_side = FlakyReadSide(engine)
    async with reading(read_side, InProcessOutboxSignal()) as started:
        await live.reading(device)
        read_side.away = True
        await started.reader.look()
        assert await nothing_more(started.subscription, 0.05)
        await started.reader.look()
        assert (await next_of(started.subscription))["change"] == "opened"
        assert started.counted("cuiot_live_journal_failures_total") == 1
        assert started.counted("cuiot_alert_changes_total", change="opened",
                               severity="critical", status="pending") == 1


async def test_without_a_signal_the_poll_finds_the_change(live, family, engine):
    live.signal = InProcessOutboxSignal()  # rung by the commit, heard by nobody
    async with reading(ReadSide(engine), InProcessOutboxSignal(), poll_seconds=0.05) as started:
        await live.reading(family[3])
        assert (await next_of(started.subscription))["change"] == "opened"


async def test_pruning_keeps_the_newest_rows(live, family, engine):
    *_, device = family
    for _ in range(3):
        await live.reading(device)
    async with engine.begin() as conn:
        assert await journal.prune(conn, keep=2) == 1
    async with engine.connect() as conn:
        assert [e.change for e in await journal.entries_after(conn, 0, 10)] == ["joined"] * 2


# --- woken by another process: PostgreSQL NOTIFY, or Redis --------------------------------------

@pytest.fixture
async def elsewhere(live: Live, database_url: str) -> AsyncIterator[Live]:
    """The same use cases on an engine of their own, as another process would run them;
    their commits ring a bell nobody here waits on."""
    engine = create_engine(database_url)
    other = Live(engine, *live.ports.values())
    yield other
    await engine.dispose()


async def test_postgresql_notify_wakes_the_readers_of_other_processes(
        live, family, engine, elsewhere):
    if engine.dialect.name != "postgresql":
        pytest.skip("NOTIFY is PostgreSQL's")
    bell = InProcessOutboxSignal()
    listener = PostgresOutboxListener(engine, bell, channel=journal.CHANNEL)
    await listener.start()
    try:
        async with reading(ReadSide(engine), bell) as started:
            await elsewhere.reading(family[3])
            assert (await next_of(started.subscription))["change"] == "opened"
    finally:
        await listener.stop()


async def test_redis_wakes_the_readers_of_other_processes(live, family, engine, elsewhere,
                                                          redis_url, redis_prefix):
    from redis.asyncio import Redis

    prefix = f"{redis_prefix}{id(live)}:"
    here, there = Redis.from_url(redis_url), Redis.from_url(redis_url)
    bell = InProcessOutboxSignal()
    listener = RedisOutboxSignal(here, prefix, bell, topic="live:alerts")
    elsewhere.signal = RedisOutboxSignal(there, prefix, InProcessOutboxSignal(),
                                         topic="live:alerts")
    await listener.start()
    try:
        async with reading(ReadSide(engine), bell) as started:
            await elsewhere.reading(family[3])
            assert (await next_of(started.subscription))["change"] == "opened"
    finally:
        await listener.stop()
        for client in (here, there):
            await client.aclose()


# --- who sees what ------------------------------------------------------------------------------

def change_for(person) -> dict:
    return {"change": "opened", "alert": {"cared_person_id": str(person.id)}}


def gate(engine, clock, user, seconds: float = 30) -> LiveAlertFilter:
    return LiveAlertFilter(user.id, SqlLiveAudience(ReadSide(engine)), clock,
                           timedelta(seconds=seconds))


async def test_the_holder_sees_and_a_stranger_does_not(engine, clock, family):
    ana, bruno, elena, _ = family
    assert await gate(engine, clock, ana).may_see(change_for(elena))
    assert not await gate(engine, clock, bruno).may_see(change_for(elena))


async def test_admins_see_every_alert(live, engine, clock, family):
    root = a_user("Root", Role.ADMIN)
    await store(live.uow, root)
    audience = await AlertsVisibleTo(SqlLiveAudience(ReadSide(engine)), clock)(
        AlertsVisibleToQuery(root.id))
    assert audience.everyone
    assert await gate(engine, clock, root).may_see(change_for(family[2]))


async def test_a_person_added_after_connecting_is_seen_at_once(live, engine, clock, family):
    ana = family[0]
    watching = gate(engine, clock, ana)
    await watching.audience()
    later = a_person(ana, "Julio")
    await store(live.uow, later)
    assert await watching.may_see(change_for(later))


async def test_access_given_or_taken_is_seen_at_the_next_recheck(live, engine, clock, family):
    _, bruno, elena, _ = family
    watching = gate(engine, clock, bruno, seconds=30)
    assert not await watching.may_see(change_for(elena))
    async with live.uow() as uow:
        (await uow.cared_persons.get(elena.id)).member_ids.add(bruno.id)
        await uow.commit()
    assert not await watching.may_see(change_for(elena))  # remembered for 30 s
    clock.advance(timedelta(seconds=30))
    assert await watching.may_see(change_for(elena))
    async with live.uow() as uow:
        (await uow.cared_persons.get(elena.id)).member_ids.discard(bruno.id)
        await uow.commit()
    clock.advance(timedelta(seconds=30))
    assert not await watching.may_see(change_for(elena))


async def test_a_deactivated_user_sees_nothing_more(live, engine, clock, family):
    ana, _, elena, _ = family
    watching = gate(engine, clock, ana)
    assert await watching.may_see(change_for(elena))
    async with live.uow() as uow:
        (await uow.users.get(ana.id)).is_active = False
        await uow.commit()
    clock.advance(timedelta(seconds=30))
    with pytest.raises(Unauthenticated):
        await watching.may_see(change_for(elena))

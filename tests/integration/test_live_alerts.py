"""The live alert stream's reads on the real views (SQLite and PostgreSQL): the alert
JSON the bridge publishes after a commit, and the per-connection gate deciding who sees
what. (These ran over the in-memory repositories; the assertions are the same.)"""

from __future__ import annotations

import asyncio
import inspect
from datetime import timedelta
from typing import Any

import pytest

from cuiot.adapters.live import InProcessAlertStream
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
from cuiot.domain.users import Role
from cuiot.entrypoints.live import LiveAlertBridge, read_changes_on
from tests.integration.test_safety_persistence import a_person, a_user, store
from tests.support.alerts import BP_CRITICAL, alerts_of


class Live:
    """Use cases on SQL units of work whose commits reach an in-process publisher."""

    def __init__(self, engine, clock, ids, rng, policy) -> None:
        self.engine, self.publisher = engine, InProcessEventPublisher()
        self.ports = {"clock": clock, "ids": ids, "rng": rng, "policy": policy}

    def uow(self) -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(self.engine, self.publisher)

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
    registered = await live(RegisterDevice, RegisterDeviceCommand(
        ana.id, "bp-elena", "Tensiómetro", "blood_pressure", elena.id))
    return ana, bruno, elena, registered.device


@pytest.fixture
async def subscription(live: Live, engine):
    stream = InProcessAlertStream()
    bridge = LiveAlertBridge(live.publisher, read_changes_on(ReadSide(engine)), stream)
    await bridge.start()
    subscription = await stream.subscribe()
    yield subscription
    await bridge.stop()


async def next_of(subscription, timeout: float = 5.0) -> dict:
    return await asyncio.wait_for(anext(aiter(subscription)), timeout)


async def the_alert(live: Live):
    async with live.uow() as uow:
        [alert] = await alerts_of(uow)
    return alert


# --- what the bridge publishes ---------------------------------------------------------------

async def test_an_opened_alert_is_published_as_the_api_shows_it(live, family, subscription):
    *_, elena, device = family
    await live.reading(device)
    alert = await the_alert(live)
    assert await next_of(subscription) == {"change": "opened", "alert": {
        "id": str(alert.id), "alert_type": "blood_pressure", "severity": "critical",
        "status": "pending", "escalation_level": 1, "occurrences": 1,
        "cared_person_id": str(elena.id), "device_id": "bp-elena", "device_pk": str(device.id),
        "created_at": alert.created_at.isoformat(), "last_event_at": alert.created_at.isoformat(),
        "acknowledged_at": None, "acknowledged_by": None, "resolved_at": None,
        "resolved_by": None}}


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


async def test_changes_of_one_alert_read_together_make_one_message(live, family, engine):
    *_, device = family
    await live.reading(device)
    alert_id = (await the_alert(live)).id
    async with ReadSide(engine).transaction() as conn:
        changes = await ReadAlertChanges(SqlAlertViews(conn))(ReadAlertChangesQuery((
            (alert_id, "opened"), (alert_id, "sent"), (alert_id, "escalated"))))
    assert [c["change"] for c in changes] == ["opened"]


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

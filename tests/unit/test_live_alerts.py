"""The live alert stream without a network: the in-process stream, the bridge from
domain events to alert JSON, and the per-connection gate deciding who sees what."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from prometheus_client import CollectorRegistry

from cuiot.adapters.live import InProcessAlertStream
from tests.fakes.uow import InMemoryUnitOfWork
from cuiot.adapters.system import InProcessEventPublisher
from cuiot.application.safety.commands.alerts import AcknowledgeAlert, AlertCommand
from cuiot.application.safety.queries.live_alerts import (
    AlertsVisibleTo,
    AlertsVisibleToCommand,
    LiveAlertFilter,
    ReadAlertChanges,
    ReadAlertChangesCommand,
)
from cuiot.domain.errors import Unauthenticated
from cuiot.domain.users import Role
from cuiot.entrypoints.live import LiveAlertBridge
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

@pytest.fixture
def bench() -> SafetyBench:
    bench = SafetyBench()
    bench.publisher = InProcessEventPublisher()
    bench.uow = bench.ports["uow"] = InMemoryUnitOfWork(bench.store, bench.publisher)
    return bench


@pytest.fixture
async def family(bench: SafetyBench):
    ana, bruno = bench.user("Ana"), bench.user("Bruno")
    elena = bench.person(ana)
    return ana, bruno, elena, await bench.device(elena, device_id="bp-elena")


@pytest.fixture
async def live(bench: SafetyBench):
    stream = InProcessAlertStream()
    bridge = LiveAlertBridge(bench.publisher, lambda: InMemoryUnitOfWork(bench.store), stream)
    await bridge.start()
    subscription = await stream.subscribe()
    yield bridge, subscription
    await bridge.stop()


async def test_an_opened_alert_is_published_as_the_api_shows_it(bench, family, live) -> None:
    *_, elena, device = family
    _, subscription = live
    await bench.reading(device, BP_CRITICAL)
    alert = bench.alert()
    assert await next_of(subscription) == {"change": "opened", "alert": {
        "id": str(alert.id), "alert_type": "blood_pressure", "severity": "critical",
        "status": "pending", "escalation_level": 1, "occurrences": 1,
        "cared_person_id": str(elena.id), "device_id": "bp-elena", "device_pk": str(device.id),
        "created_at": alert.created_at.isoformat(), "last_event_at": alert.created_at.isoformat(),
        "acknowledged_at": None, "acknowledged_by": None, "resolved_at": None,
        "resolved_by": None}}


async def test_later_changes_follow_with_the_stored_state(bench, family, live) -> None:
    ana, _, _, device = family
    _, subscription = live
    await bench.reading(device, BP_CRITICAL)
    await next_of(subscription)
    await bench.reading(device, BP_CRITICAL)
    joined = await next_of(subscription)
    assert (joined["change"], joined["alert"]["occurrences"]) == ("joined", 2)
    await bench.call(AcknowledgeAlert, AlertCommand(ana.id, bench.alert().id))
    acknowledged = await next_of(subscription)
    assert acknowledged["change"] == "acknowledged"
    assert acknowledged["alert"]["status"] == "acknowledged"
    assert acknowledged["alert"]["acknowledged_by"] == str(ana.id)


async def test_changes_of_one_alert_read_together_make_one_message(bench, family) -> None:
    *_, device = family
    await bench.reading(device, BP_CRITICAL)
    alert_id = bench.alert().id
    changes = await ReadAlertChanges(InMemoryUnitOfWork(bench.store))(ReadAlertChangesCommand((
        (alert_id, "opened"), (alert_id, "sent"), (alert_id, "escalated"))))
    assert [c["change"] for c in changes] == ["opened"]


async def test_a_failing_read_loses_that_batch_only(bench, family) -> None:
    *_, device = family
    stream = InProcessAlertStream()
    broken = {"yes": True}

    def uow_factory() -> InMemoryUnitOfWork:
        if broken.pop("yes", False):
            raise RuntimeError("database away")
        return InMemoryUnitOfWork(bench.store)

    registry = CollectorRegistry()
    bridge = LiveAlertBridge(bench.publisher, uow_factory, stream, registry)
    await bridge.start()
    subscription = await stream.subscribe()
    await bench.reading(device, BP_CRITICAL)
    assert await nothing_more(subscription, 0.2)
    await bench.reading(device, BP_CRITICAL)
    assert (await next_of(subscription))["change"] == "joined"
    await bridge.stop()
    assert registry.get_sample_value("cuiot_live_alert_changes_total",
                                     {"outcome": "failed"}) == 1


async def test_stop_publishes_what_is_pending_and_is_idempotent(bench, family) -> None:
    *_, device = family
    stream = InProcessAlertStream()
    bridge = LiveAlertBridge(bench.publisher, lambda: InMemoryUnitOfWork(bench.store), stream)
    await bridge.start()
    subscription = await stream.subscribe()
    await bench.reading(device, BP_CRITICAL)
    await bridge.stop()
    await bridge.stop()
    assert (await next_of(subscription))["change"] == "opened"
    await bench.reading(device, BP_CRITICAL)  # no longer listening
    assert await nothing_more(subscription)


# --- who sees what ---------------------------------------------------------------------------

def change_for(person) -> dict:
    return {"change": "opened", "alert": {"cared_person_id": str(person.id)}}


def gate(bench: SafetyBench, user, seconds: float = 30) -> LiveAlertFilter:
    return LiveAlertFilter(user.id, InMemoryUnitOfWork(bench.store), bench.clock,
                           timedelta(seconds=seconds))


async def test_the_holder_sees_and_a_stranger_does_not(bench, family) -> None:
    ana, bruno, elena, _ = family
    assert await gate(bench, ana).may_see(change_for(elena))
    assert not await gate(bench, bruno).may_see(change_for(elena))


async def test_admins_see_every_alert(bench, family) -> None:
    root = bench.user("Root", Role.ADMIN)
    audience = await AlertsVisibleTo(InMemoryUnitOfWork(bench.store), bench.clock)(
        AlertsVisibleToCommand(root.id))
    assert audience.everyone
    assert await gate(bench, root).may_see(change_for(family[2]))


async def test_a_person_added_after_connecting_is_seen_at_once(bench, family) -> None:
    ana = family[0]
    watching = gate(bench, ana)
    await watching.audience()
    later = bench.person(ana, "Julio")
    assert await watching.may_see(change_for(later))


async def test_access_given_or_taken_is_seen_at_the_next_recheck(bench, family) -> None:
    _, bruno, elena, _ = family
    watching = gate(bench, bruno, seconds=30)
    assert not await watching.may_see(change_for(elena))
    bench.fresh(elena).member_ids.add(bruno.id)
    assert not await watching.may_see(change_for(elena))  # remembered for 30 s
    bench.advance(seconds=30)
    assert await watching.may_see(change_for(elena))
    bench.fresh(elena).member_ids.discard(bruno.id)
    bench.advance(seconds=30)
    assert not await watching.may_see(change_for(elena))


async def test_a_deactivated_user_sees_nothing_more(bench, family) -> None:
    ana, _, elena, _ = family
    watching = gate(bench, ana)
    assert await watching.may_see(change_for(elena))
    bench.fresh(ana).is_active = False
    bench.advance(seconds=30)
    with pytest.raises(Unauthenticated):
        await watching.may_see(change_for(elena))

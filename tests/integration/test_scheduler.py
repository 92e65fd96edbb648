"""The scheduler on SQLite and PostgreSQL, its loop running, time moved by a fixed clock:
escalation is kept in the database (a scheduler started after another stopped carries
on), several schedulers never escalate or bill twice, and the periodic housekeeping."""

from __future__ import annotations

import asyncio
import inspect
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import select, text

from cuiot.adapters.persistence.orm.billing import billing_records
from cuiot.application.billing.commands.subscriptions import Subscribe, SubscribeCommand
from cuiot.application.safety.commands.alerts import AcknowledgeAlert, AlertCommand
from cuiot.application.safety.commands.ingest import IngestReading, IngestReadingCommand
from cuiot.domain.alerts import AlertStatus
from cuiot.domain.care import AssignmentStatus, CaregiverAssignment
from cuiot.domain.packages import default_catalogue
from cuiot.domain.responders import PushToken
from cuiot.domain.users import Role
from cuiot.entrypoints.scheduler import Scheduler, exclusive
from tests.integration.test_safety_persistence import (
    BP,
    NOW,
    a_device,
    a_person,
    a_user,
    an_alert,
    store,
)
from tests.support.alerts import outbox_of

TWO_MINUTES = timedelta(minutes=2)  # the critical timeout


def scheduler_for(sql_uow, clock, ids, policy, engine, **options) -> Scheduler:
    options.setdefault("tick_seconds", 0.01)
    return Scheduler(sql_uow, clock, ids, policy, engine=engine,
                     metrics_registry=CollectorRegistry(), **options)


async def eventually(check, timeout: float = 10.0) -> None:
    """Poll ``check`` (sync or async) until it holds."""
    async with asyncio.timeout(timeout):
        while not await _holds(check):
            await asyncio.sleep(0.02)


async def _holds(check) -> bool:
    found = check()
    return bool(await found if inspect.isawaitable(found) else found)


def ticks(scheduler: Scheduler) -> float:
    return scheduler.metrics.registry.get_sample_value(
        "cuiot_scheduler_job_runs_total", {"job": "escalation", "outcome": "ok"}) or 0


async def more_ticks(scheduler: Scheduler, count: int = 3) -> None:
    """Let a running scheduler tick ``count`` more times."""
    target = ticks(scheduler) + count
    await eventually(lambda: ticks(scheduler) >= target)


@pytest.fixture
async def family(sql_uow):
    """Ana holds Elena's account, Carla is her primary caregiver: Carla is told at level
    1, both at level 2 and at level 3 (which has nobody of its own, so level 2 is told
    again), each by email and push."""
    ana, carla = a_user("Ana", Role.FAMILY), a_user("Carla", Role.CAREGIVER)
    for user in (ana, carla):  # a phone each: push reaches registered phones only
        user.register_push_token(PushToken(uuid4(), f"phone-of-{user.first_name}", NOW))
    elena = a_person(ana, caregivers=[CaregiverAssignment(carla.id, primary=True,
                                                          status=AssignmentStatus.ACCEPTED)])
    device = a_device(elena)
    await store(sql_uow, ana, carla, elena, device)
    return ana, elena, device


async def alert_state(sql_uow, alert_id):
    async with sql_uow() as uow:
        alert = await uow.alerts.get(alert_id)
        rows = await outbox_of(uow, alert_id)
    return alert, Counter(n.escalation_level for n in rows)


async def test_escalation_carries_on_in_a_scheduler_started_after_a_restart(
        sql_uow, engine, clock, ids, policy, family):
    ana, _, device = family
    result = await IngestReading(sql_uow(), clock, ids, policy)(IngestReadingCommand(
        device.device_id, "m-1", "blood_pressure", BP))
    [alert_id] = result.alert_ids

    async def at_level(level: int, repeats: int = 0):
        alert, _ = await alert_state(sql_uow, alert_id)
        return (alert.escalation_level, alert.repeats_at_max_level) == (level, repeats)

    first = scheduler_for(sql_uow, clock, ids, policy, engine)
    await first.start()
    clock.advance(TWO_MINUTES)
    await eventually(lambda: at_level(2))
    await first.stop()

    clock.advance(TWO_MINUTES)  # nobody is running: the alert waits, due, in the database
    assert await at_level(2)
    second = scheduler_for(sql_uow, clock, ids, policy, engine)
    await second.start()
    try:
        await eventually(lambda: at_level(3))
        clock.advance(TWO_MINUTES)
        await eventually(lambda: at_level(3, repeats=1))
        await AcknowledgeAlert(sql_uow(), clock)(AlertCommand(ana.id, alert_id))
        clock.advance(TWO_MINUTES * 5)
        await more_ticks(second)
    finally:
        await second.stop()
    alert, told = await alert_state(sql_uow, alert_id)
    assert (alert.status, alert.escalation_level) == (AlertStatus.ACKNOWLEDGED, 3)
    assert told == {1: 2, 2: 4, 3: 8}  # Carla, then both; by email and push; level 3 twice


async def test_two_schedulers_at_once_escalate_each_alert_once_per_level(
        sql_uow, engine, database_url, clock, ids, policy, family):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite lets one writer in at a time: no two schedulers inside at once")
    *_, device = family
    opened = [an_alert(device, at=NOW, alert_type=f"t{n}") for n in range(20)]
    await store(sql_uow, *opened)
    schedulers = [scheduler_for(sql_uow, clock, ids, policy, engine) for _ in range(2)]
    for _ in range(3):  # levels 2, 3, and 3 again
        clock.advance(TWO_MINUTES)
        await asyncio.gather(*(s.tick() for s in schedulers), *(s.tick() for s in schedulers))
    for alert in opened:
        stored, told = await alert_state(sql_uow, alert.id)
        assert (stored.escalation_level, stored.repeats_at_max_level) == (3, 1)
        assert told == {2: 4, 3: 8}


async def test_two_running_schedulers_never_double_escalate(
        sql_uow, engine, database_url, clock, ids, policy, family):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite lets one writer in at a time: no two schedulers inside at once")
    *_, device = family
    opened = [an_alert(device, at=NOW, alert_type=f"t{n}") for n in range(20)]
    await store(sql_uow, *opened)
    schedulers = [scheduler_for(sql_uow, clock, ids, policy, engine, tick_seconds=0.001)
                  for _ in range(2)]
    for scheduler in schedulers:
        await scheduler.start()
    try:
        clock.advance(TWO_MINUTES)
        for scheduler in schedulers:
            await more_ticks(scheduler)
    finally:
        for scheduler in schedulers:
            await scheduler.stop()
    for alert in opened:
        stored, told = await alert_state(sql_uow, alert.id)
        assert stored.escalation_level == 2 and told == {2: 4}


async def test_the_daily_billing_run_is_remembered_by_the_database(
        sql_uow, engine, database_url, clock, ids, policy):
    offer = {p.type.value: p for p in default_catalogue(ids.new_id)}
    ana = a_user("Ana")
    await store_catalogue(sql_uow, offer, ana)
    subscribed = await Subscribe(sql_uow(), clock, ids, policy)(SubscribeCommand(
        ana.id, offer["familiar"].id, "monthly"))
    clock.set(datetime(2026, 2, 15, 15, tzinfo=UTC))  # the next period starts today
    schedulers = [scheduler_for(sql_uow, clock, ids, policy, engine) for _ in range(3)]
    first = await schedulers[0].tick()
    assert first["billing"] == "ok"
    assert schedulers[0].metrics.registry.get_sample_value(
        "cuiot_scheduler_job_handled_total", {"job": "billing"}) == 1
    # a restart, then two at once: each runs (or skips) the day's billing again
    others = await asyncio.gather(*(s.tick() for s in schedulers[1:]))
    assert {o["billing"] for o in others} <= {"ok", "skipped"}
    async with sql_uow() as uow:
        invoices = (await uow.connection.execute(select(billing_records.c.period_start).where(
            billing_records.c.subscription_id == subscribed.subscription.id))).scalars()
    assert sorted(invoices) == [date(2026, 1, 15), date(2026, 2, 15)]


async def store_catalogue(sql_uow, offer, *users) -> None:
    async with sql_uow() as uow:
        for package in offer.values():
            await uow.packages.add(package)
        for user in users:
            await uow.users.add(user)
        await uow.commit()


async def test_a_daily_job_held_by_another_scheduler_is_skipped_then_run(
        sql_uow, engine, database_url, clock, ids, policy):
    if not database_url.startswith("postgresql"):
        pytest.skip("advisory locks are PostgreSQL's")
    scheduler = scheduler_for(sql_uow, clock, ids, policy, engine)
    async with exclusive(engine, "billing") as mine:
        assert mine
        async with exclusive(engine, "billing") as theirs:
            assert not theirs
        outcomes = await scheduler.tick()
    assert outcomes["billing"] == "skipped" and outcomes["referrals_expiry"] == "ok"
    assert (await scheduler.tick())["billing"] == "ok"  # not marked done: tried again
    assert "billing" not in await scheduler.tick()


async def test_the_coming_months_get_their_partitions(
        sql_uow, engine, database_url, clock, ids, policy):
    clock.set(datetime(2031, 6, 15, 15, tzinfo=UTC))
    scheduler = scheduler_for(sql_uow, clock, ids, policy, engine)
    assert (await scheduler.tick())["partitions"] == "ok"
    if database_url.startswith("postgresql"):
        async with engine.connect() as conn:
            made = [await conn.scalar(text("SELECT to_regclass(:n)"), {"n": name})
                    for name in ("alerts_2031_06", "events_2031_09")]
        assert all(made)

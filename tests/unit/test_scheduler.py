"""The scheduler on in-memory adapters, driven tick by tick with a fixed clock: the
escalation ladder, the periodic checks, the daily jobs, and failures kept apart."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client import CollectorRegistry

from cuiot.application.safety.commands.alerts import AcknowledgeAlert, AlertCommand
from cuiot.application.safety.commands.escalation import EscalateDueAlerts, EscalateDueAlertsCommand
from cuiot.domain.alerts import AlertStatus
from cuiot.domain.devices import DeviceStatus
from cuiot.domain.users import Role
from cuiot.entrypoints.scheduler import Job, Scheduler, until_done
from tests.fakes.uow import InMemoryUnitOfWork
from tests.support.alerts import BP_CRITICAL, BP_NORMAL, SafetyBench

EVERY_TICK = ["escalation", "devices_offline", "device_commands_expiry"]
DAILY = ["billing", "referrals_expiry"]
FIRST_TICK = [*EVERY_TICK, "inactivity", "coverage", "partitions", "live_journal",
              "rejected_messages", *DAILY]


@pytest.fixture
def bench() -> SafetyBench:
    return SafetyBench()


def scheduler_for(bench: SafetyBench, **options) -> Scheduler:
    return Scheduler(lambda: InMemoryUnitOfWork(bench.store, bench.publisher), bench.clock,
                     bench.ids, bench.policy, metrics_registry=CollectorRegistry(), **options)


@pytest.fixture
def scheduler(bench: SafetyBench) -> Scheduler:
    return scheduler_for(bench)


@pytest.fixture
async def family(bench: SafetyBench):
    """Ana holds Elena's account and represents her (level 1: Elena is protected, so the
    coverage job opens no alert of its own), Root is an admin."""
    ana, root = bench.user("Ana"), bench.user("Root", Role.ADMIN)
    elena = bench.person(ana)
    bench.representative(elena, ana)
    return ana, root, elena, await bench.device(elena)


def outcome_of(outcomes: dict[str, str], *names: str) -> set[str]:
    return {outcomes[name] for name in names}


def runs(scheduler: Scheduler, name: str, outcome: str) -> float:
    return scheduler.metrics.registry.get_sample_value(
        "cuiot_scheduler_job_runs_total", {"job": name, "outcome": outcome}) or 0


def job(scheduler: Scheduler, name: str) -> Job:
    return next(j for j in scheduler.jobs if j.name == name)


async def test_the_first_tick_runs_every_job(scheduler) -> None:
    outcomes = await scheduler.tick()
    assert list(outcomes) == FIRST_TICK and set(outcomes.values()) == {"ok"}


async def test_ticks_escalate_through_every_level_then_the_admins(bench, scheduler, family):
    _, root, _, device = family
    await bench.reading(device, BP_CRITICAL)
    alert = bench.alert()
    levels = []
    for _ in range(7):
        await scheduler.tick()
        levels.append((bench.fresh(alert).escalation_level, bench.fresh(alert).status.value))
        bench.advance(minutes=2)
    assert levels == [(1, "pending"), (2, "pending"), (3, "pending"), (3, "pending"),
                      (3, "pending"), (3, "pending"), (3, "unhandled")]
    assert {n.recipient_user_id for n in bench.notifications(alert)
            if n.payload["reason"] == "unhandled"} == {root.id}


async def test_an_acknowledgement_stops_the_ticks_escalating(bench, scheduler, family):
    ana, _, _, device = family
    await bench.reading(device, BP_CRITICAL)
    alert = bench.alert()
    bench.advance(minutes=2)
    await scheduler.tick()
    await AcknowledgeAlert(bench.uow, bench.clock)(AlertCommand(ana.id, alert.id))
    told = len(bench.notifications(alert))
    for _ in range(5):
        bench.advance(minutes=2)
        await scheduler.tick()
    stored = bench.fresh(alert)
    assert (stored.status, stored.escalation_level) == (AlertStatus.ACKNOWLEDGED, 2)
    assert len(bench.notifications(alert)) == told


async def test_a_tick_escalates_every_due_alert_beyond_one_page(bench, family) -> None:
    *_, elena, _ = family
    devices = [await bench.device(elena) for _ in range(5)]
    for device in devices:
        await bench.reading(device, BP_CRITICAL)
    bench.advance(minutes=2)
    scheduler = scheduler_for(bench)
    scheduler.jobs[0].run = lambda: scheduler_page_of(scheduler, 2)
    await scheduler.tick()
    assert {a.escalation_level for a in bench.alerts()} == {2}


async def scheduler_page_of(scheduler: Scheduler, limit: int) -> int:
    """The escalation job with pages of ``limit`` alerts."""
    return await until_done(lambda: EscalateDueAlerts(
        scheduler.uow_factory(), scheduler.clock, scheduler.ids, scheduler.policy)(
        EscalateDueAlertsCommand(limit)), limit)


async def test_a_silent_device_goes_offline_on_a_tick(bench, scheduler, family) -> None:
    *_, device = family
    await bench.reading(device, BP_NORMAL)
    bench.advance(minutes=15)
    await scheduler.tick()
    assert bench.fresh(device).status is DeviceStatus.OFFLINE
    assert bench.alert().alert_type == "device_offline"


async def test_a_command_without_a_reply_times_out_on_a_tick(bench, scheduler, family) -> None:
    from datetime import timedelta

    from cuiot.domain.device_commands import CommandStatus, DeviceCommand

    ana, *_, device = family
    now = bench.clock.now()
    command = DeviceCommand(id=bench.ids.new_id(), device_pk=device.id, command="reboot",
                            params={}, requested_by=ana.id, created_at=now,
                            timeout_at=now + timedelta(seconds=30))
    bench.store.device_commands.items[command.id] = command
    await scheduler.tick()
    assert bench.fresh(command).status is CommandStatus.PENDING
    bench.advance(seconds=30)
    await scheduler.tick()
    assert bench.fresh(command).status is CommandStatus.TIMED_OUT


async def test_inactivity_is_checked_once_a_minute(bench, scheduler) -> None:
    await scheduler.tick()
    bench.advance(seconds=59)
    assert "inactivity" not in await scheduler.tick()
    bench.advance(seconds=1)
    assert "inactivity" in await scheduler.tick()


async def test_partitions_once_an_hour(bench, scheduler) -> None:
    await scheduler.tick()
    bench.advance(minutes=59)
    assert "partitions" not in await scheduler.tick()
    bench.advance(minutes=1)
    assert (await scheduler.tick())["partitions"] == "ok"  # nothing to do off PostgreSQL


async def test_daily_jobs_at_start_up_then_after_local_midnight() -> None:
    bench = SafetyBench(now=datetime(2026, 1, 16, 2, 58, tzinfo=UTC))  # 23:58 the 15th locally
    scheduler = scheduler_for(bench)
    assert outcome_of(await scheduler.tick(), *DAILY) == {"ok"}
    bench.advance(minutes=1)
    assert not set(DAILY) & set(await scheduler.tick())
    bench.advance(minutes=1)  # 00:00 the 16th in Buenos Aires
    assert outcome_of(await scheduler.tick(), *DAILY) == {"ok"}
    assert job(scheduler, "billing").done_on.isoformat() == "2026-01-16"


async def test_a_new_scheduler_runs_the_daily_jobs_again(bench, scheduler) -> None:
    """Nothing is remembered in memory: the billing run's idempotency makes it safe."""
    await scheduler.tick()
    assert outcome_of(await scheduler_for(bench).tick(), *DAILY) == {"ok"}


async def test_a_failing_job_does_not_stop_the_others_and_runs_again(bench, scheduler, family):
    *_, device = family
    calls = []

    async def broken() -> int:
        calls.append(bench.clock.now())
        raise RuntimeError("billing is broken")

    job(scheduler, "billing").run = broken
    await bench.reading(device, BP_CRITICAL)
    bench.advance(minutes=2)
    outcomes = await scheduler.tick()
    assert outcomes["billing"] == "failed"
    assert {v for k, v in outcomes.items() if k != "billing"} == {"ok"}
    assert bench.alert().escalation_level == 2
    assert (await scheduler.tick())["billing"] == "failed"  # tried again on the next tick
    assert len(calls) == 2
    assert runs(scheduler, "billing", "failed") == 2


async def test_the_loop_survives_a_failing_job(bench, family) -> None:
    *_, device = family
    scheduler = scheduler_for(bench, tick_seconds=0.01)

    async def broken() -> int:
        raise RuntimeError("boom")

    scheduler.jobs[0].run = broken  # escalation itself fails
    await scheduler.start()
    try:
        await bench.reading(device, BP_NORMAL)
        bench.advance(minutes=15)
        await wait_until(lambda: bench.fresh(device).status is DeviceStatus.OFFLINE)
        await wait_until(lambda: runs(scheduler, "escalation", "failed") >= 3)
    finally:
        await scheduler.stop()


@pytest.mark.parametrize("long_job", ["coverage", "billing"])
async def test_a_long_pass_never_holds_back_a_due_escalation(bench, family, long_job) -> None:
    """Every person's coverage, or the billing run over every account, may take long; the
    alert due meanwhile escalates on time all the same."""
    *_, device = family
    scheduler = scheduler_for(bench, tick_seconds=0.01)
    passing, done = asyncio.Event(), asyncio.Event()

    async def long_pass() -> int:
        passing.set()
        await done.wait()
        return 0

    job(scheduler, long_job).run = long_pass
    await scheduler.start()
    try:
        await asyncio.wait_for(passing.wait(), 5)
        await bench.reading(device, BP_CRITICAL)
        alert = bench.alert()
        bench.advance(minutes=2)
        await wait_until(lambda: bench.fresh(alert).escalation_level == 2)
        assert not done.is_set() and runs(scheduler, long_job, "ok") == 0  # still passing
    finally:
        done.set()
        await scheduler.stop()
    assert runs(scheduler, long_job, "ok") == 1


async def test_start_and_stop_are_idempotent(scheduler) -> None:
    await scheduler.stop()
    await scheduler.start()
    task = scheduler._task
    await scheduler.start()
    assert scheduler._task is task
    await scheduler.stop()
    await scheduler.stop()
    assert task.done() and not task.cancelled()


async def test_stop_waits_for_the_job_under_way(scheduler) -> None:
    finished = asyncio.Event()

    async def slow() -> int:
        await asyncio.sleep(0.2)
        finished.set()
        return 0

    scheduler.jobs[0].run = slow
    await scheduler.start()
    await asyncio.sleep(0.05)
    await asyncio.wait_for(scheduler.stop(), 5)
    assert finished.is_set()


async def test_stop_cancels_a_job_that_outlives_its_grace(bench) -> None:
    scheduler = scheduler_for(bench, stop_seconds=0.1)
    started = asyncio.Event()

    async def stuck() -> int:
        started.set()
        await asyncio.sleep(60)
        return 0

    scheduler.jobs[0].run = stuck
    await scheduler.start()
    await asyncio.wait_for(started.wait(), 5)
    await asyncio.wait_for(scheduler.stop(), 5)


async def wait_until(condition, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


def test_jobs_run_when_due() -> None:
    now = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
    hourly = Job("x", None, every=timedelta(hours=1))  # type: ignore[arg-type]
    assert hourly.is_due(now, now.date())
    hourly.ran(now, now.date())
    assert not hourly.is_due(now + timedelta(minutes=59), now.date())
    assert hourly.is_due(now + timedelta(hours=1), now.date())

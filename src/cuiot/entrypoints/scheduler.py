"""The scheduler: the periodic jobs of the safety pipeline and of the business.

Every tick (``CUIOT_SCHEDULER_TICK_SECONDS``): escalate due alerts until none is due,
then devices gone silent; every minute, people gone still; every five minutes, every
cared person's protection state (coverage: a device gone offline has its person's
evaluated at once, without waiting for this job); every hour the live stream's journals
(alert changes, access taken away) cut to their newest rows, rejected device messages
past their keeping (``Policy``), and (PostgreSQL) the coming monthly partitions; once a day — at
start-up and on the first tick of each local day — the billing run and expired
referrals. Those two are idempotent for a day, so the database, not this process,
remembers what was done: a restart just runs them again.

Each job runs on its own: one that fails is logged and tried again on the next tick,
never stopping the others or the loop. The jobs that keep people safe minute by minute
(escalation, devices gone silent, device commands' expiry, inactivity) tick in a lane of
their own, so a long pass of another job (every person's coverage, the billing run over
every account) never holds back an escalation that is due.

All state that matters is in the database, so several schedulers may run at once: alerts
and devices are shared out by row locks (``SKIP LOCKED``), and the other jobs take a
PostgreSQL advisory lock — a scheduler that finds it held skips the job for that tick.
(SQLite lets one writer in at a time.)
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from cuiot.adapters.live import access_journal, journal
from cuiot.adapters.persistence.partitions import ensure_partitions
from cuiot.adapters.persistence.repositories import rejections
from cuiot.application.billing.commands.billing_run import RunBilling, RunBillingCommand
from cuiot.application.referrals.commands.referrals import ExpireReferrals
from cuiot.application.safety.commands.coverage import CheckCoverage
from cuiot.application.safety.commands.device_commands import (
    ExpireDeviceCommands,
    ExpireDeviceCommandsCommand,
)
from cuiot.application.safety.commands.escalation import EscalateDueAlerts, EscalateDueAlertsCommand
from cuiot.application.safety.commands.monitoring import (
    CheckDevicesOffline,
    CheckInactivity,
    PeriodicCheckCommand,
)
from cuiot.application.shared.ports import Clock, IdGenerator
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.policy import Policy

if TYPE_CHECKING:
    from cuiot.entrypoints.container import Container

logger = logging.getLogger("cuiot.scheduler")
MAX_ROUNDS = 100  # pages of due alerts (or devices) handled in one tick, at most


class Lane(StrEnum):
    """Jobs of one lane run one after another; the lanes run side by side."""

    SAFETY = "safety"  # short, every tick or minute: an alert must never wait for a report
    PASSES = "passes"  # long passes over every person or account, and housekeeping


@dataclass
class Job:
    name: str
    run: Callable[[], Awaitable[int]]  # how many things it handled
    every: timedelta | None = None  # None: every tick
    daily: bool = False
    exclusive: bool = False  # one scheduler at a time (PostgreSQL advisory lock)
    lane: Lane = Lane.SAFETY
    next_at: datetime | None = None
    done_on: date | None = None

    def is_due(self, now: datetime, today: date) -> bool:
        if self.daily:
            return self.done_on != today
        return self.next_at is None or now >= self.next_at

    def ran(self, now: datetime, today: date) -> None:
        self.done_on = today
        self.next_at = now + self.every if self.every else None


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory lock key for a job."""
    return int.from_bytes(hashlib.sha256(f"cuiot:{name}".encode()).digest()[:8], "big",
                          signed=True)


@contextlib.asynccontextmanager
async def exclusive(engine: AsyncEngine | None, name: str) -> AsyncIterator[bool]:
    """Whether this scheduler may run the job now. On PostgreSQL: a transaction-scoped
    advisory lock on a connection of its own, released when the job ends (or dies)."""
    if engine is None or engine.dialect.name != "postgresql":
        yield True
        return
    async with engine.connect() as conn:
        yield bool(await conn.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"),
                                     {"key": lock_key(name)}))


async def until_done(step: Callable[[], Awaitable[int]], page: int) -> int:
    """Run ``step`` while it fills whole pages; the total it handled."""
    total = 0
    for _ in range(MAX_ROUNDS):
        handled = await step()
        total += handled
        if handled < page:
            break
    return total


class SchedulerMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.runs = Counter("cuiot_scheduler_job_runs_total", "Scheduler job runs by outcome "
                            "(ok, failed, skipped: another scheduler held it)",
                            ["job", "outcome"], registry=registry)
        self.handled = Counter("cuiot_scheduler_job_handled_total", "Things scheduler jobs "
                               "handled (alerts escalated, devices gone offline…)", ["job"],
                               registry=registry)
        self.duration = Histogram("cuiot_scheduler_job_duration_seconds",
                                  "Scheduler job duration", ["job"], registry=registry)
        self.last_tick = Gauge("cuiot_scheduler_last_tick_timestamp_seconds",
                               "When the scheduler last finished a tick (Unix time)",
                               registry=registry)


class Scheduler:
    """Runner: ``start()`` ticks in the background until ``stop()`` (graceful: the tick
    under way ends, for up to ``stop_seconds``; idempotent). ``tick()`` runs the jobs
    that are due once, for tests and for callers that drive time themselves."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock, ids: IdGenerator,
                 policy: Policy, *, tick_seconds: float = 1.0, engine: AsyncEngine | None = None,
                 metrics_registry: CollectorRegistry | None = None,
                 inactivity_every: timedelta = timedelta(minutes=1),
                 coverage_every: timedelta = timedelta(minutes=5),
                 partitions_every: timedelta = timedelta(hours=1),
                 journal_every: timedelta = timedelta(hours=1),
                 stop_seconds: float = 30.0) -> None:
        self.uow_factory, self.clock, self.ids, self.policy = uow_factory, clock, ids, policy
        self.tick_seconds, self.engine, self.stop_seconds = tick_seconds, engine, stop_seconds
        self.metrics = SchedulerMetrics(metrics_registry or CollectorRegistry())
        self.jobs = [
            Job("escalation", self._escalate),
            Job("devices_offline", self._devices_offline),
            Job("device_commands_expiry", self._expire_device_commands),
            Job("inactivity", self._inactivity, every=inactivity_every, exclusive=True),
            Job("coverage", self._coverage, every=coverage_every, exclusive=True,
                lane=Lane.PASSES),
            Job("partitions", self._partitions, every=partitions_every, exclusive=True,
                lane=Lane.PASSES),
            Job("live_journal", self._prune_journal, every=journal_every, exclusive=True,
                lane=Lane.PASSES),
            Job("rejected_messages", self._prune_rejected, every=journal_every,
                exclusive=True, lane=Lane.PASSES),
            Job("billing", self._billing, daily=True, exclusive=True, lane=Lane.PASSES),
            Job("referrals_expiry", self._expire_referrals, daily=True, exclusive=True,
                lane=Lane.PASSES),
        ]
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def from_container(cls, container: Container) -> Scheduler:
        return cls(lambda: container.uow(), container.clock(), container.ids(), container.policy(),
                   tick_seconds=container.settings().scheduler_tick_seconds,
                   engine=container.engine(), metrics_registry=container.metrics_registry())

    async def start(self) -> None:
        if self._task is None:
            self._stopping.clear()
            self._task = asyncio.create_task(self._loop(), name="cuiot-scheduler")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), self.stop_seconds)
        except TimeoutError:
            logger.warning("scheduler: a job outlived %.0f s at stop; cancelled",
                           self.stop_seconds)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def tick(self, lane: Lane | None = None) -> dict[str, str]:
        """Run every job that is due (of ``lane``, or all, one after another); each one's
        outcome (ok, failed, skipped)."""
        outcomes = {}
        for job in self.jobs:
            now, today = self.clock.now(), self.clock.today()
            if (lane is None or job.lane is lane) and job.is_due(now, today):
                outcomes[job.name] = await self._run(job, now, today)
        if lane in (None, Lane.SAFETY):
            self.metrics.last_tick.set_to_current_time()
        return outcomes

    async def _loop(self) -> None:
        logger.info("scheduler started: a tick every %s s", self.tick_seconds)
        await asyncio.gather(*(self._ticking(lane) for lane in Lane))
        logger.info("scheduler stopped")

    async def _ticking(self, lane: Lane) -> None:
        while not self._stopping.is_set():
            started = time.monotonic()
            await self.tick(lane)
            pause = max(0.0, self.tick_seconds - (time.monotonic() - started))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), pause)

    async def _run(self, job: Job, now: datetime, today: date) -> str:
        started = time.perf_counter()
        try:
            async with exclusive(self.engine if job.exclusive else None, job.name) as mine:
                if not mine:
                    outcome = "skipped"
                else:
                    self.metrics.handled.labels(job.name).inc(await job.run())
                    job.ran(now, today)
                    outcome = "ok"
        except Exception:
            logger.exception("scheduler job %s failed; it runs again next tick", job.name)
            outcome = "failed"
        self.metrics.runs.labels(job.name, outcome).inc()
        self.metrics.duration.labels(job.name).observe(time.perf_counter() - started)
        return outcome

    # -- the jobs ------------------------------------------------------------------------
    async def _escalate(self) -> int:
        command = EscalateDueAlertsCommand()
        return await until_done(lambda: EscalateDueAlerts(
            self.uow_factory(), self.clock, self.ids, self.policy)(command), command.limit)

    async def _devices_offline(self) -> int:
        command = PeriodicCheckCommand()
        return await until_done(lambda: CheckDevicesOffline(
            self.uow_factory(), self.clock, self.ids, self.policy)(command), command.limit)

    async def _expire_device_commands(self) -> int:
        command = ExpireDeviceCommandsCommand(limit=500)
        return await until_done(lambda: ExpireDeviceCommands(self.uow_factory(), self.clock)(
            command), command.limit)

    async def _inactivity(self) -> int:
        return await CheckInactivity(self.uow_factory(), self.clock, self.ids, self.policy)()

    async def _coverage(self) -> int:
        return await CheckCoverage(self.uow_factory(), self.clock, self.ids, self.policy)()

    async def _partitions(self) -> int:
        if self.engine is None or self.engine.dialect.name != "postgresql":
            return 0
        async with self.engine.begin() as conn:
            return len(await ensure_partitions(conn, self.clock.today()))

    async def _prune_journal(self) -> int:
        if self.engine is None:
            return 0
        async with self.engine.begin() as conn:
            return await journal.prune(conn) + await access_journal.prune(conn)

    async def _prune_rejected(self) -> int:
        if self.engine is None:
            return 0
        async with self.engine.begin() as conn:
            return await rejections.prune(
                conn, self.clock.now() - self.policy.rejected_messages_kept_for,
                self.policy.rejected_messages_kept_most)

    async def _billing(self) -> int:
        summary = await RunBilling(self.uow_factory(), self.clock, self.ids, self.policy)(
            RunBillingCommand(on_date=self.clock.today()))
        return summary.invoices_issued

    async def _expire_referrals(self) -> int:
        return await ExpireReferrals(self.uow_factory(), self.clock, self.policy)()

"""Critical path: how long a hypertensive crisis takes from publish to the alert row and
to the first webhook, under ingest load.

    python -m bench critical-path [--seconds 60] [--rate R] [--burst 2000] [--devices 200]
                                  [--database postgres|sqlite] [--src DIR]

A self-care person (the user themself, so level 1 of every alert is the user) has
``--devices`` meters for the load and one meter per critical reading, so each reading
opens a new alert. The worker runs with ``CUIOT_PUSH_WEBHOOK_URL`` pointing at a receiver
in this process: the user's push notification is the webhook timed. Phases, each
reading 200/120: with no load (the baseline); one a second for ``--seconds`` while a
publisher process sends normal readings at ``--rate`` (default half the rate the worker
drains a quick flood at); one right behind a burst of ``--burst`` normal readings.
Webhook times include the dispatcher's tick (``CUIOT_DISPATCH_TICK_SECONDS``, 1 s).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.common import (
    CRITICAL_READING,
    Publisher,
    WorkerProcess,
    add_database_argument,
    add_src_argument,
    benchmark_broker,
    count_rows,
    engine_for,
    log_file,
    message_problems,
    migrated_database,
    percentile,
    prepare_session,
    publish_readings,
    reading,
    seed_account,
    seed_devices,
    sigterm_as_interrupt,
    wait_for_rows,
)
from bench.ingest import publish_steadily
from bench.report import Report
from cuiot.adapters.persistence.orm.identity import push_tokens
from cuiot.adapters.persistence.orm.safety import alerts

BASELINE_READINGS = 5
POLL_S = 0.02
DELIVERY_TIMEOUT_S = 60.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=int, default=60,
                        help="critical readings under load, one a second (60)")
    parser.add_argument("--rate", type=float, default=None,
                        help="load in messages per second (default: half a measured maximum)")
    parser.add_argument("--calibrate", type=int, default=2000,
                        help="messages of the flood that measures the maximum (2000)")
    parser.add_argument("--burst", type=int, default=2000,
                        help="normal readings published just before the last critical (2000)")
    parser.add_argument("--devices", type=int, default=200, help="meters sending the load (200)")
    parser.add_argument("--baseline-readings", type=int, default=BASELINE_READINGS,
                        help=f"critical readings with no load, one a second ({BASELINE_READINGS})")
    add_database_argument(parser)
    add_src_argument(parser)


# -- what the worker delivers, and when -------------------------------------------------

class Arrivals:
    """First time (``time.time()``) something was seen per device pk, thread-safe."""

    def __init__(self) -> None:
        self._lock, self.first = threading.Lock(), {}

    def saw(self, device_pk: str, at: float) -> None:
        with self._lock:
            self.first.setdefault(device_pk, at)

    def get(self, device_pk: str) -> float | None:
        with self._lock:
            return self.first.get(device_pk)


@contextmanager
def webhook_receiver() -> Iterator[tuple[str, Arrivals]]:
    """A local HTTP server taking push webhooks: (its URL, when each device's alert
    was first delivered). Answers 204 to every POST."""
    arrivals = Arrivals()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            at = time.time()
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            device_pk = (body.get("data") or {}).get("device_id")
            if device_pk:
                arrivals.saw(device_pk, at)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/push", arrivals
    finally:
        server.shutdown()
        server.server_close()


async def watch_alerts(engine: AsyncEngine, arrivals: Arrivals, stop: asyncio.Event) -> None:
    """Stamp when each device's alert row is first seen committed (polls ``alerts``)."""
    while not stop.is_set():
        async with engine.connect() as conn:
            rows = (await conn.execute(select(alerts.c.device_pk))).scalars().all()
        now = time.time()
        for device_pk in rows:
            arrivals.saw(str(device_pk), now)
        await asyncio.sleep(POLL_S)


# -- critical readings ------------------------------------------------------------------

@dataclass
class Criticals:
    """Critical readings of one phase: when each was published, by device pk."""

    name: str
    published: dict[str, float] = field(default_factory=dict)

    def latencies(self, arrivals: Arrivals) -> list[float]:
        """Milliseconds to arrival for those that arrived."""
        return [1000 * (arrivals.get(pk) - at) for pk, at in self.published.items()
                if arrivals.get(pk) is not None]

    def missing(self, arrivals: Arrivals) -> int:
        return sum(arrivals.get(pk) is None for pk in self.published)


class CriticalSender:
    """Publishes each critical reading from a meter of its own (a new alert each time)."""

    def __init__(self, publisher: Publisher, meters: dict[str, UUID]) -> None:
        self.publisher, self.unused = publisher, list(meters.items())
        self.msg_ids: list[str] = []

    def send(self, phase: Criticals, publisher: Publisher | None = None) -> None:
        """One critical reading, by ``publisher`` when given (to follow what it sent)."""
        device_id, device_pk = self.unused.pop(0)
        msg_id = f"crit-{len(self.msg_ids)}"
        phase.published[str(device_pk)] = time.time()
        (publisher or self.publisher).publish(device_id, reading(msg_id, CRITICAL_READING))
        self.msg_ids.append(msg_id)


async def wait_delivered(phases: list[Criticals], webhooks: Arrivals, alive: Any) -> None:
    deadline = time.monotonic() + DELIVERY_TIMEOUT_S
    while any(p.missing(webhooks) for p in phases) and time.monotonic() < deadline:
        alive()
        await asyncio.sleep(0.1)


async def every_second(sender: CriticalSender, phase: Criticals, count: int) -> None:
    started = time.monotonic()
    for i in range(count):
        await asyncio.sleep(max(0.0, started + i - time.monotonic()))
        sender.send(phase)


# -- the phases -------------------------------------------------------------------------

@dataclass
class Setup:
    engine: AsyncEngine
    worker: WorkerProcess
    mqtt_url: str
    load_ids: list[str]
    sender: CriticalSender
    load_msg_ids: list[str] = field(default_factory=list)


async def measure_max_rate(setup: Setup, messages: int) -> float:
    """The worker's drain rate of a flood of ``messages``, from its first commit on."""
    before = (await count_rows(setup.engine, ("events",)))["events"]
    msg_ids = publish_readings(setup.mqtt_url, setup.load_ids, messages, "flood")
    setup.load_msg_ids += msg_ids
    arrival = await wait_for_rows(setup.engine, messages, baseline=before,
                                  alive=setup.worker.ensure_running)
    return arrival.rate_after_first(messages)


async def under_load(setup: Setup, rate: float, seconds: int, phase: Criticals) -> None:
    count = int(rate * (seconds + 1))
    load = multiprocessing.get_context("spawn").Process(
        target=publish_steadily, args=(setup.mqtt_url, setup.load_ids, rate, count, "load"),
        daemon=True)
    load.start()
    try:
        await asyncio.sleep(1.0)  # the publisher process is up and publishing
        await every_second(setup.sender, phase, seconds)
    finally:
        await asyncio.to_thread(load.join, 60 + seconds)
        if load.is_alive():
            load.terminate()
    setup.load_msg_ids += [f"load-{i}" for i in range(count)]


def behind_a_burst(setup: Setup, burst: int, phase: Criticals) -> None:
    """``burst`` normal readings then, on the same connection, the critical one."""
    with Publisher(setup.mqtt_url) as publisher:
        for i in range(burst):
            publisher.publish(setup.load_ids[i % len(setup.load_ids)],
                              reading(f"burst-{i}"))
        setup.sender.send(phase, publisher)
        publisher.wait_acknowledged()
    setup.load_msg_ids += [f"burst-{i}" for i in range(burst)]


async def run_phases(setup: Setup, args: argparse.Namespace, alert_rows: Arrivals,
                     webhooks: Arrivals) -> tuple[list[Criticals], float]:
    quiet, loaded, burst = (Criticals("no load (baseline)"), Criticals("under load"),
                            Criticals(f"behind a burst of {args.burst}"))
    await every_second(setup.sender, quiet, args.baseline_readings)
    await wait_delivered([quiet], webhooks, setup.worker.ensure_running)
    rate = args.rate or max(1.0, await measure_max_rate(setup, args.calibrate) / 2)
    loaded.name = f"under load, {rate:,.0f} msg/s"
    await under_load(setup, rate, args.seconds, loaded)
    behind_a_burst(setup, args.burst, burst)
    await wait_delivered([quiet, loaded, burst], webhooks, setup.worker.ensure_running)
    return [quiet, loaded, burst], rate


# -- the run ----------------------------------------------------------------------------

async def seed(engine: AsyncEngine, args: argparse.Namespace) -> tuple[list[str], dict[str, UUID]]:
    """Load meters and one critical meter per critical reading, all the user's own."""
    account = await seed_account(engine, 1, self_care=True)
    async with engine.begin() as conn:  # a phone: push reaches registered phones only
        await conn.execute(insert(push_tokens).values(
            id=uuid4(), user_id=account.user_id, token="bench-phone", created_at=datetime.now(UTC)))
    load = await seed_devices(engine, account, args.devices, prefix="bp")
    meters = await seed_devices(engine, account, args.baseline_readings + args.seconds + 1,
                                prefix="crit")
    return list(load), meters


async def measure(url: str, mqtt_url: str, args: argparse.Namespace, report: Report) -> None:
    engine, stop = engine_for(url), asyncio.Event()
    alert_rows, log_path = Arrivals(), log_file("critical-path-worker")
    report.notes.append(f"worker log: {log_path}")
    try:
        load_ids, meters = await seed(engine, args)
        with webhook_receiver() as (hook_url, webhooks), Publisher(mqtt_url) as publisher:
            worker = WorkerProcess(url, mqtt_url, log_path, src=args.src,
                                   env={"CUIOT_PUSH_WEBHOOK_URL": hook_url})
            setup = Setup(engine, worker, mqtt_url, load_ids, CriticalSender(publisher, meters))
            watcher = asyncio.create_task(watch_alerts(engine, alert_rows, stop))
            try:
                await start_and_wait(setup)
                phases, rate = await run_phases(setup, args, alert_rows, webhooks)
                await wait_for_rows(engine, len(setup.load_msg_ids) + len(setup.sender.msg_ids) + 1,
                                    alive=worker.ensure_running)
            finally:
                stop.set()
                await asyncio.gather(watcher, return_exceptions=True)
                worker.stop()
        report_phases(report, phases, alert_rows, webhooks, rate)
        report.problems += await message_problems(
            engine, setup.load_msg_ids + setup.sender.msg_ids + ["ready-0"])
        report.figures["counts"] = await count_rows(engine)
    finally:
        await engine.dispose()


async def start_and_wait(setup: Setup) -> None:
    """Start the worker and wait until a first reading is committed: it is consuming."""
    prepare_session(setup.mqtt_url)
    setup.worker.start()
    publish_readings(setup.mqtt_url, setup.load_ids[:1], 1, "ready")
    await wait_for_rows(setup.engine, 1, timeout=60, alive=setup.worker.ensure_running)


def report_phases(report: Report, phases: list[Criticals], alert_rows: Arrivals,
                  webhooks: Arrivals, rate: float) -> None:
    baseline = percentile(phases[0].latencies(webhooks), 50)
    for phase in phases:
        to_alert, to_hook = phase.latencies(alert_rows), phase.latencies(webhooks)
        p50 = percentile(to_hook, 50)
        report.rows.append({
            "phase": phase.name, "readings": len(phase.published),
            "alert p50 ms": percentile(to_alert, 50), "alert p99 ms": percentile(to_alert, 99),
            "webhook p50 ms": p50, "webhook p99 ms": percentile(to_hook, 99),
            "webhook max ms": max(to_hook, default=None),
            "p50 vs baseline": p50 / baseline if p50 and baseline else None})
        if phase.missing(webhooks):
            report.problems.append(f"{phase.missing(webhooks)} critical readings {phase.name} "
                                   f"never reached the webhook within {DELIVERY_TIMEOUT_S:.0f} s")
    report.figures["load_rate"] = rate
    report.figures["webhook_p50_ms_baseline"] = baseline


def run(args: argparse.Namespace) -> Report:
    sigterm_as_interrupt()
    report = Report("critical-path", {k: getattr(args, k) for k in (
        "seconds", "rate", "calibrate", "burst", "devices", "baseline_readings", "database",
        "src")})
    with benchmark_broker() as broker, migrated_database(args.database) as url:
        asyncio.run(measure(url, broker.url, args, report))
    report.notes.append("times are publish → the first 20 ms poll seeing the alert row, and "
                        "publish → the push webhook received here (dispatcher tick included)")
    return report

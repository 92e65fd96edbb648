"""Ingest: the real `cuiot worker` draining a broker queue and keeping up live, against a
raw consumer.

    python -m bench ingest [--messages 10000] [--devices 200] [--database postgres|sqlite]
                           [--live-seconds 10] [--live-rate R] [--src DIR]

Drain: N normal blood-pressure readings (QoS 1, unique msg_id) wait in the worker's
persistent session on a throwaway Mosquitto; the worker starts and the rate is timed from
its first committed event to the last (start-up is left out and shown apart). Baseline,
same broker, same N, a fresh database of the same kind: a raw paho consumer committing
batches of up to 500 rows (``INSERT … ON CONFLICT DO NOTHING``) before acknowledging.
Live: a publisher process at a steady rate (default half the drain rate) while the worker
runs; latency is publish (the payload's ``ts``) to the first poll (every 0.1 s) that sees
the row committed. Every msg_id must end with exactly one event and one device_messages
row, or the run fails.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

from paho.mqtt.client import MQTTMessage
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.common import (
    SESSION_EXPIRY_S,
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
    mqtt_client,
    percentile,
    prepare_session,
    publish_readings,
    reading,
    seed_account,
    seed_devices,
    sigterm_as_interrupt,
    wait_for_rows,
)
from bench.report import Report
from cuiot.adapters.mqtt.client import session_properties
from cuiot.adapters.persistence.orm.safety import device_messages, devices, events

RAW_CLIENT_ID = "bench-raw-consumer"
RAW_BATCH = 500
POLL_S = 0.1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--messages", type=int, default=10_000, help="drained messages (10000)")
    parser.add_argument("--devices", type=int, default=200, help="blood-pressure meters (200)")
    parser.add_argument("--persons", type=int, default=10, help="cared persons owning them (10)")
    parser.add_argument("--live-seconds", type=float, default=10.0,
                        help="how long the live publisher runs (10; 0 skips the live run)")
    parser.add_argument("--live-rate", type=float, default=None,
                        help="live messages per second (default: half the drain rate)")
    add_database_argument(parser)
    add_src_argument(parser)


# -- the cuiot worker -------------------------------------------------------------------

@dataclass
class Fleet:
    """A seeded database: device_id → (device pk, cared person id)."""

    owners: dict[str, tuple[UUID, UUID]]

    @property
    def device_ids(self) -> list[str]:
        return list(self.owners)


async def seed_fleet(engine: AsyncEngine, device_count: int, persons: int) -> Fleet:
    account = await seed_account(engine, persons)
    seeded = await seed_devices(engine, account, device_count)
    async with engine.connect() as conn:
        rows = (await conn.execute(select(devices.c.device_id, devices.c.id,
                                          devices.c.cared_person_id))).all()
    return Fleet({r.device_id: (r.id, r.cared_person_id) for r in rows if r.device_id in seeded})


@dataclass
class Drain:
    """A drain measured: messages per second from the first committed row on, and the
    seconds from the consumer's start to that first row."""

    rate: float
    startup_s: float
    problems: list[str] = field(default_factory=list)


async def drain_worker(worker: WorkerProcess, engine: AsyncEngine, mqtt_url: str,
                       device_ids: list[str], messages: int, prefix: str = "drain") -> Drain:
    """Queue ``messages`` readings in the (stopped) worker's session, start it, time the
    drain. The worker is left running; every message is then checked."""
    prepare_session(mqtt_url)
    since = datetime.now(UTC)  # every reading published from here on carries a later ts
    msg_ids = publish_readings(mqtt_url, device_ids, messages, prefix)
    worker.start()
    arrival = await wait_for_rows(engine, messages, alive=worker.ensure_running,
                                  statement=_new_events(device_ids, since))
    problems = await message_problems(engine, msg_ids, like=f"{prefix}-%")
    return Drain(arrival.rate_after_first(messages), arrival.first_at - worker.started_at,
                 problems)


def _new_events(device_ids: list[str], since: datetime) -> Any:
    """How many of these devices' events are timed from ``since`` on: an index range per
    device (and on PostgreSQL one partition), so polling costs the same with 10 M events
    stored as with none (a plain ``count(*)`` would scan them all, on the cores the
    worker is being measured on)."""
    fleet = select(devices.c.id).where(devices.c.device_id.in_(device_ids))
    return (select(func.count()).select_from(events)
            .where(events.c.device_pk.in_(fleet), events.c.timestamp >= since))


# -- the raw baseline -------------------------------------------------------------------

def _insert_ignoring_repeats(engine: AsyncEngine, table: Any) -> Any:
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


def _raw_rows(message: MQTTMessage, owners: dict[str, tuple[UUID, UUID]]) -> tuple[dict, dict]:
    body = json.loads(message.payload)
    device_pk, person_id = owners[message.topic.split("/")[2]]
    data, ts, event_id = body["data"], datetime.fromisoformat(body["ts"]), uuid.uuid4()
    severity = "high" if data["systolic"] >= 140 or data["diastolic"] >= 90 else "low"
    return ({"id": event_id, "timestamp": ts, "device_pk": device_pk, "cared_person_id": person_id,
             "event_type": "blood_pressure", "severity": severity, "sensor_data": data,
             "received_at": datetime.now(UTC), "msg_id": body["msg_id"],
             "size_bytes": len(message.payload), "alert_id": None},
            {"device_pk": device_pk, "msg_id": body["msg_id"], "event_id": event_id,
             "event_timestamp": ts})


async def raw_consume(mqtt_url: str, engine: AsyncEngine, owners: dict[str, tuple[UUID, UUID]],
                      expected: int) -> None:
    """The baseline consumer: persistent session, manual acks, batches of up to 500
    committed with ON CONFLICT DO NOTHING, acknowledged after the commit."""
    loop, queue = asyncio.get_running_loop(), asyncio.Queue()
    client, address = mqtt_client(mqtt_url, RAW_CLIENT_ID, manual_ack=True)
    client.on_message = lambda _c, _u, message: loop.call_soon_threadsafe(queue.put_nowait, message)
    client.connect(address.host, address.port, clean_start=False,
                   properties=session_properties(SESSION_EXPIRY_S, receive_maximum=2 * RAW_BATCH))
    client.loop_start()
    insert_events = _insert_ignoring_repeats(engine, events)
    insert_messages = _insert_ignoring_repeats(engine, device_messages)
    try:
        stored = 0
        while stored < expected:
            batch = [await queue.get()]
            while len(batch) < RAW_BATCH and not queue.empty():
                batch.append(queue.get_nowait())
            rows = [_raw_rows(message, owners) for message in batch]
            async with engine.begin() as conn:
                await conn.execute(insert_events, [event for event, _ in rows])
                await conn.execute(insert_messages, [msg for _, msg in rows])
            for message in batch:
                client.ack(message.mid, message.qos)
            stored += len(batch)
    finally:
        client.disconnect()
        client.loop_stop()


async def drain_raw(engine: AsyncEngine, mqtt_url: str, fleet: Fleet, messages: int) -> Drain:
    prepare_session(mqtt_url, RAW_CLIENT_ID, ["cuiot/devices/+/telemetry"])
    msg_ids = publish_readings(mqtt_url, fleet.device_ids, messages, "raw")
    started = time.monotonic()
    consumer = asyncio.create_task(raw_consume(mqtt_url, engine, fleet.owners, messages))
    try:
        arrival = await wait_for_rows(engine, messages,
                                      alive=lambda: consumer.done() and consumer.result())
        await consumer
    finally:
        consumer.cancel()
    problems = await message_problems(engine, msg_ids, like="raw-%")
    return Drain(arrival.rate_after_first(messages), arrival.first_at - started, problems)


# -- live -------------------------------------------------------------------------------

def publish_steadily(mqtt_url: str, device_ids: list[str], rate: float, count: int,
                     prefix: str, untaken_path: str | None = None) -> None:
    """(A process of its own.) ``count`` readings at ``rate`` per second, each stamped
    with its publish time in ``ts``; then, given ``untaken_path``, the ``msg_id`` of every
    reading the broker has still not taken after two minutes, as a JSON list there."""
    with Publisher(mqtt_url) as publisher:
        started = time.monotonic()
        for i in range(count):
            delay = started + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            publisher.publish(device_ids[i % len(device_ids)], reading(f"{prefix}-{i}"))
        if untaken_path is None:
            publisher.wait_acknowledged()
            return
        with contextlib.suppress(TimeoutError):
            publisher.wait_acknowledged()
        Path(untaken_path).write_text(json.dumps(publisher.unacknowledged))


@dataclass
class Live:
    """The live run: messages committed per second from the first publish to the last
    commit seen, and the publish-to-commit latency. ``untaken``: readings the broker never
    took (the publisher's or the broker's limit, not a loss of CUIOT's); ``behind``:
    readings not yet stored two minutes after the last was published, and how long the
    worker then took to store them (``catch_up_s``)."""

    messages: int
    rate: float
    p50_ms: float | None
    p99_ms: float | None
    problems: list[str]
    untaken: int = 0
    behind: int = 0
    catch_up_s: float | None = None

    @classmethod
    def of(cls, messages: int, seen: dict[str, tuple[datetime, datetime]],
           problems: list[str]) -> Live:
        if not seen:
            return cls(messages, 0.0, None, None, problems)
        latencies = [1000 * (at - published).total_seconds() for published, at in seen.values()]
        span = (max(at for _, at in seen.values())
                - min(published for published, _ in seen.values())).total_seconds()
        return cls(messages, len(seen) / span, percentile(latencies, 50),
                   percentile(latencies, 99), problems)


async def stamp_commits(engine: AsyncEngine, prefix: str, count: int, timeout: float,
                        alive: Any) -> dict[str, tuple[datetime, datetime]]:
    """msg_id → (published, seen): the publish time (``timestamp``, the payload's ``ts``)
    and the wall time of the first poll that sees the row committed. Each poll reads only
    the rows processed in the last 10 s (``received_at``), so it stays small."""
    seen: dict[str, tuple[datetime, datetime]] = {}
    deadline = time.monotonic() + timeout
    query = select(events.c.msg_id, events.c.timestamp).where(events.c.msg_id.like(f"{prefix}-%"))
    last_poll = datetime.now(UTC) - timedelta(minutes=10)
    while len(seen) < count and time.monotonic() < deadline:
        polled_at = datetime.now(UTC)
        async with engine.connect() as conn:
            rows = (await conn.execute(query.where(
                events.c.received_at >= last_poll - timedelta(seconds=10)))).all()
        now = datetime.now(UTC)
        for msg_id, published in rows:
            seen.setdefault(msg_id, (published, now))
        last_poll = polled_at
        alive()
        await asyncio.sleep(POLL_S)
    return seen


async def catch_up(engine: AsyncEngine, prefix: str, count: int, alive: Any,
                   idle_s: float = 60.0, most_s: float = 3600.0) -> float | None:
    """Wait while the worker is still storing readings of ``prefix`` (a backlog, not a
    loss): until all ``count`` are stored, or none came in ``idle_s``. The seconds it took
    to store them all, or None when it stopped short of that."""
    started = last_progress = time.monotonic()
    stored = -1
    while time.monotonic() - started < most_s:
        async with engine.connect() as conn:
            now_stored = (await conn.execute(select(func.count()).select_from(events).where(
                events.c.msg_id.like(f"{prefix}-%")))).scalar_one()
        if now_stored >= count:
            return time.monotonic() - started
        if now_stored > stored:
            stored, last_progress = now_stored, time.monotonic()
        elif time.monotonic() - last_progress > idle_s:
            return None
        alive()
        await asyncio.sleep(5)
    return None


async def live_worker(worker: WorkerProcess, engine: AsyncEngine, mqtt_url: str,
                      device_ids: list[str], rate: float, seconds: float) -> Live:
    """Publish at ``rate`` from another process while the running worker keeps up. What
    the broker took must be stored once; a backlog left at the end is waited for and
    reported as the worker falling behind, apart from what is lost."""
    count, prefix = max(1, int(rate * seconds)), "live"
    untaken_path = log_file("live-untaken")
    publisher = multiprocessing.get_context("spawn").Process(
        target=publish_steadily,
        args=(mqtt_url, device_ids, rate, count, prefix, str(untaken_path)), daemon=True)
    publisher.start()

    def alive() -> None:
        worker.ensure_running()
        if publisher.exitcode not in (None, 0):
            raise RuntimeError(f"the live publisher failed (exit code {publisher.exitcode})")

    try:
        seen = await stamp_commits(engine, prefix, count, seconds + 120, alive)
    finally:
        publisher.join(timeout=180)
        if publisher.is_alive():
            publisher.terminate()
    untaken = set(json.loads(untaken_path.read_text() or "[]")) if untaken_path.exists() else set()
    taken = [f"{prefix}-{i}" for i in range(count) if f"{prefix}-{i}" not in untaken]
    behind = len(set(taken) - seen.keys())
    took = await catch_up(engine, prefix, len(taken), alive) if behind else None
    problems = await message_problems(engine, taken, like=f"{prefix}-%")
    if untaken:
        problems.append(f"the broker never took {len(untaken)} readings (not counted as lost: "
                        "the load did not reach CUIOT as asked)")
    if behind:
        problems.append(f"the worker fell behind: {behind} readings not stored 120 s after "
                        "the last was published; "
                        + (f"it stored them {took:.0f} s later" if took is not None
                           else "it stopped short of storing them all"))
    live = Live.of(count, seen, problems)
    live.untaken, live.behind, live.catch_up_s = len(untaken), behind, took
    return live


# -- the run ----------------------------------------------------------------------------

async def measure_worker(url: str, mqtt_url: str, args: argparse.Namespace,
                         log_path: Path) -> tuple[Drain, Live | None, dict[str, int]]:
    engine = engine_for(url)
    try:
        fleet = await seed_fleet(engine, args.devices, args.persons)
        worker = WorkerProcess(url, mqtt_url, log_path, src=args.src)
        try:
            drain = await drain_worker(worker, engine, mqtt_url, fleet.device_ids, args.messages)
            live = None
            if args.live_seconds > 0:
                rate = args.live_rate or max(1.0, drain.rate / 2)
                live = await live_worker(worker, engine, mqtt_url, fleet.device_ids, rate,
                                         args.live_seconds)
        finally:
            worker.stop()
        return drain, live, await count_rows(engine)
    finally:
        await engine.dispose()


async def measure_raw(url: str, mqtt_url: str, args: argparse.Namespace) -> Drain:
    engine = engine_for(url)
    try:
        fleet = await seed_fleet(engine, args.devices, args.persons)
        return await drain_raw(engine, mqtt_url, fleet, args.messages)
    finally:
        await engine.dispose()


def _row(run: str, messages: int, rate: float, baseline: float, startup: float | None = None,
         p50: float | None = None, p99: float | None = None) -> dict[str, Any]:
    return {"run": run, "messages": messages, "msg/s": rate, "vs raw": rate / baseline,
            "start-up s": startup, "p50 ms": p50, "p99 ms": p99}


def run(args: argparse.Namespace) -> Report:
    sigterm_as_interrupt()
    report = Report("ingest", {k: getattr(args, k) for k in (
        "messages", "devices", "persons", "database", "live_seconds", "live_rate", "src")})
    log_path = log_file("ingest-worker")
    report.notes.append(f"worker log: {log_path}")
    with benchmark_broker() as broker:
        with migrated_database(args.database) as url:
            raw = asyncio.run(measure_raw(url, broker.url, args))
        with migrated_database(args.database) as url:
            drain, live, counts = asyncio.run(measure_worker(url, broker.url, args, log_path))
    report.rows.append(_row("raw consumer (baseline)", args.messages, raw.rate, raw.rate,
                            raw.startup_s))
    report.rows.append(_row("cuiot worker, drain", args.messages, drain.rate, raw.rate,
                            drain.startup_s))
    report.figures.update({"raw_rate": raw.rate, "worker_rate": drain.rate,
                           "ratio_worker_to_raw": drain.rate / raw.rate,
                           "worker_startup_s": drain.startup_s, "counts": counts})
    if live is not None:
        report.rows.append(_row("cuiot worker, live", live.messages,
                                live.rate, raw.rate, None, live.p50_ms, live.p99_ms))
        report.figures.update({"live_rate": live.rate, "live_p50_ms": live.p50_ms,
                               "live_p99_ms": live.p99_ms})
    report.problems += raw.problems + drain.problems + (live.problems if live else [])
    report.notes.append("drain rates count from the first committed row (start-up shown apart); "
                        f"live latency = publish to the first {POLL_S:.1f} s poll seeing the row")
    return report

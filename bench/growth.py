"""Growth: does ingest or reading events slow down as the events table fills up? (PostgreSQL)

    python -m bench growth [--sizes 0,1000000,10000000] [--messages 2000] [--reads 200]
                           [--devices 200] [--src DIR]

For each size, a fresh PostgreSQL database gets that many old events (and their
device_messages rows) spread over the past six months, in the monthly partitions a
deployment that runs ``ensure_partitions`` daily would have, then ``VACUUM ANALYZE`` and a
``CHECKPOINT`` (the prefill's own write-back is not what is measured).
Then the ingest drain of ``bench ingest`` (the real ``cuiot worker``, rate from its first
commit) and ``--reads`` times the events list a family member opens
(``ListEvents`` for one cared person, first page of 50, the query behind
``GET /api/v1/events?cared_person_id=…``, run in this process with the current code).
Size 0 is the baseline: every size is reported as a ratio to it.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bench.common import (
    WorkerProcess,
    add_src_argument,
    benchmark_broker,
    engine_for,
    log_file,
    migrated_database,
    percentile,
    sigterm_as_interrupt,
)
from bench.ingest import Drain, Fleet, drain_worker, seed_fleet
from bench.report import Report
from cuiot.adapters.persistence.partitions import ensure_partitions
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.safety import SqlEventViews
from cuiot.adapters.system import SystemClock
from cuiot.application.safety.queries.events import ListEvents, ListEventsQuery
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.policy import DEFAULT_POLICY

HISTORY_DAYS = 180
PAGE = 50

PREFILL_EVENTS = f"""
WITH fleet AS (
    SELECT row_number() OVER (ORDER BY id) - 1 AS k, id, cared_person_id FROM devices)
INSERT INTO events (id, "timestamp", device_pk, cared_person_id, event_type, severity,
                    received_at, sensor_data, msg_id, size_bytes, alert_id)
SELECT gen_random_uuid(), at, fleet.id, fleet.cared_person_id, 'blood_pressure', 'low', at,
       '{{"systolic": 122, "diastolic": 79, "pulse": 71}}'::jsonb, 'old-' || g, 120, NULL
FROM generate_series(1, CAST(:size AS integer)) AS g
CROSS JOIN LATERAL (
    SELECT now() - (g::float8 / CAST(:size AS integer)) * interval '{HISTORY_DAYS} days' AS at
) AS t
JOIN fleet ON fleet.k = g % (SELECT count(*) FROM fleet)
"""

PREFILL_MESSAGES = """
INSERT INTO device_messages (device_pk, msg_id, event_id, event_timestamp)
SELECT device_pk, msg_id, id, "timestamp" FROM events WHERE msg_id LIKE 'old-%'
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sizes", default="0,1000000,10000000",
                        help="events already stored, comma-separated; the first is the baseline")
    parser.add_argument("--messages", type=int, default=2000, help="drained messages per size")
    parser.add_argument("--reads", type=int, default=200, help="event list reads per size")
    parser.add_argument("--devices", type=int, default=200, help="blood-pressure meters (200)")
    parser.add_argument("--persons", type=int, default=10, help="cared persons owning them (10)")
    add_src_argument(parser)


async def prefill(engine: AsyncEngine, size: int) -> float:
    """``size`` old events and their device_messages rows; returns the seconds it took."""
    started = time.monotonic()
    async with engine.begin() as conn:
        await ensure_partitions(conn, datetime.now(UTC).date(),
                                months_back=HISTORY_DAYS // 30 + 1)
        if size:
            await conn.execute(text(PREFILL_EVENTS), {"size": size})
            await conn.execute(text(PREFILL_MESSAGES))
    async with engine.connect() as conn:
        autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text("VACUUM ANALYZE events, device_messages"))
        # The prefill wrote gigabytes of WAL: flush it now, so the checkpoint it makes
        # due does not land on the drain being measured (a steady database has none).
        await autocommit.execute(text("CHECKPOINT"))
    return time.monotonic() - started


async def read_latencies(engine: AsyncEngine, fleet: Fleet, reads: int) -> list[float]:
    """Milliseconds per first page of one cared person's events, through ``ListEvents``
    (its query over the views, in a read transaction of its own, as a request has)."""
    async with engine.connect() as conn:
        user_id = (await conn.execute(text(
            "SELECT account_id FROM cared_persons LIMIT 1"))).scalar_one()
    person_id = next(iter(fleet.owners.values()))[1]
    clock = SystemClock(DEFAULT_POLICY.timezone)
    timings = []
    for _ in range(reads):
        started = time.perf_counter()
        async with ReadSide(engine).transaction() as conn:
            await ListEvents(SqlEventViews(conn), clock=clock)(
                ListEventsQuery(Viewer(user_id), person_id, window=Window(0, PAGE)))
        timings.append(1000 * (time.perf_counter() - started))
    return timings


async def measure_size(url: str, mqtt_url: str, size: int,
                       args: argparse.Namespace) -> tuple[float, Drain, list[float]]:
    engine = engine_for(url)
    worker = WorkerProcess(url, mqtt_url, log_file(f"growth-{size}-worker"), src=args.src)
    try:
        fleet = await seed_fleet(engine, args.devices, args.persons)
        prefill_s = await prefill(engine, size)
        drain = await drain_worker(worker, engine, mqtt_url, fleet.device_ids, args.messages,
                                   prefix=f"size{size}")
        worker.stop()
        return prefill_s, drain, await read_latencies(engine, fleet, args.reads)
    finally:
        worker.stop()
        await engine.dispose()


def _row(size: int, prefill_s: float, drain: Drain, reads: list[float],
         baseline: dict[str, Any] | None) -> dict[str, Any]:
    p99 = percentile(reads, 99)
    return {"events before": size, "prefill s": prefill_s, "drain msg/s": drain.rate,
            "drain vs size 0": drain.rate / baseline["drain msg/s"] if baseline else 1.0,
            "read p50 ms": percentile(reads, 50), "read p99 ms": p99,
            "read p99 vs size 0": p99 / baseline["read p99 ms"] if baseline else 1.0}


def run(args: argparse.Namespace) -> Report:
    sigterm_as_interrupt()
    sizes = [int(s) for s in args.sizes.split(",")]
    report = Report("growth", {"sizes": sizes, **{k: getattr(args, k) for k in (
        "messages", "reads", "devices", "persons", "src")}, "database": "postgres"})
    with benchmark_broker() as broker:
        for size in sizes:
            with migrated_database("postgres") as url:
                prefill_s, drain, reads = asyncio.run(measure_size(url, broker.url, size, args))
            report.rows.append(_row(size, prefill_s, drain, reads,
                                    report.rows[0] if report.rows else None))
            report.problems += drain.problems
    report.figures.update({f"drain_ratio_at_{row['events before']}": row["drain vs size 0"]
                           for row in report.rows[1:]})
    report.figures.update({f"read_p99_ratio_at_{row['events before']}": row["read p99 vs size 0"]
                           for row in report.rows[1:]})
    report.notes.append("drain rate from the worker's first commit; reads run in this process "
                        "with the current code, whatever --src the worker runs")
    return report

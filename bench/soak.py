"""Soak: ``cuiot worker`` and ``cuiot serve`` under a steady load for a long while.

    python -m bench soak [--minutes 30] [--devices 200] [--persons 10] [--rate R]
                         [--read-rate 10] [--src DIR]

A fresh PostgreSQL database and a throwaway Mosquitto. First the worker drains
``--drain-messages`` queued readings: that rate is the measured maximum (the baseline
of this run). Then, for ``--minutes``, a publisher process sends readings at half of
it (or ``--rate``) while a reader calls ``GET /api/v1/alerts`` and ``GET
/api/v1/events`` on ``cuiot serve --no-mqtt`` at ``--read-rate`` per second, as a family
member. Every 30 s the resident memory (RSS) of both processes is sampled.

It fails (exit 1) when a reading the broker took is lost or doubled; when the broker
did not take every reading (the load then did not reach CUIOT as asked: those are
counted apart, not as lost); when the worker falls behind (readings still unstored two
minutes after the last was published: they are waited for, and the catch-up time is
reported); when a read is answered other than 200 or either log holds an error; or when
a process's memory at the end exceeds its memory after the first minute by more than
``--memory-growth`` (25 %) — it should stay flat. The figures go to bench/RESULTS.md.
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
from pathlib import Path
from typing import Any

import bcrypt
import httpx

from bench._reads_support import CuiotProcess, cuiot_env, execute
from bench.common import (
    WorkerProcess,
    add_src_argument,
    benchmark_broker,
    engine_for,
    in_thread,
    log_file,
    migrated_database,
    percentile,
    sigterm_as_interrupt,
)
from bench.ingest import Fleet, Live, drain_worker, live_worker, seed_fleet
from bench.report import Report
from tests.support.servers import free_port

READER_EMAIL, READER_PASSWORD = "soak-reader@example.com", "una clave larga"
SAMPLE_SECONDS, WARM_UP_SECONDS = 30.0, 60.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--minutes", type=float, default=30.0, help="how long to soak (30)")
    parser.add_argument("--devices", type=int, default=200, help="devices publishing (200)")
    parser.add_argument("--persons", type=int, default=10, help="cared persons owning them")
    parser.add_argument("--drain-messages", type=int, default=30_000,
                        help="readings drained first to measure the maximum rate (30,000: "
                             "a few seconds of draining; fewer measure start-up, not rate)")
    parser.add_argument("--rate", type=float, default=None,
                        help="readings per second (default: half the measured maximum)")
    parser.add_argument("--read-rate", type=float, default=10.0,
                        help="HTTP reads per second alongside (10)")
    parser.add_argument("--memory-growth", type=float, default=0.25,
                        help="the most a process's memory may grow after warm-up (0.25)")
    add_src_argument(parser)


def run(args: argparse.Namespace) -> Report:
    sigterm_as_interrupt()
    report = Report("soak", {k: getattr(args, k) for k in (
        "minutes", "devices", "persons", "drain_messages", "rate", "read_rate", "src")})
    with benchmark_broker() as broker, migrated_database("postgres") as url:
        asyncio.run(_soak(url, broker.url, args, report))
    return report


@dataclass
class Reads:
    """What the reader saw: answers by status, and their latencies."""

    statuses: dict[int, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    logins: int = 1

    def loop(self, base: str, token: str, person_id: str, rate: float, stop: Any) -> None:
        paths = ["/api/v1/alerts?limit=20", f"/api/v1/events?cared_person_id={person_id}&limit=20"]
        with httpx.Client(base_url=base, timeout=30) as client:
            client.headers["Authorization"] = f"Bearer {token}"
            n = 0
            while not stop.wait(1 / rate):
                started = time.perf_counter()
                try:
                    status = client.get(paths[n % len(paths)]).status_code
                    if status == 401:  # the access token expired, as tokens do: log in again
                        client.headers["Authorization"] = f"Bearer {_login(base)}"
                        self.logins += 1
                        started = time.perf_counter()
                        status = client.get(paths[n % len(paths)]).status_code
                except httpx.HTTPError as error:
                    self.failures.append(f"{time.strftime('%H:%M:%S')} {error!r}")
                    continue
                self.latencies_ms.append(1000 * (time.perf_counter() - started))
                self.statuses[status] = self.statuses.get(status, 0) + 1
                n += 1


def _read(base: str, token: str, person_id: str, rate: float, stop: Any,
          answers: Any) -> None:
    """The reader process: ``Reads.loop`` until ``stop``, then what it saw, on ``answers``."""
    reads = Reads()
    reads.loop(base, token, person_id, rate, stop)
    answers.put(reads)


def rss_mb(pid: int) -> float | None:
    """Resident memory of ``pid`` in MB (None once it has gone)."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


async def _sample(pids: dict[str, int], samples: dict[str, list[tuple[float, float]]],
                  started: float) -> None:
    while True:
        for name, pid in pids.items():
            found = rss_mb(pid)
            if found is not None:
                samples[name].append((time.monotonic() - started, found))
        await asyncio.sleep(SAMPLE_SECONDS)


def _reader_sql(fleet: Fleet) -> list[str]:
    hashed = bcrypt.hashpw(READER_PASSWORD.encode(), bcrypt.gensalt(4)).decode()
    reader = uuid.uuid4()
    persons = sorted({str(person) for _, person in fleet.owners.values()})
    return [f"""INSERT INTO users (id, email, password_hash, first_name, last_name,
                    capacity_status, is_active, created_at)
                VALUES ('{reader}', '{READER_EMAIL}', '{hashed}', 'Lectora', 'Soak', 'full',
                        true, now())""",
            *(f"""INSERT INTO cared_person_members (cared_person_id, user_id)
                  VALUES ('{person}', '{reader}')""" for person in persons)]


def _login(base: str) -> str:
    deadline = time.monotonic() + 60
    while True:
        with contextlib.suppress(httpx.HTTPError):
            answer = httpx.post(f"{base}/api/v1/auth/login", timeout=10, json={
                "email": READER_EMAIL, "password": READER_PASSWORD})
            if answer.status_code == 200:
                return str(answer.json()["access_token"])
        if time.monotonic() > deadline:
            raise TimeoutError("cuiot serve did not log the reader in within 60 s")
        time.sleep(0.5)


def _errors_in(log: str) -> list[str]:
    found = []
    for line in log.splitlines():
        with contextlib.suppress(ValueError, AttributeError):
            if json.loads(line).get("level") in ("error", "critical"):
                found.append(line[:300])
        if line.startswith("Traceback"):
            found.append(line)
    return found


async def _soak(url: str, mqtt_url: str, args: argparse.Namespace, report: Report) -> None:
    engine = engine_for(url)
    log_path = log_file("soak-worker")
    report.notes.append(f"worker log: {log_path}")
    try:
        fleet = await seed_fleet(engine, args.devices, args.persons)
        in_thread(execute, url, *_reader_sql(fleet))
        worker = WorkerProcess(url, mqtt_url, log_path, src=args.src)
        port = free_port()
        server = CuiotProcess(["serve", "--no-mqtt", "--port", str(port)],
                              cuiot_env(url, rate_limit_per_minute="1000000000",
                                        bcrypt_rounds="4"))
        try:
            drain = await drain_worker(worker, engine, mqtt_url, fleet.device_ids,
                                       args.drain_messages)
            report.problems += drain.problems
            rate = args.rate or max(1.0, drain.rate / 2)
            base = f"http://127.0.0.1:{port}"
            token = _login(base)
            person = str(next(iter(fleet.owners.values()))[1])
            # A process of its own: in a thread of this one, the reader waited on the
            # GIL while the run checked millions of msg_ids, its idle connection outlived
            # the server's keep-alive, and a read failed that the server never saw.
            spawn = multiprocessing.get_context("spawn")
            stop, answers = spawn.Event(), spawn.Queue()
            reader = spawn.Process(target=_read, args=(base, token, person, args.read_rate,
                                                       stop, answers))
            assert worker.process is not None
            pids = {"cuiot worker": worker.process.pid, "cuiot serve": server.process.pid}
            samples: dict[str, list[tuple[float, float]]] = {name: [] for name in pids}
            sampler = asyncio.create_task(_sample(pids, samples, time.monotonic()))
            reader.start()
            try:
                live = await live_worker(worker, engine, mqtt_url, fleet.device_ids, rate,
                                         args.minutes * 60)
            finally:
                stop.set()
                reads = answers.get(timeout=60)
                reader.join(timeout=60)
                sampler.cancel()
            worker_log = log_path.read_text(errors="replace")
            server_log = server.output()
            server_path = log_file("soak-serve")
            server_path.write_text(server_log)
            report.notes.append(f"serve log: {server_path}")
        finally:
            server.stop()
            worker.stop()
    finally:
        await engine.dispose()
    _add_results(report, args, drain.rate, rate, live, reads, samples,
                 {"cuiot worker": _errors_in(worker_log), "cuiot serve": _errors_in(server_log)})


def _add_results(report: Report, args: argparse.Namespace, maximum: float, rate: float,
                 live: Live, reads: Reads, samples: dict[str, list[tuple[float, float]]],
                 errors: dict[str, list[str]]) -> None:
    for name, taken in samples.items():
        warm = [mb for at, mb in taken if at >= WARM_UP_SECONDS] or [mb for _, mb in taken]
        start, end = (warm[0], warm[-1]) if warm else (None, None)
        growth = (end - start) / start if start and end else None
        report.rows.append({"process": name, "rss after 1 min MB": start, "rss at end MB": end,
                            "growth": growth, "peak MB": max(warm) if warm else None,
                            "log errors": len(errors[name])})
        if growth is not None and growth > args.memory_growth:
            report.problems.append(f"{name}: memory grew {growth:.0%} (from {start:.0f} MB "
                                   f"to {end:.0f} MB)")
        report.problems += [f"{name} logged: {line}" for line in errors[name][:5]]
    other = {status: n for status, n in reads.statuses.items() if status != 200}
    if other or reads.failures:
        report.problems.append(f"reads not answered 200: {other}, failures: "
                               f"{reads.failures[:3]}")
    report.problems += live.problems
    report.figures.update({
        "minutes": args.minutes, "max_drain_rate": maximum, "soak_rate": rate,
        "messages": live.messages, "committed_rate": live.rate,
        "publish_to_commit_p50_ms": live.p50_ms, "publish_to_commit_p99_ms": live.p99_ms,
        "reads": sum(reads.statuses.values()), "read_p99_ms": percentile(reads.latencies_ms, 99),
        "reader_logins": reads.logins, "untaken_by_broker": live.untaken,
        "behind_at_end": live.behind, "catch_up_s": live.catch_up_s,
    })
    report.notes.append("memory: RSS sampled every 30 s; growth is from the first sample "
                            "after a minute's warm-up to the last")

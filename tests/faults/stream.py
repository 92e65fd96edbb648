"""The fault suite's stage: ``cuiot worker`` processes on PostgreSQL, a throwaway
Mosquitto, a steady stream of device messages, a push endpoint that can be made to fail,
and the checks every fault must leave true.

Each test breaks one thing mid-stream (see the test modules), lets the worker catch up,
then ``checks`` counts what the database holds:

- every published ``msg_id`` has exactly one event and one ``device_messages`` row;
- each device's critical readings are in one alert, joined as often as they were sent;
- no escalation step notified anyone twice, and no alert is left overdue;
- every outbox row was delivered or given up on (``failed``), none stuck ``pending``.

The figures of each test go to the table the suite prints at its end (``conftest.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from cuiot.adapters.persistence.migrate import upgrade
from tests.support.alerts import BP_CRITICAL, BP_NORMAL
from tests.support.databases import in_thread
from tests.support.mosquitto import Publisher
from tests.support.servers import _as_user, _pg_bin, free_port, fresh_postgres_database

CRITICAL_EVERY = 10  # every tenth reading of a device is critical: one alert, joined
SETTLE_SECONDS = 180.0  # the longest a worker may take to catch up after a fault (a bound)
REPORT_ENV = "CUIOT_FAULTS_REPORT"


def dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextlib.asynccontextmanager
async def connected(url: str) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(dsn(url))
    try:
        yield connection
    finally:
        await connection.close()


async def eventually(check, what: str, timeout: float = SETTLE_SECONDS) -> None:
    """Until ``await check()`` is true; the test fails naming ``what`` past ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(OSError, asyncpg.PostgresError):
            if await check():
                return
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s: {what}")
        await asyncio.sleep(0.2)


# -- the family and its devices ----------------------------------------------------------

@dataclass(frozen=True)
class Family:
    """Ana holds Elena's account and represents her (level 1), with a phone for push;
    Elena has ``len(devices)`` blood pressure monitors."""

    devices: list[str]


async def seed(url: str, devices: int) -> Family:
    ana, elena = uuid.uuid4(), uuid.uuid4()
    ids = [f"fault-bp-{n}" for n in range(devices)]
    async with connected(url) as db:
        await db.execute(
            """INSERT INTO users (id, email, password_hash, first_name, last_name,
                   capacity_status, is_active, created_at)
               VALUES ($1, 'ana@example.com', 'not-a-hash', 'Ana', 'Paz', 'full', true, now())""",
            ana)
        await db.execute(
            """INSERT INTO cared_persons (id, account_id, first_name, last_name, date_of_birth,
                   care_type, capacity_status, emergency_contacts, thresholds, created_at)
               VALUES ($1, $2, 'Elena', 'Gómez', date '1940-03-01', 'delegated', 'full', '[]',
                       '{}', now())""", elena, ana)
        await db.execute(
            """INSERT INTO legal_representations (id, cared_person_id, representative_id,
                   relationship, document_ref, valid_from, verified, verified_at, created_at)
               VALUES ($1, $2, $3, 'child', 'fault-suite', date '2020-01-01', true, now(),
                       now())""", uuid.uuid4(), elena, ana)
        await db.execute(
            """INSERT INTO push_tokens (id, user_id, token, created_at)
               VALUES ($1, $2, 'ana-phone', now())""", uuid.uuid4(), ana)
        await db.executemany(
            """INSERT INTO devices (id, device_id, name, device_type, cared_person_id,
                   api_key_hash, created_at, config, is_active, status)
               VALUES ($1, $2::varchar, 'Tensiómetro ' || $2::varchar, 'blood_pressure', $3,
                       repeat('0', 64),
                       now(), '{}', true, 'online')""",
            [(uuid.uuid4(), device_id, elena) for device_id in ids])
    return Family(ids)


@contextlib.contextmanager
def migrated_database(server_url: str) -> Iterator[str]:
    with fresh_postgres_database(server_url) as url:
        in_thread(upgrade, url)
        yield url


class PostgresCluster:
    """A PostgreSQL server of the test's own, which it may restart (the shared one is
    everyone's): initdb in a temp dir, on a free loopback port, as ``postgres``."""

    def __init__(self) -> None:
        import shutil
        import tempfile

        self.root = Path(tempfile.mkdtemp(prefix="cuiot-faults-pg-"))
        self.data, self.port = self.root / "data", free_port()
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        subprocess.run(_as_user("postgres", [_pg_bin("initdb"), "-D", str(self.data), "-U",
                                             "postgres", "-A", "trust", "--no-sync"]),
                       check=True, capture_output=True)
        self.url = f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *args: str) -> None:
        opts = f"-h 127.0.0.1 -p {self.port} -k {self.root} -F -c max_connections=100"
        subprocess.run(_as_user("postgres", [_pg_bin("pg_ctl"), "-D", str(self.data), "-o", opts,
                                             "-l", str(self.root / "log"), *args]),
                       check=True, capture_output=True)

    def start(self) -> None:
        self._ctl("-w", "start")

    def stop(self) -> None:
        """A fast shutdown: every session is cut off, as in a failover or a crash."""
        self._ctl("-m", "fast", "-w", "stop")

    def remove(self) -> None:
        import shutil

        with contextlib.suppress(subprocess.CalledProcessError):
            self._ctl("-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


# -- the push endpoint -------------------------------------------------------------------

class PushEndpoint:
    """CUIOT_PUSH_WEBHOOK_URL: answers 200, or 503 while ``failing`` is set."""

    def __init__(self) -> None:
        self.failing = threading.Event()
        self.delivered = 0
        self.refused = 0
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length") or 0))
                if endpoint.failing.is_set():
                    endpoint.refused += 1
                    self.send_response(503)
                else:
                    endpoint.delivered += 1
                    self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/push"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# -- the worker --------------------------------------------------------------------------

class Worker:
    """``cuiot worker`` in a process of its own; its output kept for the failure message.
    The same ``client_id`` across restarts resumes the same MQTT session."""

    def __init__(self, database_url: str, mqtt_url: str, push_url: str, client_id: str,
                 **settings: str) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CUIOT_")} | {
            "CUIOT_DATABASE_URL": database_url, "CUIOT_MQTT_URL": mqtt_url,
            "CUIOT_MQTT_CLIENT_ID": client_id, "CUIOT_JWT_SECRET": "faults-" + "x" * 40,
            "CUIOT_LOG_FORMAT": "json", "CUIOT_SCHEDULER_TICK_SECONDS": "0.2",
            "CUIOT_DISPATCH_TICK_SECONDS": "0.2", "CUIOT_ESCALATION_TIMEOUTS": "critical=2",
            "CUIOT_PUSH_PROVIDER": "webhook", "CUIOT_PUSH_WEBHOOK_URL": push_url,
            **{f"CUIOT_{name.upper()}": value for name, value in settings.items()}}
        self.process: subprocess.Popen[str] | None = None
        self.output: list[str] = []
        self.lines: queue.Queue[str] = queue.Queue()

    def start(self) -> None:
        self.launch("worker")
        self.wait_for("connected to mqtt", "the worker's MQTT consumer to connect")

    def launch(self, *command: str) -> None:
        """``cuiot <command>``, its output read on a thread of its own."""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cuiot.entrypoints.cli", *command], env=self.env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
        threading.Thread(target=self._read, args=(self.process,), daemon=True).start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self.output.append(line)
            self.lines.put(line)

    def wait_for(self, text: str, what: str, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {what} within {timeout:.0f} s:\n{self.log()}") from None
            if text in line.lower():
                return

    def kill(self) -> None:
        """SIGKILL: no goodbye, nothing flushed, the MQTT session left as it was."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> int | None:
        process, self.process = self.process, None
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                return process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        return process.wait()

    def log(self) -> str:
        return "".join(self.output[-60:])

    def errors(self) -> list[str]:
        """Log lines at level error or above (warnings are what a fault should cause)."""
        found = []
        for line in self.output:
            with contextlib.suppress(ValueError):
                if json.loads(line).get("level") in ("error", "critical"):
                    found.append(line.strip())
        return found


# -- the stream --------------------------------------------------------------------------

@dataclass
class Stream:
    """``per_device`` readings for each device, round robin, at about ``rate`` a second,
    QoS 1 from a device-side client with a persistent session (what it could not hand
    over while the broker was away leaves when the broker is back)."""

    mqtt_url: str
    devices: list[str]
    per_device: int = 60
    rate: float = 80.0
    published: list[str] = field(default_factory=list)
    critical: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.per_device * len(self.devices)

    def run(self, halfway: threading.Event) -> None:
        with Publisher(self.mqtt_url) as publisher:
            for n in range(self.per_device):
                for device_id in self.devices:
                    critical = n % CRITICAL_EVERY == 0
                    msg_id = f"{device_id}-{n}"
                    publisher.publish(f"cuiot/devices/{device_id}/telemetry", {
                        "msg_id": msg_id, "ts": datetime.now(UTC).isoformat(),
                        "type": "blood_pressure",
                        "data": BP_CRITICAL if critical else BP_NORMAL})
                    self.published.append(msg_id)
                    self.critical[device_id] = self.critical.get(device_id, 0) + critical
                    if len(self.published) == self.total // 3:
                        halfway.set()
                    time.sleep(1 / self.rate)
            publisher.wait_all_acknowledged(timeout=60)


async def streaming(stream: Stream, fault) -> None:
    """Publish ``stream`` on a thread; a third of the way in, ``await fault()``."""
    third = threading.Event()
    publishing = asyncio.create_task(asyncio.to_thread(stream.run, third))
    await asyncio.wait_for(asyncio.to_thread(third.wait), 60)
    await fault()
    await asyncio.wait_for(publishing, 120)


# -- the checks --------------------------------------------------------------------------

@dataclass
class Checked:
    messages: int
    alerts: int
    notifications: int
    delivered: int
    failed: int
    problems: list[str]


async def settled(url: str, stream: Stream) -> None:
    """Every message stored, every alert at its end (unhandled, after the last level's
    repeats), every notification out of ``pending``."""
    async def all_stored() -> bool:
        async with connected(url) as db:
            return await db.fetchval(
                "SELECT count(*) FROM device_messages") >= stream.total

    async def quiet() -> bool:
        async with connected(url) as db:
            escalating = await db.fetchval(
                "SELECT count(*) FROM alerts WHERE status IN ('pending', 'sent')")
            pending = await db.fetchval(
                "SELECT count(*) FROM notifications WHERE status = 'pending'")
            return escalating == 0 and pending == 0

    await eventually(all_stored, f"all {stream.total} messages stored")
    await eventually(quiet, "every alert escalated to its end and every notification out")


async def checks(url: str, stream: Stream) -> Checked:
    problems: list[str] = []
    async with connected(url) as db:
        for table in ("events", "device_messages"):
            counts = dict(await db.fetch(
                f"SELECT msg_id, count(*) FROM {table} WHERE msg_id IS NOT NULL "
                "GROUP BY msg_id"))
            lost = set(stream.published) - counts.keys()
            doubled = [m for m, n in counts.items() if n > 1]
            if lost:
                problems.append(f"{len(lost)} messages without a {table} row: "
                                f"{sorted(lost)[:3]}")
            if doubled:
                problems.append(f"{len(doubled)} messages with several {table} rows: "
                                f"{sorted(doubled)[:3]}")
        alerts = {row["device_id"]: (row["alerts"], row["occurrences"]) for row in await db.fetch(
            """SELECT d.device_id, count(*) AS alerts, sum(a.occurrences) AS occurrences
               FROM alerts a JOIN devices d ON d.id = a.device_pk
               WHERE a.alert_type <> 'coverage_lapsed' GROUP BY d.device_id""")}
        for device_id, critical in stream.critical.items():
            if alerts.get(device_id) != (1, critical):
                problems.append(f"{device_id}: {critical} critical readings should make one "
                                f"alert joined {critical} times; found (alerts, occurrences) "
                                f"= {alerts.get(device_id)}")
        doubled_steps = await db.fetch(
            """SELECT alert_id, escalation_level, payload->>'reason' AS reason, channel,
                      address, count(*) AS times
               FROM notifications WHERE payload->>'reason' <> 'repeated'
               GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1""")
        problems += [f"notified twice: {dict(row)}" for row in doubled_steps]
        too_many_repeats = await db.fetch(
            """SELECT n.alert_id, n.channel, n.address, count(*) AS times,
                      max(a.repeats_at_max_level) AS repeats
               FROM notifications n JOIN alerts a ON a.id = n.alert_id
               WHERE n.payload->>'reason' = 'repeated' GROUP BY 1, 2, 3
               HAVING count(*) > max(a.repeats_at_max_level)""")
        problems += [f"repeated more often than the alert says: {dict(row)}"
                     for row in too_many_repeats]
        overdue = await db.fetchval(
            """SELECT count(*) FROM alerts WHERE status IN ('pending', 'sent')
               AND next_escalation_at < now() - interval '5 seconds'""")
        if overdue:
            problems.append(f"{overdue} alerts overdue for escalation")
        outbox = dict(await db.fetch("SELECT status, count(*) FROM notifications GROUP BY 1"))
        if outbox.get("pending"):
            problems.append(f"{outbox['pending']} notifications stuck pending")
        alert_count = await db.fetchval("SELECT count(*) FROM alerts")
    return Checked(len(stream.published), alert_count, sum(outbox.values()),
                   outbox.get("sent", 0), outbox.get("failed", 0), problems)


def report(fault: str, checked: Checked, seconds: float) -> None:
    """One row of the suite's table (``conftest.py`` prints them)."""
    path = os.environ.get(REPORT_ENV)
    if path:
        with Path(path).open("a") as out:
            out.write(json.dumps({"fault": fault, "messages": checked.messages,
                                  "alerts": checked.alerts,
                                  "notifications": checked.notifications,
                                  "delivered": checked.delivered, "failed": checked.failed,
                                  "problems": len(checked.problems),
                                  "seconds": round(seconds, 1)}) + "\n")

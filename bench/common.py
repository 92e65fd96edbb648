"""What every benchmark needs, started fresh and cleaned up even on Ctrl-C or failure:

- ``migrated_database(kind)``: a fresh PostgreSQL database (dropped at the end) or a
  SQLite file in a temp dir, migrated to the schema; ``add_database_argument`` gives the
  ``--database postgres|sqlite`` flag.
- ``benchmark_broker()``: a throwaway Mosquitto (never the machine's on 1883) with no cap
  on queued messages and a wide in-flight window.
- ``seed_account`` / ``seed_devices``: a user, cared persons (use cases) and many devices
  (one registered through the use case, the rest bulk copies of its row).
- ``WorkerProcess``: ``cuiot worker`` as a real subprocess, optionally the code of another
  checkout (``--src DIR``, see ``add_src_argument``), its log in a file, stopped by SIGTERM.
- ``Publisher``, ``prepare_session`` and ``reading``: devices publishing QoS 1 telemetry,
  and a persistent session made ready so the broker queues for a consumer not yet there.
- ``count_rows``, ``message_problems``, ``wait_for_rows``: counting what was stored, what
  was lost or doubled, and timing how fast rows arrive.
- ``percentile`` and ``sigterm_as_interrupt``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Self
from uuid import UUID

from paho.mqtt.client import CallbackAPIVersion, Client
from paho.mqtt.enums import MQTTProtocolVersion
from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from cuiot.adapters.mqtt.client import BrokerAddress, session_properties
from cuiot.adapters.mqtt.envelope import subscriptions
from cuiot.adapters.persistence.database import create_engine
from cuiot.adapters.persistence.migrate import upgrade
from cuiot.adapters.persistence.orm.safety import devices
from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from cuiot.adapters.system import SecretsRandomSource, SystemClock, Uuid4IdGenerator
from cuiot.application.billing.commands.packages import SeedCatalogue
from cuiot.application.billing.commands.subscriptions import Subscribe, SubscribeCommand
from cuiot.application.care.commands.persons import AddCaredPerson, AddCaredPersonCommand
from cuiot.application.identity.commands.users import RegisterUser, RegisterUserCommand
from cuiot.application.safety.commands.devices import RegisterDevice, RegisterDeviceCommand
from cuiot.domain.packages import PackageType
from cuiot.domain.policy import DEFAULT_POLICY
from tests.fakes.system import PlainPasswordHasher
from tests.support.mosquitto import Mosquitto, throwaway_mosquitto
from tests.support.servers import fresh_postgres_database, postgres_server

DATABASES = ("postgres", "sqlite")
CONSUMER_CLIENT_ID = "cuiot-consumer"  # CUIOT_MQTT_CLIENT_ID's default
BROKER_CONFIG = ("max_inflight_messages 1000",)
COUNTED_TABLES = ("events", "device_messages", "alerts", "notifications", "rejected_messages")
NORMAL_READING = {"systolic": 122, "diastolic": 79, "pulse": 71}
CRITICAL_READING = {"systolic": 200, "diastolic": 120, "pulse": 110}
SESSION_EXPIRY_S = 86_400


# -- flags ------------------------------------------------------------------------------

def add_database_argument(parser: argparse.ArgumentParser, default: str = "postgres") -> None:
    parser.add_argument("--database", choices=DATABASES, default=default,
                        help=f"the database the worker writes to (default {default})")


def add_src_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--src", type=Path, default=None, metavar="DIR",
                        help="run the worker from this checkout (its src/ or itself on "
                             "PYTHONPATH), e.g. a `git worktree` of an older commit")


# -- databases --------------------------------------------------------------------------

def in_thread(fn: Any, *args: Any) -> Any:
    """Run blocking code that may start its own event loop (Alembic) off the caller's."""
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = fn(*args)
        except BaseException as error:
            result["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result.get("value")


@contextlib.contextmanager
def migrated_database(kind: str) -> Iterator[str]:
    """The URL of a fresh database of ``kind`` (``postgres`` or ``sqlite``) at the
    current schema; dropped (PostgreSQL) or deleted (SQLite) at the end."""
    if kind == "postgres":
        with postgres_server() as server, fresh_postgres_database(server) as url:
            in_thread(upgrade, url)
            yield url
        return
    if kind != "sqlite":
        raise ValueError(f"unknown database {kind!r}: one of {DATABASES}")
    root = Path(tempfile.mkdtemp(prefix="cuiot-bench-sqlite-"))
    try:
        url = f"sqlite+aiosqlite:///{root / 'cuiot.db'}"
        in_thread(upgrade, url)
        yield url
    finally:
        shutil.rmtree(root, ignore_errors=True)


# -- broker -----------------------------------------------------------------------------

@contextlib.contextmanager
def benchmark_broker(extra_config: Sequence[str] = BROKER_CONFIG) -> Iterator[Mosquitto]:
    """A throwaway Mosquitto: unlimited queues (``max_queued_messages 0``) and, by
    default, ``max_inflight_messages 1000`` so the window is the consumer's to choose."""
    with throwaway_mosquitto(extra_config) as broker:
        yield broker


def mqtt_client(url: str, client_id: str | None = None,
                **kwargs: Any) -> tuple[Client, BrokerAddress]:
    """A paho MQTT 5 client (not connected) for the broker at ``url``; ``kwargs`` go to
    paho (``manual_ack=True``)."""
    address = BrokerAddress.parse(url)
    client = Client(CallbackAPIVersion.VERSION2,
                    client_id=client_id or f"bench-{uuid.uuid4().hex[:8]}",
                    protocol=MQTTProtocolVersion.MQTTv5, **kwargs)
    return client, address


def prepare_session(url: str, client_id: str = CONSUMER_CLIENT_ID,
                    topics: Sequence[str] | None = None, timeout: float = 10.0) -> None:
    """Make the persistent session of ``client_id`` with its QoS 1 subscriptions (the
    worker's by default) and leave, so the broker queues what is published for it."""
    client, address = mqtt_client(url, client_id)
    subscribed = threading.Event()
    client.on_connect = lambda c, *_a: c.subscribe([(t, 1) for t in topics or subscriptions()])
    client.on_subscribe = lambda *_a: subscribed.set()
    client.connect(address.host, address.port, clean_start=False,
                   properties=session_properties(SESSION_EXPIRY_S))
    client.loop_start()
    try:
        if not subscribed.wait(timeout):
            raise RuntimeError(f"could not subscribe {client_id} at {url}")
    finally:
        client.disconnect()
        client.loop_stop()


def reading(msg_id: str, values: dict[str, int] = NORMAL_READING,
            ts: datetime | None = None) -> dict[str, Any]:
    """A blood-pressure telemetry payload as in CONTRACTS.md; ``ts`` defaults to now."""
    return {"msg_id": msg_id, "ts": (ts or datetime.now(UTC)).isoformat(),
            "type": "blood_pressure", "data": dict(values), "battery_level": 85}


def telemetry_topic(device_id: str) -> str:
    return f"cuiot/devices/{device_id}/telemetry"


class Publisher:
    """Devices' side: QoS 1 publishing with a wide window, waiting for the broker's
    PUBACKs on request. A context manager. It knows which ``msg_id`` the broker has not
    acknowledged yet (``unacknowledged``): a reading it never took is not CUIOT's loss.

    At most ``most_waiting`` messages wait for their PUBACK (in flight or in paho's
    queue); ``publish`` blocks past that. Packet ids are 16 bits: with 65,535 waiting,
    paho hands out ids still in use, and the broker's acknowledgements no longer tell
    those messages apart (earlier runs lost track of 65,535 readings that way)."""

    def __init__(self, url: str, in_flight: int = 1000, most_waiting: int = 20_000) -> None:
        self.most_waiting = most_waiting
        self.client, self.address = mqtt_client(url)
        self.client.max_inflight_messages_set(in_flight)
        self.client.max_queued_messages_set(0)
        self.client.on_publish = self._on_publish
        self._lock = threading.Lock()
        self.sent = self.acknowledged = 0
        self._waiting: dict[int, str] = {}  # packet id → msg_id, until its PUBACK
        self._early: set[int] = set()  # PUBACKs that came before publish() returned

    def __enter__(self) -> Self:
        self.client.connect(self.address.host, self.address.port)
        self.client.loop_start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def publish(self, device_id: str, payload: dict[str, Any]) -> None:
        while self.sent - self.acknowledged >= self.most_waiting:
            time.sleep(0.001)
        mid = self.client.publish(telemetry_topic(device_id), json.dumps(payload), qos=1).mid
        with self._lock:
            self.sent += 1
            if mid in self._early:
                self._early.discard(mid)
            else:
                self._waiting[mid] = str(payload.get("msg_id"))

    def _on_publish(self, _client: Any, _userdata: Any, mid: int, *_args: Any) -> None:
        with self._lock:
            self.acknowledged += 1
            if self._waiting.pop(mid, None) is None:
                self._early.add(mid)

    @property
    def unacknowledged(self) -> list[str]:
        """The ``msg_id`` of what the broker has not taken yet (packet ids wrap at 65,535:
        past that many waiting, this list is short by the overlap; ``sent -
        acknowledged`` stays exact)."""
        with self._lock:
            return list(self._waiting.values())

    def wait_acknowledged(self, timeout: float = 120.0) -> None:
        """Every message published so far was taken by the broker."""
        deadline = time.monotonic() + timeout
        while self.acknowledged < self.sent:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"{self.sent - self.acknowledged} messages not taken by the broker")
            time.sleep(0.01)


def publish_readings(url: str, device_ids: Sequence[str], count: int, prefix: str,
                     values: dict[str, int] = NORMAL_READING) -> list[str]:
    """Publish ``count`` readings round-robin over the devices, each with a unique
    ``msg_id`` (``{prefix}-{i}``); returns once the broker took them all."""
    msg_ids = [f"{prefix}-{i}" for i in range(count)]
    with Publisher(url) as publisher:
        for i, msg_id in enumerate(msg_ids):
            publisher.publish(device_ids[i % len(device_ids)], reading(msg_id, values))
        publisher.wait_acknowledged()
    return msg_ids


# -- seeding ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Account:
    """A user and the cared persons of their account; with ``self_care`` the first
    person is the user themself (so alerts reach the user at level 1)."""

    user_id: UUID
    person_ids: list[UUID]


async def seed_account(engine: AsyncEngine, persons: int = 1, *,
                       self_care: bool = False) -> Account:
    """A user and ``persons`` cared persons, through the use cases."""
    clock, ids, policy = SystemClock(DEFAULT_POLICY.timezone), Uuid4IdGenerator(), DEFAULT_POLICY

    def uow() -> SqlAlchemyUnitOfWork:
        return SqlAlchemyUnitOfWork(engine)

    user = await RegisterUser(uow(), clock, ids, PlainPasswordHasher(), policy)(RegisterUserCommand(
        f"bench-{uuid.uuid4().hex[:8]}@example.com", "una clave larga", "Bench", "User",
        date_of_birth=date(1950, 1, 1)))
    # Adding persons and devices needs a subscription in force: the biggest user package.
    await SeedCatalogue(uow(), ids, policy)()
    async with uow() as held:
        package = next(p for p in await held.packages.list_all()
                       if p.type is PackageType.PROFESSIONAL)
    await Subscribe(uow(), clock, ids, policy)(SubscribeCommand(user.id, package.id, "monthly"))
    person_ids = []
    for i in range(persons):
        care_type = "self_care" if self_care and i == 0 else "delegated"
        person = await AddCaredPerson(uow(), clock, ids, policy)(AddCaredPersonCommand(
            user.id, f"Person{i}", "Bench", date_of_birth=date(1940, 1, 1), care_type=care_type))
        person_ids.append(person.id)
    return Account(user.id, person_ids)


async def seed_devices(engine: AsyncEngine, account: Account, count: int, *,
                       device_type: str = "blood_pressure", prefix: str = "bp",
                       person_ids: Sequence[UUID] | None = None) -> dict[str, UUID]:
    """``count`` devices named ``{prefix}-{i}``, spread round-robin over the persons
    (the account's by default): the first through ``RegisterDevice``, the others bulk
    copies of its row. Returns device_id → primary key."""
    persons = list(person_ids or account.person_ids)
    first = await RegisterDevice(SqlAlchemyUnitOfWork(engine),
                                 SystemClock(DEFAULT_POLICY.timezone), Uuid4IdGenerator(),
                                 SecretsRandomSource(), DEFAULT_POLICY)(RegisterDeviceCommand(
        account.user_id, f"{prefix}-0", f"{prefix} 0", device_type, persons[0]))
    async with engine.begin() as conn:
        template = dict((await conn.execute(
            select(devices).where(devices.c.id == first.device.id))).mappings().one())
        copies = [{**template, "id": uuid.uuid4(), "device_id": f"{prefix}-{i}",
                   "name": f"{prefix} {i}", "cared_person_id": persons[i % len(persons)]}
                  for i in range(1, count)]
        for start in range(0, len(copies), 1000):
            await conn.execute(insert(devices), copies[start:start + 1000])
    return {first.device.device_id: first.device.id,
            **{row["device_id"]: row["id"] for row in copies}}


# -- the worker -------------------------------------------------------------------------

def python_path(src: Path | None) -> str | None:
    """What goes on PYTHONPATH for a checkout: its ``src`` when it has one."""
    if src is None:
        return None
    return str(src / "src") if (src / "src" / "cuiot").is_dir() else str(src)


class WorkerProcess:
    """``cuiot worker`` in a subprocess of its own session (Ctrl-C reaches us, and we stop
    it in order), settings from the environment, log to ``log_path``. A context manager;
    ``stop()`` sends SIGTERM and waits (killing it past ``grace_s``)."""

    def __init__(self, database_url: str, mqtt_url: str, log_path: Path, *,
                 src: Path | None = None, env: dict[str, str] | None = None,
                 grace_s: float = 30.0) -> None:
        self.log_path, self.grace_s = log_path, grace_s
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CUIOT_")}
        self.env.update({"CUIOT_DATABASE_URL": database_url, "CUIOT_MQTT_URL": mqtt_url,
                         "CUIOT_JWT_SECRET": "bench-" + "x" * 40, "CUIOT_LOG_FORMAT": "json",
                         **(env or {})})
        self.env.pop("PYTHONPATH", None)
        path = python_path(src)
        if path is not None:
            self.env["PYTHONPATH"] = path
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at: float | None = None  # time.monotonic()

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "cuiot.entrypoints.cli", "worker"], env=self.env,
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)
        self.started_at = time.monotonic()

    def stop(self) -> int | None:
        """SIGTERM, then wait; returns the exit code."""
        process, self.process = self.process, None
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=self.grace_s)
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait()

    def ensure_running(self) -> None:
        if self.process is None or self.process.poll() is not None:
            raise RuntimeError(f"the worker is not running; its log ends:\n{self.log_tail()}")

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:] if self.log_path.exists() else ""

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


# -- counting ---------------------------------------------------------------------------

# Rows the devices' messages made: events the worker makes itself (a coverage lapse,
# a device gone silent) carry no msg_id and are not what a benchmark sent.
FROM_MESSAGES = {"events": " WHERE msg_id IS NOT NULL"}


async def count_rows(engine: AsyncEngine, tables: Sequence[str] = COUNTED_TABLES) -> dict[str, int]:
    """Rows per table (for ``events``, those of devices' messages)."""
    async with engine.connect() as conn:
        return {table: (await conn.execute(text(
            f"SELECT count(*) FROM {table}{FROM_MESSAGES.get(table, '')}"))).scalar_one()
            for table in tables}


async def message_problems(engine: AsyncEngine, msg_ids: Sequence[str],
                           like: str = "%") -> list[str]:
    """Each ``msg_id`` must have exactly one ``events`` row and one ``device_messages``
    row: what is lost or doubled, described (empty when all is well). ``like`` narrows
    the rows looked at (``run-%``) when the tables hold others."""
    expected = set(msg_ids)
    problems = []
    for table in ("events", "device_messages"):
        async with engine.connect() as conn:
            found = dict((await conn.execute(text(
                f"SELECT msg_id, count(*) FROM {table} WHERE msg_id LIKE :like "
                "GROUP BY msg_id"), {"like": like})).all())
        lost = expected - found.keys()
        doubled = sorted(m for m in expected & found.keys() if found[m] > 1)
        if lost:
            problems.append(f"{len(lost)} messages have no {table} row, e.g. {sorted(lost)[:3]}")
        if doubled:
            problems.append(
                f"{len(doubled)} messages have several {table} rows, e.g. {doubled[:3]}")
    return problems


@dataclass(frozen=True)
class Arrival:
    """When rows appeared (``time.monotonic()``): the first poll that saw any, how many
    it saw, and the poll that saw the target."""

    first_at: float
    first_count: int
    done_at: float
    interval: float = 0.05

    def rate_after_first(self, target: int) -> float:
        """Rows per second from the first committed row on (start-up left out). When
        one poll saw them all, they came within a poll interval: the rate is at least
        ``target / interval``, and that floor is what is returned (never infinity)."""
        elapsed = self.done_at - self.first_at
        if elapsed <= 0:
            return target / self.interval
        return (target - self.first_count) / elapsed


async def wait_for_rows(engine: AsyncEngine, target: int, *, table: str = "events",
                        baseline: int = 0, timeout: float = 600.0, interval: float = 0.05,
                        alive: Any = None, statement: Any = None) -> Arrival:
    """Poll ``count(*)`` of ``table`` (or ``statement``, a count that stays cheap however
    big the table is) until ``baseline + target`` rows; ``alive`` (a callable) is called
    every poll to fail fast when what writes the rows died."""
    deadline, first = time.monotonic() + timeout, None
    statement = statement if statement is not None else select(func.count()).select_from(
        text(table))
    while True:
        async with engine.connect() as conn:
            count = (await conn.execute(statement)).scalar_one() - baseline
        now = time.monotonic()
        if count > 0 and first is None:
            first = (now, count)
        if count >= target:
            return Arrival(first[0], first[1], now, interval)  # type: ignore[index]
        if now > deadline:
            raise TimeoutError(f"{count} of {target} rows in {table} after {timeout:.0f} s")
        if alive is not None:
            alive()
        await asyncio.sleep(interval)


# -- small things -----------------------------------------------------------------------

def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100), nearest rank; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(min(rank, len(ordered))) - 1]


def log_file(name: str) -> Path:
    """A fresh path for a process's log, kept after the run for a reader to look at."""
    root = Path(tempfile.gettempdir()) / "cuiot-bench-logs"
    root.mkdir(exist_ok=True)
    return root / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"


def sigterm_as_interrupt() -> None:
    """SIGTERM unwinds like Ctrl-C, so the ``with`` blocks stop workers, brokers and
    databases on the way out."""
    def interrupt(*_args: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)


def engine_for(url: str) -> AsyncEngine:
    """An engine for the benchmark's own reads and writes (``dispose`` it when done)."""
    return create_engine(url)

"""HTTP reads: a family member's alert and event lists on a big database, against
``GET /health`` on the same server in the same run.

    python -m bench http [--events 1000000] [--alerts 50000] [--persons 5000]
                         [--duration 10] [--connections 32]

A fresh PostgreSQL database filled with bulk SQL: ``--persons`` cared persons (two
devices each), ``--events`` events and ``--alerts`` closed alerts spread over them and
over the last 90 days; one family user (a member of three of those persons) who logs in
with a password. ``cuiot serve --workers 2 --no-mqtt`` runs on a free port, sharing a
Redis key prefix of its own (rate limit raised out of the way, its cost still paid).
Load from ``wrk`` (installed with apt if missing) or, failing that, an httpx generator:
requests/s, p50, p99 and the ratio to /health; then the p99 of both reads again while
20 logins a second (bcrypt, as stored) arrive. Every read must answer 2xx.

Last, the floor (``bench/_floor.py``): the same alert statement behind no framework at
all, on the same database with the same token and the same uvicorn set-up, against its own
``/health``. Its ratio is the most any Python server of this shape reaches on this
machine; ``--no-floor`` skips it.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator

import bcrypt
import httpx

from bench._load import Load, Logins, find_wrk, login_stream, run_load
from bench._reads_support import (
    JWT_SECRET,
    CuiotProcess,
    cuiot_env,
    execute,
    plain_dsn,
    seed_people_sql,
    stable_id,
)
from bench.common import migrated_database, sigterm_as_interrupt
from bench.report import Report
from tests.support.redis_server import delete_keys, redis_server
from tests.support.servers import free_port

FAMILY_EMAIL, FAMILY_PASSWORD = "familia@bench.example", "una clave larga"
FAMILY_OF = 3  # cared persons the family user is a member of
DEVICES_PER_PERSON = 2
BCRYPT_ROUNDS = 12  # CUIOT_BCRYPT_ROUNDS' default: logins cost what they cost in production


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--alerts", type=int, default=50_000)
    parser.add_argument("--persons", type=int, default=5_000)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per read")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--logins-per-second", type=float, default=20.0)
    parser.add_argument("--no-floor", dest="floor", action="store_false",
                        help="skip the floor (bench/_floor.py) measured after CUIOT")
    parser.add_argument("--load-generator", choices=["auto", "httpx"], default="auto",
                        help="auto: wrk when installed or installable, else httpx")


def run(args: argparse.Namespace) -> Report:
    sigterm_as_interrupt()
    persons = max(FAMILY_OF, args.persons)
    wrk = find_wrk() if args.load_generator == "auto" else None
    report = Report("http", {"events": args.events, "alerts": args.alerts, "persons": persons,
                             "duration_s": args.duration, "connections": args.connections,
                             "load": "wrk" if wrk else "httpx",
                             "logins_per_second": args.logins_per_second})
    with migrated_database("postgres") as url:
        started = time.perf_counter()
        execute(url, *seed_people_sql(persons, DEVICES_PER_PERSON), *_family_sql(),
                _events_sql(args.events, persons), _alerts_sql(args.alerts, persons), "ANALYZE")
        report.notes.append(f"seeded in {time.perf_counter() - started:.1f} s")
        with _server(url) as base:
            token, page = _measure(report, args, wrk, base)
        if args.floor:
            with _floor_server(url) as base:
                _measure_floor(report, args, wrk, base, token, page)
    return report


def _family_sql() -> list[str]:
    """The family user (a real bcrypt hash) and its membership of persons 1..FAMILY_OF."""
    hashed = bcrypt.hashpw(FAMILY_PASSWORD.encode(), bcrypt.gensalt(BCRYPT_ROUNDS)).decode()
    return [
        f"""INSERT INTO users (id, email, password_hash, first_name, last_name,
                capacity_status, is_active, created_at)
            VALUES ({stable_id('family', '1')}, '{FAMILY_EMAIL}', '{hashed}', 'Lucía',
                    'Familia', 'full', true, now())""",
        f"""INSERT INTO cared_person_members (cared_person_id, user_id)
            SELECT {stable_id('person', 'n')}, {stable_id('family', '1')}
            FROM generate_series(1, {FAMILY_OF}) AS n""",
    ]


def _device_of(row: str, persons: int) -> tuple[str, str]:
    """(person, device) ids of row ``row``: round robin over persons, then their devices."""
    person_n = f"(({row}) - 1) % {persons} + 1"
    device_n = f"{person_n} + {persons} * ((({row}) - 1) / {persons} % {DEVICES_PER_PERSON})"
    return stable_id("person", person_n), stable_id("device", device_n)


def _events_sql(count: int, persons: int) -> str:
    """Low blood-pressure readings over the last 90 days (monthly partitions and default)."""
    person, device = _device_of("i", persons)
    return f"""
        INSERT INTO events (id, timestamp, device_pk, cared_person_id, event_type, severity,
            received_at, sensor_data, msg_id, size_bytes)
        SELECT {stable_id('event', 'i')}, at, {device}, {person}, 'blood_pressure', 'low', at,
               '{{"systolic": 121, "diastolic": 79, "pulse": 70}}', 'bench-' || i, 48
        FROM generate_series(1, {count}) AS i,
             LATERAL (SELECT now() - (i % 7776000) * interval '1 second' AS at) AS t"""


def _alerts_sql(count: int, persons: int) -> str:
    """Closed alerts over the last 90 days: one in ten acknowledged, the rest resolved
    (none due, so the pipeline worker beside the API stays idle)."""
    person, device = _device_of("i", persons)
    return f"""
        INSERT INTO alerts (id, created_at, cared_person_id, device_pk, alert_type, severity,
            status, escalation_level, repeats_at_max_level, occurrences, last_event_at,
            acknowledged_at, resolved_at)
        SELECT {stable_id('alert', 'i')}, at, {person}, {device}, 'panic_pressed', 'high',
               CASE WHEN i % 10 = 0 THEN 'acknowledged' ELSE 'resolved' END, 1, 0, 1, at,
               at + interval '5 minutes',
               CASE WHEN i % 10 = 0 THEN NULL ELSE at + interval '1 hour' END
        FROM generate_series(1, {count}) AS i,
             LATERAL (SELECT now() - (i % 7776000) * interval '1 second' AS at) AS t"""


@contextlib.contextmanager
def _server(database_url: str) -> Iterator[str]:
    """``cuiot serve --workers 2 --no-mqtt`` on a free port, its Redis keys under a prefix
    of its own; stopped and the keys deleted at the end. Yields the base URL."""
    port = free_port()
    with redis_server() as redis_url:
        prefix = f"cuiot-bench-{uuid.uuid4().hex[:12]}:"
        env = cuiot_env(database_url, redis_url=redis_url, redis_prefix=prefix,
                        rate_limit_per_minute="1000000000")
        server = CuiotProcess(["serve", "--workers", "2", "--no-mqtt", "--port", str(port)], env)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_healthy(base, server)
            yield base
        finally:
            server.stop()
            delete_keys(redis_url, prefix)


def _wait_until_healthy(base: str, server: CuiotProcess, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/health", timeout=1).is_success:
                return
        server.check_running()
        time.sleep(0.2)
    raise TimeoutError(f"cuiot serve did not answer /health in {timeout} s:\n"
                       + server.output()[-3000:])


def _measure(report: Report, args: argparse.Namespace, wrk: str | None,
             base: str) -> tuple[str, list[str]]:
    """Every read alone, then the two reads under the login stream; rows and figures.
    Returns the family user's access token and the ids of its first page of alerts."""
    token = httpx.post(f"{base}/api/v1/auth/login", timeout=60, json={
        "email": FAMILY_EMAIL, "password": FAMILY_PASSWORD}).raise_for_status().json()
    auth = {"Authorization": f"Bearer {token['access_token']}"}
    person = _family_person(base, auth)
    reads = {"/api/v1/alerts": f"{base}/api/v1/alerts",
             "/api/v1/events": f"{base}/api/v1/events?cared_person_id={person}"}

    def load(url: str, headers: dict[str, str]) -> Load:
        return run_load(wrk, url, headers, connections=args.connections, seconds=args.duration)

    health = _add_row(report, "/health", "alone", load(f"{base}/health", {}), None)
    alone = {name: _add_row(report, name, "alone", load(url, auth), health)
             for name, url in reads.items()}
    body = {"email": FAMILY_EMAIL, "password": FAMILY_PASSWORD}
    with login_stream(base, body, args.logins_per_second) as logins:
        busy = {name: _add_row(report, name, "with logins", load(url, auth), health)
                for name, url in reads.items()}
    _add_figures(report, alone, busy, logins)
    first = httpx.get(reads["/api/v1/alerts"], headers=auth, timeout=30).raise_for_status()
    return str(token["access_token"]), [item["id"] for item in first.json()["items"]]


@contextlib.contextmanager
def _floor_server(database_url: str) -> Iterator[str]:
    """``bench/_floor.py`` under uvicorn as ``cuiot serve --workers 2`` runs (uvloop,
    httptools, no access log) on a free port. Yields the base URL."""
    port = free_port()
    env = {**os.environ, "FLOOR_DSN": plain_dsn(database_url), "FLOOR_JWT_SECRET": JWT_SECRET}
    log = tempfile.TemporaryFile()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "bench._floor:create_app", "--factory",
         "--workers", "2", "--port", str(port), "--loop", "uvloop", "--http", "httptools",
         "--no-access-log", "--log-level", "warning"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while not _answers(f"{base}/health"):
            if server.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError("the floor server did not start:\n"
                                   + log.read().decode(errors="replace")[-3000:])
            time.sleep(0.2)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


def _answers(url: str) -> bool:
    with contextlib.suppress(httpx.HTTPError):
        return httpx.get(url, timeout=1).is_success
    return False


def _measure_floor(report: Report, args: argparse.Namespace, wrk: str | None, base: str,
                   token: str, cuiot_page: list[str]) -> None:
    """The floor's /health, then its alert list with CUIOT's token: the same page CUIOT
    answers (checked: the same alert ids in the same order), at the floor's cost."""
    auth = {"Authorization": f"Bearer {token}"}
    floor_page = httpx.get(f"{base}/api/v1/alerts", headers=auth, timeout=30)
    floor_ids = ([str(item["id"]) for item in floor_page.json()["items"]]
                 if floor_page.status_code == 200 else None)
    if floor_ids != cuiot_page:
        report.problems.append(f"the floor's alert page ({floor_page.status_code}) is not "
                               "CUIOT's: it would not measure the same read")
        return
    health = _add_row(report, "floor /health", "alone", run_load(
        wrk, f"{base}/health", {}, connections=args.connections, seconds=args.duration), None)
    alerts = _add_row(report, "floor /api/v1/alerts", "alone", run_load(
        wrk, f"{base}/api/v1/alerts", auth, connections=args.connections,
        seconds=args.duration), health)
    report.figures["floor_alerts_ratio_to_its_health"] = (
        alerts.requests_per_second / health.requests_per_second
        if health.requests_per_second else None)
    report.figures["floor_alerts_p99_ms"] = alerts.p99_ms


def _family_person(base: str, auth: dict[str, str]) -> str:
    """One of the cared persons the family user may see (an honest check of the seed)."""
    page = httpx.get(f"{base}/api/v1/cared-persons", headers=auth, timeout=30)
    items = page.raise_for_status().json()["items"]
    if len(items) != FAMILY_OF:
        raise RuntimeError(f"the family user sees {len(items)} cared persons, not {FAMILY_OF}")
    return items[0]["id"]


def _add_row(report: Report, name: str, phase: str, load: Load, health: Load | None) -> Load:
    if load.failed:
        report.problems.append(f"{name} ({phase}): {load.failed} of {load.requests} "
                               "requests not answered 2xx")
    if not load.requests:
        report.problems.append(f"{name} ({phase}): no request was answered")
    report.rows.append({
        "request": name, "phase": phase, "requests": load.requests,
        "requests/s": load.requests_per_second, "p50 ms": load.p50_ms, "p99 ms": load.p99_ms,
        "ratio to /health": (load.requests_per_second / health.requests_per_second
                             if health and health.requests_per_second else None),
    })
    return load


def _add_figures(report: Report, alone: dict[str, Load], busy: dict[str, Load],
                 logins: Logins) -> None:
    for name, load in alone.items():
        key = name.rsplit("/", 1)[-1]
        report.figures[f"{key}_p99_ms"] = load.p99_ms
        report.figures[f"{key}_p99_ms_with_logins"] = busy[name].p99_ms
    report.figures["logins_per_second_achieved"] = (logins.ok / logins.seconds
                                                    if logins.seconds else None)
    if logins.sent != logins.ok:
        report.problems.append(f"{logins.sent - logins.ok} of {logins.sent} logins not "
                               "answered 200")

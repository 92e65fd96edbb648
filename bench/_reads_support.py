"""What the http and escalation benchmarks share beyond ``bench.common``: SQL run through
asyncpg, people seeded with bulk SQL, and ``cuiot`` subprocesses that are always stopped.

Seeded rows get stable ids, ``md5('<kind>-<n>')::uuid``, so one statement can point at
another's rows without reading them back: person ``n`` belongs to user ``n`` and owns
device ``n`` (and ``n + persons``… with several devices each).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

JWT_SECRET = "bench-secret-" + "x" * 40


def stable_id(kind: str, number: str) -> str:
    """The SQL expression of a seeded row's id: ``kind`` and an SQL integer expression."""
    return f"md5('{kind}-' || ({number}))::uuid"


def plain_dsn(url: str) -> str:
    """The asyncpg DSN of a SQLAlchemy URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def execute(url: str, *statements: str) -> None:
    """Run ``statements`` in one transaction (its own event loop)."""
    async def _run() -> None:
        conn = await asyncpg.connect(plain_dsn(url))
        try:
            async with conn.transaction():
                for statement in statements:
                    await conn.execute(statement)
        finally:
            await conn.close()
    asyncio.run(_run())


def fetch_value(url: str, query: str) -> object:
    async def _run() -> object:
        conn = await asyncpg.connect(plain_dsn(url))
        try:
            return await conn.fetchval(query)
        finally:
            await conn.close()
    return asyncio.run(_run())


def seed_people_sql(persons: int, devices_per_person: int = 1,
                    members_per_person: int = 0, represented: bool = False) -> list[str]:
    """Users 1..persons, user n the account holder of cared person n, with its devices
    and members (users ``n + persons * k``, k = 1..members_per_person); ``represented``:
    the holder is also the person's verified legal representative, so someone is on the
    first level of the ladder (else the coverage job finds every person degraded and
    opens an alert for each when a worker starts)."""
    user, person = stable_id("user", "n"), stable_id("person", "n")
    device_n = f"n + {persons} * (k - 1)"
    users = persons * (1 + members_per_person)
    representatives = [f"""INSERT INTO legal_representations (id, cared_person_id,
                representative_id, relationship, document_ref, valid_from, verified,
                verified_at, created_at)
            SELECT {stable_id('representation', 'n')}, {person}, {user}, 'child',
                   'bench-' || n, date '2020-01-01', true, now(), now()
            FROM generate_series(1, {persons}) AS n"""] if represented else []
    return [
        f"""INSERT INTO users (id, email, password_hash, first_name, last_name,
                capacity_status, is_active, created_at)
            SELECT {user}, 'bench-user-' || n || '@example.com', 'not-a-hash', 'Usuario',
                   'Bench ' || n, 'full', true, now()
            FROM generate_series(1, {users}) AS n""",
        f"""INSERT INTO cared_persons (id, account_id, first_name, last_name, date_of_birth,
                care_type, capacity_status, emergency_contacts, thresholds, created_at)
            SELECT {person}, {user}, 'Persona', 'Bench ' || n, date '1940-01-01',
                   'delegated', 'full', '[]', '{{}}', now()
            FROM generate_series(1, {persons}) AS n""",
        f"""INSERT INTO devices (id, device_id, name, device_type, cared_person_id,
                api_key_hash, created_at, config, is_active, status)
            SELECT {stable_id('device', device_n)}, 'bench-device-' || ({device_n}),
                   'Botón ' || n, 'panic_button', {person}, repeat('0', 64), now(), '{{}}',
                   true, 'online'
            FROM generate_series(1, {persons}) AS n,
                 generate_series(1, {devices_per_person}) AS k""",
        f"""INSERT INTO cared_person_members (cared_person_id, user_id)
            SELECT {person}, {stable_id('user', f'n + {persons} * k')}
            FROM generate_series(1, {persons}) AS n,
                 generate_series(1, {members_per_person}) AS k""",
        *representatives,
    ]


def cuiot_env(database_url: str, **settings: str) -> dict[str, str]:
    """The environment of a ``cuiot`` subprocess: this database, MQTT off, JSON logs."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CUIOT_")}
    env.update(CUIOT_DATABASE_URL=database_url, CUIOT_JWT_SECRET=JWT_SECRET,
               CUIOT_MQTT_URL="off", CUIOT_LOG_FORMAT="json")
    env.update({f"CUIOT_{key.upper()}": value for key, value in settings.items()})
    return env


class CuiotProcess:
    """``cuiot ARGS`` in a session of its own (Ctrl-C reaches us, not it); its output
    goes to a temp file that ``wait_for_output`` reads."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.log = Path(tempfile.mkstemp(prefix="cuiot-bench-", suffix=".log")[1])
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "cuiot.entrypoints.cli", *args], env=env,
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def check_running(self) -> None:
        """Raise, with the end of its output, if it has exited."""
        if self.process.poll() is not None:
            raise RuntimeError(f"cuiot exited with {self.process.returncode}:\n"
                               + self.output()[-3000:])

    def wait_for_output(self, text: str, timeout: float = 60.0) -> None:
        """Until ``text`` appears in its output; raise if it exits or times out first."""
        deadline = time.monotonic() + timeout
        while text not in self.output():
            self.check_running()
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {text!r} from cuiot in {timeout} s:\n"
                                   + self.output()[-3000:])
            time.sleep(0.05)

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM to its whole process group (uvicorn workers, the pipeline worker),
        SIGKILL if it outlives ``timeout``; its log is removed."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        with contextlib.suppress(ProcessLookupError):  # children that outlived the leader
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log.unlink(missing_ok=True)


@contextlib.contextmanager
def cuiot_processes(count: int, args: list[str],
                    env: dict[str, str]) -> Iterator[list[CuiotProcess]]:
    """``count`` processes of ``cuiot ARGS``, all stopped at the end, whatever happens."""
    started: list[CuiotProcess] = []
    try:
        for _ in range(count):
            started.append(CuiotProcess(args, env))
        yield started
    finally:
        for process in started:
            process.stop()

"""Real servers for the integration tests: the one that answers, or a throwaway one.

PostgreSQL: ``CUIOT_TEST_DATABASE_URL`` (a server URL) if set, else the server on
127.0.0.1:5432, else a cluster started here from Debian's postgresql package (installed
when missing), as the ``postgres`` user, in a temp dir on a free loopback port, stopped
at the end. Each run gets a fresh database that is dropped at the end.
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url


def port_answers(host: str, port: int, timeout: float = 0.5) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=timeout):
        return True
    return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_user(user: str, argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    return ["runuser", "-u", user, "--", *argv]


def _apt_install(*packages: str) -> None:
    if os.geteuid() != 0:
        raise RuntimeError(f"{packages} missing and not root: install them or point the tests "
                           "at a server")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # The test command runs two pytest processes: one apt at a time between them.
    with open("/tmp/cuiot-tests-apt.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", *packages], check=True, env=env)


def _pg_bin(tool: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"))
    if not found:
        _apt_install("postgresql")
        found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{tool}"))
    return found[-1]


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A PostgreSQL cluster of our own on loopback, removed afterwards."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    root = Path(tempfile.mkdtemp(prefix="cuiot-pg-"))
    data, port = root / "data", free_port()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    subprocess.run(_as_user("postgres", [initdb, "-D", str(data), "-U", "postgres", "-A", "trust",
                                         "--no-sync"]), check=True, capture_output=True)
    opts = f"-h 127.0.0.1 -p {port} -k {root} -F -c max_connections=200"
    subprocess.run(_as_user("postgres", [pg_ctl, "-D", str(data), "-o", opts, "-l",
                                         str(root / "log"), "-w", "start"]), check=True)
    try:
        yield f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_user("postgres", [pg_ctl, "-D", str(data), "-m", "immediate", "stop"]),
                       check=False, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """A server URL (to its maintenance database) that answers."""
    configured = os.environ.get("CUIOT_TEST_DATABASE_URL")
    if configured:
        yield configured
    elif port_answers("127.0.0.1", 5432):
        yield "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    else:
        with throwaway_postgres() as url:
            yield url


def _admin_dsn(server_url: str) -> str:
    url = make_url(server_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


async def _admin(server_url: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_admin_dsn(server_url))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextlib.contextmanager
def fresh_postgres_database(server_url: str) -> Iterator[str]:
    """A database made for this run and dropped at its end."""
    name = f"cuiot_test_{uuid.uuid4().hex[:12]}"
    _in_thread(_admin, server_url, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        _in_thread(_admin, server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _in_thread(coroutine_fn, *args):
    """asyncio.run in a worker thread: safe whether or not a loop runs here."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine_fn(*args)).result()


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()

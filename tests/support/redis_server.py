"""A real Redis for the integration tests: the one that answers, or a throwaway one.

``CUIOT_TEST_REDIS_URL`` if set, else the Redis on 127.0.0.1:6379, else a
``redis-server`` started here (Debian's package, installed when missing) on a free
loopback port, without persistence, stopped at the end. Each test run writes only under
its own key prefix, ``cuiot-test-<hex>:``, and deletes those keys when it ends.

Use the fixtures by importing them into a test module::

    from tests.support.redis_server import redis_prefix, redis_url  # noqa: F401
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator

import pytest
import redis

from tests.support.servers import _apt_install, free_port, port_answers, wait_for

DEFAULT_PORT = 6379


def _redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if found is None:
        _apt_install("redis-server")
        found = shutil.which("redis-server") or "/usr/bin/redis-server"
    return found


@contextlib.contextmanager
def throwaway_redis() -> Iterator[str]:
    """A redis-server of our own on loopback, no snapshots, removed afterwards."""
    binary, port = _redis_server_binary(), free_port()
    workdir = tempfile.mkdtemp(prefix="cuiot-redis-")
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", workdir],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not wait_for(lambda: port_answers("127.0.0.1", port), timeout=15):
            raise RuntimeError(f"redis-server did not answer on port {port}")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(workdir, ignore_errors=True)


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A Redis URL that answers."""
    configured = os.environ.get("CUIOT_TEST_REDIS_URL")
    if configured:
        yield configured
    elif port_answers("127.0.0.1", DEFAULT_PORT):
        yield f"redis://127.0.0.1:{DEFAULT_PORT}/0"
    else:
        with throwaway_redis() as url:
            yield url


def delete_keys(url: str, prefix: str) -> int:
    """Delete every key under ``prefix``; how many there were."""
    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=500))
        return client.delete(*keys) if keys else 0
    finally:
        client.close()


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    with redis_server() as url:
        yield url


@pytest.fixture(scope="session")
def redis_prefix(redis_url: str) -> Iterator[str]:
    """This run's key prefix; its keys are deleted at the end of the run."""
    prefix = f"cuiot-test-{uuid.uuid4().hex[:12]}:"
    yield prefix
    delete_keys(redis_url, prefix)

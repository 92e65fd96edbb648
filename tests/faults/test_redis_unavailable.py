"""Redis goes away mid-stream: the worker's ingest, escalation and delivery never needed
it on PostgreSQL (NOTIFY wakes the live stream and the dispatcher), so they go on.
(HTTP without Redis: tests/e2e/test_redis_unavailable.py.)"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

from tests.support.redis_server import _redis_server_binary
from tests.support.servers import free_port, port_answers, wait_for


@pytest.fixture
def redis() -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    port = free_port()
    process = subprocess.Popen([_redis_server_binary(), "--port", str(port), "--bind",
                                "127.0.0.1", "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert wait_for(lambda: port_answers("127.0.0.1", port), timeout=15)
    yield f"redis://127.0.0.1:{port}/0", process
    process.kill()
    process.wait()


async def test_redis_going_away_stops_nothing_in_the_worker(stage, redis):
    url, process = redis
    stage.settings["redis_url"] = url

    async def redis_goes_away(_worker) -> None:
        process.kill()
        process.wait()

    await stage.survive("redis killed", redis_goes_away)

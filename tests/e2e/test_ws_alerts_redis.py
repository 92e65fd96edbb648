"""Live alerts across workers with a real Redis: an alert changed on one worker reaches
the WebSockets of every worker, once. (Each worker reads the journal of alert changes;
Redis wakes them on SQLite, NOTIFY on PostgreSQL: tests/integration/test_live_alerts.py.)"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from cuiot.application.safety.commands.alerts import AcknowledgeAlert, AlertCommand
from cuiot.entrypoints.container import use_case
from tests.e2e.conftest import settings_for
from tests.e2e.test_ws_alerts import (
    Worker,
    nothing_within,
    receive,
    receive_alert,
    running_worker,
)
from tests.support.redis_server import redis_prefix, redis_url  # noqa: F401


@pytest.fixture
def prefix(redis_prefix: str) -> str:
    return f"{redis_prefix}{uuid.uuid4().hex[:8]}:"


@pytest.fixture
async def workers(database_url, redis_url, prefix) -> AsyncIterator[tuple[Worker, Worker]]:
    settings = settings_for(database_url, redis_url=redis_url, redis_prefix=prefix)
    async with running_worker(settings) as a, running_worker(settings) as b:
        yield a, b


async def test_an_alert_opened_on_one_worker_reaches_every_worker_once(workers):
    a, b = workers
    token, ana_id, _ = await a.family("ana@example.com", "bp-elena")
    async with b.socket(token) as on_b, a.socket(token) as on_a:
        for ws in (on_a, on_b):
            assert (await receive(ws))["type"] == "ready"
        alert_id = await a.reading("bp-elena", "m-1")
        for ws in (on_b, on_a):
            seen = await receive_alert(ws, timeout=1.0)
            assert (seen["change"], seen["alert"]["id"]) == ("opened", str(alert_id))
        await use_case(b.container, AcknowledgeAlert)(AlertCommand(ana_id, alert_id))
        for ws in (on_a, on_b):
            assert (await receive_alert(ws))["change"] == "acknowledged"
            assert await nothing_within(ws)  # each change once, not once per worker

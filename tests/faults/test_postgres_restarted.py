"""PostgreSQL restarted mid-stream (every session cut off): the worker reconnects by
itself with backoff and acknowledges nothing it could not commit, so every message is
stored once when the database is back. Over HTTP, a request while it is away gets 503
with the error shape, and the same app serves again afterwards without a restart."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from cuiot.entrypoints.container import build_container, dispose_engines
from cuiot.entrypoints.http.app import create_app
from tests.e2e.conftest import settings_for
from tests.faults.stream import PostgresCluster

DOWN_SECONDS = 4.0


@pytest.fixture
def cluster() -> Iterator[PostgresCluster]:
    cluster = PostgresCluster()
    cluster.start()
    yield cluster
    cluster.remove()


@pytest.fixture
def database_server(cluster: PostgresCluster) -> str:
    return cluster.url


async def test_a_database_restart_mid_stream_loses_and_doubles_nothing(stage, cluster):
    container = build_container(settings_for(stage.database_url))
    transport = httpx.ASGITransport(app=create_app(container))
    answers: list[int] = []
    async with httpx.AsyncClient(transport=transport, base_url="http://cuiot.test") as api:
        async def login() -> httpx.Response:
            return await api.post("/api/v1/auth/login", json={
                "email": "ana@example.com", "password": "una clave larga"})

        async def restart_the_database(_worker) -> None:
            await asyncio.to_thread(cluster.stop)
            away = await login()
            answers.append(away.status_code)
            assert away.json()["error"] == "database_unavailable", away.text
            await asyncio.sleep(DOWN_SECONDS)
            await asyncio.to_thread(cluster.start)

        await stage.survive("postgresql restarted", restart_the_database)
        back = await login()  # the seeded hash is no password: refused, but answered
        answers.append(back.status_code)
    await dispose_engines(container)
    assert answers == [503, 401]

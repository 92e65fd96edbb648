"""Two API workers on one real Redis share the rate budget and the revocation list."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import httpx
import pytest

from cuiot.entrypoints.container import build_container, dispose_engines
from cuiot.entrypoints.http.app import create_app
from tests.e2e.conftest import PASSWORD, settings_for
from tests.support.redis_server import redis_prefix, redis_url  # noqa: F401


@pytest.fixture
async def workers(database_url, redis_url, redis_prefix) -> AsyncIterator[list[httpx.AsyncClient]]:
    prefix = f"{redis_prefix}{id(object())}:"
    async with AsyncExitStack() as stack:
        clients, containers = [], []
        for _ in range(2):
            container = build_container(settings_for(
                database_url, redis_url=redis_url, redis_prefix=prefix, rate_limit_per_minute=6))
            transport = httpx.ASGITransport(app=create_app(container))
            clients.append(await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url="http://cuiot.test")))
            containers.append(container)
        yield clients
        for container in containers:
            await container.redis().aclose()
            await dispose_engines(container)


async def test_the_rate_budget_is_shared_by_the_workers(workers):
    first, second = workers
    statuses = [(await (first if n % 2 else second).get("/api/v1/users/me")).status_code
                for n in range(7)]
    assert statuses == [401] * 6 + [429]
    limited = await first.get("/api/v1/users/me")
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1


async def test_a_logout_on_one_worker_is_seen_by_the_other(workers):
    first, second = workers
    await first.post("/api/v1/auth/register", json={
        "email": "lucia@example.com", "password": PASSWORD, "first_name": "L", "last_name": "F"})
    token = (await second.post("/api/v1/auth/login", json={
        "email": "lucia@example.com", "password": PASSWORD})).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert (await first.get("/api/v1/users/me", headers=headers)).status_code == 200
    assert (await second.post("/api/v1/auth/logout", headers=headers)).status_code == 204
    assert (await first.get("/api/v1/users/me", headers=headers)).status_code == 401

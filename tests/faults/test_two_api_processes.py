"""Two workers and two API processes (``cuiot serve``, each with its own scheduler and
dispatcher) on one PostgreSQL and one Redis, while the stream runs and one worker is
killed and started again: no message, escalation step or notification is doubled, the
request budget of a client and the login throttle are the same whichever process a
request reaches, and both processes show the family the same alerts."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from itertools import cycle

import bcrypt
import pytest

from tests.faults.api import ApiServer
from tests.faults.stream import connected
from tests.support.redis_server import redis_prefix, redis_url  # noqa: F401

PER_MINUTE = 30  # requests a client address may make a minute, on all processes together
PASSWORD = "una clave larga"
ANA = {"email": "ana@example.com", "password": PASSWORD}


@pytest.fixture
def apis(stage, redis_url, redis_prefix) -> Iterator[list[ApiServer]]:
    settings = {"redis_url": redis_url, "redis_prefix": f"{redis_prefix}apis:",
                "rate_limit_per_minute": str(PER_MINUTE)}
    stage.settings.update(settings)  # the workers share them too
    servers = [ApiServer(stage.database_url, stage.push.url, **stage.settings)
               for _ in range(2)]
    for server in servers:
        server.start()
    yield servers
    for server in servers:
        server.stop()


async def give_ana_a_password(url: str) -> None:
    hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
    async with connected(url) as db:
        await db.execute("UPDATE users SET password_hash = $1 WHERE email = $2",
                         hashed, ANA["email"])


async def requests_until_refused(apis: list[ApiServer], address: str) -> list[int]:
    """Ana's client at ``address`` logs in, then reads her alerts from one process and
    the other in turn until one refuses: the statuses, in order."""
    clients = [api.client(address) for api in apis]
    try:
        login = await clients[0].post("/api/v1/auth/login", json=ANA)
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        statuses = [login.status_code]
        for client in cycle(clients):
            statuses.append((await client.get("/api/v1/alerts", headers=headers)).status_code)
            if statuses[-1] != 200 or len(statuses) > 2 * PER_MINUTE:
                return statuses
    finally:
        for client in clients:
            await client.aclose()
    raise AssertionError("unreachable")


async def logins_from(apis: list[ApiServer], address: str, passwords: list[str]) -> list[int]:
    """Ana's email tried with each password from ``address``, each on the next process."""
    statuses = []
    for api, password in zip(cycle(apis), passwords, strict=False):
        async with api.client(address) as client:
            statuses.append((await client.post("/api/v1/auth/login", json={
                "email": ANA["email"], "password": password})).status_code)
    return statuses


async def alert_ids_seen_by_ana(api: ApiServer) -> set[str]:
    async with api.client("203.0.113.99") as client:
        login = await client.post("/api/v1/auth/login", json=ANA)
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        page = (await client.get("/api/v1/alerts?limit=100", headers=headers)).json()
    return {alert["id"] for alert in page["items"]}


async def test_two_workers_and_two_api_processes_share_one_budget(stage, apis):
    seen: dict[str, list[int]] = {}

    async def kill_a_worker_and_use_the_api(worker) -> None:
        worker.kill()
        await give_ana_a_password(stage.database_url)
        seen["budget"] = await requests_until_refused(apis, "203.0.113.10")
        seen["throttle"] = await logins_from(apis, "203.0.113.20", ["wrong"] * 6 + [PASSWORD])
        seen["elsewhere"] = await logins_from(apis, "203.0.113.30", [PASSWORD])
        await asyncio.to_thread(worker.start)

    await stage.survive("two workers and two API processes, one worker killed",
                        kill_a_worker_and_use_the_api, workers=2)

    assert seen["budget"] == [200] * PER_MINUTE + [429], seen["budget"]
    # five failures are allowed, three on each process; the sixth makes the next one wait
    assert seen["throttle"] == [401] * 6 + [429], seen["throttle"]
    assert seen["elsewhere"] == [200], "the account holder elsewhere is not locked out"
    async with connected(stage.database_url) as db:
        alerts = {str(row["id"]) for row in await db.fetch("SELECT id FROM alerts")}
    assert alerts and [await alert_ids_seen_by_ana(api) for api in apis] == [alerts, alerts]
    assert [api.errors() for api in apis] == [[], []]

"""While the database cannot be reached, the API answers 503 ``database_unavailable``
with the contract's error shape and a Retry-After, never a 500: a client can tell "try
again soon" from a bug. (The fault suite, tests/faults/, restarts a real PostgreSQL
under load and sees the API serve again afterwards.)"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from cuiot.entrypoints.container import build_container, dispose_engines
from cuiot.entrypoints.http.app import create_app
from tests.e2e.conftest import settings_for
from tests.support.servers import free_port


def unreachable(database_url: str, tmp_path) -> str:
    """A database of the same kind that cannot be reached."""
    if database_url.startswith("sqlite"):
        return f"sqlite+aiosqlite:///{tmp_path}/gone/cuiot.db"  # its directory is missing
    return f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/cuiot"  # nobody listens


@pytest.fixture
async def client(database_url: str, tmp_path) -> AsyncIterator[httpx.AsyncClient]:
    container = build_container(settings_for(unreachable(database_url, tmp_path)))
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://cuiot.test") as client:
        yield client
    await dispose_engines(container)


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/api/v1/auth/login", {"email": "ana@example.com", "password": "una clave larga"}),
    ("POST", "/api/v1/auth/register", {"email": "ana@example.com", "password": "una clave larga",
                                       "first_name": "Ana", "last_name": "Paz",
                                       "date_of_birth": "1980-05-01"}),
])
async def test_while_the_database_is_away_the_api_answers_503(client, method, path, body):
    response = await client.request(method, path, json=body)
    assert response.status_code == 503, response.text
    assert response.json()["error"] == "database_unavailable"
    assert set(response.json()) == {"error", "message", "details"}
    assert response.headers["retry-after"] == "5"
    assert response.json()["details"]["request_id"] == response.headers["x-request-id"]

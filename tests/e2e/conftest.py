"""End-to-end tests through the HTTP API, on SQLite and PostgreSQL: the real app, the
real container, a real database; only the network is in-process (httpx's ASGI transport).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import httpx
import pytest

from cuiot.application.identity.commands.users import CreateAdmin, CreateAdminCommand
from cuiot.entrypoints.container import Container, build_container, dispose_engines, use_case
from cuiot.entrypoints.http.app import create_app
from cuiot.entrypoints.settings import Settings

PASSWORD = "una clave larga"


@dataclass
class Api:
    """An HTTP client with the steps every test needs."""

    client: httpx.AsyncClient
    container: Container
    tokens: dict[str, str] = field(default_factory=dict)
    app: Any = None  # the ASGI app behind ``client``

    def client_at(self, address: str) -> httpx.AsyncClient:
        """Another client of the same app, calling from ``address``."""
        transport = httpx.ASGITransport(app=self.app, client=(address, 50000))
        return httpx.AsyncClient(transport=transport, base_url="http://cuiot.test")

    async def register(self, email: str, **extra: Any) -> dict[str, Any]:
        body = {"email": email, "password": PASSWORD, "first_name": "Ana", "last_name": "Paz",
                "date_of_birth": "1980-05-01"} | extra
        response = await self.client.post("/api/v1/auth/register", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    async def login(self, email: str, password: str = PASSWORD) -> dict[str, str]:
        response = await self.client.post("/api/v1/auth/login",
                                          json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        self.tokens[email] = response.json()["access_token"]
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    async def user(self, email: str, **extra: Any) -> dict[str, str]:
        """Register and log in; the Authorization header of that user."""
        await self.register(email, **extra)
        return await self.login(email)

    async def admin(self, email: str = "admin@example.com") -> dict[str, str]:
        await use_case(self.container, CreateAdmin)(CreateAdminCommand(email, PASSWORD))
        return await self.login(email)

    async def user_id(self, headers: dict[str, str]) -> UUID:
        me = await self.client.get("/api/v1/users/me", headers=headers)
        return UUID(me.json()["id"])


def settings_for(database_url: str, **overrides: Any) -> Settings:
    defaults = {"database_url": database_url, "bcrypt_rounds": 4,
                "jwt_secret": "e2e-" + "s" * 44, "rate_limit_per_minute": 100_000,
                "log_format": "json"}
    return Settings(**(defaults | overrides))


@pytest.fixture
def api_settings(database_url: str) -> Settings:
    return settings_for(database_url)


@pytest.fixture
async def api(api_settings: Settings) -> AsyncIterator[Api]:
    container = build_container(api_settings)
    app = create_app(container)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://cuiot.test") as client:
        yield Api(client, container, app=app)
    await dispose_engines(container)
    await asyncio.sleep(0)

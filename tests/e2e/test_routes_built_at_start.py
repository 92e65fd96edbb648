"""Every route is built when the app starts, not by the first request that reaches it.

FastAPI builds an included router's routes lazily: the first request to reach a router
pays for a pydantic validator per parameter, body and response (about 0.8 s for CUIOT's,
seconds on a loaded machine). The first alert socket of a new worker would wait for it.
These tests count the routes that requests build: some on an app that never started
(FastAPI still builds lazily, so the start-up work still matters), none on a started one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import fastapi.routing
import httpx
import pytest
from starlette.types import Message

from cuiot.entrypoints.container import build_container, dispose_engines
from cuiot.entrypoints.http.app import create_app
from tests.e2e.conftest import settings_for


@pytest.fixture
def built() -> Iterator[list[str]]:
    """The paths of the API routes built while the test runs."""
    paths: list[str] = []
    real = fastapi.routing._EffectiveRouteContext.from_api_route.__func__  # type: ignore[attr-defined]

    def counting(cls, *, original_route, include_context):  # type: ignore[no-untyped-def]
        paths.append(original_route.path)
        return real(cls, original_route=original_route, include_context=include_context)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fastapi.routing._EffectiveRouteContext, "from_api_route",
                      classmethod(counting))
        yield paths


@pytest.fixture
async def app(database_url: str) -> AsyncIterator[fastapi.FastAPI]:
    container = build_container(settings_for(database_url))
    yield create_app(container)
    await dispose_engines(container)


async def _requests(app: fastapi.FastAPI) -> None:
    """An HTTP request and a WebSocket that gives up at once, as clients send them."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://cuiot.test") as client:
        assert (await client.get("/api/v1/alerts")).status_code == 401
    sent: list[Message] = []

    messages = iter([{"type": "websocket.connect"}])

    async def receive() -> Message:
        return next(messages, {"type": "websocket.disconnect", "code": 1000})

    async def send(message: Message) -> None:
        sent.append(message)

    await app({"type": "websocket", "path": "/api/v1/ws/alerts", "raw_path": b"/api/v1/ws/alerts",
               "root_path": "", "headers": [], "query_string": b"", "scheme": "ws",
               "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 80),
               "subprotocols": []}, receive, send)
    assert sent[0]["type"] == "websocket.accept"


async def test_an_app_that_never_started_builds_routes_on_its_first_requests(app, built):
    await _requests(app)
    assert "/alerts" in built and "/ws/alerts" not in built  # an API route, lazily
    assert len(built) > 1


async def test_a_started_app_builds_every_route_before_its_first_request(app, built):
    async with app.router.lifespan_context(app):
        assert "/alerts" in built and "/auth/login" in built
        before = len(built)
        await _requests(app)
    assert len(built) == before

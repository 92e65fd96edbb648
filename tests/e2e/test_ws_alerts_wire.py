"""``WS /api/v1/ws/alerts`` as the wire shows it: instants written as over HTTP (UTC,
ending in ``Z``), the path with or without its trailing slash, and an end that is quiet
whenever it comes: at most the access log's one INFO line, never an error."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from starlette.websockets import WebSocket
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from cuiot.adapters.live import InProcessAlertStream
from cuiot.application.identity.queries.authenticate import Principal
from cuiot.entrypoints.container import build_container
from cuiot.entrypoints.http.safety import ws as ws_route
from cuiot.entrypoints.settings import Settings
from tests.e2e.conftest import settings_for
from tests.e2e.test_ws_alerts import Worker, receive, receive_alert, running_worker
from tests.support.alerts import NOON

INSTANTS = ("created_at", "last_event_at", "acknowledged_at")


@pytest.fixture
async def worker(api_settings: Settings) -> AsyncIterator[Worker]:
    async with running_worker(api_settings) as running:
        yield running


async def test_instants_read_as_over_http(worker):
    token, _, _ = await worker.family("ana@example.com", "bp-elena")
    ana = {"Authorization": f"Bearer {token}"}
    async with worker.socket(token) as socket:
        await receive(socket)
        alert_id = await worker.reading("bp-elena", "m-1")
        opened = (await receive_alert(socket))["alert"]
        await worker.api.client.post(f"/api/v1/alerts/{alert_id}/acknowledge", headers=ana)
        acknowledged = (await receive_alert(socket))["alert"]
    over_http = (await worker.api.client.get(f"/api/v1/alerts/{alert_id}", headers=ana)).json()
    assert opened["created_at"].endswith("Z") and acknowledged["acknowledged_at"].endswith("Z")
    assert {k: acknowledged[k] for k in INSTANTS} == {k: over_http[k] for k in INSTANTS}


async def test_the_stream_answers_with_a_trailing_slash_too(worker):
    token, *_ = await worker.family("ana@example.com", "bp-elena")
    async with connect(f"{worker.ws_url}/?token={token}", open_timeout=5) as socket:
        assert (await receive(socket))["type"] == "ready"


# --- a quiet end ---------------------------------------------------------------------

def end_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """What was logged, less the test's own HTTP calls (the logout that revokes)."""
    return [r for r in caplog.records
            if r.name != "httpx" and getattr(r, "path", None) != "/api/v1/auth/logout"]


async def until_logged_out(caplog: pytest.LogCaptureFixture) -> None:
    """Until the access log has written the socket's line: the server is done with it."""
    async with asyncio.timeout(5):
        while not any(getattr(r, "path", None) == "/api/v1/ws/alerts" for r in caplog.records):
            await asyncio.sleep(0.01)
    await asyncio.sleep(0.1)  # anything the server would log after the app returned


async def revoked(worker: Worker, socket: Any, headers: dict[str, str]) -> None:
    await worker.api.client.post("/api/v1/auth/logout", headers=headers)
    with pytest.raises(ConnectionClosed):
        while True:
            await receive(socket, timeout=2)
    assert socket.close_code == 4401


async def closed_after_a_check(_worker: Worker, socket: Any, _headers: dict[str, str]) -> None:
    assert await receive(socket) == {"type": "ping"}  # the token was checked again
    await socket.close()


async def dropped(_worker: Worker, socket: Any, _headers: dict[str, str]) -> None:
    socket.transport.abort()  # no close frame: the network went away


@pytest.mark.parametrize("end", [revoked, closed_after_a_check, dropped])
async def test_an_end_at_any_moment_logs_one_info_line(worker, monkeypatch, caplog, end):
    monkeypatch.setattr(ws_route, "PING_SECONDS", 0.2)
    headers = await worker.api.user("ana@example.com")
    caplog.set_level(logging.INFO)
    async with worker.socket(worker.api.tokens["ana@example.com"]) as socket:
        assert (await receive(socket))["type"] == "ready"
        caplog.clear()
        await end(worker, socket, headers)
        await until_logged_out(caplog)
    lines = end_lines(caplog)
    assert len(lines) == 1 and lines[0].levelno == logging.INFO, [
        (r.levelname, r.name, r.getMessage()) for r in lines]


class LeftServer:
    """An ASGI server whose client leaves at once and which refuses a send after it has
    handed the app that disconnect with a ``RuntimeError``, as uvicorn's ``websockets``
    implementation does. A send yields to the loop first, as a network write may."""

    def __init__(self) -> None:
        self.inbox: list[dict[str, Any]] = [{"type": "websocket.connect"},
                                            {"type": "websocket.disconnect", "code": 1001}]
        self.left = False

    async def receive(self) -> dict[str, Any]:
        message = self.inbox.pop(0)
        self.left = message["type"] == "websocket.disconnect"
        return message

    async def send(self, message: dict[str, Any]) -> None:
        await asyncio.sleep(0)
        if self.left:
            raise RuntimeError(f"Unexpected ASGI message '{message['type']}', after sending "
                               "'websocket.close' or response already completed.")


async def test_a_send_refused_after_the_client_left_is_an_ordinary_end(tmp_path: Path, caplog):
    server = LeftServer()
    socket = WebSocket({"type": "websocket", "path": "/api/v1/ws/alerts", "headers": []},
                       server.receive, server.send)
    await socket.accept()
    container = build_container(settings_for(f"sqlite+aiosqlite:///{tmp_path}/cuiot.db"))
    principal = Principal(uuid4(), frozenset(), "jti", NOON)
    connection = ws_route.LiveConnection(socket, container, principal, "token")
    caplog.set_level(logging.INFO)
    async with await InProcessAlertStream().subscribe() as subscription:
        await connection.run(subscription)
    assert server.left and connection.close_code == 1000
    assert not caplog.records, [(r.levelname, r.getMessage()) for r in caplog.records]

"""``WS /api/v1/ws/alerts`` through a real server: the app under uvicorn on a loopback
port, a real WebSocket client (``websockets``), on SQLite and PostgreSQL. Alerts are
opened by the ingest use case on the worker's own container, as its MQTT consumer does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import httpx
import pytest
import uvicorn
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from cuiot.application.care.commands.persons import AddCaredPerson, AddCaredPersonCommand
from cuiot.application.safety.commands.alerts import AcknowledgeAlert, AlertCommand
from cuiot.application.safety.commands.devices import RegisterDevice, RegisterDeviceCommand
from cuiot.application.safety.commands.ingest import IngestReading, IngestReadingCommand
from cuiot.entrypoints.container import Container, build_container, use_case
from cuiot.entrypoints.http.app import create_app
from cuiot.entrypoints.http.routers import ws as ws_route
from cuiot.entrypoints.live import LiveAlerts
from cuiot.entrypoints.settings import Settings
from tests.e2e.conftest import Api
from tests.support.servers import free_port
from tests.support.subscriptions import subscribe_account

BP_CRITICAL = {"systolic": 190, "diastolic": 100, "pulse": 80}
UNAUTHORIZED = 4401


@dataclass
class Worker:
    """One API worker under uvicorn: its container, an HTTP client, its WebSocket URL."""

    container: Container
    api: Api
    stream: Any
    ws_url: str

    def socket(self, token: str | None = None) -> Any:
        return connect(self.ws_url + (f"?token={token}" if token else ""), open_timeout=5)

    async def family(self, email: str, device_id: str) -> tuple[str, UUID, UUID]:
        """A user with a cared person and a blood pressure monitor: token, user, person."""
        headers = await self.api.user(email)
        user_id = await self.api.user_id(headers)
        await subscribe_account(self.container, user_id)  # registering a device needs one
        person = await use_case(self.container, AddCaredPerson)(AddCaredPersonCommand(
            user_id, "Elena", "Gómez"))
        await use_case(self.container, RegisterDevice)(RegisterDeviceCommand(
            user_id, device_id, "Tensiómetro", "blood_pressure", person.id))
        return self.api.tokens[email], user_id, person.id

    async def reading(self, device_id: str, msg_id: str) -> UUID:
        result = await use_case(self.container, IngestReading)(IngestReadingCommand(
            device_id, msg_id, "blood_pressure", BP_CRITICAL))
        return result.alert_ids[0]


@contextlib.asynccontextmanager
async def running_worker(settings: Settings) -> AsyncIterator[Worker]:
    """The app on a free loopback port, with its live alerts running (installed here
    unless the app's own start-up installs them)."""
    container = build_container(settings)
    app = create_app(container)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None,
                                           lifespan="on"))
    serving = asyncio.create_task(server.serve())
    live = None
    try:
        async with asyncio.timeout(10):
            while not server.started:
                await asyncio.sleep(0.01)
        if getattr(app.state, "alert_stream", None) is None:
            live = LiveAlerts.from_container(container)
            await live.start()
            app.state.alert_stream = live.stream
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://cuiot.test") as client:
            yield Worker(container, Api(client, container), app.state.alert_stream,
                         f"ws://127.0.0.1:{port}/api/v1/ws/alerts")
    finally:
        if live is not None:
            await live.stop()
        server.should_exit = True
        await asyncio.wait_for(serving, 10)
        if settings.redis_url:
            await container.redis().aclose()


async def receive(ws: ClientConnection, timeout: float = 1.0) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def receive_alert(ws: ClientConnection, timeout: float = 1.0) -> dict:
    """The next alert message (pings let through)."""
    async with asyncio.timeout(timeout):
        while (message := await receive(ws, timeout))["type"] != "alert":
            pass
    return message


async def nothing_within(ws: ClientConnection, seconds: float = 0.3) -> bool:
    try:
        await asyncio.wait_for(ws.recv(), seconds)
    except TimeoutError:
        return True
    return False


async def refused_with(ws_context: Any, first: str | None = None) -> int | None:
    async with ws_context as ws:
        if first is not None:
            await ws.send(first)
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 5)
        return ws.close_code


@pytest.fixture
async def worker(api_settings: Settings) -> AsyncIterator[Worker]:
    async with running_worker(api_settings) as running:
        yield running


async def test_a_user_sees_their_alert_within_a_second_and_a_stranger_does_not(worker):
    ana_token, _, elena = await worker.family("ana@example.com", "bp-elena")
    bruno_token, _, julio = await worker.family("bruno@example.com", "bp-julio")
    async with worker.socket(ana_token) as ana, worker.socket() as bruno:
        await bruno.send(json.dumps({"token": bruno_token}))  # the other way to log in
        assert (await receive(ana))["type"] == "ready"
        assert (await receive(bruno))["type"] == "ready"
        alert_id = await worker.reading("bp-elena", "m-1")
        seen = await receive_alert(ana, timeout=1.0)
        assert seen["change"] == "opened"
        assert seen["alert"] | {"created_at": None, "last_event_at": None} == {
            "id": str(alert_id), "alert_type": "blood_pressure", "severity": "critical",
            "status": "pending", "escalation_level": 1, "occurrences": 1,
            "cared_person_id": str(elena), "cared_person_name": "Elena Gómez",
            "device_id": "bp-elena", "device_name": "Tensiómetro",
            "device_pk": seen["alert"]["device_pk"], "created_at": None,
            "last_event_at": None, "acknowledged_at": None, "acknowledged_by": None,
            "acknowledged_via": None, "acknowledged_recipient": None,
            "resolved_at": None, "resolved_by": None}
        their_own = await worker.reading("bp-julio", "m-2")
        first_for_bruno = await receive_alert(bruno)  # nothing of Ana's came before it
        assert (first_for_bruno["alert"]["id"], first_for_bruno["alert"]["cared_person_id"]) == (
            str(their_own), str(julio))
        assert await nothing_within(ana)


async def test_changes_follow_the_alert(worker):
    ana_token, ana_id, _ = await worker.family("ana@example.com", "bp-elena")
    async with worker.socket(ana_token) as ana:
        await receive(ana)
        alert_id = await worker.reading("bp-elena", "m-1")
        assert (await receive_alert(ana))["change"] == "opened"
        await worker.reading("bp-elena", "m-2")
        joined = await receive_alert(ana)
        assert (joined["change"], joined["alert"]["occurrences"]) == ("joined", 2)
        await use_case(worker.container, AcknowledgeAlert)(AlertCommand(ana_id, alert_id))
        acknowledged = await receive_alert(ana)
        assert acknowledged["change"] == "acknowledged"
        assert acknowledged["alert"]["status"] == "acknowledged"


BAD_LOGINS = [("not-a-token", None), (None, json.dumps({"token": "not-a-token"})),
              (None, "not json"), (None, json.dumps({"hello": "there"}))]


async def test_a_bad_or_missing_token_is_refused_with_4401(worker):
    codes = [await refused_with(worker.socket(token), first) for token, first in BAD_LOGINS]
    assert codes == [UNAUTHORIZED] * len(BAD_LOGINS)


async def test_a_token_logged_out_is_refused(worker):
    headers = await worker.api.user("ana@example.com")
    token = worker.api.tokens["ana@example.com"]
    assert (await worker.api.client.post("/api/v1/auth/logout", headers=headers)
            ).status_code == 204
    assert await refused_with(worker.socket(token)) == UNAUTHORIZED


async def test_pings_are_answered_and_a_disconnect_ends_the_subscription(worker):
    token, *_ = await worker.family("ana@example.com", "bp-elena")
    before = worker.stream.subscribers
    async with worker.socket(token) as ana:
        await receive(ana)
        assert worker.stream.subscribers == before + 1
        await ana.send(json.dumps({"type": "ping"}))
        assert await receive(ana) == {"type": "pong"}
    async with asyncio.timeout(5):
        while worker.stream.subscribers != before:
            await asyncio.sleep(0.01)


async def test_a_token_revoked_while_connected_is_closed_at_the_next_check(worker, monkeypatch):
    monkeypatch.setattr(ws_route, "PING_SECONDS", 0.2)
    headers = await worker.api.user("ana@example.com")
    async with worker.socket(worker.api.tokens["ana@example.com"]) as ana:
        assert (await receive(ana))["type"] == "ready"
        assert await receive(ana) == {"type": "ping"}
        await worker.api.client.post("/api/v1/auth/logout", headers=headers)
        with pytest.raises(ConnectionClosed):
            while True:
                await receive(ana, timeout=2)
        assert ana.close_code == UNAUTHORIZED

"""Push through FCM's HTTP v1 API, against a fake FCM on a free loopback port: the exact
request ``messages:send`` expects (bearer token, the phone's token, title and text,
string-only data, high priority), and a refusal named by FCM's error code without the
token or the text."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any, Self
from uuid import uuid4

import pytest

from cuiot.adapters.notifications.router import ChannelRouter
from cuiot.application.safety.ports import DeliveryFailed
from cuiot.domain.notifications import Channel, Notification
from tests.conftest import NOON_2026_01_15 as NOW

ACCESS_TOKEN = "ya29.fcm-test-access-token"
PATH = "/v1/projects/cuiot-test/messages:send"
UNREGISTERED = {"error": {"code": 404, "message": "Requested entity was not found.",
                          "status": "NOT_FOUND", "details": [{
                              "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                              "errorCode": "UNREGISTERED"}]}}


@dataclass
class FakeFcm:
    """Answers every POST with ``status`` and ``answer``; keeps what it received."""

    status: int = 200
    answer: dict[str, Any] = field(
        default_factory=lambda: {"name": "projects/cuiot-test/messages/0:1"})
    received: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)

    async def __aenter__(self) -> Self:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}{PATH}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while line := await reader.readline():
                path = line.decode().split(" ")[1]
                headers = {}
                while (h := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = h.decode().partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", 0)))
                self.received.append((path, headers, body))
                answer = json.dumps(self.answer).encode()
                writer.write(f"HTTP/1.1 {self.status} X\r\nContent-Type: application/json\r\n"
                             f"Content-Length: {len(answer)}\r\n\r\n".encode() + answer)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


def a_push(token: str = "fMEl0x3bT0y9:APA91bHk2") -> Notification:
    return Notification(
        id=uuid4(), channel=Channel.PUSH, address=token,
        subject="CUIOT: alerta crítica de caída de Elena Gómez",
        body="Alerta crítica de caída de Elena Gómez (nueva, nivel 1): 1 evento.",
        created_at=NOW, payload={"alert_id": "a-1", "cared_person_id": "p-1", "level": 1,
                                 "severity": "critical", "alert_type": "fall",
                                 "reason": "opened", "occurrences": 1, "token": "secret"})


@pytest.fixture
async def fcm():
    async with FakeFcm() as server:
        yield server


@pytest.fixture
async def router(fcm):
    r = ChannelRouter(fcm_url=fcm.url, fcm_token=ACCESS_TOKEN, timeout_seconds=5)
    yield r
    await r.aclose()


async def test_a_push_is_the_message_fcm_v1_expects(fcm, router):
    push = a_push()
    await router.send(push)
    [(path, headers, body)] = fcm.received
    assert path == PATH
    assert headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert headers["content-type"] == "application/json"
    assert json.loads(body) == {"message": {
        "token": "fMEl0x3bT0y9:APA91bHk2",
        "notification": {"title": "CUIOT: alerta crítica de caída de Elena Gómez",
                         "body": "Alerta crítica de caída de Elena Gómez (nueva, nivel 1): "
                                 "1 evento."},
        "data": {"notification_id": str(push.id), "alert_id": "a-1", "cared_person_id": "p-1",
                 "alert_type": "fall", "severity": "critical", "level": "1",
                 "reason": "opened"},
        "android": {"priority": "HIGH"},
    }}


async def test_a_refusal_is_named_by_fcms_code_alone(fcm, router):
    fcm.status, fcm.answer = 404, UNREGISTERED
    with pytest.raises(DeliveryFailed) as failed:
        await router.send(a_push())
    assert failed.value.reason == "fcm: HTTP 404 UNREGISTERED"


async def test_an_fcm_that_is_away_is_a_failed_attempt_without_the_token(fcm, router):
    fcm.server.close()
    await fcm.server.wait_closed()
    with pytest.raises(DeliveryFailed) as failed:
        await router.send(a_push())
    assert failed.value.reason.startswith("fcm: ConnectError")
    assert ACCESS_TOKEN not in failed.value.reason

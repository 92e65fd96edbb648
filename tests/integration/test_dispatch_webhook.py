"""Webhook, SMS and push deliveries to a real local HTTP server (SQLite and PostgreSQL):
the HMAC signature checks out, an endpoint that fails and recovers gets the row with
backoff, one that never recovers gives up after five attempts without holding the others
back, and an alert's first delivery makes it sent. The server and the builders here are
shared with the other dispatcher tests."""

from __future__ import annotations

import asyncio
import hmac
import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Self
from uuid import uuid4

import pytest

from cuiot.adapters.notifications.router import ChannelRouter
from cuiot.adapters.notifications.webhook import signature
from cuiot.application.safety.commands.dispatch import (
    DispatchDueNotifications,
    DispatchDueNotificationsCommand,
)
from cuiot.domain.alerts import AlertStatus
from cuiot.domain.notifications import Channel, DeliveryStatus, Notification
from tests.integration.test_safety_persistence import (
    NOW,
    a_device,
    a_person,
    a_user,
    an_alert,
    store,
)

SECRET = "webhook-test-secret"


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def signed(self) -> bool:
        return hmac.compare_digest(self.headers.get("x-cuiot-signature", ""),
                                   signature(self.body, SECRET))

    @property
    def document(self) -> dict[str, Any]:
        return json.loads(self.body)


class WebhookServer:
    """A minimal HTTP/1.1 server on a free loopback port. It answers 401 to a bad
    signature, then each path's planned statuses in turn, then 200."""

    def __init__(self, delay: float = 0.0) -> None:
        self.received: list[Received] = []
        self.plan: dict[str, list[int]] = defaultdict(list)
        self.down: set[str] = set()  # paths answering 500 forever
        self.delay = delay

    async def __aenter__(self) -> Self:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.server.close()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def per_notification(self) -> Counter:
        return Counter(r.headers["x-cuiot-notification-id"] for r in self.received)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while request_line := await reader.readline():
                path = request_line.decode().split(" ")[1]
                headers = {}
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    name, _, value = line.decode().partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", 0)))
                status = self._answer(Received(path, headers, body))
                await asyncio.sleep(self.delay)
                writer.write(f"HTTP/1.1 {status} X\r\nContent-Length: 0\r\n\r\n".encode())
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    def _answer(self, request: Received) -> int:
        self.received.append(request)
        if not request.signed:
            return 401
        if request.path in self.down:
            return 500
        planned = self.plan[request.path]
        return planned.pop(0) if planned else 200


@pytest.fixture
async def webhooks():
    async with WebhookServer() as server:
        yield server


@pytest.fixture
async def router(webhooks):
    r = ChannelRouter(webhook_secret=SECRET, sms_webhook_url=webhooks.url("/sms"),
                      push_webhook_url=webhooks.url("/push"), timeout_seconds=5)
    yield r
    await r.aclose()


@pytest.fixture
def dispatch(sql_uow, clock, policy, router):
    async def run(limit: int = 20):
        use_case = DispatchDueNotifications(sql_uow(), clock, policy, router)
        return await asyncio.wait_for(use_case(DispatchDueNotificationsCommand(limit, 5)), 20)
    return run


def a_hook(url: str, **fields: Any) -> Notification:
    return Notification(id=uuid4(), channel=fields.pop("channel", Channel.WEBHOOK), address=url,
                        subject="CUIOT: alerta crítica de caída de Elena Gómez",
                        body="Alerta crítica de caída de Elena Gómez (nueva, nivel 1): 1 evento.",
                        created_at=fields.pop("created_at", NOW),
                        payload={"severity": "critical"}, **fields)


async def load(sql_uow, notification: Notification) -> Notification:
    async with sql_uow() as uow:
        return await uow.notifications.get(notification.id)


async def test_a_webhook_gets_the_notification_signed(sql_uow, webhooks, dispatch):
    hook = a_hook(webhooks.url())
    await store(sql_uow, hook)
    assert (await dispatch()).sent == 1
    [request] = webhooks.received
    assert request.signed and request.path == "/hook"
    assert request.document["id"] == str(hook.id)
    assert request.document["subject"] == "CUIOT: alerta crítica de caída de Elena Gómez"
    assert request.document["payload"] == {"severity": "critical"}
    stored = await load(sql_uow, hook)
    assert (stored.status, stored.attempts, stored.sent_at) == (DeliveryStatus.SENT, 1, NOW)


async def test_sms_and_push_go_to_their_providers(sql_uow, webhooks, dispatch):
    push = a_hook("phone-token-1", channel=Channel.PUSH)
    await store(sql_uow, a_hook("+54 11 5555-0001", channel=Channel.SMS), push)
    assert (await dispatch()).sent == 2
    by_path = {r.path: r for r in webhooks.received}
    assert by_path["/sms"].signed and by_path["/push"].signed
    assert by_path["/sms"].document["to"] == "+54 11 5555-0001"
    assert by_path["/sms"].document["text"].startswith("CUIOT: alerta crítica de caída")
    assert by_path["/push"].document == {
        "id": str(push.id), "token": "phone-token-1", "title": push.subject,
        "body": push.body, "data": {"notification_id": str(push.id), "severity": "critical"}}


async def test_an_endpoint_that_recovers_gets_the_row_after_backoff(sql_uow, webhooks,
                                                                    dispatch, clock):
    webhooks.plan["/hook"] = [500, 503]
    hook = a_hook(webhooks.url())
    await store(sql_uow, hook)
    assert (await dispatch()).retried == 1
    stored = await load(sql_uow, hook)
    assert (stored.status, stored.attempts) == (DeliveryStatus.PENDING, 1)
    assert (stored.next_attempt_at, stored.last_error) == (NOW + timedelta(seconds=2),
                                                           "webhook: HTTP 500")
    assert (await dispatch()).claimed == 0  # not before the backoff ran out
    clock.advance(timedelta(seconds=2))
    assert (await dispatch()).retried == 1
    assert (await load(sql_uow, hook)).next_attempt_at == clock.now() + timedelta(seconds=4)
    clock.advance(timedelta(seconds=4))
    assert (await dispatch()).sent == 1
    stored = await load(sql_uow, hook)
    assert (stored.status, stored.attempts, stored.last_error) == (DeliveryStatus.SENT, 3, None)
    assert len(webhooks.received) == 3 and all(r.signed for r in webhooks.received)
    assert [r.document["attempt"] for r in webhooks.received] == [1, 2, 3]


async def test_an_endpoint_that_never_recovers_fails_alone(sql_uow, webhooks, dispatch,
                                                           clock):
    webhooks.down.add("/down")
    broken = a_hook(webhooks.url("/down"))
    fine = [a_hook(webhooks.url(f"/ok{i}")) for i in range(3)]
    await store(sql_uow, broken, *fine)
    first = await dispatch()
    assert (first.sent, first.retried) == (3, 1)
    for wait in (2, 4, 8, 16):
        clock.advance(timedelta(seconds=wait))
        await dispatch()
    stored = await load(sql_uow, broken)
    assert (stored.status, stored.attempts, stored.next_attempt_at) == (
        DeliveryStatus.FAILED, 5, None)
    clock.advance(timedelta(hours=1))
    assert (await dispatch()).claimed == 0
    assert Counter(r.path for r in webhooks.received) == {"/down": 5, "/ok0": 1, "/ok1": 1,
                                                          "/ok2": 1}
    for row in fine:
        assert ((await load(sql_uow, row)).status, (await load(sql_uow, row)).attempts) == (
            DeliveryStatus.SENT, 1)


async def test_an_alert_becomes_sent_with_its_first_delivery(sql_uow, webhooks, dispatch):
    holder = a_user("Ana")
    person = a_person(holder)
    device = a_device(person)
    alert = an_alert(device)
    webhooks.down.add("/down")
    await store(sql_uow, holder, person, device, alert,
                a_hook(webhooks.url("/down"), alert_id=alert.id),
                a_hook(webhooks.url(), alert_id=alert.id))
    async with sql_uow() as uow:
        assert (await uow.alerts.get(alert.id)).status is AlertStatus.PENDING
    result = await dispatch()
    assert (result.sent, result.retried) == (1, 1)
    async with sql_uow() as uow:
        assert (await uow.alerts.get(alert.id)).status is AlertStatus.SENT

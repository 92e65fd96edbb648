"""Acknowledging from the notification, end to end on SQLite and PostgreSQL: the real app
and container, a real SMTP server (aiosmtpd) for the email. The email arrives with its
link; opening it shows the alert and changes nothing; confirming acknowledges it (the
API shows the channel and the recipient, and the escalation stops); the link then, an
expired one and a forged one get their pages and change nothing. SMS replies come in
through the signed inbound webhook."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import httpx
import pytest
from dependency_injector import providers
from sqlalchemy import select

from cuiot.adapters.notifications.router import ChannelRouter
from cuiot.adapters.notifications.webhook import signature
from cuiot.adapters.persistence.orm.safety import notifications
from cuiot.application.care.commands.persons import AddCaredPerson, AddCaredPersonCommand
from cuiot.application.safety.commands.dispatch import (
    DispatchDueNotifications,
    DispatchDueNotificationsCommand,
)
from cuiot.application.safety.commands.escalation import EscalateDueAlerts
from cuiot.entrypoints.container import build_container, dispose_engines, use_case
from cuiot.entrypoints.http.app import create_app
from tests.e2e.conftest import settings_for
from tests.e2e.test_devices_api import BP_CRITICAL, V1, Family, register, send
from tests.fakes.system import FixedClock
from tests.integration.test_dispatch_smtp import inbox, smtp_url  # noqa: F401
from tests.support.subscriptions import subscribe_account

PUBLIC = "http://cuiot.test"
SMS_SECRET = "sms-provider-shared-secret"
LINK = re.compile(r"http://cuiot\.test/ack/[A-Za-z0-9_-]+")
NONCE = re.compile(r'name="nonce" value="([^"]+)"')
FER_PHONE = "+54 11 5555-0001"


@pytest.fixture
def api_settings(database_url: str):
    return settings_for(database_url, public_url=PUBLIC, sms_inbound_secret=SMS_SECRET)


@pytest.fixture
def app_clock(api) -> FixedClock:
    """The app's clock, moved by the tests (the escalation's timeouts)."""
    fixed = FixedClock(datetime.now(UTC))
    api.container.clock.override(providers.Object(fixed))
    return fixed


async def a_family(api, *contacts: dict[str, Any]) -> Family:
    headers = await api.user("ana@example.com")
    user_id = await api.user_id(headers)
    await subscribe_account(api.container, user_id)  # registering a device needs one
    cared = await use_case(api.container, AddCaredPerson)(AddCaredPersonCommand(
        user_id, "Rosa", "Fernández", date(1940, 3, 1), emergency_contacts=contacts))
    return Family(headers, user_id, str(cared.id))


async def an_alert(api, family: Family) -> str:
    """A critical reading: level 1 has nobody here, so the admins are told."""
    sent = await send(api, await register(api, family), BP_CRITICAL)
    assert sent.status_code == 201, sent.text
    (alert_id,) = sent.json()["alert_ids"]
    return str(alert_id)


async def dispatch(api, clock: FixedClock, smtp: str) -> None:
    router = ChannelRouter(smtp_url=smtp, timeout_seconds=5)
    try:
        await DispatchDueNotifications(api.container.uow(), clock, api.container.policy(),
                                       router)(DispatchDueNotificationsCommand(20, 10))
    finally:
        await router.aclose()


async def escalate(api, clock: FixedClock, minutes: float = 2) -> int:
    clock.advance(timedelta(minutes=minutes, seconds=1))
    return int(await use_case(api.container, EscalateDueAlerts)())


async def the_alert(api, headers: dict[str, str], alert_id: str) -> dict[str, Any]:
    response = await api.client.get(f"{V1}/alerts/{alert_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def link_in(mail) -> str:
    (url,) = LINK.findall(mail.get_payload(decode=True).decode())
    return url


async def opened(api, url: str) -> tuple[httpx.Response, str]:
    page = await api.client.get(url)
    assert page.status_code == 200, page.text
    return page, NONCE.search(page.text).group(1)


async def confirm(api, url: str, nonce: str, **headers: str) -> httpx.Response:
    return await api.client.post(url, data={"token": url.rsplit("/", 1)[1], "nonce": nonce},
                                 headers=headers)


def unchanged(alert: dict[str, Any], level: int = 1) -> None:
    assert (alert["status"], alert["escalation_level"], alert["acknowledged_at"],
            alert["acknowledged_via"]) == ("sent", level, None, None)


async def test_the_email_s_link_shows_the_alert_then_acknowledges_it_once(api, app_clock, inbox):
    admin = await api.admin()
    alert_id = await an_alert(api, await a_family(api))
    await dispatch(api, app_clock, smtp_url(inbox.port))
    [(to, mail)] = inbox.messages
    url = link_in(mail)
    assert to == ["admin@example.com"]

    page, nonce = await opened(api, url)  # what a mail scanner does: nothing changes
    assert "Rosa Fernández" in page.text and "Alerta crítica de presión arterial" in page.text
    assert 'data-action="acknowledge"' in page.text
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    unchanged(await the_alert(api, admin, alert_id))

    for refused in (await confirm(api, url, "made.up"),
                    await confirm(api, url, nonce, origin="https://evil.example")):
        assert refused.status_code == 403 and "No se pudo confirmar" in refused.text
    unchanged(await the_alert(api, admin, alert_id))

    done = await confirm(api, url, nonce, origin=PUBLIC)
    assert done.status_code == 200 and "Alerta confirmada" in done.text
    alert = await the_alert(api, admin, alert_id)
    assert (alert["status"], alert["acknowledged_by"], alert["acknowledged_via"],
            alert["acknowledged_recipient"]) == ("acknowledged", str(await api.user_id(admin)),
                                                 "email", "a****@example.com")
    assert await escalate(api, app_clock, minutes=10) == 0  # the escalation stopped
    assert (await the_alert(api, admin, alert_id))["escalation_level"] == 1

    again = await api.client.get(url)
    assert again.status_code == 410 and "Este enlace ya se usó" in again.text
    assert (await confirm(api, url, nonce)).status_code == 410
    await outbox_keeps_no_link(api, url)


async def outbox_keeps_no_link(api, url: str) -> None:
    async with api.container.engine().connect() as conn:
        rows = (await conn.execute(select(notifications))).mappings().all()
    assert rows and all(url.rsplit("/", 1)[1] not in str(dict(row)) for row in rows)


async def test_an_expired_or_forged_link_gets_its_page_and_changes_nothing(api, app_clock, inbox):
    admin = await api.admin()
    alert_id = await an_alert(api, await a_family(api))
    await dispatch(api, app_clock, smtp_url(inbox.port))
    [(_, mail)] = inbox.messages
    url = link_in(mail)
    _, nonce = await opened(api, url)

    assert await escalate(api, app_clock) == 1  # level 2 now: the level-1 link is over
    expired = await api.client.get(url)
    assert expired.status_code == 410 and "Este enlace venció" in expired.text
    assert 'data-action="acknowledge"' not in expired.text
    assert (await confirm(api, url, nonce)).status_code == 410
    unchanged(await the_alert(api, admin, alert_id), level=2)

    forged = f"{PUBLIC}/ack/{'x' * 43}"
    page = await api.client.get(forged)
    assert page.status_code == 404 and "Este enlace no es válido" in page.text
    assert (await confirm(api, forged, nonce)).status_code == 403  # the nonce is url's
    unchanged(await the_alert(api, admin, alert_id), level=2)


async def sms_reply(api, sender: str, text: str, secret: str | None = SMS_SECRET,
                    client: httpx.AsyncClient | None = None) -> httpx.Response:
    body = json.dumps({"from": sender, "text": text, "id": "SM1"}).encode()
    headers = {"Content-Type": "application/json"}
    if secret:
        headers["X-CUIOT-Signature"] = signature(body, secret)
    return await (client or api.client).post(f"{V1}/sms/inbound", content=body,
                                              headers=headers)


async def sms_code(api, alert_id: str) -> str:
    async with api.container.engine().connect() as conn:
        (payload,) = (await conn.execute(select(notifications.c.payload).where(
            notifications.c.alert_id == UUID(alert_id),
            notifications.c.channel == "sms"))).scalars().all()
    assert re.fullmatch(r"\d{6}", payload["code"])
    return str(payload["code"])


async def test_an_sms_reply_with_the_code_acknowledges_through_the_signed_webhook(api, app_clock):
    admin = await api.admin()
    family = await a_family(api, {"name": "Fer", "phone": FER_PHONE, "email": None})
    alert_id = await an_alert(api, family)
    assert await escalate(api, app_clock) == 1 and await escalate(api, app_clock) == 1  # level 3
    code = await sms_code(api, alert_id)

    for response in (await sms_reply(api, FER_PHONE, code, secret=None),
                     await sms_reply(api, FER_PHONE, code, secret="another-secret-entirely")):
        assert response.status_code == 401
        assert response.json()["error"] == "unauthenticated"
    wrong = "000000" if code != "000000" else "111111"
    for sender, text in ((FER_PHONE, wrong), ("+54 11 5555-0009", code), (FER_PHONE, "sí")):
        response = await sms_reply(api, sender, text)
        assert response.status_code == 200 and response.json()["matched"] is False
    assert (await the_alert(api, admin, alert_id))["acknowledged_at"] is None

    matched = await sms_reply(api, "+541155550001", code)
    assert matched.status_code == 200, matched.text
    assert matched.json() == {"matched": True, "alert_id": alert_id,
                              "message": "alert acknowledged"}
    alert = await the_alert(api, admin, alert_id)
    assert (alert["status"], alert["acknowledged_by"], alert["acknowledged_via"],
            alert["acknowledged_recipient"]) == ("acknowledged", None, "sms", "+5411****0001")
    assert (await sms_reply(api, FER_PHONE, code)).json()["matched"] is False


async def test_without_a_secret_the_sms_webhook_refuses_everything(api, database_url):
    container = build_container(settings_for(database_url))
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC) as client:
        response = await sms_reply(api, FER_PHONE, "123456", secret="whatever-it-is",
                                   client=client)
    await dispose_engines(container)
    assert response.status_code == 401 and "CUIOT_SMS_INBOUND_SECRET" in response.text

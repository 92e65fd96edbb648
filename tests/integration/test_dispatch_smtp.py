"""Email through a real SMTP server (aiosmtpd on a free loopback port), on SQLite and
PostgreSQL: the message arrives with its subject and recipient, logging in with the
URL's credentials; a refused recipient or a server that is away is a failed attempt
that leaves the other rows alone."""

from __future__ import annotations

import asyncio
import email
from email import policy
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from cuiot.adapters.notifications.router import ChannelRouter
from cuiot.application.safety.commands.dispatch import (
    DispatchDueNotifications,
    DispatchDueNotificationsCommand,
)
from cuiot.domain.notifications import Channel, DeliveryStatus
from tests.integration.test_dispatch_webhook import a_hook, load
from tests.integration.test_safety_persistence import store
from tests.support.servers import free_port

REFUSED = "nobody@example.com"


class Inbox:
    """The SMTP server's handler: refuses one recipient, keeps every message."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []
        self.logins: list[tuple[str, str]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        # Parsed as a mail reader does: "crítica" in the subject, not =?utf-8?q?cr=C3=ADtica.
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
            return AuthResult(success=auth_data.password == b"p@ss w0rd")
        return AuthResult(success=False)


@pytest.fixture
def inbox():
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(),
                            authenticator=handler.authenticate,
                            auth_require_tls=False)
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


async def dispatch_with(sql_uow, clock, policy, smtp_url: str):
    router = ChannelRouter(smtp_url=smtp_url, timeout_seconds=5)
    try:
        use_case = DispatchDueNotifications(sql_uow(), clock, policy, router)
        return await asyncio.wait_for(use_case(DispatchDueNotificationsCommand(20, 10)), 30)
    finally:
        await router.aclose()


def smtp_url(port: int) -> str:
    return f"smtp://alertas%40cuiot.test:p%40ss%20w0rd@127.0.0.1:{port}?from=alertas@cuiot.test"


async def test_an_email_arrives_with_its_subject_and_recipient(sql_uow, clock, policy, inbox):
    mail = a_hook("ana@example.com", channel=Channel.EMAIL)
    await store(sql_uow, mail)
    result = await dispatch_with(sql_uow, clock, policy, smtp_url(inbox.port))
    assert result.sent == 1
    [(recipients, message)] = inbox.messages
    assert recipients == ["ana@example.com"]
    assert (message["To"], message["Subject"]) == (
        "ana@example.com", "CUIOT: alerta crítica de caída de Elena Gómez")
    assert message["From"] == "alertas@cuiot.test"
    assert "Alerta crítica de caída de Elena Gómez" in message.get_payload(decode=True).decode()
    assert inbox.logins == [("alertas@cuiot.test", "p@ss w0rd")]
    assert (await load(sql_uow, mail)).status is DeliveryStatus.SENT


async def test_a_refused_recipient_is_a_failed_attempt_alone(sql_uow, clock, policy, inbox):
    refused = a_hook(REFUSED, channel=Channel.EMAIL)
    fine = a_hook("bea@example.com", channel=Channel.EMAIL)
    await store(sql_uow, refused, fine)
    result = await dispatch_with(sql_uow, clock, policy, smtp_url(inbox.port))
    assert (result.sent, result.retried) == (1, 1)
    stored = await load(sql_uow, refused)
    assert (stored.status, stored.attempts) == (DeliveryStatus.PENDING, 1)
    assert stored.last_error.startswith("smtp: 550")
    assert [recipients for recipients, _ in inbox.messages] == [["bea@example.com"]]


async def test_a_server_that_is_away_is_a_failed_attempt(sql_uow, clock, policy):
    mail = a_hook("ana@example.com", channel=Channel.EMAIL)
    await store(sql_uow, mail)
    result = await dispatch_with(sql_uow, clock, policy, f"smtp://127.0.0.1:{free_port()}")
    assert result.retried == 1
    stored = await load(sql_uow, mail)
    assert stored.last_error.startswith("smtp: SMTPConnect")
    assert "p@ss" not in stored.last_error

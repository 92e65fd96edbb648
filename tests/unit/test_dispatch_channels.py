"""The channel adapters without a network: which sender each channel gets, the SMTP URL,
the webhook signature and document, and a log that never shows a secret."""

from __future__ import annotations

import hashlib
import hmac
import logging
from uuid import uuid4

import pytest

from cuiot.adapters.notifications.fcm import FcmPushProvider
from cuiot.adapters.notifications.log import LogSender, printable_body, without_secrets
from cuiot.adapters.notifications.providers import (
    PushSender,
    WebhookPushProvider,
    WebhookSmsSender,
)
from cuiot.adapters.notifications.router import ChannelRouter
from cuiot.adapters.notifications.smtp import SmtpEmailSender, SmtpTarget, email_message
from cuiot.adapters.notifications.webhook import (
    WebhookSender,
    notification_document,
    signature,
)
from cuiot.application.safety.ports import DeliveryFailed
from cuiot.domain.notifications import Channel, Notification
from tests.conftest import NOON_2026_01_15 as NOW

TOKEN = "s3cr3t-Reset-Token-123"


def a_notification(channel: Channel = Channel.EMAIL, address: str = "ana@example.com",
                   **fields) -> Notification:
    fields.setdefault("body", "Alerta crítica")
    return Notification(id=uuid4(), channel=channel, address=address, subject="Alerta",
                        created_at=NOW, **fields)


def a_reset_notice() -> Notification:
    return a_notification(kind="auth", body=f"Usá este código: {TOKEN}",
                          payload={"purpose": "password_reset", "token": TOKEN})


@pytest.fixture
async def router():
    made: list[ChannelRouter] = []

    def build(**settings) -> ChannelRouter:
        made.append(ChannelRouter(**settings))
        return made[-1]
    yield build
    for r in made:
        await r.aclose()


async def test_without_configuration_everything_but_webhooks_goes_to_the_log(router):
    r = router()
    assert {c: type(r.sender_for(c)).__name__ for c in Channel} == {
        Channel.EMAIL: "LogSender", Channel.SMS: "LogSender", Channel.PUSH: "LogSender",
        Channel.LOG: "LogSender", Channel.WEBHOOK: "WebhookSender"}


async def test_configured_channels_get_their_real_adapters(router):
    r = router(smtp_url="smtp://mail:25", sms_webhook_url="https://sms.example/send",
               push_webhook_url="https://push.example/send", webhook_secret="k")
    assert isinstance(r.sender_for(Channel.EMAIL), SmtpEmailSender)
    assert isinstance(r.sender_for(Channel.SMS), WebhookSmsSender)
    push = r.sender_for(Channel.PUSH)
    assert isinstance(push, PushSender) and isinstance(push.provider, WebhookPushProvider)
    assert isinstance(r.sender_for(Channel.WEBHOOK), WebhookSender)


async def test_fcm_takes_push_when_its_url_and_token_are_set(router):
    r = router(push_webhook_url="https://push.example/send",
               fcm_url="https://fcm.example/v1/projects/p/messages:send", fcm_token="ya29.t")
    push = r.sender_for(Channel.PUSH)
    assert isinstance(push, PushSender) and isinstance(push.provider, FcmPushProvider)
    assert "ya29" not in repr(push.provider)


def test_the_smtp_url_carries_credentials_starttls_and_the_sender():
    t = SmtpTarget.from_url("smtp://al%40x.com:p%2Fss@mail.example:2525?starttls=1"
                            "&from=alertas@example.com")
    assert (t.host, t.port, t.username, t.password) == ("mail.example", 2525, "al@x.com", "p/ss")
    assert (t.starttls, t.implicit_tls, t.sender) == (True, False, "alertas@example.com")
    assert "p/ss" not in repr(t)


@pytest.mark.parametrize(("url", "port", "starttls", "implicit"), [
    ("smtp://mail", 25, False, False),
    ("smtp://mail?starttls=0", 25, False, False),
    ("smtps://mail", 465, False, True),
])
def test_smtp_defaults(url, port, starttls, implicit):
    t = SmtpTarget.from_url(url)
    assert (t.port, t.starttls, t.implicit_tls, t.username) == (port, starttls, implicit, None)


@pytest.mark.parametrize("url", ["http://mail:25", "smtp://", "mail:25"])
def test_a_bad_smtp_url_is_refused_at_start(url):
    with pytest.raises(ValueError, match="CUIOT_SMTP_URL"):
        SmtpTarget.from_url(url)


def test_an_email_has_subject_recipient_and_body():
    n = a_notification()
    message = email_message(n, "cuiot@example.com")
    assert (message["To"], message["From"], message["Subject"]) == (
        "ana@example.com", "cuiot@example.com", "Alerta")
    assert message["Message-ID"] == f"<{n.id}@cuiot>"
    assert message.get_content().strip() == "Alerta crítica"


def test_the_signature_is_the_hmac_sha256_of_the_body():
    body = b'{"id":"1"}'
    expected = hmac.new(b"k", body, hashlib.sha256).hexdigest()
    assert signature(body, "k") == f"sha256={expected}"


def test_the_webhook_document_describes_the_notification():
    alert_id = uuid4()
    n = a_notification(Channel.WEBHOOK, "https://hook.example/x", alert_id=alert_id,
                       escalation_level=2, payload={"severity": "critical"})
    document = notification_document(n)
    assert document["id"] == str(n.id) and document["alert_id"] == str(alert_id)
    assert (document["attempt"], document["escalation_level"]) == (1, 2)
    assert document["payload"] == {"severity": "critical"}


@pytest.mark.parametrize("address", ["ana@example.com", "ftp://x/y", "https://"])
async def test_a_webhook_address_that_is_not_a_url_fails(router, address):
    with pytest.raises(DeliveryFailed, match="not an http"):
        await router().send(a_notification(Channel.WEBHOOK, address))


async def test_the_log_never_shows_an_auth_secret(caplog):
    caplog.set_level(logging.DEBUG, logger="cuiot.notifications")
    await LogSender().send(a_reset_notice())
    assert caplog.records and TOKEN not in caplog.text
    assert "ana@example.com" in caplog.text and "Alerta" in caplog.text


def test_a_secret_named_in_the_payload_is_cut_from_any_body():
    n = a_notification(kind="account", body=f"code {TOKEN} here", payload={"code": TOKEN})
    assert printable_body(n) == "code [redacted] here"
    assert without_secrets({"token": TOKEN, "level": 2}) == {"token": "[redacted]", "level": 2}


async def test_the_log_shows_an_alert_in_full(caplog):
    caplog.set_level(logging.INFO, logger="cuiot.notifications")
    await LogSender().send(a_notification(Channel.LOG, "log"))
    assert "Alerta crítica" in caplog.text

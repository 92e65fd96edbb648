"""Email over SMTP with aiosmtplib, configured by one URL (``CUIOT_SMTP_URL``):

``smtp://user:pass@host:port`` (plain; port 25 by default), ``?starttls=1`` to upgrade
with STARTTLS, ``smtps://…`` for implicit TLS (port 465), ``?from=alerts@example.com``
for the sender address. User and password are percent-decoded."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from cuiot.application.safety.ports import DeliveryFailed
from cuiot.domain.notifications import Notification

DEFAULT_SENDER = "CUIOT <no-reply@localhost>"
TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True, slots=True)
class SmtpTarget:
    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    implicit_tls: bool = False
    sender: str = DEFAULT_SENDER

    @classmethod
    def from_url(cls, url: str) -> SmtpTarget:
        parts = urlsplit(url)
        if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
            raise ValueError("CUIOT_SMTP_URL must look like smtp://user:pass@host:port")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        implicit = parts.scheme == "smtps"
        return cls(host=parts.hostname, port=parts.port or (465 if implicit else 25),
                   username=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password else None,
                   starttls=query.get("starttls", "").lower() in TRUE, implicit_tls=implicit,
                   sender=query.get("from") or DEFAULT_SENDER)


def email_message(notification: Notification, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"] = sender, notification.address
    message["Subject"] = notification.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = f"<{notification.id}@cuiot>"
    message.set_content(notification.body)
    return message


class SmtpEmailSender:
    def __init__(self, url: str, timeout_seconds: float = 10.0) -> None:
        self.target = SmtpTarget.from_url(url)
        self.timeout = timeout_seconds

    async def send(self, notification: Notification) -> None:
        t = self.target
        try:
            await aiosmtplib.send(
                email_message(notification, t.sender), hostname=t.host, port=t.port,
                username=t.username, password=t.password, start_tls=t.starttls,
                use_tls=t.implicit_tls, timeout=self.timeout)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            [first, *_] = exc.recipients or [aiosmtplib.SMTPRecipientRefused(0, "", "")]
            raise DeliveryFailed(f"smtp: {first.code} {first.message[:120]}") from exc
        except aiosmtplib.SMTPResponseException as exc:
            raise DeliveryFailed(f"smtp: {exc.code} {exc.message[:120]}") from exc
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise DeliveryFailed(f"smtp: {type(exc).__name__} {str(exc)[:120]}".strip()) from exc

"""The notification outbox: one row per recipient and channel, written in the same
transaction as the change that caused it, then delivered with retries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from cuiot.domain.alerts import Alert
from cuiot.domain.errors import InvalidStateTransition
from cuiot.domain.labels import alert_type_label, severity_label
from cuiot.domain.policy import Policy

# Why an alert is told (the ``reason`` the escalation ladder gives), as a reader says it.
REASON_LABELS = {
    "opened": "nueva",
    "reopened": "reabierta",
    "escalated": "escalada",
    "repeated": "repetida",
    "unhandled": "sin atender",
}


# A payload entry naming the payload's keys that hold a secret (a reset code): each is
# kept only until the row is delivered or given up, then erased from the payload and
# from the text that carried it.
SECRET_KEYS = "secret_keys"
ERASED = "[borrado]"


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    PUSH = "push"
    WEBHOOK = "webhook"
    LOG = "log"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(eq=False)
class Notification:
    id: UUID
    channel: Channel
    address: str  # an email, a phone number, a URL or a user id, by channel
    subject: str
    body: str
    created_at: datetime
    kind: str = "alert"  # alert, account, auth
    recipient_user_id: UUID | None = None
    recipient_name: str | None = None  # who was told, as named when it was written
    alert_id: UUID | None = None
    escalation_level: int | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    sent_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.next_attempt_at is None:
            self.next_attempt_at = self.created_at

    def is_due(self, now: datetime) -> bool:
        return self.status is DeliveryStatus.PENDING and (
            self.next_attempt_at is None or self.next_attempt_at <= now
        )

    def mark_sent(self, now: datetime) -> None:
        if self.status is not DeliveryStatus.PENDING:
            raise InvalidStateTransition("notification", self.status.value, "send")
        self.attempts += 1
        self.status, self.sent_at, self.last_error = DeliveryStatus.SENT, now, None
        self._forget_secrets()

    def mark_attempt_failed(self, now: datetime, error: str, policy: Policy) -> None:
        """Back off exponentially; after the last attempt the delivery is failed."""
        if self.status is not DeliveryStatus.PENDING:
            raise InvalidStateTransition("notification", self.status.value, "retry")
        self.attempts += 1
        self.last_error = error[:500]
        if self.attempts >= policy.notification_max_attempts:
            self.status = DeliveryStatus.FAILED
            self.next_attempt_at = None
            self._forget_secrets()
            return
        self.next_attempt_at = now + policy.notification_backoff_base * (2 ** (self.attempts - 1))

    def cancel(self, reason: str) -> None:
        """Not to be sent after all (its recipient or cared person deactivated): a
        pending row is given up at once, ``failed`` with ``reason`` as its last error,
        never tried again."""
        if self.status is not DeliveryStatus.PENDING:
            raise InvalidStateTransition("notification", self.status.value, "cancel")
        self.status, self.next_attempt_at = DeliveryStatus.FAILED, None
        self.last_error = f"cancelled: {reason}"[:500]
        self._forget_secrets()

    def give_up(self, reason: str) -> None:
        """Never deliver it (its recipient lost access to what it tells): failed at once,
        with ``reason``; its secrets erased."""
        if self.status is not DeliveryStatus.PENDING:
            raise InvalidStateTransition("notification", self.status.value, "give up")
        self.status, self.next_attempt_at, self.last_error = (
            DeliveryStatus.FAILED, None, reason[:500])
        self._forget_secrets()

    def _forget_secrets(self) -> None:
        """No longer needed once delivered (or given up): the stored row keeps no secret."""
        names = set(self.payload.get(SECRET_KEYS) or ())
        if not names:
            return
        for value in (self.payload[n] for n in names if self.payload.get(n)):
            self.subject = self.subject.replace(str(value), ERASED)
            self.body = self.body.replace(str(value), ERASED)
        # A new dict, not a change in place: the row's payload is written again.
        self.payload = {k: (None if k in names else v) for k, v in self.payload.items()}


@dataclass(frozen=True, slots=True)
class AckLinkText:
    """What a notification tells of its acknowledgement link (``ack_links``): the address
    that opens it and, on SMS, the code a reply may carry instead. Both are secrets of
    the payload: erased once the notification is delivered, never logged."""

    url: str
    token: str = field(repr=False)
    code: str | None = field(default=None, repr=False)

    def payload(self) -> dict[str, Any]:
        secrets = {"ack_url": self.url, "token": self.token,
                   **({"code": self.code} if self.code else {})}
        return {**secrets, SECRET_KEYS: sorted(secrets)}

    def invitation(self) -> str:
        reply = (f"\nO responda a este SMS con el código {self.code}." if self.code else "")
        return f"Confírmela para detener el escalado:\n{self.url}{reply}"


def alert_message(alert: Alert, who: str, reason: str,
                  link: AckLinkText | None = None) -> tuple[str, str]:
    """The subject and body every channel (email, SMS, push, webhook) tells of an alert:
    "CUIOT: alerta crítica de presión arterial de Rosa Fernández", then how to confirm it
    (its link, when it has one). Machine values stay in the notification's payload; no
    medical detail is ever told here, only the link to it."""
    what = f"alerta {severity_label(alert.severity)} de {alert_type_label(alert.alert_type)}"
    events = f"{alert.occurrences} evento{'' if alert.occurrences == 1 else 's'}"
    subject = f"CUIOT: {what} de {who}"
    confirm = link.invitation() if link else "Confírmela en CUIOT para detener el escalado."
    body = (f"{what.capitalize()} de {who} ({REASON_LABELS.get(reason, reason)}, "
            f"nivel {alert.escalation_level}): {events}. {confirm}")
    return subject, body

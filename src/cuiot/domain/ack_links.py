"""Acknowledging an alert from its notification, without signing in.

Every alert notification carries a link, and an SMS also a short code a reply may carry
instead. Each is a random secret per alert, recipient and channel, made for one rung of
the ladder (level and repeat). It stands while the alert is still chased at that rung,
and dies with the first of:

- its use (it is single-use);
- an acknowledgement or resolution of the alert, by anyone, from anywhere;
- the alert's next escalation (the deadline it had when the link was made, or an earlier
  one a worse event brought forward), and a day at most (``LONGEST``: an ``unhandled``
  alert has no next escalation);
- a newer link of the same alert sent to the same recipient on the same channel (the
  alert was acknowledged and reopened: the new round's link replaces the old one).
- its recipient losing access to the person (``withdraw``: removed as a member,
  caregiver or staff, or their representation ended).

Only the secret's SHA-256 is stored, as for password resets. A code is stored as the
SHA-256 of the phone number's digits and the code (``reply_key``): a reply finds the
link of its own sender, and a code is unique among the open links of one phone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from cuiot.domain.alerts import Alert, AlertStatus
from cuiot.domain.auth import hash_token
from cuiot.domain.errors import Conflict, ValidationFailed
from cuiot.domain.notifications import Channel
from cuiot.domain.responders import masked_address

LINK_CHANNELS = frozenset({Channel.EMAIL, Channel.SMS, Channel.PUSH, Channel.WEBHOOK})
CODE_DIGITS = "0123456789"
CODE_LENGTH = 6
LONGEST = timedelta(days=1)
ACK_PATH = "/ack/"
_CODE = re.compile(rf"^\d{{{CODE_LENGTH}}}$")
_NOT_DIGITS = re.compile(r"\D")
CLOSED = frozenset({AlertStatus.ACKNOWLEDGED, AlertStatus.RESOLVED})


class LinkState(StrEnum):
    OPEN = "open"
    USED = "used"
    EXPIRED = "expired"  # the alert moved on, or the link's time ran out
    HANDLED = "handled"  # somebody acknowledged or resolved the alert


class AckLinkRefused(Conflict):
    """A link (or code) that no longer acknowledges: ``details['state']`` says why."""

    code = "ack_link_refused"

    def __init__(self, state: LinkState) -> None:
        super().__init__(f"the acknowledgement link is {state.value}", state=state.value)
        self.state = state


@dataclass(frozen=True, slots=True)
class AlertRound:
    """What of an alert decides whether a link made for it still stands."""

    status: AlertStatus
    level: int
    repeat: int
    next_escalation_at: datetime | None

    @classmethod
    def of(cls, alert: Alert) -> AlertRound:
        return cls(alert.status, alert.escalation_level, alert.repeats_at_max_level,
                   alert.next_escalation_at)


def link_state(*, used_at: datetime | None, expires_at: datetime, level: int, repeat: int,
               alert: AlertRound, now: datetime, superseded: bool = False) -> LinkState:
    """The rule above, on plain values: reads (the link's page) and commands share it."""
    if used_at is not None:
        return LinkState.USED
    if alert.status in CLOSED:
        return LinkState.HANDLED
    deadline = min(expires_at, alert.next_escalation_at or expires_at)
    if superseded or (alert.level, alert.repeat) != (level, repeat) or now >= deadline:
        return LinkState.EXPIRED
    return LinkState.OPEN


def ack_url(public_url: str, token: str) -> str:
    """Where a link opens: ``https://cuiot.example.com/ack/<token>``."""
    return f"{public_url.rstrip('/')}{ACK_PATH}{token}"


def reply_key(phone: str, code: str) -> str:
    """What a code is stored and found under: its phone's digits and itself, hashed
    (``+54 11 5555-0102`` and ``+541155550102`` are one phone)."""
    return hash_token(f"{_NOT_DIGITS.sub('', phone)}:{code}")


def shown_recipient(via: str | None, recipient: str | None) -> str | None:
    """The address an acknowledgement came from, as reads show it to others: masked
    (``responders.masked_address``)."""
    if via is None or recipient is None:
        return recipient
    return masked_address(Channel(via), recipient)


def as_code(text: str) -> str | None:
    """The code an SMS reply carries (its whole text, spaces aside), or None."""
    code = text.strip()
    return code if _CODE.match(code) else None


@dataclass(eq=False)
class AckLink:
    """One notification's way to acknowledge its alert."""

    id: UUID
    alert_id: UUID
    channel: Channel
    recipient: str  # the address the notification went to (email, phone, URL, push target)
    recipient_user_id: UUID | None  # None for an emergency contact
    escalation_level: int
    repeat: int
    token_hash: str
    created_at: datetime
    expires_at: datetime
    code_hash: str | None = None  # SMS only
    used_at: datetime | None = None

    @classmethod
    def issue(cls, *, id: UUID, alert: Alert, channel: Channel, recipient: str,
              user_id: UUID | None, token: str, code: str | None, now: datetime) -> AckLink:
        """A link for the alert's current rung (and, on SMS, a code for a reply)."""
        if channel not in LINK_CHANNELS:
            raise ValidationFailed(f"no acknowledgement link on the {channel} channel",
                                   field="channel")
        if code is not None and (channel is not Channel.SMS or as_code(code) != code):
            raise ValidationFailed(f"a code is {CODE_LENGTH} digits, on SMS only",
                                   field="code")
        deadline = now + LONGEST
        if alert.next_escalation_at is not None:
            deadline = min(deadline, alert.next_escalation_at)
        return cls(id=id, alert_id=alert.id, channel=channel, recipient=recipient,
                   recipient_user_id=user_id, escalation_level=alert.escalation_level,
                   repeat=alert.repeats_at_max_level, token_hash=hash_token(token),
                   created_at=now, expires_at=max(deadline, now),
                   code_hash=reply_key(recipient, code) if code is not None else None)

    def state(self, alert: AlertRound, now: datetime, *, superseded: bool = False) -> LinkState:
        return link_state(used_at=self.used_at, expires_at=self.expires_at,
                          level=self.escalation_level, repeat=self.repeat, alert=alert,
                          now=now, superseded=superseded)

    def withdraw(self, now: datetime) -> None:
        """Its recipient lost access to the alert's person: it expires now, so its page
        no longer shows the person and it no longer acknowledges."""
        self.expires_at = max(min(self.expires_at, now), self.created_at)

    def use(self, alert: AlertRound, now: datetime, *, superseded: bool = False) -> None:
        """Spend the link; one that no longer stands is refused with ``AckLinkRefused``."""
        state = self.state(alert, now, superseded=superseded)
        if state is not LinkState.OPEN:
            raise AckLinkRefused(state)
        self.used_at = now

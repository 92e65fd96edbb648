"""How a responder is reached: the channels a user chose for alerts (email, SMS, push),
the number SMS go to, the phones (push tokens) push goes to; and how an address is shown
to others, masked.

A user is always reachable: at least one channel is chosen, SMS only with a number, and
when the chosen channels give no address (push with no phone registered) the alert goes
to the account's email. A new account has email and push chosen: push reaches them as
soon as the app registers a phone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit
from uuid import UUID

from cuiot.domain.errors import ValidationFailed
from cuiot.domain.notifications import Channel

MAX_PUSH_TOKENS = 10  # phones (or browsers) one user may register
TOKEN_MAX_CHARS = 512  # FCM registration tokens are ~160 characters, APNs 64
LABEL_MAX_CHARS = 100
_SEPARATORS = re.compile(r"[\s().-]")
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")
_TOKEN = re.compile(r"^[\x21-\x7e]+$")  # printable ASCII, no spaces


def phone_number(text: str, field: str = "sms_number") -> str:
    """A phone number in E.164, as SMS providers take it: ``+54 11 5555-0102`` →
    ``+541155550102``. Spaces, dots, dashes and parentheses may separate the digits; the
    country code is required (an alert may be read abroad)."""
    number = _SEPARATORS.sub("", text)
    if not _E164.match(number):
        raise ValidationFailed("a phone number starts with + and the country code, then 8 "
                               f"to 15 digits in all, e.g. +54 11 5555-0102; got {text!r}",
                               field=field)
    return number


@dataclass(frozen=True, slots=True)
class ChannelChoice:
    """The channels a user chose to be told of alerts by: at least one."""

    email: bool = True
    sms: bool = False
    push: bool = True

    def __post_init__(self) -> None:
        if not (self.email or self.sms or self.push):
            raise ValidationFailed("choose at least one channel for alerts", field="channels")

    @classmethod
    def of(cls, channels: set[Channel] | frozenset[Channel]) -> ChannelChoice:
        unknown = channels - {Channel.EMAIL, Channel.SMS, Channel.PUSH}
        if unknown:
            raise ValidationFailed(f"a user may choose email, sms or push, not {sorted(unknown)}",
                                   field="channels")
        return cls(Channel.EMAIL in channels, Channel.SMS in channels, Channel.PUSH in channels)

    @property
    def chosen(self) -> tuple[Channel, ...]:
        pairs = ((Channel.EMAIL, self.email), (Channel.SMS, self.sms), (Channel.PUSH, self.push))
        return tuple(channel for channel, on in pairs if on)


@dataclass(eq=False)
class PushToken:
    """A phone (or browser) that receives push notifications: the token its push service
    gave the app, and a label the user recognises it by."""

    id: UUID
    token: str
    created_at: datetime
    label: str | None = None

    def __post_init__(self) -> None:
        self.token = self.token.strip()
        if not 0 < len(self.token) <= TOKEN_MAX_CHARS or not _TOKEN.match(self.token):
            raise ValidationFailed(f"a push token is 1 to {TOKEN_MAX_CHARS} printable "
                                   "characters without spaces", field="token")
        label = (self.label or "").strip()
        if len(label) > LABEL_MAX_CHARS:
            raise ValidationFailed(f"a label has at most {LABEL_MAX_CHARS} characters",
                                   field="label")
        self.label = label or None


def masked_address(channel: Channel, address: str) -> str:
    """An address as people other than its owner see it: enough to recognise it, not to
    use it. ``+541155550102`` → ``+5411****0102``; ``lucia@example.com`` →
    ``l****@example.com``; a push token → ``…`` and its last 6 characters; a webhook,
    its host alone."""
    if channel is Channel.SMS:
        number = _SEPARATORS.sub("", address)
        shown = 5 if len(number) > 9 else 0
        return f"{number[:shown]}{'*' * (len(number) - shown - 4)}{number[-4:]}"
    if channel is Channel.EMAIL:
        local, _, domain = address.partition("@")
        return f"{local[:1]}****@{domain}"
    if channel is Channel.PUSH:
        return f"…{address[-6:]}"
    if channel is Channel.WEBHOOK:
        return urlsplit(address).netloc.rpartition("@")[2]
    return address

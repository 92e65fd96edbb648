"""What an acknowledgement link's page shows: the alert it is about, and whether the link
still acknowledges it (``domain/ack_links.py``). The secret is the only credential: no
sign-in, and reading never changes anything (mail scanners open links too)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from uuid import UUID

from cuiot.application.shared.ports import Clock
from cuiot.domain.ack_links import AlertRound, LinkState, link_state
from cuiot.domain.auth import hash_token
from cuiot.domain.care import ResponderInfo
from cuiot.domain.errors import NotFound
from cuiot.domain.notifications import Channel
from cuiot.domain.sensor_events import Severity


@dataclass(frozen=True, slots=True)
class AckLinkView:
    """A link with its alert as the page shows it (one statement)."""

    channel: Channel
    escalation_level: int
    repeat: int
    expires_at: datetime
    used_at: datetime | None
    superseded: bool  # a later link of the alert went to the same recipient and channel
    alert_id: UUID
    alert: AlertRound
    alert_type: str
    severity: Severity
    occurrences: int
    created_at: datetime
    last_event_at: datetime
    cared_person_name: str
    device_name: str
    # What the responder needs (address, conditions…): the page shows it while it is open.
    responder_info: ResponderInfo = field(default_factory=ResponderInfo)


class AckLinkViews(Protocol):
    async def by_token_hash(self, token_hash: str) -> AckLinkView | None: ...


@dataclass(frozen=True, slots=True)
class AckLinkPage:
    link: AckLinkView
    state: LinkState


@dataclass(frozen=True, slots=True)
class ShowAckLinkQuery:
    token: str


class ShowAckLink:
    """The link and its state now; an unknown secret is ``NotFound`` (naming no secret)."""

    def __init__(self, links: AckLinkViews, clock: Clock) -> None:
        self.links, self.clock = links, clock

    async def __call__(self, query: ShowAckLinkQuery) -> AckLinkPage:
        found = await self.links.by_token_hash(hash_token(query.token))
        if found is None:
            raise NotFound("acknowledgement link", "given")
        state = link_state(used_at=found.used_at, expires_at=found.expires_at,
                           level=found.escalation_level, repeat=found.repeat,
                           alert=found.alert, now=self.clock.now(),
                           superseded=found.superseded)
        return AckLinkPage(found, state)

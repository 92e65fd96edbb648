"""Acknowledging an alert from its notification (``domain/ack_links.py``): links given
to the notifications as they are written, and their use, from the link's page or by an
SMS reply with the code.

Using a link acknowledges the alert as ``AcknowledgeAlert`` does over HTTP: the same
access rule for a recipient with an account (one who lost access since is refused), the
same ``Alert.acknowledge``, so escalation stops alike, and the change reaches the live
stream alike, and the audit log records it alike (the link's recipient as the actor;
none for a recipient without an account). The acknowledgement records the link's
channel and the address it was sent to (an SMS reply: the number it came from).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from cuiot.application.safety.commands.alerts import accessible_alert
from cuiot.application.shared.access import load_actor
from cuiot.application.shared.ports import Clock, IdGenerator, RandomSource
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain import audit_entries as audit
from cuiot.domain.ack_links import (
    CODE_DIGITS,
    CODE_LENGTH,
    LINK_CHANNELS,
    AckLink,
    AlertRound,
    ack_url,
    as_code,
    reply_key,
)
from cuiot.domain.alerts import Alert
from cuiot.domain.auth import hash_token
from cuiot.domain.errors import NotFound
from cuiot.domain.notifications import AckLinkText, Channel

CODE_TRIES = 20  # a phone with open links takes a few codes of the million


async def issue_link(uow: UnitOfWork, ids: IdGenerator, alert: Alert, channel: Channel,
                     address: str, user_id: UUID | None, now: datetime) -> AckLinkText | None:
    """Inside the caller's unit of work: a link for one notification about to be written,
    stored (as its hash), and what the notification tells of it; None when the unit of
    work gives no links, or the channel takes none (``log``)."""
    source = uow.links
    if source is None or channel not in LINK_CHANNELS:
        return None
    token = source.rng.token()
    code = await _free_code(uow, source.rng, address, now) if channel is Channel.SMS else None
    await uow.ack_links.add(AckLink.issue(
        id=ids.new_id(), alert=alert, channel=channel, recipient=address, user_id=user_id,
        token=token, code=code, now=now))
    return AckLinkText(ack_url(source.public_url, token), token, code)


async def _free_code(uow: UnitOfWork, rng: RandomSource, phone: str,
                     now: datetime) -> str | None:
    """A code no open link of this phone has; None in the (unheard-of) case that none
    is found: the SMS then carries its link alone, and is never held back."""
    for _ in range(CODE_TRIES):
        code = rng.choose(CODE_DIGITS, CODE_LENGTH)
        if not await uow.ack_links.code_in_use(reply_key(phone, code), now):
            return code
    return None


@dataclass(frozen=True, slots=True)
class AcknowledgeByLinkCommand:
    token: str  # the secret of the link, as opened


@dataclass(frozen=True, slots=True)
class AcknowledgeBySmsCommand:
    sender: str  # the number the reply came from
    text: str  # the reply


class _LinkUseCase:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def _acknowledge(self, link: AckLink, recipient: str) -> Alert:
        now, today = self.clock.now(), self.clock.today()
        alert = await _alert_of(self.uow, link, now, today)
        link.use(AlertRound.of(alert), now, superseded=await self.uow.ack_links.has_newer(link))
        alert.acknowledge(link.recipient_user_id, now, via=link.channel.value,
                          recipient=recipient)
        await self.uow.audit.add(audit.alert_acknowledged(alert, link.recipient_user_id, now))
        return alert


async def _alert_of(uow: UnitOfWork, link: AckLink, now: datetime, today: date) -> Alert:
    """The link's alert, held; for a recipient with an account, as the HTTP
    acknowledgement finds it (an inactive user is ``Unauthenticated``, one with no
    access any more is told the alert does not exist)."""
    if link.recipient_user_id is not None:
        actor = await load_actor(uow, link.recipient_user_id)
        return await accessible_alert(uow, actor, link.alert_id, now, today)
    alert = await uow.alerts.get(link.alert_id)
    if alert is None:
        raise NotFound("alert", link.alert_id)
    return alert


class AcknowledgeByLink(_LinkUseCase):
    """The link's page confirmed. An unknown secret is ``NotFound`` (naming no secret);
    a used or expired link, or an alert already handled, is ``AckLinkRefused``."""

    async def __call__(self, cmd: AcknowledgeByLinkCommand) -> Alert:
        async with self.uow:
            link = await self.uow.ack_links.get_by_token_hash(hash_token(cmd.token))
            if link is None:
                raise NotFound("acknowledgement link", "given")
            alert = await self._acknowledge(link, link.recipient)
            await self.uow.commit()
        return alert


class AcknowledgeBySms(_LinkUseCase):
    """An SMS reply: a text that is a code of one of the sender's open links
    acknowledges its alert. Anything else changes nothing: ``NotFound``, or
    ``AckLinkRefused`` when the alert moved on since."""

    async def __call__(self, cmd: AcknowledgeBySmsCommand) -> Alert:
        code = as_code(cmd.text)
        async with self.uow:
            link = None if code is None else await self.uow.ack_links.get_open_by_reply_key(
                reply_key(cmd.sender, code), self.clock.now())
            if link is None:
                raise NotFound("acknowledgement code", "given")
            alert = await self._acknowledge(link, cmd.sender)
            await self.uow.commit()
        return alert

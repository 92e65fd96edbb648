"""Acknowledgement links on the ORM session. A link used is held (``FOR UPDATE``; SQLite
serialises writers anyway) so two clicks, or a click and a reply, spend it once.

Writing links is on the escalation's hot path: ``add`` does no lookup, and
``code_in_use`` asks the connection (not the session, which would flush a page of
escalated alerts early) and remembers the codes this unit of work added."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from uuid import UUID

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from cuiot.adapters.persistence.orm.ack_links import acknowledgement_links
from cuiot.adapters.persistence.orm.safety import alerts
from cuiot.adapters.persistence.repositories.session import SessionRepository
from cuiot.domain.ack_links import CLOSED, AckLink

c = acknowledgement_links.c


class SqlAlchemyAckLinkRepository(SessionRepository[AckLink]):
    entity_class = AckLink
    entity = "acknowledgement link"

    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session)
        self._added: list[AckLink] = []

    async def add(self, entity: AckLink) -> None:
        self.session.add(entity)
        self._added.append(entity)

    async def get_by_token_hash(self, token_hash: str) -> AckLink | None:
        found = await self.session.scalars(
            select(AckLink).where(c.token_hash == token_hash).with_for_update())
        return found.first()

    async def get_open_by_reply_key(self, code_hash: str, now: datetime) -> AckLink | None:
        found = await self.session.scalars(
            select(AckLink).where(c.code_hash == code_hash, c.used_at.is_(None),
                                  c.expires_at > now)
            .order_by(c.created_at.desc(), c.id).limit(1).with_for_update())
        return found.first()

    async def code_in_use(self, code_hash: str, now: datetime) -> bool:
        if any(link.code_hash == code_hash and link.used_at is None and link.expires_at > now
               for link in self._added):
            return True
        connection = await self.session.connection()
        return bool(await connection.scalar(select(exists().where(
            c.code_hash == code_hash, c.used_at.is_(None), c.expires_at > now))))

    async def list_open_about(self, user_id: UUID, cared_person_ids: Collection[UUID],
                              now: datetime) -> list[AckLink]:
        """Through the persons' alerts still open (few), then their links by alert."""
        a = alerts.c
        open_alerts = select(a.id).where(a.cared_person_id.in_(list(cared_person_ids)),
                                         a.status.not_in(sorted(CLOSED)))
        found = await self.session.scalars(
            select(AckLink).where(c.alert_id.in_(open_alerts), c.recipient_user_id == user_id,
                                  c.used_at.is_(None), c.expires_at > now)
            .order_by(c.id).with_for_update())
        return list(found.all())

    async def has_newer(self, link: AckLink) -> bool:
        return bool(await self.session.scalar(select(exists().where(
            c.alert_id == link.alert_id, c.channel == link.channel,
            c.recipient == link.recipient, c.created_at > link.created_at))))

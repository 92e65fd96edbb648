"""Rejected device messages: kept, never changed."""

from __future__ import annotations

from sqlalchemy import func, select

from cuiot.adapters.persistence.orm.safety import rejected_messages
from cuiot.adapters.persistence.repositories.session import SessionRepository
from cuiot.domain.rejections import RejectedMessage


class SqlAlchemyRejectedMessageRepository(SessionRepository[RejectedMessage]):
    entity_class = RejectedMessage
    entity = "rejected message"

    async def list(self, offset: int = 0, limit: int = 100) -> list[RejectedMessage]:
        t = rejected_messages.c
        return list((await self.session.scalars(
            select(RejectedMessage).order_by(t.received_at.desc(), t.id.desc())
            .offset(offset).limit(limit))).all())

    async def count_by_reason(self) -> dict[str, int]:
        t = rejected_messages.c
        rows = await self.session.execute(select(t.reason, func.count()).group_by(t.reason))
        return {reason: count for reason, count in rows.all()}

"""Rejected device messages: kept, never changed (people read them through
``views/devices.py``), and pruned by the scheduler (``prune``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from cuiot.adapters.persistence.orm.safety import rejected_messages
from cuiot.adapters.persistence.repositories.session import SessionRepository
from cuiot.domain.rejections import RejectedMessage

c = rejected_messages.c


class SqlAlchemyRejectedMessageRepository(SessionRepository[RejectedMessage]):
    entity_class = RejectedMessage
    entity = "rejected message"


async def prune(conn: AsyncConnection, received_before: datetime, keep_most: int) -> int:
    """Delete what was received before ``received_before``, then all but the newest
    ``keep_most`` (both walk ``ix_rejected_messages_received``); how many went."""
    gone = (await conn.execute(delete(rejected_messages).where(
        c.received_at < received_before))).rowcount or 0
    oldest_kept = (select(c.received_at).order_by(c.received_at.desc())
                   .offset(keep_most - 1).limit(1).scalar_subquery())
    gone += (await conn.execute(delete(rejected_messages).where(
        c.received_at < oldest_kept))).rowcount or 0
    return int(gone)

from __future__ import annotations

from typing import Any, Mapping

from sqlalchemy import func, select

from cuiot.adapters.persistence.repositories.base import Mapper, Row, SqlRepository
from cuiot.adapters.persistence.tables.rejections import rejected_messages
from cuiot.domain.rejections import RejectedMessage


def _to_row(m: RejectedMessage) -> dict[str, Any]:
    return {"id": m.id, "received_at": m.received_at, "source": m.source, "topic": m.topic,
            "device_id": m.device_id, "reason": m.reason, "detail": m.detail,
            "payload": m.payload}


def _from_row(row: Row, _children: Mapping[str, list[Row]]) -> RejectedMessage:
    return RejectedMessage(**dict(row))


class SqlAlchemyRejectedMessageRepository(SqlRepository[RejectedMessage]):
    mapper = Mapper(rejected_messages, _to_row, _from_row)
    entity = "rejected message"

    async def list(self, offset: int = 0, limit: int = 100) -> list[RejectedMessage]:
        t = rejected_messages.c
        return await self._load(self._select().order_by(t.received_at.desc(), t.id.desc())
                                .offset(offset).limit(limit))

    async def count_by_reason(self) -> dict[str, int]:
        await self.flush()
        t = rejected_messages.c
        rows = await self.conn.execute(select(t.reason, func.count()).group_by(t.reason))
        return {reason: count for reason, count in rows.all()}

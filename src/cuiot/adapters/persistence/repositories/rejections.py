"""Rejected device messages: kept, never changed (people read them through
``views/devices.py``)."""

from __future__ import annotations

from cuiot.adapters.persistence.repositories.session import SessionRepository
from cuiot.domain.rejections import RejectedMessage


class SqlAlchemyRejectedMessageRepository(SessionRepository[RejectedMessage]):
    entity_class = RejectedMessage
    entity = "rejected message"

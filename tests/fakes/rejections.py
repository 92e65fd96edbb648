from __future__ import annotations

from cuiot.domain.rejections import RejectedMessage
from tests.fakes.base import InMemoryRepository


class InMemoryRejectedMessageRepository(InMemoryRepository[RejectedMessage]):
    entity = "rejected message"

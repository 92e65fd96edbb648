from __future__ import annotations

from collections import Counter

from tests.fakes.base import InMemoryRepository
from cuiot.domain.rejections import RejectedMessage


class InMemoryRejectedMessageRepository(InMemoryRepository[RejectedMessage]):
    entity = "rejected message"

    async def list(self, offset: int = 0, limit: int = 100) -> list[RejectedMessage]:
        newest = sorted(self.items.values(), key=lambda m: (m.received_at, m.id), reverse=True)
        return newest[offset: offset + limit]

    async def count_by_reason(self) -> dict[str, int]:
        return dict(Counter(m.reason for m in self.items.values()))

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from cuiot.domain.reviews import RatingTally, Review, ReviewedKind, Score
from tests.fakes.base import InMemoryRepository


class InMemoryReviewRepository(InMemoryRepository[Review]):
    entity = "review"

    async def exists_for(self, reviewer_id: UUID, kind: ReviewedKind, reviewed_id: UUID,
                         cared_person_id: UUID, service_date: date) -> bool:
        wanted = (reviewer_id, kind, reviewed_id, cared_person_id, service_date)
        return self._first(lambda r: (r.reviewer_id, r.kind, r.reviewed_id,
                                      r.cared_person_id, r.service_date) == wanted) is not None

    async def list_public_of(self, kind: ReviewedKind, reviewed_id: UUID) -> list[Review]:
        return self._where(lambda r: r.is_public and r.kind == kind
                           and r.reviewed_id == reviewed_id)

    async def public_rating_tally(self, kind: ReviewedKind) -> RatingTally:
        return RatingTally.of(r for r in self.items.values() if r.kind == kind)


class InMemoryScoreRepository(InMemoryRepository[Score]):
    entity = "score"

    def key(self, item: Score) -> Any:
        return (item.kind, item.reviewed_id)

    async def get_for(self, kind: ReviewedKind, reviewed_id: UUID) -> Score | None:
        return await self.get((ReviewedKind(kind), reviewed_id))

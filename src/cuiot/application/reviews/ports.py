"""Repository ports of reviews and scores (DOMAIN.md section 4)."""

from __future__ import annotations

from datetime import date
from typing import Protocol
from uuid import UUID

from cuiot.domain.reviews import RatingTally, Review, ReviewedKind, Score


class ReviewRepository(Protocol):
    async def get(self, review_id: UUID) -> Review | None: ...

    async def add(self, review: Review) -> None: ...

    async def exists_for(self, reviewer_id: UUID, kind: ReviewedKind, reviewed_id: UUID,
                         cared_person_id: UUID, service_date: date) -> bool:
        """Whether this reviewer already reviewed this party for this person and date
        (hidden reviews included)."""
        ...

    async def list_public_of(self, kind: ReviewedKind, reviewed_id: UUID, offset: int = 0,
                             limit: int | None = None) -> list[Review]:
        """Public reviews of one party, newest first; every one of them when no limit."""
        ...

    async def public_rating_tally(self, kind: ReviewedKind) -> RatingTally:
        """Count and sum of the ratings of every public review of this kind."""
        ...


class ScoreRepository(Protocol):
    async def get_for(self, kind: ReviewedKind, reviewed_id: UUID) -> Score | None:
        """The stored score of one reviewed party."""
        ...

    async def add(self, score: Score) -> None: ...

"""Ports of reviews and scores (DOMAIN.md section 4): the repositories the commands use,
and the views the public reads use, with the read models those return."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol
from uuid import UUID

from cuiot.domain.reviews import RatingTally, Review, ReviewedKind, Score
from cuiot.domain.values import Rating


class ReviewRepository(Protocol):
    async def get(self, review_id: UUID) -> Review | None: ...

    async def add(self, review: Review) -> None: ...

    async def exists_for(self, reviewer_id: UUID, kind: ReviewedKind, reviewed_id: UUID,
                         cared_person_id: UUID, service_date: date) -> bool:
        """Whether this reviewer already reviewed this party for this person and date
        (hidden reviews included)."""
        ...

    async def list_public_of(self, kind: ReviewedKind, reviewed_id: UUID) -> list[Review]:
        """Every public review of one party (what its score is computed from)."""
        ...

    async def public_rating_tally(self, kind: ReviewedKind) -> RatingTally:
        """Count and sum of the ratings of every public review of this kind."""
        ...


class ScoreRepository(Protocol):
    async def get_for(self, kind: ReviewedKind, reviewed_id: UUID) -> Score | None:
        """The stored score of one reviewed party."""
        ...

    async def add(self, score: Score) -> None: ...


# -- the read side ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PublicReview:
    """What anyone may read of a review: no reviewer and no cared person."""

    id: UUID
    kind: ReviewedKind
    reviewed_id: UUID
    rating: Rating
    category_ratings: dict[str, int]
    is_recommended: bool
    comment: str
    service_date: date
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ScoreRecord:
    kind: ReviewedKind
    reviewed_id: UUID
    overall_score: Decimal
    category_scores: dict[str, Decimal | None]
    total_reviews: int
    last_calculated: datetime

    @classmethod
    def of(cls, score: Score) -> ScoreRecord:
        return cls(ReviewedKind(score.kind), score.reviewed_id, score.overall_score,
                   dict(score.category_scores), score.total_reviews, score.last_calculated)


@dataclass(frozen=True, slots=True)
class Seen:
    """Whether the reader who named themselves is an active user (an anonymous one
    always is), and whether the party exists as its kind (an institution, or a user
    holding the caregiver role now)."""

    reader_known: bool
    party_known: bool


@dataclass(frozen=True, slots=True)
class PartyReviews(Seen):
    reviews: list[PublicReview] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class PartyScore(Seen):
    """The stored score, or when there is none the tally of the kind's public reviews."""

    stored: ScoreRecord | None = None
    tally: RatingTally = field(default_factory=RatingTally)


class ReviewViews(Protocol):
    async def public_reviews(self, kind: ReviewedKind, reviewed_id: UUID,
                             reader_id: UUID | None, now: datetime, offset: int,
                             limit: int) -> PartyReviews:
        """A page of the party's public reviews, newest first, with what was seen."""
        ...

    async def score(self, kind: ReviewedKind, reviewed_id: UUID, reader_id: UUID | None,
                    now: datetime) -> PartyScore:
        ...

"""Reading reviews and scores: public, as in any marketplace. Each read is one statement
of the views, which also say whether the reader and the party exist."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from cuiot.application.reviews.ports import PublicReview, ReviewViews, ScoreRecord, Seen
from cuiot.application.shared.ports import Clock
from cuiot.domain.errors import NotFound, Unauthenticated, ValidationFailed
from cuiot.domain.policy import Policy
from cuiot.domain.reviews import ReviewedKind, compute_score
from cuiot.domain.values import parse_choice


@dataclass(frozen=True)
class ListReviewsOfQuery:
    """``actor_id`` None: an anonymous reader (reviews and scores are public)."""

    actor_id: UUID | None
    kind: str
    reviewed_id: UUID
    offset: int = 0
    limit: int = 100


@dataclass(frozen=True)
class GetScoreQuery:
    """``actor_id`` None: an anonymous reader (reviews and scores are public)."""

    actor_id: UUID | None
    kind: str
    reviewed_id: UUID


def ensure_seen(seen: Seen, kind: ReviewedKind, reviewed_id: UUID) -> None:
    """A reader who names themselves must be an active user; the party must exist."""
    if not seen.reader_known:
        raise Unauthenticated("unknown or inactive user")
    if not seen.party_known:
        raise NotFound(kind.value, reviewed_id)


class ListReviewsOf:
    """A party's public reviews, newest first."""

    def __init__(self, views: ReviewViews, clock: Clock) -> None:
        self.views, self.clock = views, clock

    async def __call__(self, query: ListReviewsOfQuery) -> list[PublicReview]:
        if query.offset < 0 or query.limit < 1:
            raise ValidationFailed("offset must be 0 or more and limit 1 or more", field="limit")
        kind = parse_choice(ReviewedKind, query.kind, "kind")
        found = await self.views.public_reviews(kind, query.reviewed_id, query.actor_id,
                                                self.clock.now(), query.offset, query.limit)
        ensure_seen(found, kind, query.reviewed_id)
        return found.reviews


class GetScore:
    """The stored score, or for a party never reviewed, one computed with n = 0."""

    def __init__(self, views: ReviewViews, clock: Clock, policy: Policy) -> None:
        self.views, self.clock, self.policy = views, clock, policy

    async def __call__(self, query: GetScoreQuery) -> ScoreRecord:
        kind, now = parse_choice(ReviewedKind, query.kind, "kind"), self.clock.now()
        found = await self.views.score(kind, query.reviewed_id, query.actor_id, now)
        ensure_seen(found, kind, query.reviewed_id)
        if found.stored is not None:
            return found.stored
        return ScoreRecord.of(compute_score(kind, query.reviewed_id, [], found.tally, now,
                                            self.policy))

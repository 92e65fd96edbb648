"""Reviews and scores on the ORM session. Each reviewed kind is its own mapped class on
its own table (``orm/reviews.py``), so each repository holds one part per kind and picks
it by the kind it is given; the session is the identity map of both."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar, Generic, TypeVar
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cuiot.adapters.persistence.orm.reviews import REVIEW_TABLES, REVIEWED_COLUMN
from cuiot.adapters.persistence.repositories.session import SessionRepository
from cuiot.domain.reviews import (
    RatingTally,
    Review,
    ReviewedKind,
    Score,
    review_class,
    score_class,
)

T = TypeVar("T")


def _parts(class_of: Callable[[ReviewedKind], type[T]], entity: str
           ) -> dict[ReviewedKind, type[SessionRepository[T]]]:
    """A ``SessionRepository`` class per kind, on that kind's mapped class."""
    return {kind: type(f"{class_of(kind).__name__}Repository", (SessionRepository,),
                       {"entity_class": class_of(kind), "entity": entity})
            for kind in ReviewedKind}


class _PerKind(Generic[T]):
    """One repository per reviewed kind, on the same session."""

    uses_session: ClassVar[bool] = True
    parts: ClassVar[dict[ReviewedKind, type[SessionRepository[Any]]]]

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._kinds = {kind: part(session) for kind, part in self.parts.items()}

    def of(self, kind: ReviewedKind | str) -> SessionRepository[T]:
        return self._kinds[ReviewedKind(kind)]


class SqlAlchemyReviewRepository(_PerKind[Review]):
    parts = _parts(review_class, "review")

    async def get(self, review_id: UUID) -> Review | None:
        for part in self._kinds.values():
            found: Review | None = await part.get(review_id)
            if found is not None:
                return found
        return None

    async def add(self, review: Review) -> None:
        await self.of(review.kind).add(review)

    # Each statement names the mapped class (select / select_from), so the session
    # autoflushes first: what this unit of work added counts.

    async def exists_for(self, reviewer_id: UUID, kind: ReviewedKind, reviewed_id: UUID,
                         cared_person_id: UUID, service_date: date) -> bool:
        t = REVIEW_TABLES[kind].c
        found = await self.session.scalar(
            select(t.id).select_from(review_class(kind)).where(
                t.reviewer_id == reviewer_id, t[REVIEWED_COLUMN[kind]] == reviewed_id,
                t.cared_person_id == cared_person_id, t.service_date == service_date)
            .limit(1))
        return found is not None

    async def list_public_of(self, kind: ReviewedKind, reviewed_id: UUID) -> list[Review]:
        """Every public review of one party (to compute its score)."""
        t = REVIEW_TABLES[kind].c
        return list((await self.session.scalars(select(review_class(kind)).where(
            t[REVIEWED_COLUMN[kind]] == reviewed_id, t.is_public))).all())

    async def public_rating_tally(self, kind: ReviewedKind) -> RatingTally:
        t = REVIEW_TABLES[kind].c
        count, total = (await self.session.execute(
            select(func.count(), func.coalesce(func.sum(t.rating), 0))
            .select_from(review_class(kind)).where(t.is_public))).one()
        return RatingTally(int(count), int(total))


class SqlAlchemyScoreRepository(_PerKind[Score]):
    parts = _parts(score_class, "score")

    async def get_for(self, kind: ReviewedKind, reviewed_id: UUID) -> Score | None:
        return await self.of(kind).get(reviewed_id)

    async def add(self, score: Score) -> None:
        await self.of(score.kind).add(score)


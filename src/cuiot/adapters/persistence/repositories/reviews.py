"""Reviews and scores on SQL: each reviewed kind has its own tables, so each repository
holds one ``SqlRepository`` per kind and picks it by the kind it is given."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, Generic, TypeVar
from uuid import UUID

from sqlalchemy import Table, exists, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from cuiot.adapters.persistence.repositories.base import Mapper, Row, SqlRepository
from cuiot.adapters.persistence.orm.reviews import (
    caregiver_reviews,
    caregiver_scores,
    institution_reviews,
    institution_scores,
)
from cuiot.domain.reviews import CATEGORIES, RatingTally, Review, ReviewedKind, Score
from cuiot.domain.values import Rating

P = TypeVar("P", bound=SqlRepository)
REVIEWED_COLUMN = {ReviewedKind.CAREGIVER: "caregiver_id",
                   ReviewedKind.INSTITUTION: "institution_id"}
REVIEW_TABLES = {ReviewedKind.CAREGIVER: caregiver_reviews,
                 ReviewedKind.INSTITUTION: institution_reviews}
SCORE_TABLES = {ReviewedKind.CAREGIVER: caregiver_scores,
                ReviewedKind.INSTITUTION: institution_scores}
SCORE_PLACES = Decimal("0.01")  # scores are computed to 2 decimals; PostgreSQL gives 4


def _review_mapper(kind: ReviewedKind) -> Mapper[Review]:
    reviewed, categories = REVIEWED_COLUMN[kind], CATEGORIES[kind]

    def to_row(r: Review) -> dict[str, Any]:
        return {
            "id": r.id, "reviewer_id": r.reviewer_id, reviewed: r.reviewed_id,
            "cared_person_id": r.cared_person_id, "rating": r.rating.value,
            **{f"{c}_rating": r.category_ratings.get(c) for c in categories},
            "is_recommended": r.is_recommended, "comment": r.comment,
            "service_date": r.service_date, "is_public": r.is_public,
            "hidden_by": r.hidden_by, "hidden_at": r.hidden_at, "created_at": r.created_at,
        }

    def from_row(row: Row, _children: Mapping[str, list[Row]]) -> Review:
        return Review(
            id=row["id"], reviewer_id=row["reviewer_id"], kind=kind, reviewed_id=row[reviewed],
            cared_person_id=row["cared_person_id"], rating=Rating(row["rating"]),
            service_date=row["service_date"], created_at=row["created_at"],
            is_recommended=row["is_recommended"], comment=row["comment"],
            category_ratings={c: row[f"{c}_rating"] for c in categories
                              if row[f"{c}_rating"] is not None},
            is_public=row["is_public"], hidden_by=row["hidden_by"], hidden_at=row["hidden_at"],
        )

    return Mapper(REVIEW_TABLES[kind], to_row, from_row)


def _two_places(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(SCORE_PLACES)


def _score_mapper(kind: ReviewedKind) -> Mapper[Score]:
    reviewed, categories = REVIEWED_COLUMN[kind], CATEGORIES[kind]

    def to_row(s: Score) -> dict[str, Any]:
        return {reviewed: s.reviewed_id, "overall_score": s.overall_score,
                **{f"{c}_score": s.category_scores.get(c) for c in categories},
                "total_reviews": s.total_reviews, "last_calculated": s.last_calculated}

    def from_row(row: Row, _children: Mapping[str, list[Row]]) -> Score:
        return Score(kind, row[reviewed], row["overall_score"].quantize(SCORE_PLACES),
                     {c: _two_places(row[f"{c}_score"]) for c in categories},
                     row["total_reviews"], row["last_calculated"])

    return Mapper(SCORE_TABLES[kind], to_row, from_row, key_column=reviewed,
                  key=lambda s: s.reviewed_id)


class _KindReviews(SqlRepository[Review]):
    """The reviews of one kind, on that kind's table."""

    entity = "review"

    def __init__(self, conn: AsyncConnection, kind: ReviewedKind) -> None:
        super().__init__(conn)
        self.mapper = _review_mapper(kind)
        self.table: Table = self.mapper.table
        self.reviewed = self.table.c[REVIEWED_COLUMN[kind]]

    async def exists_for(self, reviewer_id: UUID, reviewed_id: UUID, cared_person_id: UUID,
                         service_date: date) -> bool:
        await self.flush()
        t = self.table.c
        found = exists().where(t.reviewer_id == reviewer_id, self.reviewed == reviewed_id,
                               t.cared_person_id == cared_person_id,
                               t.service_date == service_date)
        return bool((await self.conn.execute(select(found))).scalar())

    async def list_public_of(self, reviewed_id: UUID, offset: int,
                             limit: int | None) -> list[Review]:
        t = self.table.c
        return await self._load(
            self._select().where(self.reviewed == reviewed_id, t.is_public)
            .order_by(t.created_at.desc(), t.id.desc()).offset(offset).limit(limit))

    async def public_rating_tally(self) -> RatingTally:
        await self.flush()
        t = self.table.c
        stmt = select(func.count(), func.coalesce(func.sum(t.rating), 0)).where(t.is_public)
        count, total = (await self.conn.execute(stmt)).one()
        return RatingTally(int(count), int(total))


class _KindScores(SqlRepository[Score]):
    """The scores of one kind, on that kind's table, keyed by the reviewed party."""

    entity = "score"

    def __init__(self, conn: AsyncConnection, kind: ReviewedKind) -> None:
        super().__init__(conn)
        self.mapper = _score_mapper(kind)


class _PerKind(Generic[P]):
    """One repository per reviewed kind, flushed and seen together by the unit of work."""

    part: Callable[[AsyncConnection, ReviewedKind], P]

    def __init__(self, conn: AsyncConnection) -> None:
        self._kinds = {kind: self.part(conn, kind) for kind in ReviewedKind}

    def of(self, kind: ReviewedKind | str) -> P:
        return self._kinds[ReviewedKind(kind)]

    async def flush(self) -> None:
        for part in self._kinds.values():
            await part.flush()

    def seen(self) -> Iterable[Any]:
        return [entity for part in self._kinds.values() for entity in part.seen()]


class SqlAlchemyReviewRepository(_PerKind[_KindReviews]):
    part = _KindReviews

    async def get(self, review_id: UUID) -> Review | None:
        for part in self._kinds.values():
            if (found := await part.get(review_id)) is not None:
                return found
        return None

    async def add(self, review: Review) -> None:
        await self.of(review.kind).add(review)

    async def exists_for(self, reviewer_id: UUID, kind: ReviewedKind, reviewed_id: UUID,
                         cared_person_id: UUID, service_date: date) -> bool:
        return await self.of(kind).exists_for(reviewer_id, reviewed_id, cared_person_id,
                                              service_date)

    async def list_public_of(self, kind: ReviewedKind, reviewed_id: UUID, offset: int = 0,
                             limit: int | None = None) -> list[Review]:
        return await self.of(kind).list_public_of(reviewed_id, offset, limit)

    async def public_rating_tally(self, kind: ReviewedKind) -> RatingTally:
        return await self.of(kind).public_rating_tally()


class SqlAlchemyScoreRepository(_PerKind[_KindScores]):
    part = _KindScores

    async def get_for(self, kind: ReviewedKind, reviewed_id: UUID) -> Score | None:
        return await self.of(kind).get(reviewed_id)

    async def add(self, score: Score) -> None:
        await self.of(score.kind).add(score)

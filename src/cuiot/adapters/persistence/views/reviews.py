"""Views of reviews and scores: each read is one statement, which also says whether the
reader who named themselves is an active user and whether the party exists as its kind
(a one-row head, outer-joined to the page or the stored score)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Exists, case, exists, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.selectable import Subquery

from cuiot.adapters.persistence.orm.care import institutions
from cuiot.adapters.persistence.orm.identity import user_roles, users
from cuiot.adapters.persistence.orm.reviews import REVIEW_TABLES, REVIEWED_COLUMN, SCORE_TABLES
from cuiot.application.reviews.ports import PartyReviews, PartyScore, PublicReview, ScoreRecord
from cuiot.domain.reviews import CATEGORIES, RatingTally, ReviewedKind
from cuiot.domain.users import Role
from cuiot.domain.values import Rating

REVIEWED, REVIEWS, SCORES = REVIEWED_COLUMN, REVIEW_TABLES, SCORE_TABLES


def party_exists(kind: ReviewedKind, reviewed_id: UUID, now: datetime) -> Exists:
    """An institution, or a user who holds the caregiver role at ``now``."""
    if kind is ReviewedKind.INSTITUTION:
        return exists().where(institutions.c.id == reviewed_id)
    r = user_roles.c
    return exists().where(r.user_id == reviewed_id, r.role == Role.CAREGIVER,
                          or_(r.expires_at.is_(None), r.expires_at > now))


def head(kind: ReviewedKind, reviewed_id: UUID, reader_id: UUID | None,
         now: datetime) -> Subquery:
    reader = true() if reader_id is None else exists().where(
        users.c.id == reader_id, users.c.is_active)
    return select(reader.label("reader_known"),
                  party_exists(kind, reviewed_id, now).label("party_known")).subquery("head")


class SqlReviewViews:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def public_reviews(self, kind: ReviewedKind, reviewed_id: UUID,
                             reader_id: UUID | None, now: datetime, offset: int,
                             limit: int) -> PartyReviews:
        t, names = REVIEWS[kind], CATEGORIES[kind]
        page = (select(t.c.id, t.c[REVIEWED[kind]].label("reviewed_id"), t.c.rating,
                       *(t.c[f"{name}_rating"] for name in names), t.c.is_recommended,
                       t.c.comment, t.c.service_date, t.c.created_at)
                .where(t.c[REVIEWED[kind]] == reviewed_id, t.c.is_public)
                .order_by(t.c.created_at.desc(), t.c.id.desc())
                .offset(offset).limit(limit).subquery("page"))
        seen = head(kind, reviewed_id, reader_id, now)
        rows = (await self.conn.execute(
            select(seen, page).select_from(seen.outerjoin(page, true()))
            .order_by(page.c.created_at.desc(), page.c.id.desc()))).mappings().all()
        [first, *_] = rows
        return PartyReviews(bool(first["reader_known"]), bool(first["party_known"]),
                            [_review(kind, row) for row in rows if row["id"] is not None])

    async def score(self, kind: ReviewedKind, reviewed_id: UUID, reader_id: UUID | None,
                    now: datetime) -> PartyScore:
        """The tally of the kind is only counted when there is no stored score."""
        t, s = REVIEWS[kind], SCORES[kind]
        key = s.c[REVIEWED[kind]]
        unscored = key.is_(None)
        count = select(func.count()).select_from(t).where(t.c.is_public).scalar_subquery()
        total = select(func.coalesce(func.sum(t.c.rating), 0)).where(
            t.c.is_public).scalar_subquery()
        seen = head(kind, reviewed_id, reader_id, now)
        row = (await self.conn.execute(
            select(seen, s, case((unscored, count), else_=0).label("tally_count"),
                   case((unscored, total), else_=0).label("tally_total"))
            .select_from(seen.outerjoin(s, key == reviewed_id)))).mappings().one()
        stored = None if row[key.name] is None else _score(kind, row)
        return PartyScore(bool(row["reader_known"]), bool(row["party_known"]), stored,
                          RatingTally(int(row["tally_count"]), int(row["tally_total"])))


def _review(kind: ReviewedKind, row: Any) -> PublicReview:
    ratings = {name: row[f"{name}_rating"] for name in CATEGORIES[kind]
               if row[f"{name}_rating"] is not None}
    return PublicReview(row["id"], kind, row["reviewed_id"], Rating(row["rating"]), ratings,
                        row["is_recommended"], row["comment"], row["service_date"],
                        row["created_at"])


def _score(kind: ReviewedKind, row: Any) -> ScoreRecord:
    return ScoreRecord(kind, row[REVIEWED[kind]], row["overall_score"],
                       {name: row[f"{name}_score"] for name in CATEGORIES[kind]},
                       row["total_reviews"], row["last_calculated"])

"""Reviews and scores, one table of each per reviewed kind (DOMAIN.md section 4).

Every category has a nullable column of its own (``<category>_rating`` on reviews,
``<category>_score`` on scores), so the database checks each range. Scores are stored as
text on SQLite, hence the CASTs in their checks.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Index,
    Integer,
    SmallInteger,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)

from cuiot.adapters.persistence.orm import fk, metadata
from cuiot.adapters.persistence.types import ExactDecimal, UtcDateTime
from cuiot.domain.reviews import CATEGORIES, ReviewedKind

COMMENT_MAX_CHARS = 2000
HIDDEN_BY_WHOM_AND_WHEN = (
    "(is_public AND hidden_by IS NULL AND hidden_at IS NULL)"
    " OR (NOT is_public AND hidden_by IS NOT NULL AND hidden_at IS NOT NULL)"
)


def _review_table(name: str, reviewed: str, target: str, kind: ReviewedKind) -> Table:
    categories = CATEGORIES[kind]
    table = Table(
        name, metadata,
        Column("id", Uuid, primary_key=True),
        Column("reviewer_id", Uuid, fk("users.id"), nullable=False),
        Column(reviewed, Uuid, fk(target), nullable=False),
        Column("cared_person_id", Uuid, fk("cared_persons.id"), nullable=False),
        Column("rating", SmallInteger, nullable=False),
        *(Column(f"{c}_rating", SmallInteger) for c in categories),
        Column("is_recommended", Boolean, nullable=False),
        Column("comment", Text, nullable=False),
        Column("service_date", Date, nullable=False),
        Column("is_public", Boolean, nullable=False),
        Column("hidden_by", Uuid, fk("users.id")),
        Column("hidden_at", UtcDateTime),
        Column("created_at", UtcDateTime, nullable=False),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_1_to_5"),
        *(CheckConstraint(f"{c}_rating BETWEEN 1 AND 5", name=f"{c}_rating_1_to_5")
          for c in categories),
        CheckConstraint(f"length(comment) <= {COMMENT_MAX_CHARS}", name="comment_length"),
        CheckConstraint(HIDDEN_BY_WHOM_AND_WHEN, name="hidden_by_whom_and_when"),
        UniqueConstraint("reviewer_id", reviewed, "cared_person_id", "service_date",
                         name=f"uq_{name}_one_per_service"),
    )
    Index(f"ix_{name}_public_by_date", table.c[reviewed], table.c.is_public,
          table.c.created_at, table.c.id)
    return table


def _score_table(name: str, reviewed: str, target: str, kind: ReviewedKind) -> Table:
    categories = CATEGORIES[kind]
    return Table(
        name, metadata,
        Column(reviewed, Uuid, fk(target), primary_key=True),
        Column("overall_score", ExactDecimal, nullable=False),
        *(Column(f"{c}_score", ExactDecimal) for c in categories),
        Column("total_reviews", Integer, nullable=False),
        Column("last_calculated", UtcDateTime, nullable=False),
        CheckConstraint("CAST(overall_score AS NUMERIC) BETWEEN 1 AND 5",
                        name="overall_score_1_to_5"),
        *(CheckConstraint(f"CAST({c}_score AS NUMERIC) BETWEEN 1 AND 5",
                          name=f"{c}_score_1_to_5") for c in categories),
        CheckConstraint("total_reviews >= 0", name="total_reviews_not_negative"),
    )


caregiver_reviews = _review_table("caregiver_reviews", "caregiver_id", "users.id",
                                  ReviewedKind.CAREGIVER)
institution_reviews = _review_table("institution_reviews", "institution_id",
                                    "institutions.id", ReviewedKind.INSTITUTION)
caregiver_scores = _score_table("caregiver_scores", "caregiver_id", "users.id",
                                ReviewedKind.CAREGIVER)
institution_scores = _score_table("institution_scores", "institution_id",
                                  "institutions.id", ReviewedKind.INSTITUTION)

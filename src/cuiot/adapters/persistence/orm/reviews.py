"""Reviews and scores, one table of each per reviewed kind (DOMAIN.md section 4).

Every category has a nullable column of its own (``<category>_rating`` on reviews,
``<category>_score`` on scores), so the database checks each range. Scores are stored as
text on SQLite, hence the CASTs in their checks.

The mapping: the domain has a class per kind (``CaregiverReview``/``InstitutionReview``,
``CaregiverScore``/``InstitutionScore``), each mapped to its kind's table, so one class
is one table. ``reviewed_id`` is the table's party column (``caregiver_id`` or
``institution_id``); ``kind`` is not stored, the class says it (restored on load). The
rating is a ``Rating`` on one column; the category dict is a composite of the category
columns (``CategoryColumns``).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

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
    event,
)
from sqlalchemy.orm import composite

from cuiot.adapters.persistence.orm import fk, mapper_registry, mapping, metadata, restore_on_load
from cuiot.adapters.persistence.types import ExactDecimal, UtcDateTime
from cuiot.domain.reviews import (
    CATEGORIES,
    CaregiverReview,
    CaregiverScore,
    InstitutionReview,
    InstitutionScore,
    Review,
    ReviewedKind,
    Score,
)
from cuiot.domain.values import Rating

COMMENT_MAX_CHARS = 2000
SCORE_PLACES = Decimal("0.01")  # scores are computed to 2 decimals; PostgreSQL keeps 4


class ScoreDecimal(ExactDecimal):
    """A score: exact, read back to the 2 decimals it was computed to."""

    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        exact = super().process_result_value(value, dialect)
        return None if exact is None else exact.quantize(SCORE_PLACES)

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
        Column("overall_score", ScoreDecimal, nullable=False),
        *(Column(f"{c}_score", ScoreDecimal) for c in categories),
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
REVIEWED_COLUMN = {ReviewedKind.CAREGIVER: "caregiver_id",
                   ReviewedKind.INSTITUTION: "institution_id"}
REVIEW_TABLES = {ReviewedKind.CAREGIVER: caregiver_reviews,
                 ReviewedKind.INSTITUTION: institution_reviews}
SCORE_TABLES = {ReviewedKind.CAREGIVER: caregiver_scores,
                ReviewedKind.INSTITUTION: institution_scores}


class CategoryColumns(dict[str, Any]):
    """A category dict as the composite of its kind's category columns, in order.

    ``keep_none``: scores name every category (None: no review rated it); reviews leave
    out the categories not rated."""

    names: tuple[str, ...] = ()
    keep_none = False

    @classmethod
    def from_columns(cls, *values: Any) -> CategoryColumns:
        return cls((name, value) for name, value in zip(cls.names, values, strict=True)
                   if cls.keep_none or value is not None)

    @classmethod
    def of(cls, categories: Mapping[str, Any] | None) -> CategoryColumns | None:
        if categories is None or isinstance(categories, cls):
            return categories
        return cls(categories)

    def __composite_values__(self) -> tuple[Any, ...]:
        return tuple(self.get(name) for name in self.names)


def _categories(kind: ReviewedKind, keep_none: bool) -> type[CategoryColumns]:
    return type(f"{kind.value.title()}Categories", (CategoryColumns,),
                {"names": CATEGORIES[kind], "keep_none": keep_none})


def _as_columns(cls: type, attribute: str, columns: type[CategoryColumns]) -> None:
    """A plain dict assigned to the composite is taken as its category columns."""
    event.listen(getattr(cls, attribute), "set",
                 lambda _target, value, _old, _initiator: columns.of(value), retval=True)


def _map_kind(kind: ReviewedKind, review: type[Review], score: type[Score]) -> None:
    reviews, scores, reviewed = REVIEW_TABLES[kind], SCORE_TABLES[kind], REVIEWED_COLUMN[kind]
    names = CATEGORIES[kind]
    ratings, categories = _categories(kind, keep_none=False), _categories(kind, keep_none=True)
    mapper_registry.map_imperatively(review, reviews, properties={
        "reviewed_id": reviews.c[reviewed],
        "_rating": reviews.c.rating,
        "rating": composite(Rating, "_rating"),
        **{f"_{name}_rating": reviews.c[f"{name}_rating"] for name in names},
        "category_ratings": composite(ratings.from_columns,
                                      *(f"_{name}_rating" for name in names)),
    })
    mapper_registry.map_imperatively(score, scores, properties={
        "reviewed_id": scores.c[reviewed],
        **{f"_{name}_score": scores.c[f"{name}_score"] for name in names},
        "category_scores": composite(categories.from_columns,
                                     *(f"_{name}_score" for name in names)),
    })
    _as_columns(review, "category_ratings", ratings)
    _as_columns(score, "category_scores", categories)
    restore_on_load(review, kind=lambda: kind)
    restore_on_load(score, kind=lambda: kind)


@mapping
def map_reviews() -> None:
    _map_kind(ReviewedKind.CAREGIVER, CaregiverReview, CaregiverScore)
    _map_kind(ReviewedKind.INSTITUTION, InstitutionReview, InstitutionScore)

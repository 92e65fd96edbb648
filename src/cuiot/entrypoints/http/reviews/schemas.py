"""Shapes of reviews of caregivers and institutions, and of the scores they make."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field, StrictBool, StrictInt

from cuiot.application.reviews.ports import PublicReview, ScoreRecord
from cuiot.domain.policy import DEFAULT_POLICY
from cuiot.domain.reviews import Review
from cuiot.domain.values import Rating
from cuiot.entrypoints.http.schemas import Strict

# The domain's bounds, shown in the schema for clients; the domain still decides.
Stars = Annotated[StrictInt, Field(ge=Rating.LOWEST, le=Rating.HIGHEST)]
CaregiverCategory = Literal["experience", "quality", "reliability", "availability",
                            "specialization"]
InstitutionCategory = Literal["medical_quality", "infrastructure", "staff", "attention", "price"]


class ReviewIn(Strict):
    cared_person_id: UUID = Field(examples=["3f0c1b6e-8a51-4a39-9d4e-0c3a2f1b7d21"],
                                  description="The person cared for, whom the reviewer is "
                                              "(self care) or represents")
    rating: Stars = Field(examples=[5])
    service_date: date = Field(examples=["2026-01-14"], description="Not in the future")
    is_recommended: StrictBool = Field(default=False, examples=[True])
    comment: str = Field(default="", max_length=DEFAULT_POLICY.review_comment_max_chars,
                         examples=["Puntual y muy atenta."])


class CaregiverReviewIn(ReviewIn):
    caregiver_id: UUID = Field(examples=["9a7e2c44-1d0b-4f7a-8e55-6b2f0e3c9a10"])
    category_ratings: dict[CaregiverCategory, Stars | None] = Field(
        default_factory=dict, examples=[{"experience": 5, "reliability": 4}],
        description="Optional 1-5 per category; null or left out: not rated")


class InstitutionReviewIn(ReviewIn):
    institution_id: UUID = Field(examples=["5c2d8f10-7b3e-4e61-a2c4-91d0f6e8b3a7"])
    category_ratings: dict[InstitutionCategory, Stars | None] = Field(
        default_factory=dict, examples=[{"staff": 5, "price": 3}],
        description="Optional 1-5 per category; null or left out: not rated")


class _ReviewFields(BaseModel):
    id: UUID
    kind: str = Field(examples=["caregiver"])
    reviewed_id: UUID
    rating: int = Field(examples=[5])
    category_ratings: dict[str, int] = Field(examples=[{"experience": 5}])
    is_recommended: bool
    comment: str
    service_date: date
    created_at: datetime


class PublicReviewOut(_ReviewFields):
    """What anyone may read: no reviewer and no cared person named."""

    @classmethod
    def of(cls, review: PublicReview) -> PublicReviewOut:
        return cls(id=review.id, kind=review.kind.value, reviewed_id=review.reviewed_id,
                   rating=review.rating.value, category_ratings=dict(review.category_ratings),
                   is_recommended=review.is_recommended, comment=review.comment,
                   service_date=review.service_date, created_at=review.created_at)


class ReviewOut(_ReviewFields):
    """The author's copy."""

    reviewer_id: UUID
    cared_person_id: UUID
    is_public: bool

    @classmethod
    def of(cls, review: Review) -> ReviewOut:
        return cls(id=review.id, kind=review.kind.value, reviewed_id=review.reviewed_id,
                   rating=review.rating.value, category_ratings=dict(review.category_ratings),
                   is_recommended=review.is_recommended, comment=review.comment,
                   service_date=review.service_date, created_at=review.created_at,
                   reviewer_id=review.reviewer_id, cared_person_id=review.cared_person_id,
                   is_public=review.is_public)


class ScoreOut(BaseModel):
    kind: str = Field(examples=["caregiver"])
    reviewed_id: UUID
    overall_score: Decimal = Field(
        examples=["4.25"], description="Bayesian average (C·m + Σ ratings) / (C + n), C = 5, "
                                       "m the mean rating of every public review of this kind")
    category_scores: dict[str, Decimal | None] = Field(
        examples=[{"experience": "4.50", "quality": None}],
        description="Plain mean per category; null when no review rated it")
    total_reviews: int
    last_calculated: datetime

    @classmethod
    def of(cls, score: ScoreRecord) -> ScoreOut:
        return cls(kind=score.kind.value, reviewed_id=score.reviewed_id,
                   overall_score=score.overall_score, category_scores=dict(score.category_scores),
                   total_reviews=score.total_reviews, last_calculated=score.last_calculated)

"""Reviews of caregivers and institutions, who may write them, and the scores they make
(DOMAIN.md section 4)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import ClassVar
from uuid import UUID

from cuiot.domain.care import CaredPerson, CareType
from cuiot.domain.errors import Forbidden, InvalidStateTransition, ValidationFailed
from cuiot.domain.policy import Policy
from cuiot.domain.values import Rating


class ReviewedKind(StrEnum):
    CAREGIVER = "caregiver"
    INSTITUTION = "institution"


CATEGORIES: Mapping[ReviewedKind, tuple[str, ...]] = {
    ReviewedKind.CAREGIVER: ("experience", "quality", "reliability", "availability",
                             "specialization"),
    ReviewedKind.INSTITUTION: ("medical_quality", "infrastructure", "staff", "attention",
                               "price"),
}


class ReviewRefusal(StrEnum):
    NO_CARE_RELATIONSHIP = "no_care_relationship"
    NOT_CARED_FOR_BY = "not_cared_for_by"


def _rating(value: int, field_name: str) -> Rating:
    try:
        return Rating(value)
    except ValidationFailed as error:
        raise ValidationFailed(error.message, field=field_name) from None


@dataclass(eq=False)
class Review:
    """One reviewer's rating of a caregiver (a user id) or an institution for the care
    of one cared person on one service date. ``category_ratings`` maps a category of the
    kind to a whole 1-5; a category left out was not rated.

    Each kind has a class of its own (``CaregiverReview``, ``InstitutionReview``, built by
    ``write``), so that each is stored apart; ``kind`` names it either way."""

    KIND: ClassVar[ReviewedKind | None] = None

    id: UUID
    reviewer_id: UUID
    kind: ReviewedKind
    reviewed_id: UUID
    cared_person_id: UUID
    rating: Rating
    service_date: date
    created_at: datetime
    is_recommended: bool = False
    comment: str = ""
    category_ratings: dict[str, int] = field(default_factory=dict)
    is_public: bool = True
    hidden_by: UUID | None = None
    hidden_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.KIND is not None and self.kind != self.KIND:
            raise ValueError(f"a {type(self).__name__} reviews a {self.KIND}, not a {self.kind}")
        known = CATEGORIES[self.kind]
        for name, value in self.category_ratings.items():
            if name not in known:
                raise ValidationFailed(f"{name!r} is not a {self.kind} category",
                                       field="category_ratings", category=name)
            _rating(value, f"category_ratings.{name}")

    @classmethod
    def write(cls, *, id: UUID, reviewer_id: UUID, kind: ReviewedKind, reviewed_id: UUID,
              cared_person_id: UUID, rating: int, service_date: date, is_recommended: bool,
              comment: str, category_ratings: Mapping[str, int | None], created_at: datetime,
              today: date, policy: Policy) -> Review:
        """A new public review, checked against the policy and today's (local) date.
        A category given as None was not rated."""
        if len(comment) > policy.review_comment_max_chars:
            raise ValidationFailed(
                f"a comment holds at most {policy.review_comment_max_chars} characters",
                field="comment", length=len(comment))
        if service_date > today:
            raise ValidationFailed("the service date is in the future", field="service_date")
        return review_class(kind)(
            id=id, reviewer_id=reviewer_id, kind=kind, reviewed_id=reviewed_id,
            cared_person_id=cared_person_id, rating=_rating(rating, "rating"),
            service_date=service_date, created_at=created_at,
            is_recommended=is_recommended, comment=comment,
            category_ratings={k: v for k, v in category_ratings.items() if v is not None})

    def hide(self, admin_id: UUID, at: datetime) -> None:
        if not self.is_public:
            raise InvalidStateTransition("review", "hidden", "hide")
        self.is_public, self.hidden_by, self.hidden_at = False, admin_id, at


class CaregiverReview(Review):
    KIND = ReviewedKind.CAREGIVER


class InstitutionReview(Review):
    KIND = ReviewedKind.INSTITUTION


def review_class(kind: ReviewedKind) -> type[Review]:
    """The class of a new review of ``kind``."""
    return {ReviewedKind.CAREGIVER: CaregiverReview,
            ReviewedKind.INSTITUTION: InstitutionReview}[ReviewedKind(kind)]


def ensure_may_review(reviewer_id: UUID, cared_person: CaredPerson,
                      representative_id: UUID | None, kind: ReviewedKind,
                      reviewed_id: UUID) -> None:
    """Only the cared person (self care) or their active representative may review, and
    only a caregiver who accepted to care for the person (one merely invited never cared
    for them) or the institution holding them."""
    is_self = cared_person.care_type is CareType.SELF_CARE and reviewer_id in {
        cared_person.user_id, cared_person.account_id}
    if not is_self and reviewer_id != representative_id:
        raise Forbidden("only the cared person or their active representative may review",
                        reason=ReviewRefusal.NO_CARE_RELATIONSHIP.value)
    if kind == ReviewedKind.CAREGIVER:
        cared_for = cared_person.is_cared_for_by(reviewed_id)
    else:
        cared_for = cared_person.institution_id == reviewed_id
    if not cared_for:
        raise Forbidden(f"this {kind} never cared for this person",
                        reason=ReviewRefusal.NOT_CARED_FOR_BY.value)


@dataclass(frozen=True, slots=True)
class RatingTally:
    """How many public reviews there are and the sum of their ratings."""

    count: int = 0
    total: int = 0

    @classmethod
    def of(cls, reviews: Iterable[Review]) -> RatingTally:
        ratings = [r.rating.value for r in reviews if r.is_public]
        return cls(len(ratings), sum(ratings))

    def mean_or(self, default: Decimal) -> Fraction:
        return Fraction(self.total, self.count) if self.count else Fraction(default)


def round_half_up(value: Fraction, places: int = 2) -> Decimal:
    """An exact non-negative ratio to ``places`` decimals, halves rounded up."""
    return Decimal(math.floor(value * 10**places + Fraction(1, 2))).scaleb(-places)


@dataclass(eq=False)
class Score:
    """The standing of one reviewed party, recomputed when one of its reviews is written
    or hidden. ``category_scores`` maps every category of the kind to its mean or None.
    A class per kind, as for reviews (``score_class``)."""

    KIND: ClassVar[ReviewedKind | None] = None

    kind: ReviewedKind
    reviewed_id: UUID
    overall_score: Decimal
    category_scores: dict[str, Decimal | None]
    total_reviews: int
    last_calculated: datetime

    def __post_init__(self) -> None:
        if self.KIND is not None and self.kind != self.KIND:
            raise ValueError(f"a {type(self).__name__} scores a {self.KIND}, not a {self.kind}")

    def take(self, fresh: Score) -> None:
        """Adopt a newer calculation of the same party."""
        if (fresh.kind, fresh.reviewed_id) != (self.kind, self.reviewed_id):
            raise ValueError("a score can only take a calculation of its own party")
        self.overall_score, self.category_scores = fresh.overall_score, fresh.category_scores
        self.total_reviews, self.last_calculated = fresh.total_reviews, fresh.last_calculated


class CaregiverScore(Score):
    KIND = ReviewedKind.CAREGIVER


class InstitutionScore(Score):
    KIND = ReviewedKind.INSTITUTION


def score_class(kind: ReviewedKind) -> type[Score]:
    return {ReviewedKind.CAREGIVER: CaregiverScore,
            ReviewedKind.INSTITUTION: InstitutionScore}[ReviewedKind(kind)]


def compute_score(kind: ReviewedKind, reviewed_id: UUID, reviews: Iterable[Review],
                  kind_tally: RatingTally, now: datetime, policy: Policy) -> Score:
    """The score of one party from its reviews (hidden ones and other parties' ignored).

    overall = (C·m + Σ ratings) / (C + n), C = ``policy.review_prior_weight``, n the
    party's public reviews. m is the mean rating of ALL public reviews of this kind, across
    every reviewed party, this party's own included: ``kind_tally`` (count and sum of
    those ratings) divided out, or ``policy.review_default_mean`` when there are none.
    Exact arithmetic, rounded half-up to 2 decimals once at the end; category scores are
    plain means of the reviews that rated that category, None when none did.
    """
    public = [r for r in reviews
              if r.is_public and r.kind == kind and r.reviewed_id == reviewed_id]
    prior_mean, weight = kind_tally.mean_or(policy.review_default_mean), policy.review_prior_weight
    ratings = sum(r.rating.value for r in public)
    divisor = weight + len(public)
    overall = (weight * prior_mean + ratings) / divisor if divisor else prior_mean
    return score_class(kind)(kind, reviewed_id, round_half_up(overall),
                 {name: _category_mean(public, name) for name in CATEGORIES[kind]},
                 len(public), now)


def _category_mean(reviews: list[Review], name: str) -> Decimal | None:
    values = [r.category_ratings[name] for r in reviews if name in r.category_ratings]
    return round_half_up(Fraction(sum(values), len(values))) if values else None

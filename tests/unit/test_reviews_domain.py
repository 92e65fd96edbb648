"""Reviews as domain objects: what a review may hold, hiding, and who may write one."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest

from cuiot.domain.care import CaredPerson, CareType
from cuiot.domain.errors import Conflict, Forbidden, InvalidStateTransition, ValidationFailed
from cuiot.domain.policy import DEFAULT_POLICY
from cuiot.domain.reviews import Review, ReviewedKind, ensure_may_review

NOW = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
TODAY = date(2026, 1, 15)
ROSA, MARTA, PABLO, AROMOS, ADMIN = (UUID(int=n) for n in range(1, 6))


def write(**changes: object) -> Review:
    fields: dict = {"id": UUID(int=99), "reviewer_id": ROSA, "kind": ReviewedKind.CAREGIVER,
                    "reviewed_id": MARTA, "cared_person_id": UUID(int=50), "rating": 4,
                    "service_date": TODAY, "is_recommended": True, "comment": "",
                    "category_ratings": {}, "created_at": NOW, "today": TODAY,
                    "policy": DEFAULT_POLICY}
    return Review.write(**{**fields, **changes})


def field_of(error: pytest.ExceptionInfo) -> str:
    return error.value.details["field"]


@pytest.mark.parametrize("rating", [1, 5])
def test_a_rating_from_1_to_5_is_accepted(rating: int) -> None:
    review = write(rating=rating)
    assert review.rating.value == rating and review.is_public and review.hidden_at is None


@pytest.mark.parametrize("rating", [0, 6, -1, True])
def test_a_rating_outside_1_to_5_is_refused(rating: int) -> None:
    with pytest.raises(ValidationFailed) as error:
        write(rating=rating)
    assert field_of(error) == "rating"


def test_category_ratings_belong_to_the_kind_and_unrated_ones_are_dropped() -> None:
    review = write(category_ratings={"experience": 5, "quality": None, "reliability": 1})
    assert review.category_ratings == {"experience": 5, "reliability": 1}
    institution = write(kind=ReviewedKind.INSTITUTION, category_ratings={"price": 2})
    assert institution.category_ratings == {"price": 2}


@pytest.mark.parametrize("kind, category", [(ReviewedKind.CAREGIVER, "price"),
                                            (ReviewedKind.INSTITUTION, "experience"),
                                            (ReviewedKind.CAREGIVER, "charm")])
def test_an_unknown_category_is_refused(kind: ReviewedKind, category: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        write(kind=kind, category_ratings={category: 3})
    assert field_of(error) == "category_ratings"
    assert error.value.details["category"] == category


@pytest.mark.parametrize("value", [0, 6])
def test_a_category_rating_outside_1_to_5_names_the_category(value: int) -> None:
    with pytest.raises(ValidationFailed) as error:
        write(category_ratings={"quality": value})
    assert field_of(error) == "category_ratings.quality"


def test_the_entity_itself_refuses_a_foreign_category() -> None:
    review = write()
    with pytest.raises(ValidationFailed):
        Review(review.id, ROSA, ReviewedKind.INSTITUTION, AROMOS, UUID(int=50), review.rating,
               TODAY, NOW, category_ratings={"experience": 4})


def test_a_comment_holds_up_to_the_policy_length() -> None:
    assert len(write(comment="é" * 2000).comment) == 2000
    with pytest.raises(ValidationFailed) as error:
        write(comment="x" * 2001)
    assert field_of(error) == "comment" and error.value.details["length"] == 2001
    with pytest.raises(ValidationFailed):
        write(comment="x" * 11, policy=replace(DEFAULT_POLICY, review_comment_max_chars=10))


def test_the_service_date_may_be_today_but_not_tomorrow() -> None:
    assert write(service_date=TODAY).service_date == TODAY
    assert write(service_date=TODAY - timedelta(days=400)).service_date < TODAY
    with pytest.raises(ValidationFailed) as error:
        write(service_date=TODAY + timedelta(days=1))
    assert field_of(error) == "service_date"


def test_hiding_a_review_records_who_and_when_and_happens_once() -> None:
    review = write()
    review.hide(ADMIN, NOW)
    assert (review.is_public, review.hidden_by, review.hidden_at) == (False, ADMIN, NOW)
    with pytest.raises(InvalidStateTransition) as error:
        review.hide(ADMIN, NOW)
    assert isinstance(error.value, Conflict) and error.value.details["status"] == "hidden"


def person(care_type: CareType = CareType.SELF_CARE, **changes: object) -> CaredPerson:
    cp = CaredPerson(UUID(int=50), ROSA, "Rosa", "Paz", date(1940, 1, 1), NOW,
                     care_type=care_type, user_id=ROSA)
    cp.assign_caregiver(MARTA)
    cp.accept_caregiving(MARTA)
    cp.institution_id = AROMOS
    for name, value in changes.items():
        setattr(cp, name, value)
    return cp


def test_the_self_caring_person_may_review_who_cared_for_them() -> None:
    ensure_may_review(ROSA, person(), None, ReviewedKind.CAREGIVER, MARTA)
    ensure_may_review(ROSA, person(), None, ReviewedKind.INSTITUTION, AROMOS)


def test_the_account_holder_of_a_self_caring_person_is_the_person() -> None:
    ensure_may_review(ROSA, person(user_id=None), None, ReviewedKind.CAREGIVER, MARTA)


def test_the_active_representative_may_review() -> None:
    delegated = person(CareType.DELEGATED, account_id=PABLO, user_id=None)
    ensure_may_review(PABLO, delegated, PABLO, ReviewedKind.CAREGIVER, MARTA)


@pytest.mark.parametrize("reviewer, cp, representative", [
    (ROSA, person(CareType.DELEGATED), PABLO),  # a delegated person does not review alone
    (PABLO, person(CareType.DELEGATED, account_id=PABLO), None),  # no active representation
    (PABLO, person(), ROSA),  # someone else is the representative
])
def test_without_a_care_relationship_the_review_is_forbidden(
        reviewer: UUID, cp: CaredPerson, representative: UUID | None) -> None:
    with pytest.raises(Forbidden) as error:
        ensure_may_review(reviewer, cp, representative, ReviewedKind.CAREGIVER, MARTA)
    assert error.value.details["reason"] == "no_care_relationship"


@pytest.mark.parametrize("kind, reviewed, cp", [
    (ReviewedKind.CAREGIVER, PABLO, person()),
    (ReviewedKind.INSTITUTION, UUID(int=77), person()),
    (ReviewedKind.INSTITUTION, AROMOS, person(institution_id=None)),
])
def test_a_party_that_never_cared_for_the_person_cannot_be_reviewed(
        kind: ReviewedKind, reviewed: UUID, cp: CaredPerson) -> None:
    with pytest.raises(Forbidden) as error:
        ensure_may_review(ROSA, cp, None, kind, reviewed)
    assert error.value.details["reason"] == "not_cared_for_by"

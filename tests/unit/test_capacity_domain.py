"""Legal capacity in the domain: age arithmetic, capacity, representation, the right to
contract for a cared person."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cuiot.domain.capacity import (
    Capacity,
    Refusal,
    active_representation,
    age_on,
    ensure_can_contract,
    ensure_lawful_care,
    ensure_may_contract_for,
    representative_id_of,
)
from cuiot.domain.care import CaredPerson, CareType, LegalRepresentation, Relationship
from cuiot.domain.errors import Conflict, LegalCapacityDenied, ValidationFailed
from cuiot.domain.policy import DEFAULT_POLICY, Policy
from cuiot.domain.users import CapacityStatus, User
from cuiot.domain.values import EmailAddress

NOW = datetime(2026, 1, 15, 15, tzinfo=UTC)
TODAY = date(2026, 1, 15)
ACTOR, OTHER, PERSON = UUID(int=1), UUID(int=2), UUID(int=3)


def a_user(uid: UUID = ACTOR, dob: date | None = date(1975, 8, 12),
           status: CapacityStatus = CapacityStatus.FULL) -> User:
    return User(uid, EmailAddress(f"u{uid.int}@example.com"), "x", "Laura", "Pérez", NOW,
                date_of_birth=dob, capacity_status=status)


def a_person(care_type: CareType = CareType.DELEGATED, dob: date | None = date(1940, 4, 3),
             status: CapacityStatus = CapacityStatus.FULL, user_id: UUID | None = None
             ) -> CaredPerson:
    return CaredPerson(PERSON, ACTOR, "Rosa", "Gómez", dob, NOW, care_type=care_type,
                       capacity_status=status, user_id=user_id)


def a_representation(rep_id: UUID = ACTOR, *, verified: bool = True,
                     valid_from: date = date(2025, 1, 1), valid_until: date | None = None,
                     created_at: datetime = NOW) -> LegalRepresentation:
    return LegalRepresentation(UUID(int=99), PERSON, rep_id, Relationship.CHILD, "poder 12",
                               valid_from, created_at, valid_until, verified=verified)


def denial(call) -> LegalCapacityDenied:
    with pytest.raises(LegalCapacityDenied) as caught:
        call()
    return caught.value


@pytest.mark.parametrize(("dob", "today", "age"), [
    (date(2008, 3, 16), date(2026, 3, 15), 17),
    (date(2008, 3, 16), date(2026, 3, 16), 18),
    (date(2008, 2, 29), date(2026, 2, 28), 17),
    (date(2008, 2, 29), date(2026, 3, 1), 18),
    (date(2004, 2, 29), date(2024, 2, 28), 19),
    (date(2004, 2, 29), date(2024, 2, 29), 20),
    (date(2000, 12, 31), date(2001, 1, 1), 0),
    (date(2000, 1, 1), date(2000, 1, 1), 0),
])
def test_age_counts_whole_years(dob: date, today: date, age: int) -> None:
    assert age_on(dob, today) == age


def birthday_in(dob: date, year: int) -> date:
    """The day of ``year`` on which the age goes up: 1 March for 29 February off leap years."""
    try:
        return dob.replace(year=year)
    except ValueError:
        return date(year, 3, 1)


@given(dob=st.dates(date(1900, 1, 1), date(2100, 12, 31)),
       offset=st.integers(0, 120 * 366))
def test_age_never_decreases_and_goes_up_by_one_exactly_on_birthdays(dob: date,
                                                                     offset: int) -> None:
    today = dob + timedelta(days=offset)
    tomorrow = today + timedelta(days=1)
    step = age_on(dob, tomorrow) - age_on(dob, today)
    assert step == (1 if tomorrow == birthday_in(dob, tomorrow.year) else 0)


@given(dob=st.dates(date(1900, 1, 1), date(2100, 12, 31)),
       days=st.lists(st.integers(0, 120 * 366), min_size=2, max_size=2))
def test_age_never_decreases_as_the_day_advances(dob: date, days: list[int]) -> None:
    earlier, later = (dob + timedelta(days=d) for d in sorted(days))
    assert 0 <= age_on(dob, earlier) <= age_on(dob, later)


@pytest.mark.parametrize(("dob", "status", "reason"), [
    (date(1950, 5, 10), CapacityStatus.FULL, None),
    (date(1950, 5, 10), CapacityStatus.RESTRICTED, Refusal.RESTRICTED_CAPACITY),
    (date(1950, 5, 10), CapacityStatus.INCAPACITATED, Refusal.INCAPACITATED),
    (date(2010, 6, 20), CapacityStatus.INCAPACITATED, Refusal.MINOR),
    (None, CapacityStatus.FULL, Refusal.MISSING_DATE_OF_BIRTH),
])
def test_capacity_names_the_first_reason_that_applies(dob, status, reason) -> None:
    capacity = Capacity(dob, status)
    assert capacity.refusal(TODAY, DEFAULT_POLICY) == reason
    assert capacity.can_contract(TODAY, DEFAULT_POLICY) is (reason is None)


def test_capacity_age_is_unknown_without_a_date_of_birth() -> None:
    assert Capacity(None, CapacityStatus.FULL).age(TODAY) is None
    assert Capacity(date(2008, 1, 16), CapacityStatus.FULL).age(TODAY) == 17


def test_the_age_of_majority_comes_from_the_policy() -> None:
    capacity = Capacity(date(2010, 1, 15), CapacityStatus.FULL)
    assert capacity.can_contract(TODAY, Policy(age_of_majority=16))
    assert denial(lambda: ensure_can_contract(capacity, TODAY, DEFAULT_POLICY)).reason == "minor"


@pytest.mark.parametrize(("valid_from", "valid_until", "verified", "active"), [
    (date(2026, 1, 16), None, True, False),
    (date(2026, 1, 15), None, True, True),
    (date(2025, 1, 1), date(2026, 1, 15), True, True),
    (date(2025, 1, 1), date(2026, 1, 14), True, False),
    (date(2025, 1, 1), None, False, False),
])
def test_a_representation_is_active_when_verified_and_within_its_dates(
        valid_from: date, valid_until: date | None, verified: bool, active: bool) -> None:
    rep = a_representation(verified=verified, valid_from=valid_from, valid_until=valid_until)
    assert rep.is_active(TODAY) is active


def test_a_representation_needs_a_document_and_consistent_dates() -> None:
    with pytest.raises(ValidationFailed):
        a_representation(valid_from=date(2026, 1, 2), valid_until=date(2026, 1, 1))
    with pytest.raises(ValidationFailed):
        LegalRepresentation(UUID(int=9), PERSON, ACTOR, Relationship.OTHER, "  ", TODAY, NOW)


def test_verifying_a_representation_twice_is_a_conflict() -> None:
    rep = a_representation(verified=False)
    rep.verify(OTHER, NOW)
    assert (rep.verified, rep.verified_by, rep.verified_at) == (True, OTHER, NOW)
    with pytest.raises(Conflict):
        rep.verify(OTHER, NOW)


def test_the_newest_active_representation_wins() -> None:
    old = a_representation(ACTOR, valid_from=date(2024, 1, 1))
    new = a_representation(OTHER, valid_from=date(2025, 6, 1))
    pending = a_representation(PERSON, verified=False, valid_from=date(2025, 12, 1))
    assert active_representation([old, new, pending], TODAY) is new
    assert representative_id_of([old, pending], TODAY) == ACTOR
    assert representative_id_of([pending], TODAY) is None


def test_self_care_the_capable_person_may_contract_for_themselves() -> None:
    person = a_person(CareType.SELF_CARE, user_id=ACTOR)
    ensure_may_contract_for(a_user(), person, [], TODAY, DEFAULT_POLICY)


@pytest.mark.parametrize(("dob", "status", "reason"), [
    (date(2008, 1, 16), CapacityStatus.FULL, "minor"),
    (date(1950, 1, 1), CapacityStatus.RESTRICTED, "restricted_capacity"),
    (None, CapacityStatus.FULL, "missing_date_of_birth"),
])
def test_self_care_refuses_a_person_who_cannot_contract(dob, status, reason) -> None:
    person = a_person(CareType.SELF_CARE, dob, status, user_id=ACTOR)
    refused = denial(lambda: ensure_may_contract_for(a_user(), person, [], TODAY,
                                                     DEFAULT_POLICY))
    assert refused.reason == reason
    assert denial(lambda: ensure_lawful_care(person, TODAY, DEFAULT_POLICY)).reason == reason


def test_self_care_nobody_else_contracts() -> None:
    person = a_person(CareType.SELF_CARE, user_id=OTHER)
    person.account_id = OTHER
    refused = denial(lambda: ensure_may_contract_for(a_user(), person, [], TODAY,
                                                     DEFAULT_POLICY))
    assert refused.reason == "not_the_representative"


def test_delegated_care_needs_an_active_representation() -> None:
    pending = a_representation(verified=False)
    refused = denial(lambda: ensure_may_contract_for(a_user(), a_person(), [pending], TODAY,
                                                     DEFAULT_POLICY))
    assert refused.reason == "no_active_representative"
    ensure_lawful_care(a_person(), TODAY, DEFAULT_POLICY)  # delegated is lawful at rest


def test_delegated_care_only_the_representative_contracts() -> None:
    reps = [a_representation(OTHER)]
    refused = denial(lambda: ensure_may_contract_for(a_user(), a_person(), reps, TODAY,
                                                     DEFAULT_POLICY))
    assert refused.reason == "not_the_representative"
    ensure_may_contract_for(a_user(OTHER), a_person(), reps, TODAY, DEFAULT_POLICY)


@pytest.mark.parametrize(("dob", "status", "cause"), [
    (date(2008, 1, 16), CapacityStatus.FULL, "minor"),
    (date(1980, 7, 1), CapacityStatus.RESTRICTED, "restricted_capacity"),
    (None, CapacityStatus.FULL, "missing_date_of_birth"),
])
def test_delegated_care_the_representative_must_be_able_to_contract(dob, status, cause) -> None:
    representative = a_user(dob=dob, status=status)
    refused = denial(lambda: ensure_may_contract_for(representative, a_person(),
                                                     [a_representation()], TODAY,
                                                     DEFAULT_POLICY))
    assert (refused.reason, refused.details["cause"]) == ("representative_cannot_contract", cause)

"""The referral entity and its code, built directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from cuiot.domain.errors import InvalidStateTransition, ReferralInvalid, ValidationFailed
from cuiot.domain.policy import DEFAULT_POLICY as POLICY
from cuiot.domain.referrals import (
    Referral,
    ReferralCode,
    ReferralConverted,
    ReferralRegistered,
    ReferralStatus,
    ReferrerType,
    expiry_cutoffs,
    local_month_bounds,
)
from cuiot.domain.users import Role
from cuiot.domain.values import EmailAddress

LOCAL = ZoneInfo(POLICY.timezone)
CREATED = datetime(2026, 3, 1, 23, 30, tzinfo=LOCAL)  # already 2 March in UTC
REFERRER, INVITED = UUID(int=1), UUID(int=2)


def referral(created: datetime = CREATED) -> Referral:
    return Referral.invite(id=UUID(int=9), code=ReferralCode("ABCD2345"), referrer_id=REFERRER,
                           referrer_type=ReferrerType.CAREGIVER,
                           referrer_email=EmailAddress("ana@example.com"),
                           email=EmailAddress("maria@example.com"), now=created)


def registered(at: datetime = CREATED) -> Referral:
    r = referral(at)
    r.register(INVITED, EmailAddress("maria@example.com"), at, POLICY)
    return r


@pytest.mark.parametrize("text, value", [("ABCD2345", "ABCD2345"), (" abcd2345 ", "ABCD2345"),
                                         ("zzzz9999", "ZZZZ9999")])
def test_a_code_is_normalised_to_upper_case(text: str, value: str) -> None:
    assert ReferralCode(text).value == value


@pytest.mark.parametrize("text", ["ABCD234", "ABCD23456", "", "ABCD2340", "ABCD2341",
                                  "ABCDI234", "ABCDO234", "ABCD-234", "ABCD 234", 12345678])
def test_a_code_outside_the_alphabet_or_length_is_refused(text: object) -> None:
    with pytest.raises(ValidationFailed):
        ReferralCode(text)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind, role", [("caregiver", Role.CAREGIVER),
                                        ("institution", Role.INSTITUTION_ADMIN),
                                        ("family", Role.FAMILY),
                                        ("cared_person", Role.CARED_PERSON)])
def test_each_referrer_type_needs_its_role(kind: str, role: Role) -> None:
    assert ReferrerType(kind).role is role


def test_nobody_refers_their_own_email_whatever_the_case() -> None:
    with pytest.raises(ValidationFailed) as refused:
        Referral.invite(id=UUID(int=9), code=ReferralCode("ABCD2345"), referrer_id=REFERRER,
                        referrer_type=ReferrerType.FAMILY,
                        referrer_email=EmailAddress("ana@example.com"),
                        email=EmailAddress("ANA@Example.com"), now=CREATED)
    assert refused.value.details["reason"] == "self_referral"


@pytest.mark.parametrize("later, expired", [
    (datetime(2026, 3, 31, 23, 59, tzinfo=LOCAL), False),  # day 30, local
    (datetime(2026, 4, 1, 0, 0, tzinfo=LOCAL), True),  # day 31
])
def test_a_pending_referral_counts_local_days_and_expires_on_day_31(
        later: datetime, expired: bool) -> None:
    assert referral().is_expired(later, POLICY) is expired


@pytest.mark.parametrize("days, expired", [(90, False), (91, True)])
def test_a_registered_referral_expires_on_day_91(days: int, expired: bool) -> None:
    assert registered().is_expired(CREATED + timedelta(days=days), POLICY) is expired


def test_check_usable_names_each_reason() -> None:
    maria, other = EmailAddress("MARIA@example.com"), EmailAddress("jose@example.com")
    fresh = referral()
    fresh.check_usable(CREATED, POLICY, maria)
    with pytest.raises(ReferralInvalid, match="email_mismatch"):
        fresh.check_usable(CREATED, POLICY, other)
    with pytest.raises(ReferralInvalid, match="expired"):
        fresh.check_usable(CREATED + timedelta(days=31), POLICY)
    with pytest.raises(ReferralInvalid, match="not_pending"):
        registered().check_usable(CREATED, POLICY)
    fresh.expire(CREATED)
    with pytest.raises(ReferralInvalid) as refused:
        fresh.check_usable(CREATED, POLICY)
    assert refused.value.reason == "expired"


def test_registering_records_the_user_and_an_event() -> None:
    r = registered()
    assert (r.status, r.referred_user_id, r.registered_at) == (
        ReferralStatus.REGISTERED, INVITED, CREATED)
    assert [type(e) for e in r.pull_events()] == [ReferralRegistered]


def test_conversion_needs_a_registered_referral_within_its_window() -> None:
    with pytest.raises(InvalidStateTransition):
        referral().convert(UUID(int=5), CREATED.date().replace(day=1), CREATED, POLICY)
    late = registered()
    with pytest.raises(InvalidStateTransition):
        late.convert(UUID(int=5), CREATED.date(), CREATED + timedelta(days=91), POLICY)
    r = registered()
    r.pull_events()
    r.convert(UUID(int=5), CREATED.date().replace(day=1), CREATED, POLICY)
    assert (r.status, r.subscription_id) == (ReferralStatus.CONVERTED, UUID(int=5))
    assert [type(e) for e in r.pull_events()] == [ReferralConverted]


def test_only_an_open_referral_expires() -> None:
    r = referral()
    assert r.expire_if_due(CREATED + timedelta(days=30), POLICY) is False
    assert r.expire_if_due(CREATED + timedelta(days=31), POLICY) is True
    assert r.status is ReferralStatus.EXPIRED
    with pytest.raises(InvalidStateTransition):
        r.expire(CREATED)
    assert r.expire_if_due(CREATED + timedelta(days=60), POLICY) is False


@pytest.mark.parametrize("days, within", [(0, True), (30, True), (31, False)])
def test_the_cancel_window_includes_day_30(days: int, within: bool) -> None:
    r = registered()
    r.convert(UUID(int=5), CREATED.date().replace(day=1), CREATED, POLICY)
    assert r.conversion_within_cancel_window(CREATED + timedelta(days=days), POLICY) is within


def test_an_unconverted_referral_has_no_cancel_window() -> None:
    assert registered().conversion_within_cancel_window(CREATED, POLICY) is False


@pytest.mark.parametrize("hours", range(0, 24 * 40, 7))
def test_expiry_cutoffs_agree_with_the_entity(hours: int) -> None:
    now = CREATED + timedelta(days=10, hours=hours)
    pending_before, _ = expiry_cutoffs(now, POLICY)
    assert (CREATED < pending_before) is referral().is_expired(now, POLICY)


def test_a_local_month_starts_at_local_midnight() -> None:
    start, end = local_month_bounds(datetime(2026, 4, 1, 2, 30, tzinfo=UTC), POLICY)
    assert (start, end) == (datetime(2026, 3, 1, 3, tzinfo=UTC),
                            datetime(2026, 4, 1, 3, tzinfo=UTC))

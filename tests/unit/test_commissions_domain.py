"""Commissions built directly: the amount, the rates, the bonus rule and the status."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cuiot.domain.errors import Conflict, InvalidStateTransition, ValidationFailed
from cuiot.domain.money import Money, Percentage
from cuiot.domain.policy import DEFAULT_POLICY as POLICY
from cuiot.domain.referrals import (
    Commission,
    CommissionEarned,
    CommissionPaid,
    CommissionStatus,
    CommissionType,
    Referral,
    ReferralCode,
    ReferrerType,
    commission_amount,
    commission_rate,
    earns_bonus,
)
from cuiot.domain.values import EmailAddress

NOW = datetime(2026, 3, 10, 15, tzinfo=UTC)
REFERRAL = Referral(UUID(int=9), ReferralCode("ABCD2345"), UUID(int=1), ReferrerType.CAREGIVER,
                    EmailAddress("maria@example.com"), NOW)


BASE = Money(2_500_000)


def earn(period: date = date(2026, 3, 17), base: Money = BASE, rate: str = "20") -> Commission:
    return Commission.earn(id=UUID(int=7), referral=REFERRAL, type=CommissionType.FIRST_MONTH,
                           period=period, base=base, percentage=Percentage.of(rate), now=NOW)


@given(cents=st.integers(min_value=0, max_value=10**12),
       hundredths=st.integers(min_value=0, max_value=10_000))
def test_the_amount_is_base_times_rate_rounded_half_up_and_never_negative(
        cents: int, hundredths: int) -> None:
    rate = Percentage(Decimal(hundredths) / 100)
    # base × (hundredths / 100) / 100, rounded half-up, in whole-number arithmetic only
    expected = (2 * cents * hundredths + 10_000) // 20_000
    amount = commission_amount(Money(cents), rate)
    assert amount == Money(expected)
    assert not amount.is_negative()


@pytest.mark.parametrize("cents, rate, expected", [
    (1_234_567, "15", 185_185),  # 185,185.05 → down
    (1_234_550, "15", 185_183),  # 185,182.5 → up
    (1_234_565, "10", 123_457),  # 123,456.5 → up
    (2_083_333, "15", 312_500),  # 312,499.95 → up
    (0, "20", 0),
])
def test_odd_cents_round_half_up(cents: int, rate: str, expected: int) -> None:
    assert commission_amount(Money(cents), Percentage.of(rate)) == Money(expected)


def test_a_negative_base_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        commission_amount(Money(-1), Percentage.of(20))


@pytest.mark.parametrize("kind, first, recurring", [("caregiver", 20, 5), ("institution", 15, 5),
                                                    ("family", 10, 0), ("cared_person", 10, 0)])
def test_rates_come_from_the_policy(kind: str, first: int, recurring: int) -> None:
    referrer = ReferrerType(kind)
    assert commission_rate(referrer, CommissionType.FIRST_MONTH, POLICY) == Percentage.of(first)
    assert commission_rate(referrer, CommissionType.RECURRING, POLICY) == Percentage.of(recurring)


@pytest.mark.parametrize("n, bonus", [(0, False), (1, False), (4, False), (5, True), (6, False),
                                      (9, False), (10, True), (15, True)])
def test_every_fifth_conversion_earns_the_bonus(n: int, bonus: bool) -> None:
    assert earns_bonus(n, POLICY) is bonus


def test_earning_sets_the_amount_the_month_and_an_event() -> None:
    commission = earn()
    assert (commission.period, commission.amount, commission.status) == (
        date(2026, 3, 1), Money(500_000), CommissionStatus.PENDING)
    assert commission.referrer_id == REFERRAL.referrer_id
    [event] = commission.pull_events()
    assert isinstance(event, CommissionEarned) and event.amount == Money(500_000)


def test_a_period_is_the_first_of_a_month() -> None:
    with pytest.raises(ValidationFailed):
        Commission(UUID(int=7), REFERRAL.id, REFERRAL.referrer_id, CommissionType.BONUS,
                   date(2026, 3, 2), Money(1), Percentage.of(100), Money(1), NOW)


def test_paying_sets_paid_at_and_paying_twice_is_a_conflict() -> None:
    commission = earn()
    commission.pull_events()
    commission.pay(NOW)
    assert (commission.status, commission.paid_at) == (CommissionStatus.PAID, NOW)
    assert [type(e) for e in commission.pull_events()] == [CommissionPaid]
    with pytest.raises(Conflict) as refused:
        commission.pay(NOW)
    assert refused.value.details["status"] == "paid"


def test_a_cancelled_commission_is_never_paid_and_a_paid_one_never_cancelled() -> None:
    cancelled, paid = earn(), earn()
    cancelled.cancel(NOW)
    assert (cancelled.status, cancelled.cancelled_at) == (CommissionStatus.CANCELLED, NOW)
    with pytest.raises(InvalidStateTransition):
        cancelled.pay(NOW)
    paid.pay(NOW)
    with pytest.raises(InvalidStateTransition):
        paid.cancel(NOW)

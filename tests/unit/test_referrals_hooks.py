"""The hooks registration, payment and cancellation call, on the in-memory adapters."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cuiot.domain.errors import ReferralInvalid
from cuiot.domain.money import Money
from cuiot.domain.referrals import (
    CommissionStatus,
    ReferralConverted,
    ReferralRegistered,
    ReferralStatus,
)
from cuiot.domain.users import Role
from tests.support.referrals import (
    ReferralHarness,
    harness_fixture,  # noqa: F401
)

MARCH = date(2026, 3, 1)
LOCAL = ZoneInfo("America/Argentina/Buenos_Aires")


def month(n: int) -> date:
    """The n-th month after March 2026."""
    years, m = divmod(2 + n, 12)
    return date(2026 + years, m + 1, 1)


async def test_registering_moves_the_referral_to_registered(harness: ReferralHarness,
                                                            store, publisher) -> None:
    ana = await harness.user("ana@example.com", Role.CAREGIVER)
    referral, maria = await harness.referred(ana, "maria@example.com")
    stored = store.referrals.items[referral.id]
    assert (stored.status, stored.referred_user_id) == (ReferralStatus.REGISTERED, maria.id)
    assert any(isinstance(e, ReferralRegistered) for e in publisher.published)


@pytest.mark.parametrize("code, email, days, reason", [
    ("ZZZZ9999", "maria@example.com", 0, "unknown_code"),
    ("ABC", "maria@example.com", 0, "unknown_code"),
    (None, "jose@example.com", 0, "email_mismatch"),
    (None, "maria@example.com", 31, "expired"),
])
async def test_registering_with_an_unusable_code_says_why_and_keeps_nothing(
        harness: ReferralHarness, store, code: str | None, email: str, days: int,
        reason: str) -> None:
    ana = await harness.user("ana@example.com", Role.CAREGIVER)
    referral = await harness.invite(ana, "maria@example.com")
    harness.clock.advance(timedelta(days=days))
    with pytest.raises(ReferralInvalid) as refused:
        await harness.register(email, code or referral.code.value)
    assert refused.value.reason == reason
    assert store.referrals.items[referral.id].status is ReferralStatus.PENDING
    assert all(u.email.value != email for u in store.users.all())


async def test_a_payer_without_referral_changes_nothing(harness: ReferralHarness, store) -> None:
    maria = await harness.user("maria@example.com")
    await harness.pay(maria)
    assert not store.commissions.items


async def test_the_first_paid_invoice_converts_and_earns_the_first_month(
        harness: ReferralHarness, store, publisher) -> None:
    ana = await harness.user("ana@example.com", Role.CAREGIVER)
    referral, maria = await harness.referred(ana, "maria@example.com")
    await harness.pay(maria, period=date(2026, 1, 15))
    stored = store.referrals.items[referral.id]
    assert (stored.status, stored.converted_at) == (ReferralStatus.CONVERTED, harness.clock.now())
    [first] = harness.commissions(ana)
    assert (first.type, first.period, first.amount) == ("first_month", date(2026, 1, 1),
                                                        Money(500_000))
    assert any(isinstance(e, ReferralConverted) for e in publisher.published)


async def test_a_repeated_notification_earns_nothing_new(harness: ReferralHarness) -> None:
    ana = await harness.user("ana@example.com", Role.CAREGIVER)
    _, maria = await harness.referred(ana, "maria@example.com")
    for _ in range(3):
        await harness.pay(maria, MARCH)
        await harness.pay(maria, month(1))
    assert [c.type for c in harness.commissions(ana)] == ["first_month", "recurring"]


async def test_recurring_commissions_stop_after_twelve(harness: ReferralHarness) -> None:
    ana = await harness.user("ana@example.com", Role.INSTITUTION_ADMIN)
    _, maria = await harness.referred(ana, "maria@example.com", "institution")
    for n in range(15):
        await harness.pay(maria, month(n))
    recurring = harness.commissions(ana, "recurring")
    assert [c.period for c in recurring] == [month(n) for n in range(1, 13)]
    assert {c.amount for c in recurring} == {Money(125_000)}


async def test_an_invoice_for_a_period_before_the_first_earns_nothing(
        harness: ReferralHarness) -> None:
    ana = await harness.user("ana@example.com", Role.CAREGIVER)
    _, maria = await harness.referred(ana, "maria@example.com")
    await harness.pay(maria, MARCH)
    await harness.pay(maria, date(2026, 2, 1))
    assert [c.type for c in harness.commissions(ana)] == ["first_month"]


async def test_a_zero_rate_creates_no_commission(harness: ReferralHarness) -> None:
    eva = await harness.user("eva@example.com", Role.FAMILY)
    _, maria = await harness.referred(eva, "maria@example.com", "family")
    await harness.pay(maria, MARCH)
    await harness.pay(maria, month(1))
    assert [(c.type, c.amount) for c in harness.commissions(eva)] == [
        ("first_month", Money(250_000))]


async def test_a_registered_referral_past_its_window_expires_instead(
        harness: ReferralHarness, store) -> None:
    ana = await harness.user("ana@example.com", Role.CAREGIVER)
    referral, maria = await harness.referred(ana, "maria@example.com")
    harness.clock.advance(timedelta(days=91))
    await harness.pay(maria)
    assert store.referrals.items[referral.id].status is ReferralStatus.EXPIRED
    assert harness.commissions(ana) == []


async def convert(harness: ReferralHarness, referrer, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        _, payer = await harness.referred(referrer, f"invited{n}@example.com")
        await harness.pay(payer)


async def test_every_fifth_conversion_of_a_month_earns_a_bonus(harness: ReferralHarness) -> None:
    ana = await harness.user("ana@example.com", Role.CAREGIVER)
    await convert(harness, ana, 4)
    assert harness.commissions(ana, "bonus") == []
    await convert(harness, ana, 6, start=4)
    bonuses = harness.commissions(ana, "bonus")
    assert [(b.amount, b.period) for b in bonuses] == [(Money(500_000), date(2026, 1, 1))] * 2


async def test_the_bonus_month_is_the_local_calendar_month(harness: ReferralHarness) -> None:
    ana = await harness.user("ana@example.com", Role.CAREGIVER)
    harness.clock.set(datetime(2026, 3, 31, 23, 0, tzinfo=LOCAL))  # 1 April in UTC
    await convert(harness, ana, 4)
    harness.clock.set(datetime(2026, 4, 1, 0, 30, tzinfo=LOCAL))
    await convert(harness, ana, 1, start=4)
    assert harness.commissions(ana, "bonus") == []
    await convert(harness, ana, 4, start=5)
    assert [b.period for b in harness.commissions(ana, "bonus")] == [date(2026, 4, 1)]


@pytest.mark.parametrize("days, status", [(30, CommissionStatus.CANCELLED),
                                          (31, CommissionStatus.PENDING)])
async def test_cancelling_within_30_days_cancels_pending_commissions(
        harness: ReferralHarness, days: int, status: CommissionStatus) -> None:
    ana = await harness.user("ana@example.com", Role.CAREGIVER)
    await convert(harness, ana, 5)
    fifth = next(u for u in harness.store.users.all() if u.email.value == "invited4@example.com")
    harness.clock.advance(timedelta(days=days))
    await harness.cancel(fifth)
    mine = harness.commissions(ana)
    cancelled = {c.type for c in mine if c.status is CommissionStatus.CANCELLED}
    assert {c.status for c in mine if c.type == "bonus"} == {status}
    assert cancelled == ({"first_month", "bonus"} if status is CommissionStatus.CANCELLED
                         else set())


async def test_cancelling_another_subscription_or_without_referral_changes_nothing(
        harness: ReferralHarness) -> None:
    ana = await harness.user("ana@example.com", Role.CAREGIVER)
    _, maria = await harness.referred(ana, "maria@example.com")
    await harness.pay(maria)
    await harness.cancel(maria, subscription_id=harness.ids.new_id())
    await harness.cancel(ana, subscription_id=harness.ids.new_id())
    assert {c.status for c in harness.commissions(ana)} == {CommissionStatus.PENDING}


async def test_cancelling_before_conversion_changes_nothing(harness: ReferralHarness,
                                                            store) -> None:
    ana = await harness.user("ana@example.com", Role.CAREGIVER)
    referral, maria = await harness.referred(ana, "maria@example.com")
    await harness.cancel(maria, subscription_id=harness.ids.new_id())
    assert store.referrals.items[referral.id].status is ReferralStatus.REGISTERED

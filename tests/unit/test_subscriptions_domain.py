from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from cuiot.domain.errors import InvalidStateTransition, SubscriptionRequired, ValidationFailed
from cuiot.domain.packages import BillingCycle
from cuiot.domain.subscriptions import (
    GatedAction,
    InstitutionSubscription,
    Subscription,
    SubscriptionStatus,
    UserSubscription,
    add_months,
    current_subscription,
    ensure_subscribed,
)

NOW = datetime(2026, 1, 15, 15, tzinfo=UTC)
BASIC, PREMIUM = UUID(int=101), UUID(int=102)


def _start(day: date = date(2026, 1, 15), cycle: BillingCycle = BillingCycle.MONTHLY,
           auto_renew: bool = True, **extra) -> Subscription:
    return Subscription.start(id=UUID(int=1), subscriber_id=UUID(int=2), package_id=PREMIUM,
                              cycle=cycle, today=day, now=NOW, account_id=UUID(int=2),
                              auto_renew=auto_renew, **extra)


def test_a_subscription_is_of_its_owner_s_kind() -> None:
    assert type(_start()) is UserSubscription
    institution = Subscription.start(
        id=UUID(int=3), subscriber_id=UUID(int=2), package_id=PREMIUM,
        cycle=BillingCycle.MONTHLY, today=date(2026, 1, 15), now=NOW,
        institution_id=UUID(int=9))
    assert type(institution) is InstitutionSubscription
    assert institution.institution_id == UUID(int=9) and institution.account_id is None


@pytest.mark.parametrize("day, months, expected", [
    (date(2026, 1, 15), 1, date(2026, 2, 15)),
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),
    (date(2026, 12, 10), 1, date(2027, 1, 10)),
    (date(2028, 2, 29), 12, date(2029, 2, 28)),
])
def test_add_months_keeps_the_day_or_takes_the_last_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


def test_a_monthly_subscription_opens_one_month():
    sub = _start()
    assert (sub.current_period_start, sub.current_period_end) == (date(2026, 1, 15),
                                                                  date(2026, 2, 15))
    assert sub.status is SubscriptionStatus.ACTIVE and sub.end_date is None
    assert sub.days_in_period == 31


def test_a_yearly_subscription_opens_one_year():
    sub = _start(cycle=BillingCycle.YEARLY)
    assert sub.current_period_end == date(2027, 1, 15) and sub.days_in_period == 365


def test_without_auto_renew_the_end_date_is_the_period_end():
    assert _start(auto_renew=False).end_date == date(2026, 2, 15)


def test_a_subscription_belongs_to_one_account_or_one_institution():
    with pytest.raises(ValidationFailed):
        _start(institution_id=UUID(int=9))


def test_renewal_does_not_drift_after_a_short_month():
    sub = _start(day=date(2026, 1, 31))
    ends = []
    for _ in range(3):
        sub.renew(sub.current_period_end)
        ends.append(sub.current_period_end)
    assert ends == [date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31)]


def test_renewal_waits_for_the_period_end():
    sub = _start()
    with pytest.raises(InvalidStateTransition):
        sub.renew(date(2026, 2, 14))
    sub.renew(date(2026, 2, 15))
    assert sub.current_period_start == date(2026, 2, 15)


def test_renewal_applies_a_scheduled_downgrade():
    sub = _start()
    sub.schedule_downgrade(BASIC)
    assert sub.package_id == PREMIUM
    sub.renew(date(2026, 2, 15))
    assert (sub.package_id, sub.scheduled_package_id) == (BASIC, None)


def test_keep_package_drops_a_scheduled_downgrade():
    sub = _start()
    with pytest.raises(InvalidStateTransition):
        sub.keep_package()
    sub.schedule_downgrade(BASIC)
    sub.keep_package()
    assert sub.scheduled_package_id is None


def test_upgrade_replaces_the_package_and_any_scheduled_downgrade():
    sub = _start()
    sub.schedule_downgrade(BASIC)
    sub.upgrade(UUID(int=103))
    assert (sub.package_id, sub.scheduled_package_id) == (UUID(int=103), None)


def test_cancel_keeps_it_usable_until_the_period_end_then_it_expires():
    sub = _start()
    sub.schedule_downgrade(BASIC)
    sub.cancel(NOW)
    assert sub.status is SubscriptionStatus.CANCELLED and sub.is_in_force
    assert (sub.end_date, sub.auto_renew, sub.scheduled_package_id) == (date(2026, 2, 15),
                                                                        False, None)
    assert not sub.is_due_for_renewal(date(2026, 2, 15))
    assert not sub.is_due_to_expire(date(2026, 2, 14))
    sub.expire(date(2026, 2, 15))
    assert sub.status is SubscriptionStatus.EXPIRED
    with pytest.raises(InvalidStateTransition):
        sub.cancel(NOW)


def test_expire_before_the_end_date_is_refused():
    sub = _start(auto_renew=False)
    with pytest.raises(InvalidStateTransition):
        sub.expire(date(2026, 2, 14))


def test_suspend_and_reactivate():
    sub = _start()
    sub.suspend(date(2026, 3, 12))
    assert sub.status is SubscriptionStatus.SUSPENDED and sub.is_live
    with pytest.raises(InvalidStateTransition):
        sub.suspend(date(2026, 3, 13))
    with pytest.raises(InvalidStateTransition):
        sub.upgrade(BASIC)
    sub.reactivate()
    assert sub.status is SubscriptionStatus.ACTIVE and sub.suspended_on is None
    with pytest.raises(InvalidStateTransition):
        sub.reactivate()


@pytest.mark.parametrize("today, remaining", [
    (date(2026, 1, 15), 31), (date(2026, 1, 30), 16), (date(2026, 2, 14), 1),
    (date(2026, 2, 15), 0), (date(2026, 1, 1), 31),
])
def test_remaining_days_count_today(today, remaining):
    assert _start().remaining_days(today) == remaining


def test_note_limits_reports_only_the_first_day_over():
    sub = _start()
    assert sub.note_limits(True, date(2026, 2, 1)) is True
    assert sub.note_limits(True, date(2026, 2, 2)) is False
    assert sub.note_limits(False, date(2026, 2, 3)) is False
    assert sub.over_limits_since is None
    assert sub.note_limits(True, date(2026, 2, 4)) is True


def test_current_subscription_prefers_a_live_one_over_a_cancelled_one():
    old, new = _start(day=date(2025, 12, 1)), _start(day=date(2026, 1, 10))
    old.cancel(NOW)
    assert current_subscription([old, new]) is new
    assert current_subscription([old]) is old
    old.expire(old.end_date)
    assert current_subscription([old]) is None


# --- the gate of administrative actions ----------------------------------------------

def test_in_force_until_the_end_date_even_before_a_billing_run_expires_it() -> None:
    cancelled = _start()
    cancelled.cancel(NOW)
    assert cancelled.in_force_on(date(2026, 2, 14))
    assert not cancelled.in_force_on(date(2026, 2, 15))  # still "cancelled", not in force
    suspended = _start()
    suspended.suspend(date(2026, 1, 20))
    assert suspended.in_force_on(date(2026, 3, 1))


@pytest.mark.parametrize("action", list(GatedAction))
def test_without_a_subscription_in_force_an_administrative_action_is_refused(action) -> None:
    expired = _start(date(2025, 11, 1))
    expired.cancel(NOW)
    with pytest.raises(SubscriptionRequired) as refused:
        ensure_subscribed([expired], action, date(2026, 1, 15))
    assert refused.value.code == "subscription_required"
    assert refused.value.details == {"action": action.value}
    ensure_subscribed([expired, _start()], action, date(2026, 1, 15))  # either will do


def test_admins_and_a_familys_first_person_are_not_gated() -> None:
    ensure_subscribed([], GatedAction.REGISTER_DEVICE, date(2026, 1, 15), by_admin=True)
    ensure_subscribed([], GatedAction.ADD_CARED_PERSON, date(2026, 1, 15), first_person=True)

"""Subscriptions: an account's package over consecutive billing periods.

A period runs from ``current_period_start`` up to, not including, ``current_period_end``,
the day the next period starts. ``end_date`` is set once the subscription will not renew
(cancelled, or without auto-renew): it is usable until then and expires on that day.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from cuiot.domain.errors import InvalidStateTransition, SubscriptionRequired, ValidationFailed
from cuiot.domain.packages import MONTHS_PER_YEAR, BillingCycle


class SubscriptionStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


_LIVE = {SubscriptionStatus.ACTIVE, SubscriptionStatus.SUSPENDED}


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day (31 Jan + 1 → 28 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


@dataclass(eq=False)
class Subscription:
    id: UUID
    subscriber_id: UUID  # the user who contracted and pays
    package_id: UUID
    billing_cycle: BillingCycle
    start_date: date
    current_period_start: date
    current_period_end: date
    created_at: datetime
    account_id: UUID | None = None  # a user's account, or …
    institution_id: UUID | None = None  # … an institution's
    cared_person_id: UUID | None = None
    status: SubscriptionStatus = SubscriptionStatus.ACTIVE
    auto_renew: bool = True
    end_date: date | None = None
    scheduled_package_id: UUID | None = None  # a downgrade, applied at the next renewal
    cancelled_at: datetime | None = None
    suspended_on: date | None = None
    over_limits_since: date | None = None
    payment_method: str | None = None

    def __post_init__(self) -> None:
        if (self.account_id is None) == (self.institution_id is None):
            raise ValidationFailed("a subscription belongs to one account or one institution",
                                   field="account")

    @classmethod
    def start(cls, *, id: UUID, subscriber_id: UUID, package_id: UUID, cycle: BillingCycle,
              today: date, now: datetime, account_id: UUID | None = None,
              institution_id: UUID | None = None, cared_person_id: UUID | None = None,
              auto_renew: bool = True, payment_method: str | None = None) -> Subscription:
        months = MONTHS_PER_YEAR if cycle is BillingCycle.YEARLY else 1
        end = add_months(today, months)
        kind = InstitutionSubscription if institution_id is not None else UserSubscription
        return kind(id=id, subscriber_id=subscriber_id, package_id=package_id,
                   billing_cycle=cycle, start_date=today, current_period_start=today,
                   current_period_end=end, created_at=now, account_id=account_id,
                   institution_id=institution_id, cared_person_id=cared_person_id,
                   auto_renew=auto_renew, end_date=None if auto_renew else end,
                   payment_method=payment_method)

    # --- reading -------------------------------------------------------------------
    @property
    def is_live(self) -> bool:
        """Active or suspended: it renews and it counts as the account's subscription."""
        return self.status in _LIVE

    @property
    def is_in_force(self) -> bool:
        """Not expired: a cancelled subscription is usable until its end date."""
        return self.status is not SubscriptionStatus.EXPIRED

    def in_force_on(self, today: date) -> bool:
        """In force and not past its end date (even before a billing run expires it)."""
        return self.is_in_force and (self.end_date is None or today < self.end_date)

    @property
    def days_in_period(self) -> int:
        return (self.current_period_end - self.current_period_start).days

    def remaining_days(self, today: date) -> int:
        """Days of the current period from ``today`` on, today included."""
        return max(0, (self.current_period_end - max(today, self.current_period_start)).days)

    def is_due_for_renewal(self, today: date) -> bool:
        return self.is_live and self.auto_renew and today >= self.current_period_end

    def is_due_to_expire(self, today: date) -> bool:
        return self.is_in_force and self.end_date is not None and today >= self.end_date

    # --- lifecycle -----------------------------------------------------------------
    def renew(self, today: date) -> None:
        """Start the next period, applying a scheduled downgrade."""
        if not self.is_due_for_renewal(today):
            raise InvalidStateTransition("subscription", self.status.value, "renew")
        months = MONTHS_PER_YEAR if self.billing_cycle is BillingCycle.YEARLY else 1
        elapsed = _months_between(self.start_date, self.current_period_end)
        self.current_period_start = self.current_period_end
        self.current_period_end = add_months(self.start_date, elapsed + months)
        if self.scheduled_package_id is not None:
            self.package_id, self.scheduled_package_id = self.scheduled_package_id, None

    def expire(self, today: date) -> None:
        if not self.is_due_to_expire(today):
            raise InvalidStateTransition("subscription", self.status.value, "expire")
        self.status, self.scheduled_package_id = SubscriptionStatus.EXPIRED, None

    def cancel(self, now: datetime) -> None:
        """Stop renewing; usable until the end of the current period, then expired."""
        self._require(_LIVE, "cancel")
        self.status, self.cancelled_at = SubscriptionStatus.CANCELLED, now
        self.auto_renew, self.end_date = False, self.current_period_end
        self.scheduled_package_id = None

    def suspend(self, today: date) -> None:
        self._require({SubscriptionStatus.ACTIVE}, "suspend")
        self.status, self.suspended_on = SubscriptionStatus.SUSPENDED, today

    def reactivate(self) -> None:
        self._require({SubscriptionStatus.SUSPENDED}, "reactivate")
        self.status, self.suspended_on = SubscriptionStatus.ACTIVE, None

    def upgrade(self, package_id: UUID) -> None:
        """Move to a bigger package at once (the caller invoices the prorated difference)."""
        self._require({SubscriptionStatus.ACTIVE}, "upgrade")
        self.package_id, self.scheduled_package_id = package_id, None

    def schedule_downgrade(self, package_id: UUID) -> None:
        """Move to a smaller package at the next renewal."""
        self._require({SubscriptionStatus.ACTIVE}, "downgrade")
        if package_id == self.package_id:
            raise InvalidStateTransition("subscription", "already on that package", "downgrade")
        self.scheduled_package_id = package_id

    def keep_package(self) -> None:
        """Drop a scheduled downgrade: the subscription stays on its package."""
        if self.scheduled_package_id is None:
            raise InvalidStateTransition("subscription", "already on that package", "change plan")
        self.scheduled_package_id = None

    def note_limits(self, over: bool, today: date) -> bool:
        """Record whether usage is over the package; True when it has just gone over."""
        newly_over = over and self.over_limits_since is None
        if newly_over:
            self.over_limits_since = today
        elif not over:
            self.over_limits_since = None
        return newly_over

    def _require(self, allowed: set[SubscriptionStatus], action: str) -> None:
        if self.status not in allowed:
            raise InvalidStateTransition("subscription", self.status.value, action)


def current_subscription(subscriptions: list[Subscription]) -> Subscription | None:
    """The account's subscription in force: a live one, else a cancelled one still usable."""
    live = [s for s in subscriptions if s.is_live]
    in_force = live or [s for s in subscriptions if s.is_in_force]
    return max(in_force, key=lambda s: s.start_date, default=None)


class GatedAction(StrEnum):
    """The administrative actions that add to an account, and so need a subscription."""

    REGISTER_DEVICE = "register_device"
    REACTIVATE_DEVICE = "reactivate_device"
    ADD_CARED_PERSON = "add_cared_person"
    REACTIVATE_CARED_PERSON = "reactivate_cared_person"
    INVITE_USER = "invite_user"

    @property
    def text(self) -> str:
        """The action in words: ``register_device`` → "register a device"."""
        verb, _, what = self.value.partition("_")
        return f"{verb} a {what.replace('_', ' ')}"


def ensure_subscribed(subscriptions: Iterable[Subscription], action: GatedAction, today: date,
                      *, by_admin: bool = False, first_person: bool = False) -> None:
    """Raise ``SubscriptionRequired`` unless one of ``subscriptions`` (those of every
    account the action adds to: the user's account, the cared person's institution) is
    in force ``today``. Admins are not gated; nor is a family's ``first_person`` (the
    account's first cared person, outside an institution): it is whom the family comes
    to contract for, and a delegated person's package is bought for them, by their
    representative, once they are there. Beside the package limits, this gates the
    administrative actions only, never the safety path (readings, alerts, escalation and
    notifications go on without a subscription)."""
    if by_admin or first_person or any(s.in_force_on(today) for s in subscriptions):
        return
    raise SubscriptionRequired(action.value, action.text)


class UserSubscription(Subscription):
    """A subscription of a user's account (a family, or someone in self care)."""


class InstitutionSubscription(Subscription):
    """A subscription of an institution, for the people in its care."""

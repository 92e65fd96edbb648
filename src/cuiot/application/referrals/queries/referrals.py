"""Reading referrals: is this code usable, my referrals, and how they are doing."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from cuiot.application.referrals.ports import (
    ReferralRecord,
    ReferralValidation,
    ReferralViews,
)
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.errors import ValidationFailed
from cuiot.domain.money import Money
from cuiot.domain.policy import Policy
from cuiot.domain.referrals import (
    CommissionStatus,
    CommissionTotal,
    InvalidReason,
    ReferralCode,
    ReferralStatus,
    expiry_cutoffs,
)
from cuiot.domain.values import EmailAddress


@dataclass(frozen=True)
class ValidateReferralQuery:
    """No viewer: whoever is about to register may ask."""

    code: str
    email: str | None = None


class ValidateReferral:
    """Valid when the code exists, is pending, is not expired as of now (even before the
    expiry job ran) and, when an email is given, invites that email (case ignored)."""

    def __init__(self, views: ReferralViews, clock: Clock, policy: Policy) -> None:
        self.views, self.clock, self.policy = views, clock, policy

    async def __call__(self, query: ValidateReferralQuery) -> ReferralValidation:
        email = EmailAddress(query.email) if query.email is not None else None
        try:
            code = ReferralCode(query.code)
        except ValidationFailed:
            return ReferralValidation(False, InvalidReason.UNKNOWN_CODE.value)
        pending_created_before, _ = expiry_cutoffs(self.clock.now(), self.policy)
        return await self.views.validation(code, email, pending_created_before)


@dataclass(frozen=True)
class ListMyReferralsQuery:
    viewer: Viewer
    window: Window = field(default_factory=Window)


class ListMyReferrals:
    def __init__(self, views: ReferralViews, clock: Clock) -> None:
        self.views = views

    async def __call__(self, query: ListMyReferralsQuery) -> list[ReferralRecord]:
        return await self.views.referrals_of(query.viewer.user_id, query.window)


@dataclass(frozen=True)
class ReferralStatsQuery:
    viewer: Viewer


@dataclass(frozen=True)
class ReferralStatsResult:
    """``conversion_rate`` is the percentage of all referrals that converted (2 decimals)."""

    by_status: dict[str, int]
    total: int
    conversion_rate: Decimal
    commissions_pending: Money
    commissions_paid: Money


def conversion_rate(converted: int, total: int) -> Decimal:
    if total == 0:
        return Decimal("0.00")
    return (Decimal(converted) * 100 / total).quantize(Decimal("0.01"), ROUND_HALF_UP)


def total_of(totals: list[CommissionTotal], status: CommissionStatus, currency: str) -> Money:
    return Money.sum((t.amount for t in totals if t.status is status), currency)


class ReferralStats:
    """The viewer's referrals by status, conversion rate and commission totals: one
    aggregate statement."""

    def __init__(self, views: ReferralViews, clock: Clock, policy: Policy) -> None:
        self.views, self.policy = views, policy

    async def __call__(self, query: ReferralStatsQuery) -> ReferralStatsResult:
        totals = await self.views.referral_totals(query.viewer.user_id)
        by_status = {s.value: totals.by_status.get(s, 0) for s in ReferralStatus}
        total = sum(by_status.values())
        currency = self.policy.currency
        return ReferralStatsResult(
            by_status=by_status, total=total,
            conversion_rate=conversion_rate(by_status[ReferralStatus.CONVERTED], total),
            commissions_pending=total_of(totals.commissions, CommissionStatus.PENDING, currency),
            commissions_paid=total_of(totals.commissions, CommissionStatus.PAID, currency),
        )

"""The commissions a paid invoice earns, each created once (referral + type + period)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from cuiot.application.shared.ports import IdGenerator
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.money import Money, Percentage
from cuiot.domain.policy import Policy
from cuiot.domain.referrals import (
    Commission,
    CommissionType,
    Referral,
    commission_rate,
    earns_bonus,
    local_day,
    local_month_bounds,
)

FULL_AMOUNT = Percentage.of(100)


class CommissionEarner:
    def __init__(self, uow: UnitOfWork, ids: IdGenerator, policy: Policy, now: datetime) -> None:
        self.uow, self.ids, self.policy, self.now = uow, ids, policy, now

    async def convert(self, referral: Referral, subscription_id: UUID, base: Money,
                      period: date) -> None:
        """The first paid invoice: convert, earn the first month and maybe the bonus."""
        if referral.expire_if_due(self.now, self.policy):
            return
        start, end = local_month_bounds(self.now, self.policy)
        earlier = await self.uow.referrals.count_converted_for_referrer_between(
            referral.referrer_id, start, end)
        referral.convert(subscription_id, period, self.now, self.policy)
        await self._earn(referral, CommissionType.FIRST_MONTH, period, base)
        if earns_bonus(earlier + 1, self.policy):
            month = local_day(self.now, self.policy).replace(day=1)
            await self._earn(referral, CommissionType.BONUS, month, self.policy.bonus_amount,
                             FULL_AMOUNT)

    async def recurring(self, referral: Referral, base: Money, period: date) -> None:
        """A later paid period: a recurring commission, up to the policy's count."""
        if referral.first_paid_period is None or period <= referral.first_paid_period:
            return
        earned = await self.uow.commissions.count_for_referral(
            referral.id, CommissionType.RECURRING)
        if earned < self.policy.recurring_commission_months:
            await self._earn(referral, CommissionType.RECURRING, period, base)

    async def _earn(self, referral: Referral, kind: CommissionType, period: date, base: Money,
                    percentage: Percentage | None = None) -> None:
        rate = percentage if percentage is not None else commission_rate(
            referral.referrer_type, kind, self.policy)
        if rate.value == 0:
            return
        if await self.uow.commissions.get_for_referral(referral.id, kind, period) is not None:
            return
        await self.uow.commissions.add(Commission.earn(
            id=self.ids.new_id(), referral=referral, type=kind, period=period, base=base,
            percentage=rate, now=self.now))

"""Read-only referral use cases: is this code usable, and how are my referrals doing."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from cuiot.application.shared.access import load_actor
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.errors import ReferralInvalid, ValidationFailed
from cuiot.domain.money import Money
from cuiot.domain.policy import Policy
from cuiot.domain.referrals import (
    CommissionStatus,
    CommissionTotal,
    InvalidReason,
    ReferralCode,
    ReferralStatus,
)
from cuiot.domain.values import EmailAddress


@dataclass(frozen=True)
class ValidateReferralCommand:
    """No actor: whoever is about to register may ask."""

    code: str
    email: str | None = None


@dataclass(frozen=True)
class ReferralValidation:
    valid: bool
    reason: str | None = None
    referrer_type: str | None = None


class ValidateReferral:
    """Valid when the code exists, is pending, is not expired as of now (even before the
    expiry job ran) and, when an email is given, invites that email (case ignored)."""

    def __init__(self, uow: UnitOfWork, clock: Clock, policy: Policy) -> None:
        self.uow, self.clock, self.policy = uow, clock, policy

    async def __call__(self, cmd: ValidateReferralCommand) -> ReferralValidation:
        email = EmailAddress(cmd.email) if cmd.email is not None else None
        try:
            code = ReferralCode(cmd.code)
        except ValidationFailed:
            return ReferralValidation(False, InvalidReason.UNKNOWN_CODE.value)
        async with self.uow:
            referral = await self.uow.referrals.get_by_code(code)
            if referral is None:
                return ReferralValidation(False, InvalidReason.UNKNOWN_CODE.value)
            try:
                referral.check_usable(self.clock.now(), self.policy, email)
            except ReferralInvalid as refusal:
                return ReferralValidation(False, refusal.reason)
            return ReferralValidation(True, referrer_type=referral.referrer_type.value)


@dataclass(frozen=True)
class ReferralStatsCommand:
    actor_id: UUID


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
    def __init__(self, uow: UnitOfWork, policy: Policy) -> None:
        self.uow, self.policy = uow, policy

    async def __call__(self, cmd: ReferralStatsCommand) -> ReferralStatsResult:
        async with self.uow:
            actor = await load_actor(self.uow, cmd.actor_id)
            counts = await self.uow.referrals.count_by_status_for_referrer(actor.id)
            totals = await self.uow.commissions.totals_for_referrer(actor.id)
        by_status = {s.value: counts.get(s, 0) for s in ReferralStatus}
        total = sum(by_status.values())
        return ReferralStatsResult(
            by_status=by_status, total=total,
            conversion_rate=conversion_rate(by_status[ReferralStatus.CONVERTED], total),
            commissions_pending=total_of(totals, CommissionStatus.PENDING, self.policy.currency),
            commissions_paid=total_of(totals, CommissionStatus.PAID, self.policy.currency),
        )

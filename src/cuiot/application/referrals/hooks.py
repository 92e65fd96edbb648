"""Where the rest of the application tells the referral programme what happened.

Registration, payment and cancellation call these; the referral rule set implements
them. Each runs inside the caller's unit of work (it never commits).
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from cuiot.application.referrals.commands.earning import CommissionEarner
from cuiot.application.shared.ports import IdGenerator
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.errors import ReferralInvalid, ValidationFailed
from cuiot.domain.money import Money
from cuiot.domain.policy import Policy
from cuiot.domain.referrals import InvalidReason, ReferralCode, ReferralStatus
from cuiot.domain.users import User


async def register_referred_user(
    uow: UnitOfWork, *, code: str, user: User, now: datetime, policy: Policy
) -> None:
    """A user registered with ``code``: validate it against their email and move the
    referral to ``registered``. Raises ``ReferralInvalid`` with the reason."""
    try:
        parsed = ReferralCode(code)
    except ValidationFailed:
        raise ReferralInvalid(InvalidReason.UNKNOWN_CODE) from None
    referral = await uow.referrals.get_by_code(parsed)
    if referral is None:
        raise ReferralInvalid(InvalidReason.UNKNOWN_CODE)
    referral.register(user.id, user.email, now, policy)


async def on_invoice_paid(
    uow: UnitOfWork,
    *,
    payer_id: UUID,
    subscription_id: UUID,
    monthly_base: Money,
    period_start: date,
    paid_at: datetime,
    ids: IdGenerator,
    policy: Policy,
) -> None:
    """An invoice of ``payer_id`` was paid. ``monthly_base`` is the package's
    monthly-equivalent net price (yearly / 12 for yearly billing). The first paid invoice
    converts the payer's referral (first_month commission, and the 5th-conversion bonus);
    later paid months earn recurring commissions, up to the policy's count."""
    referral = await uow.referrals.get_by_referred_user(payer_id)
    if referral is None:
        return
    earner = CommissionEarner(uow, ids, policy, paid_at)
    period = period_start.replace(day=1)
    if referral.status is ReferralStatus.REGISTERED:
        await earner.convert(referral, subscription_id, monthly_base, period)
    elif referral.status is ReferralStatus.CONVERTED:
        await earner.recurring(referral, monthly_base, period)


async def on_subscription_cancelled(
    uow: UnitOfWork, *, payer_id: UUID, subscription_id: UUID, cancelled_at: datetime,
    policy: Policy,
) -> None:
    """A subscription was cancelled: the pending commissions of the conversion it made are
    cancelled when it happened within the policy's window (30 days, day 30 included)."""
    referral = await uow.referrals.get_by_referred_user(payer_id)
    if (referral is None or referral.status is not ReferralStatus.CONVERTED
            or referral.subscription_id != subscription_id
            or not referral.conversion_within_cancel_window(cancelled_at, policy)):
        return
    for commission in await uow.commissions.list_pending_for_referral(referral.id):
        commission.cancel(cancelled_at)

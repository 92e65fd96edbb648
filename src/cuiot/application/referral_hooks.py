"""Where the rest of the application tells the referral programme what happened.

Registration, payment and cancellation call these; the referral rule set implements
them. Each runs inside the caller's unit of work (it never commits).
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from cuiot.application.ports.common import IdGenerator
from cuiot.application.uow import UnitOfWork
from cuiot.domain.money import Money
from cuiot.domain.policy import Policy
from cuiot.domain.users import User


async def register_referred_user(
    uow: UnitOfWork, *, code: str, user: User, now: datetime, policy: Policy
) -> None:
    """A user registered with ``code``: validate it against their email and move the
    referral to ``registered``. Raises ``ReferralInvalid`` with the reason."""
    raise NotImplementedError


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
    return None


async def on_subscription_cancelled(
    uow: UnitOfWork, *, payer_id: UUID, subscription_id: UUID, cancelled_at: datetime,
    policy: Policy,
) -> None:
    """A subscription was cancelled: commissions of a conversion less than the policy's
    window (30 days) old are cancelled."""
    return None

"""Ports of the referral programme: the repositories the commands use, and the views
the reads use, with the read models those return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from cuiot.application.shared.queries import Window
from cuiot.domain.money import Money, Percentage
from cuiot.domain.referrals import (
    Commission,
    CommissionStatus,
    CommissionTotal,
    CommissionType,
    Referral,
    ReferralCode,
    ReferralStatus,
    ReferrerType,
)
from cuiot.domain.values import EmailAddress


class ReferralRepository(Protocol):
    async def get(self, referral_id: UUID) -> Referral | None: ...

    async def add(self, referral: Referral) -> None:
        """Raises ``open_referral_exists`` if the referrer already has an open referral
        for the email (one added since the use case looked counts too)."""
        ...

    async def get_by_code(self, code: ReferralCode) -> Referral | None:
        """The referral with this code (codes are unique)."""
        ...

    async def get_by_referred_user(self, user_id: UUID) -> Referral | None:
        """The referral this user registered with, if any."""
        ...

    async def list_open_for_referrer_and_email(
        self, referrer_id: UUID, email: EmailAddress
    ) -> list[Referral]:
        """Pending or registered referrals of this referrer inviting this email."""
        ...

    async def count_converted_for_referrer_between(
        self, referrer_id: UUID, start: datetime, end: datetime
    ) -> int:
        """Referrals of this referrer converted at an instant in [start, end)."""
        ...

    async def list_due_for_expiry(
        self, pending_created_before: datetime, registered_before: datetime
    ) -> list[Referral]:
        """Pending referrals created, and registered ones registered, before the cutoffs."""
        ...


class CommissionRepository(Protocol):
    async def get(self, commission_id: UUID) -> Commission | None: ...

    async def add(self, commission: Commission) -> None: ...

    async def get_for_referral(
        self, referral_id: UUID, type: CommissionType, period: date
    ) -> Commission | None:
        """The commission of this referral, type and period (unique together)."""
        ...

    async def count_for_referral(self, referral_id: UUID, type: CommissionType) -> int:
        """How many commissions of this type a referral has earned, in any status."""
        ...

    async def list_pending_for_referral(self, referral_id: UUID) -> list[Commission]:
        """The referral's commissions still pending (a handful at most)."""
        ...


# -- the read side ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ReferralRecord:
    id: UUID
    code: ReferralCode
    email: EmailAddress
    referrer_id: UUID
    referrer_type: ReferrerType
    status: ReferralStatus
    created_at: datetime
    registered_at: datetime | None
    referred_user_id: UUID | None
    converted_at: datetime | None
    subscription_id: UUID | None
    expired_at: datetime | None


@dataclass(frozen=True, slots=True)
class CommissionRecord:
    id: UUID
    referral_id: UUID
    referrer_id: UUID
    type: CommissionType
    period: date
    base: Money
    percentage: Percentage
    amount: Money
    status: CommissionStatus
    created_at: datetime
    paid_at: datetime | None
    cancelled_at: datetime | None


@dataclass(frozen=True, slots=True)
class ReferralValidation:
    valid: bool
    reason: str | None = None
    referrer_type: str | None = None


@dataclass(frozen=True, slots=True)
class ReferralTotals:
    """A referrer's referrals by status (absent = 0) and commission totals."""

    by_status: dict[ReferralStatus, int]
    commissions: list[CommissionTotal]


class ReferralViews(Protocol):
    async def referrals_of(self, referrer_id: UUID, window: Window) -> list[ReferralRecord]:
        """This referrer's referrals, newest first."""
        ...

    async def validation(self, code: ReferralCode, email: EmailAddress | None,
                         pending_created_before: datetime) -> ReferralValidation:
        """Whether a new user may register with ``code`` (``Referral.check_usable`` as
        SQL): only a pending referral is usable, and not once created before the cutoff."""
        ...

    async def referral_totals(self, referrer_id: UUID) -> ReferralTotals:
        ...

    async def commissions_of(self, referrer_id: UUID, window: Window
                             ) -> list[CommissionRecord]:
        """This referrer's commissions, newest period first."""
        ...

    async def commissions(self, status: CommissionStatus | None, window: Window
                          ) -> list[CommissionRecord]:
        """Every referrer's commissions, of one status or all, oldest period first."""
        ...

    async def commission_totals(self, referrer_id: UUID) -> list[CommissionTotal]:
        """Count and sum of this referrer's commissions per (status, type) present."""
        ...


"""Repository ports of the referral programme: referrals and their commissions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from cuiot.domain.referrals import (
    Commission,
    CommissionStatus,
    CommissionTotal,
    CommissionType,
    Referral,
    ReferralCode,
    ReferralStatus,
)
from cuiot.domain.values import EmailAddress


class ReferralRepository(Protocol):
    async def get(self, referral_id: UUID) -> Referral | None: ...

    async def add(self, referral: Referral) -> None: ...

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

    async def list_for_referrer(
        self, referrer_id: UUID, offset: int = 0, limit: int = 100
    ) -> list[Referral]:
        """This referrer's referrals, newest first."""
        ...

    async def count_by_status_for_referrer(self, referrer_id: UUID) -> dict[ReferralStatus, int]:
        """How many referrals of this referrer are in each status (absent = 0)."""
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

    async def list_for_referrer(
        self, referrer_id: UUID, offset: int = 0, limit: int = 100
    ) -> list[Commission]:
        """This referrer's commissions, newest period first."""
        ...

    async def list_by_status(
        self, status: CommissionStatus | None = None, offset: int = 0, limit: int = 100
    ) -> list[Commission]:
        """Every referrer's commissions, of one status or all, oldest period first."""
        ...

    async def totals_for_referrer(self, referrer_id: UUID) -> list[CommissionTotal]:
        """Count and sum of this referrer's commissions per (status, type) present."""
        ...

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from cuiot.domain.errors import Conflict
from cuiot.domain.referrals import (
    Commission,
    CommissionStatus,
    CommissionType,
    Referral,
    ReferralCode,
    ReferralStatus,
    open_referral_exists,
)
from cuiot.domain.values import EmailAddress
from tests.fakes.base import InMemoryRepository


class InMemoryReferralRepository(InMemoryRepository[Referral]):
    entity = "referral"

    async def add(self, referral: Referral) -> None:
        if any(r.code == referral.code for r in self.items.values()):
            raise Conflict("referral code already taken", field="code")
        if referral.is_open and await self.list_open_for_referrer_and_email(
                referral.referrer_id, referral.email):
            raise open_referral_exists()  # as the database's partial unique index
        await super().add(referral)

    async def get_by_code(self, code: ReferralCode) -> Referral | None:
        return self._first(lambda r: r.code == code)

    async def get_by_referred_user(self, user_id: UUID) -> Referral | None:
        return self._first(lambda r: r.referred_user_id == user_id)

    async def list_open_for_referrer_and_email(
        self, referrer_id: UUID, email: EmailAddress
    ) -> list[Referral]:
        return self._where(lambda r: r.referrer_id == referrer_id and r.email == email
                           and r.is_open)

    async def count_converted_for_referrer_between(
        self, referrer_id: UUID, start: datetime, end: datetime
    ) -> int:
        return len([r for r in self.all() if r.referrer_id == referrer_id
                    and r.converted_at is not None and start <= r.converted_at < end])

    async def list_due_for_expiry(
        self, pending_created_before: datetime, registered_before: datetime
    ) -> list[Referral]:
        def due(r: Referral) -> bool:
            if r.status is ReferralStatus.PENDING:
                return r.created_at < pending_created_before
            return (r.status is ReferralStatus.REGISTERED and r.registered_at is not None
                    and r.registered_at < registered_before)
        return self._where(due)


class InMemoryCommissionRepository(InMemoryRepository[Commission]):
    entity = "commission"

    async def add(self, commission: Commission) -> None:
        key = (commission.referral_id, commission.type, commission.period)
        if any((c.referral_id, c.type, c.period) == key for c in self.items.values()):
            raise Conflict("commission already earned", field="period")
        await super().add(commission)

    async def get_for_referral(
        self, referral_id: UUID, type: CommissionType, period: date
    ) -> Commission | None:
        return self._first(lambda c: (c.referral_id, c.type, c.period)
                           == (referral_id, type, period))

    async def count_for_referral(self, referral_id: UUID, type: CommissionType) -> int:
        return len([c for c in self.all() if c.referral_id == referral_id and c.type is type])

    async def list_pending_for_referral(self, referral_id: UUID) -> list[Commission]:
        return self._where(lambda c: c.referral_id == referral_id
                           and c.status is CommissionStatus.PENDING)

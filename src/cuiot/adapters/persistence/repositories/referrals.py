"""Referrals and commissions on the ORM session: what the commands load. The lists and
totals people read are views (``views/referrals.py``)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.exc import IntegrityError

from cuiot.adapters.persistence.errors import conflict, violates
from cuiot.adapters.persistence.orm.referrals import (
    one_open_referral,
    referral_commissions,
    referrals,
)
from cuiot.adapters.persistence.repositories.session import SessionRepository
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

OPEN = (ReferralStatus.PENDING, ReferralStatus.REGISTERED)


class SqlAlchemyReferralRepository(SessionRepository[Referral]):
    entity_class = Referral
    entity = "referral"

    async def add(self, entity: Referral) -> None:
        """Written at once, so that a second open referral for the same referrer and
        email, added by another request since the use case looked, is refused here in the
        domain's words (the partial unique index ``one_open_referral`` finds it)."""
        await super().add(entity)
        try:
            await self.session.flush()
        except IntegrityError as exc:
            if violates(exc, one_open_referral):
                raise open_referral_exists() from exc
            raise conflict(exc, "the referral") from exc

    async def _one(self, *criteria: ColumnElement[bool]) -> Referral | None:
        found = await self._all(*criteria)
        return found[0] if found else None

    async def _all(self, *criteria: ColumnElement[bool]) -> list[Referral]:
        t = referrals.c
        found = list((await self.session.scalars(
            select(Referral).where(*criteria).order_by(t.created_at, t.id))).all())
        return found

    async def get_by_code(self, code: ReferralCode) -> Referral | None:
        return await self._one(referrals.c.code == code.value)

    async def get_by_referred_user(self, user_id: UUID) -> Referral | None:
        return await self._one(referrals.c.referred_user_id == user_id)

    async def list_open_for_referrer_and_email(
        self, referrer_id: UUID, email: EmailAddress
    ) -> list[Referral]:
        t = referrals.c
        return await self._all(t.referrer_id == referrer_id, t.email == email.value,
                               t.status.in_(OPEN))

    async def count_converted_for_referrer_between(
        self, referrer_id: UUID, start: datetime, end: datetime
    ) -> int:
        t = referrals.c
        count = await self.session.scalar(select(func.count()).select_from(Referral).where(
            t.referrer_id == referrer_id, t.converted_at >= start, t.converted_at < end))
        return int(count or 0)

    async def list_due_for_expiry(
        self, pending_created_before: datetime, registered_before: datetime
    ) -> list[Referral]:
        t = referrals.c
        return await self._all(or_(
            and_(t.status == ReferralStatus.PENDING, t.created_at < pending_created_before),
            and_(t.status == ReferralStatus.REGISTERED, t.registered_at < registered_before),
        ))


class SqlAlchemyCommissionRepository(SessionRepository[Commission]):
    entity_class = Commission
    entity = "commission"

    async def get_for_referral(
        self, referral_id: UUID, type: CommissionType, period: date
    ) -> Commission | None:
        t = referral_commissions.c
        found: Commission | None = await self.session.scalar(select(Commission).where(
            t.referral_id == referral_id, t.type == type, t.period == period))
        return found

    async def count_for_referral(self, referral_id: UUID, type: CommissionType) -> int:
        t = referral_commissions.c
        count = await self.session.scalar(select(func.count()).select_from(Commission).where(
            t.referral_id == referral_id, t.type == type))
        return int(count or 0)

    async def list_pending_for_referral(self, referral_id: UUID) -> list[Commission]:
        t = referral_commissions.c
        found = list((await self.session.scalars(select(Commission).where(
            t.referral_id == referral_id, t.status == CommissionStatus.PENDING,
        ).order_by(t.period, t.created_at, t.id))).all())
        return found

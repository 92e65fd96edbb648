from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import Select, and_, func, or_, select

from cuiot.adapters.persistence.repositories.base import Mapper, Row, SqlRepository
from cuiot.adapters.persistence.orm.referrals import referral_commissions, referrals
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

T = TypeVar("T")


def _referral_row(r: Referral) -> dict[str, Any]:
    return {
        "id": r.id, "code": r.code.value, "referrer_id": r.referrer_id,
        "referrer_type": r.referrer_type.value, "email": r.email.value,
        "status": r.status.value, "created_at": r.created_at,
        "registered_at": r.registered_at, "referred_user_id": r.referred_user_id,
        "converted_at": r.converted_at, "subscription_id": r.subscription_id,
        "first_paid_period": r.first_paid_period, "expired_at": r.expired_at,
    }


def _referral_from(row: Row, _children: Mapping[str, list[Row]]) -> Referral:
    values = dict(row)
    values.update(code=ReferralCode(row["code"]), email=EmailAddress(row["email"]),
                  referrer_type=ReferrerType(row["referrer_type"]),
                  status=ReferralStatus(row["status"]))
    return Referral(**values)


class _Aggregating(SqlRepository[T]):
    async def _rows(self, stmt: Select) -> list[Any]:
        """Rows of an aggregate query, after writing what this unit of work changed."""
        await self.flush()
        return list((await self.conn.execute(stmt)).all())


class SqlAlchemyReferralRepository(_Aggregating[Referral]):
    mapper = Mapper(referrals, _referral_row, _referral_from)
    entity = "referral"

    async def get_by_code(self, code: ReferralCode) -> Referral | None:
        return await self._load_one(self._select().where(referrals.c.code == code.value))

    async def get_by_referred_user(self, user_id: UUID) -> Referral | None:
        return await self._load_one(
            self._select().where(referrals.c.referred_user_id == user_id))

    async def list_open_for_referrer_and_email(
        self, referrer_id: UUID, email: EmailAddress
    ) -> list[Referral]:
        t = referrals.c
        open_statuses = (ReferralStatus.PENDING.value, ReferralStatus.REGISTERED.value)
        return await self._load(self._select().where(
            t.referrer_id == referrer_id, t.email == email.value,
            t.status.in_(open_statuses)).order_by(t.created_at, t.id))

    async def list_for_referrer(
        self, referrer_id: UUID, offset: int = 0, limit: int = 100
    ) -> list[Referral]:
        t = referrals.c
        return await self._load(self._select().where(t.referrer_id == referrer_id)
                                .order_by(t.created_at.desc(), t.id.desc())
                                .offset(offset).limit(limit))

    async def count_by_status_for_referrer(self, referrer_id: UUID) -> dict[ReferralStatus, int]:
        t = referrals.c
        stmt = (select(t.status, func.count()).where(t.referrer_id == referrer_id)
                .group_by(t.status))
        return {ReferralStatus(status): count for status, count in await self._rows(stmt)}

    async def count_converted_for_referrer_between(
        self, referrer_id: UUID, start: datetime, end: datetime
    ) -> int:
        t = referrals.c
        [(count,)] = await self._rows(select(func.count()).select_from(referrals).where(
            t.referrer_id == referrer_id, t.converted_at >= start, t.converted_at < end))
        return count

    async def list_due_for_expiry(
        self, pending_created_before: datetime, registered_before: datetime
    ) -> list[Referral]:
        t = referrals.c
        return await self._load(self._select().where(or_(
            and_(t.status == ReferralStatus.PENDING.value,
                 t.created_at < pending_created_before),
            and_(t.status == ReferralStatus.REGISTERED.value,
                 t.registered_at < registered_before),
        )).order_by(t.created_at, t.id))


def _commission_row(c: Commission) -> dict[str, Any]:
    return {
        "id": c.id, "referral_id": c.referral_id, "referrer_id": c.referrer_id,
        "type": c.type.value, "period": c.period, "base_cents": c.base.cents,
        "currency": c.base.currency, "percentage": c.percentage.value,
        "amount_cents": c.amount.cents, "status": c.status.value, "paid_at": c.paid_at,
        "cancelled_at": c.cancelled_at, "created_at": c.created_at,
    }


def _commission_from(row: Row, _children: Mapping[str, list[Row]]) -> Commission:
    currency = row["currency"]
    return Commission(
        id=row["id"], referral_id=row["referral_id"], referrer_id=row["referrer_id"],
        type=CommissionType(row["type"]), period=row["period"],
        base=Money(row["base_cents"], currency), percentage=Percentage(row["percentage"]),
        amount=Money(row["amount_cents"], currency), created_at=row["created_at"],
        status=CommissionStatus(row["status"]), paid_at=row["paid_at"],
        cancelled_at=row["cancelled_at"],
    )


class SqlAlchemyCommissionRepository(_Aggregating[Commission]):
    mapper = Mapper(referral_commissions, _commission_row, _commission_from)
    entity = "commission"

    async def get_for_referral(
        self, referral_id: UUID, type: CommissionType, period: date
    ) -> Commission | None:
        t = referral_commissions.c
        return await self._load_one(self._select().where(
            t.referral_id == referral_id, t.type == type.value, t.period == period))

    async def count_for_referral(self, referral_id: UUID, type: CommissionType) -> int:
        t = referral_commissions.c
        [(count,)] = await self._rows(select(func.count()).select_from(referral_commissions)
                                      .where(t.referral_id == referral_id, t.type == type.value))
        return count

    async def list_pending_for_referral(self, referral_id: UUID) -> list[Commission]:
        t = referral_commissions.c
        return await self._load(self._select().where(
            t.referral_id == referral_id, t.status == CommissionStatus.PENDING.value,
        ).order_by(t.period, t.created_at, t.id))

    async def list_for_referrer(
        self, referrer_id: UUID, offset: int = 0, limit: int = 100
    ) -> list[Commission]:
        t = referral_commissions.c
        return await self._load(self._select().where(t.referrer_id == referrer_id)
                                .order_by(t.period.desc(), t.created_at.desc(), t.id.desc())
                                .offset(offset).limit(limit))

    async def list_by_status(
        self, status: CommissionStatus | None = None, offset: int = 0, limit: int = 100
    ) -> list[Commission]:
        t = referral_commissions.c
        stmt = self._select()
        if status is not None:
            stmt = stmt.where(t.status == status.value)
        return await self._load(stmt.order_by(t.period, t.created_at, t.id)
                                .offset(offset).limit(limit))

    async def totals_for_referrer(self, referrer_id: UUID) -> list[CommissionTotal]:
        """One row per (status, type) — and per currency, should a referrer have two."""
        t = referral_commissions.c
        stmt = (select(t.status, t.type, t.currency, func.count(), func.sum(t.amount_cents))
                .where(t.referrer_id == referrer_id)
                .group_by(t.status, t.type, t.currency)
                .order_by(t.status, t.type, t.currency))
        return [CommissionTotal(CommissionStatus(status), CommissionType(kind), count,
                                Money(int(cents), currency))
                for status, kind, currency, count, cents in await self._rows(stmt)]

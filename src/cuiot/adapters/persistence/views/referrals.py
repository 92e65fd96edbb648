"""Views of the referral programme: a referrer's referrals and commissions (their own
only: the referrer is the viewer), the admins' list of every commission, the totals as
one aggregate statement each, and whether a code is usable. One statement per read."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    case,
    column,
    false,
    func,
    literal,
    null,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.engine import Result
from sqlalchemy.ext.asyncio import AsyncConnection

from cuiot.adapters.persistence.orm.referrals import referral_commissions, referrals
from cuiot.application.referrals.ports import (
    CommissionRecord,
    ReferralRecord,
    ReferralTotals,
    ReferralValidation,
)
from cuiot.application.shared.queries import Window
from cuiot.domain.money import Money, Percentage
from cuiot.domain.referrals import (
    CommissionStatus,
    CommissionTotal,
    CommissionType,
    InvalidReason,
    ReferralCode,
    ReferralStatus,
)
from cuiot.domain.values import EmailAddress

R, C = referrals.c, referral_commissions.c
REFERRAL_COLUMNS = (R.id, R.code, R.email, R.referrer_id, R.referrer_type, R.status,
                    R.created_at, R.registered_at, R.referred_user_id, R.converted_at,
                    R.subscription_id, R.expired_at)


def _page(statement: Select[Any], window: Window) -> Select[Any]:
    return statement.offset(window.offset).limit(window.limit)


class SqlReferralViews:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def referrals_of(self, referrer_id: UUID, window: Window) -> list[ReferralRecord]:
        rows = await self.conn.execute(_page(
            select(*REFERRAL_COLUMNS).where(R.referrer_id == referrer_id)
            .order_by(R.created_at.desc(), R.id.desc()), window))
        return [_referral(row) for row in rows.mappings()]

    async def validation(self, code: ReferralCode, email: EmailAddress | None,
                         pending_created_before: datetime) -> ReferralValidation:
        mismatch: ColumnElement[bool] = false() if email is None else R.email != email.value
        reason = case(
            (R.status.not_in([ReferralStatus.PENDING, ReferralStatus.EXPIRED]),
             InvalidReason.NOT_PENDING.value),
            (or_(R.status == ReferralStatus.EXPIRED, R.created_at < pending_created_before),
             InvalidReason.EXPIRED.value),
            (mismatch, InvalidReason.EMAIL_MISMATCH.value),
        )
        row = (await self.conn.execute(select(R.referrer_type, reason.label("reason"))
                                       .where(R.code == code.value))).first()
        if row is None:
            return ReferralValidation(False, InvalidReason.UNKNOWN_CODE.value)
        if row.reason is not None:
            return ReferralValidation(False, row.reason)
        return ReferralValidation(True, referrer_type=row.referrer_type.value)

    async def referral_totals(self, referrer_id: UUID) -> ReferralTotals:
        """Counts by status and commission totals in one statement (a UNION ALL)."""
        text = String(20)
        counts = (select(literal("referral").label("source"),
                         type_coerce(R.status, text).label("status"),
                         type_coerce(null(), text).label("type"),
                         type_coerce(null(), String(3)).label("currency"),
                         func.count().label("count"), literal(0).label("cents"))
                  .where(R.referrer_id == referrer_id).group_by(R.status))
        # In the order of ``commission_totals`` (a GROUP BY alone gives none: PostgreSQL's
        # hash aggregate returns the groups in any order).
        rows: Result[Any] = await self.conn.execute(union_all(
            counts, _totals(referrer_id, literal("commission").label("source"))
        ).order_by(*(column(name) for name in ("source", "status", "type", "currency"))))
        by_status: dict[ReferralStatus, int] = {}
        commissions: list[CommissionTotal] = []
        for row in rows.mappings():
            if row["source"] == "referral":
                by_status[ReferralStatus(row["status"])] = int(row["count"])
            else:
                commissions.append(_total(row))
        return ReferralTotals(by_status, commissions)

    async def commissions_of(self, referrer_id: UUID, window: Window
                             ) -> list[CommissionRecord]:
        rows = await self.conn.execute(_page(
            select(referral_commissions).where(C.referrer_id == referrer_id)
            .order_by(C.period.desc(), C.created_at.desc(), C.id.desc()), window))
        return [_commission(row) for row in rows.mappings()]

    async def commissions(self, status: CommissionStatus | None, window: Window
                          ) -> list[CommissionRecord]:
        statement = select(referral_commissions)
        if status is not None:
            statement = statement.where(C.status == status)
        rows = await self.conn.execute(_page(
            statement.order_by(C.period, C.created_at, C.id), window))
        return [_commission(row) for row in rows.mappings()]

    async def commission_totals(self, referrer_id: UUID) -> list[CommissionTotal]:
        """One row per (status, type), and per currency should a referrer have two."""
        rows = await self.conn.execute(_totals(referrer_id).order_by(
            C.status, C.type, C.currency))
        return [_total(row) for row in rows.mappings()]


def _totals(referrer_id: UUID, *first: Any) -> Select[Any]:
    text = String(20)
    return (select(*first, type_coerce(C.status, text).label("status"),
                   type_coerce(C.type, text).label("type"), C.currency,
                   func.count().label("count"), func.sum(C.amount_cents).label("cents"))
            .where(C.referrer_id == referrer_id).group_by(C.status, C.type, C.currency))


def _total(row: Any) -> CommissionTotal:
    return CommissionTotal(CommissionStatus(row["status"]), CommissionType(row["type"]),
                           int(row["count"]), Money(int(row["cents"]), row["currency"]))


def _referral(row: Any) -> ReferralRecord:
    return ReferralRecord(
        id=row["id"], code=ReferralCode(row["code"]), email=EmailAddress(row["email"]),
        referrer_id=row["referrer_id"], referrer_type=row["referrer_type"],
        status=row["status"], created_at=row["created_at"],
        registered_at=row["registered_at"], referred_user_id=row["referred_user_id"],
        converted_at=row["converted_at"], subscription_id=row["subscription_id"],
        expired_at=row["expired_at"])


def _commission(row: Any) -> CommissionRecord:
    currency = row["currency"]
    return CommissionRecord(
        id=row["id"], referral_id=row["referral_id"], referrer_id=row["referrer_id"],
        type=row["type"], period=row["period"], base=Money(row["base_cents"], currency),
        percentage=Percentage(row["percentage"]), amount=Money(row["amount_cents"], currency),
        status=row["status"], created_at=row["created_at"], paid_at=row["paid_at"],
        cancelled_at=row["cancelled_at"])

"""Shapes of referrals and the commissions they earn."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from cuiot.application.referrals.ports import CommissionRecord, ReferralRecord, ReferralValidation
from cuiot.application.referrals.queries.commissions import CommissionStatsResult
from cuiot.application.referrals.queries.referrals import ReferralStatsResult
from cuiot.domain.referrals import Commission, Referral
from cuiot.entrypoints.http.schemas import MoneyOut, Strict

ReferrerType = Literal["caregiver", "institution", "family", "cared_person"]
ReferralStatus = Literal["pending", "registered", "converted", "expired"]


class GenerateCodeIn(Strict):
    email: str = Field(max_length=254, examples=["amiga@example.com"],
                       description="The email invited; not the referrer's own")
    referrer_type: ReferrerType = Field(
        examples=["caregiver"],
        description="Refer as: caregiver, institution (needs institution_admin), family or "
                    "cared_person; the caller must hold the matching role")


class ValidateCodeIn(Strict):
    code: str = Field(max_length=64, examples=["K7M2P9QX"])
    email: str | None = Field(default=None, max_length=254, examples=["amiga@example.com"],
                              description="When given, the code must invite this email")


class UpdateStatusIn(Strict):
    status: ReferralStatus = Field(
        examples=["expired"], description="Only `expired` is a change an admin may make; "
                                          "registration and conversion happen on their own")


class ReferralOut(BaseModel):
    id: UUID
    code: str = Field(examples=["K7M2P9QX"])
    email: str = Field(examples=["amiga@example.com"])
    referrer_id: UUID
    referrer_type: str = Field(examples=["caregiver"])
    status: str = Field(examples=["pending"])
    created_at: datetime
    registered_at: datetime | None
    referred_user_id: UUID | None
    converted_at: datetime | None
    subscription_id: UUID | None
    expired_at: datetime | None

    @classmethod
    def of(cls, referral: Referral | ReferralRecord) -> ReferralOut:
        return cls(id=referral.id, code=referral.code.value, email=referral.email.value,
                   referrer_id=referral.referrer_id, referrer_type=referral.referrer_type.value,
                   status=referral.status.value, created_at=referral.created_at,
                   registered_at=referral.registered_at,
                   referred_user_id=referral.referred_user_id,
                   converted_at=referral.converted_at, subscription_id=referral.subscription_id,
                   expired_at=referral.expired_at)


class ValidationOut(BaseModel):
    valid: bool
    reason: str | None = Field(
        examples=["expired"], description="unknown_code, not_pending, expired or email_mismatch")
    referrer_type: str | None = Field(examples=["caregiver"])

    @classmethod
    def of(cls, result: ReferralValidation) -> ValidationOut:
        return cls(valid=result.valid, reason=result.reason, referrer_type=result.referrer_type)


class ReferralStatsOut(BaseModel):
    by_status: dict[str, int] = Field(examples=[{"pending": 2, "registered": 1,
                                                 "converted": 1, "expired": 0}])
    total: int
    conversion_rate: Decimal = Field(examples=["25.00"],
                                     description="Percent of all referrals that converted")
    commissions_pending: MoneyOut
    commissions_paid: MoneyOut

    @classmethod
    def of(cls, stats: ReferralStatsResult) -> ReferralStatsOut:
        return cls(by_status=stats.by_status, total=stats.total,
                   conversion_rate=stats.conversion_rate,
                   commissions_pending=MoneyOut.of(stats.commissions_pending),
                   commissions_paid=MoneyOut.of(stats.commissions_paid))


class CommissionOut(BaseModel):
    id: UUID
    referral_id: UUID
    referrer_id: UUID
    type: str = Field(examples=["first_month"], description="first_month, recurring or bonus")
    period: date = Field(examples=["2026-01-01"], description="The month earned, as its 1st")
    base: MoneyOut
    percentage: Decimal = Field(examples=["20"])
    amount: MoneyOut
    status: str = Field(examples=["pending"], description="pending, paid or cancelled")
    created_at: datetime
    paid_at: datetime | None
    cancelled_at: datetime | None

    @classmethod
    def of(cls, commission: Commission | CommissionRecord) -> CommissionOut:
        return cls(id=commission.id, referral_id=commission.referral_id,
                   referrer_id=commission.referrer_id, type=commission.type.value,
                   period=commission.period, base=MoneyOut.of(commission.base),
                   percentage=_plain(commission.percentage.value),
                   amount=MoneyOut.of(commission.amount),
                   status=commission.status.value, created_at=commission.created_at,
                   paid_at=commission.paid_at, cancelled_at=commission.cancelled_at)


def _plain(value: Decimal) -> Decimal:
    """20.0000 (as a database may keep it) → 20; 12.50 → 12.5."""
    return Decimal(f"{value.normalize():f}")


class CommissionStatsOut(BaseModel):
    by_status: dict[str, MoneyOut] = Field(description="Sums by pending, paid, cancelled")
    by_type: dict[str, MoneyOut] = Field(description="Sums by type, cancelled ones left out")
    count_by_status: dict[str, int]

    @classmethod
    def of(cls, stats: CommissionStatsResult) -> CommissionStatsOut:
        return cls(by_status={k: MoneyOut.of(v) for k, v in stats.by_status.items()},
                   by_type={k: MoneyOut.of(v) for k, v in stats.by_type.items()},
                   count_by_status=stats.count_by_status)

"""Referrals and the commissions they earn (DOMAIN.md section 3).

Days count in the accounts' local time zone, "within N days" including day N: a referral
created on 1 March is usable through day 30 (31 March) and expired from day 31
(1 April); the registered window (90 days) and the cancellation window (30 days) read
the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from uuid import UUID
from zoneinfo import ZoneInfo

from cuiot.domain.errors import (
    Conflict,
    InvalidStateTransition,
    ReferralInvalid,
    ValidationFailed,
)
from cuiot.domain.events import Aggregate, DomainEvent
from cuiot.domain.money import Money, Percentage
from cuiot.domain.policy import DEFAULT_POLICY, Policy
from cuiot.domain.users import Role
from cuiot.domain.values import EmailAddress


class ReferrerType(StrEnum):
    CAREGIVER = "caregiver"
    INSTITUTION = "institution"
    FAMILY = "family"
    CARED_PERSON = "cared_person"

    @property
    def role(self) -> Role:
        """The role a user must hold to refer as this type."""
        return Role.INSTITUTION_ADMIN if self is ReferrerType.INSTITUTION else Role(self.value)


class ReferralStatus(StrEnum):
    PENDING = "pending"
    REGISTERED = "registered"
    CONVERTED = "converted"
    EXPIRED = "expired"


class InvalidReason(StrEnum):
    UNKNOWN_CODE = "unknown_code"
    NOT_PENDING = "not_pending"
    EXPIRED = "expired"
    EMAIL_MISMATCH = "email_mismatch"


@dataclass(frozen=True, slots=True)
class ReferralCode:
    """Eight characters of the policy alphabet (no 0, 1, I, O), kept upper-case."""

    value: str

    def __post_init__(self) -> None:
        alphabet = DEFAULT_POLICY.referral_code_alphabet
        value = self.value.strip().upper() if isinstance(self.value, str) else ""
        if len(value) != DEFAULT_POLICY.referral_code_length or any(
            c not in alphabet for c in value
        ):
            raise ValidationFailed(f"not a referral code: {self.value!r}", field="code")
        object.__setattr__(self, "value", value)

    def __str__(self) -> str:
        return self.value


def local_day(instant: datetime, policy: Policy) -> date:
    return instant.astimezone(ZoneInfo(policy.timezone)).date()


def start_of_local_day(day: date, policy: Policy) -> datetime:
    return datetime.combine(day, time(0), ZoneInfo(policy.timezone)).astimezone(UTC)


def days_between(start: datetime, end: datetime, policy: Policy) -> int:
    """Local calendar days from ``start`` to ``end`` (same day = 0)."""
    return (local_day(end, policy) - local_day(start, policy)).days


def local_month_bounds(instant: datetime, policy: Policy) -> tuple[datetime, datetime]:
    """The local calendar month holding ``instant``, as [start, end) instants."""
    first = local_day(instant, policy).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return start_of_local_day(first, policy), start_of_local_day(following, policy)


def expiry_cutoffs(now: datetime, policy: Policy) -> tuple[datetime, datetime]:
    """Pending referrals created before the first instant, and registered ones registered
    before the second, are expired at ``now``."""
    today = local_day(now, policy)
    return (
        start_of_local_day(today - timedelta(days=policy.referral_pending_days), policy),
        start_of_local_day(today - timedelta(days=policy.referral_registered_days), policy),
    )


def open_referral_exists(**details: str) -> Conflict:
    """A referrer keeps one open referral per invited email: the refusal of a second,
    whoever notices it (the use case's check, or the database's index for two at once)."""
    return Conflict("this email already has an open referral from you",
                    reason="open_referral_exists", **details)


@dataclass(frozen=True, kw_only=True)
class ReferralRegistered(DomainEvent):
    referral_id: UUID
    referred_user_id: UUID


@dataclass(frozen=True, kw_only=True)
class ReferralConverted(DomainEvent):
    referral_id: UUID
    referrer_id: UUID
    referred_user_id: UUID


@dataclass(eq=False)
class Referral(Aggregate):
    """One invited email, from ``pending`` to ``registered`` to ``converted``, or ``expired``."""

    id: UUID
    code: ReferralCode
    referrer_id: UUID
    referrer_type: ReferrerType
    email: EmailAddress
    created_at: datetime
    status: ReferralStatus = ReferralStatus.PENDING
    registered_at: datetime | None = None
    referred_user_id: UUID | None = None
    converted_at: datetime | None = None
    subscription_id: UUID | None = None
    first_paid_period: date | None = None
    expired_at: datetime | None = None

    @classmethod
    def invite(cls, *, id: UUID, code: ReferralCode, referrer_id: UUID,
               referrer_type: ReferrerType, referrer_email: EmailAddress,
               email: EmailAddress, now: datetime) -> Referral:
        if email == referrer_email:
            raise ValidationFailed("nobody may refer their own email", field="email",
                                   reason="self_referral")
        return cls(id, code, referrer_id, referrer_type, email, now)

    @property
    def is_open(self) -> bool:
        return self.status in (ReferralStatus.PENDING, ReferralStatus.REGISTERED)

    def is_expired(self, now: datetime, policy: Policy) -> bool:
        """Expired by status, or by time as of ``now`` even if the expiry job has not run."""
        if self.status is ReferralStatus.PENDING:
            return days_between(self.created_at, now, policy) > policy.referral_pending_days
        if self.status is ReferralStatus.REGISTERED and self.registered_at is not None:
            return days_between(self.registered_at, now, policy) > policy.referral_registered_days
        return self.status is ReferralStatus.EXPIRED

    def check_usable(self, now: datetime, policy: Policy,
                     email: EmailAddress | None = None) -> None:
        """Raise ``ReferralInvalid`` with the reason unless a new user may register with it."""
        if self.status not in (ReferralStatus.PENDING, ReferralStatus.EXPIRED):
            raise ReferralInvalid(InvalidReason.NOT_PENDING)
        if self.is_expired(now, policy):
            raise ReferralInvalid(InvalidReason.EXPIRED)
        if email is not None and email != self.email:
            raise ReferralInvalid(InvalidReason.EMAIL_MISMATCH)

    def register(self, user_id: UUID, email: EmailAddress, now: datetime, policy: Policy) -> None:
        self.check_usable(now, policy, email)
        self.status, self.registered_at, self.referred_user_id = (
            ReferralStatus.REGISTERED, now, user_id)
        self.record(ReferralRegistered(occurred_at=now, referral_id=self.id,
                                       referred_user_id=user_id))

    def convert(self, subscription_id: UUID, period: date, now: datetime, policy: Policy) -> None:
        """The referred user's first invoice was paid."""
        if self.status is not ReferralStatus.REGISTERED or self.is_expired(now, policy):
            raise InvalidStateTransition("referral", self.status.value, "convert")
        self.status, self.converted_at = ReferralStatus.CONVERTED, now
        self.subscription_id, self.first_paid_period = subscription_id, period
        self.record(ReferralConverted(occurred_at=now, referral_id=self.id,
                                      referrer_id=self.referrer_id,
                                      referred_user_id=self.referred_user_id))  # type: ignore[arg-type]

    def expire(self, now: datetime) -> None:
        if not self.is_open:
            raise InvalidStateTransition("referral", self.status.value, "expire")
        self.status, self.expired_at = ReferralStatus.EXPIRED, now

    def expire_if_due(self, now: datetime, policy: Policy) -> bool:
        if self.is_open and self.is_expired(now, policy):
            self.expire(now)
            return True
        return False

    def conversion_within_cancel_window(self, at: datetime, policy: Policy) -> bool:
        return self.converted_at is not None and (
            days_between(self.converted_at, at, policy) <= policy.commission_cancel_window_days)


class CommissionType(StrEnum):
    FIRST_MONTH = "first_month"
    RECURRING = "recurring"
    BONUS = "bonus"


class CommissionStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    CANCELLED = "cancelled"


def commission_amount(base: Money, percentage: Percentage) -> Money:
    """base × percentage / 100, half-up to the cent. A commission is never negative."""
    if base.is_negative():
        raise ValidationFailed("a commission base cannot be negative", field="base")
    return base.percent(percentage)


def commission_rate(referrer_type: ReferrerType, kind: CommissionType,
                    policy: Policy) -> Percentage:
    rates = policy.commission_rates_for(referrer_type)
    return rates.first_month if kind is CommissionType.FIRST_MONTH else rates.recurring


def earns_bonus(conversion_number: int, policy: Policy) -> bool:
    """Whether the referrer's n-th conversion of a calendar month earns the bonus."""
    return conversion_number > 0 and conversion_number % policy.bonus_every_n_conversions == 0


@dataclass(frozen=True, kw_only=True)
class CommissionEarned(DomainEvent):
    commission_id: UUID
    referrer_id: UUID
    type: CommissionType
    amount: Money


@dataclass(frozen=True, kw_only=True)
class CommissionPaid(DomainEvent):
    commission_id: UUID
    referrer_id: UUID
    amount: Money


@dataclass(eq=False)
class Commission(Aggregate):
    """What a referrer earns for one referral, type and month (``period``, a 1st)."""

    id: UUID
    referral_id: UUID
    referrer_id: UUID
    type: CommissionType
    period: date
    base: Money
    percentage: Percentage
    amount: Money
    created_at: datetime
    status: CommissionStatus = CommissionStatus.PENDING
    paid_at: datetime | None = None
    cancelled_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.period.day != 1:
            raise ValidationFailed("a commission period is the 1st of a month", field="period")

    @classmethod
    def earn(cls, *, id: UUID, referral: Referral, type: CommissionType, period: date,
             base: Money, percentage: Percentage, now: datetime) -> Commission:
        amount = commission_amount(base, percentage)
        commission = cls(id, referral.id, referral.referrer_id, type, period.replace(day=1),
                         base, percentage, amount, now)
        commission.record(CommissionEarned(occurred_at=now, commission_id=id,
                                           referrer_id=referral.referrer_id, type=type,
                                           amount=amount))
        return commission

    def pay(self, now: datetime) -> None:
        """An admin paid it. Paying twice, or a cancelled one, is a conflict."""
        if self.status is not CommissionStatus.PENDING:
            raise InvalidStateTransition("commission", self.status.value, "pay")
        self.status, self.paid_at = CommissionStatus.PAID, now
        self.record(CommissionPaid(occurred_at=now, commission_id=self.id,
                                   referrer_id=self.referrer_id, amount=self.amount))

    def cancel(self, now: datetime) -> None:
        if self.status is not CommissionStatus.PENDING:
            raise InvalidStateTransition("commission", self.status.value, "cancel")
        self.status, self.cancelled_at = CommissionStatus.CANCELLED, now


@dataclass(frozen=True, slots=True)
class CommissionTotal:
    """How many commissions of one status and type, and their sum."""

    status: CommissionStatus
    type: CommissionType
    count: int
    amount: Money

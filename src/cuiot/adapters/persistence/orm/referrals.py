"""Referrals and the commissions they earn (DOMAIN.md section 3).

At most one open referral per (referrer, email) is kept by the domain, and by a partial
unique index for two requests that check at once (PostgreSQL and SQLite both have them);
the (referrer_id, email) index serves the lookup of every status. Emails are stored
lower-case, which a CHECK guarantees, so the indexes match case-insensitively.

The mapping: the code and the email are value objects on one column each; a commission's
base and amount are ``Money`` on their cents column and the shared currency column, its
percentage a ``Percentage``; the statuses and types load as the domain's enums.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    Index,
    String,
    Table,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import composite

from cuiot.adapters.persistence.orm import fk, mapper_registry, mapping, metadata
from cuiot.adapters.persistence.types import EnumText, ExactDecimal, UtcDateTime
from cuiot.domain.money import Money, Percentage
from cuiot.domain.referrals import (
    Commission,
    CommissionStatus,
    CommissionType,
    Referral,
    ReferralCode,
    ReferralStatus,
    ReferrerType,
)
from cuiot.domain.values import EmailAddress


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


REFERRER_TYPES = ("caregiver", "institution", "family", "cared_person")
REFERRAL_STATUSES = ("pending", "registered", "converted", "expired")
COMMISSION_TYPES = ("first_month", "recurring", "bonus")
COMMISSION_STATUSES = ("pending", "paid", "cancelled")


referrals = Table(
    "referrals", metadata,
    Column("id", Uuid, primary_key=True),
    Column("code", String(8), nullable=False),
    Column("referrer_id", Uuid, fk("users.id"), nullable=False),
    Column("referrer_type", EnumText(ReferrerType, 20), nullable=False),
    Column("email", String(254), nullable=False),
    Column("status", EnumText(ReferralStatus, 20), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("registered_at", UtcDateTime),
    Column("referred_user_id", Uuid, fk("users.id")),
    Column("converted_at", UtcDateTime),
    Column("subscription_id", Uuid),  # → subscriptions.id once that table exists
    Column("first_paid_period", Date),
    Column("expired_at", UtcDateTime),
    UniqueConstraint("code", name="uq_referrals_code"),
    UniqueConstraint("referred_user_id", name="uq_referrals_referred_user_id"),
    CheckConstraint("length(code) = 8", name="code_length"),
    CheckConstraint("email = lower(email)", name="email_lower"),
    CheckConstraint(_one_of("referrer_type", REFERRER_TYPES), name="referrer_type"),
    CheckConstraint(_one_of("status", REFERRAL_STATUSES), name="status"),
    CheckConstraint("status NOT IN ('registered', 'converted') OR "
                    "(referred_user_id IS NOT NULL AND registered_at IS NOT NULL)",
                    name="registered_has_user"),
    CheckConstraint("status <> 'converted' OR (converted_at IS NOT NULL AND "
                    "subscription_id IS NOT NULL AND first_paid_period IS NOT NULL)",
                    name="converted_has_subscription"),
    CheckConstraint("status <> 'expired' OR expired_at IS NOT NULL", name="expired_has_time"),
)
Index("ix_referrals_referrer_email", referrals.c.referrer_id, referrals.c.email)
_OPEN = text(_one_of("status", ("pending", "registered")))
one_open_referral = Index("uq_referrals_open_referrer_email", referrals.c.referrer_id,
                          referrals.c.email, unique=True,
                          postgresql_where=_OPEN, sqlite_where=_OPEN)
Index("ix_referrals_referrer_created", referrals.c.referrer_id, referrals.c.created_at)
Index("ix_referrals_referrer_converted", referrals.c.referrer_id, referrals.c.converted_at)
Index("ix_referrals_status_created", referrals.c.status, referrals.c.created_at)
Index("ix_referrals_status_registered", referrals.c.status, referrals.c.registered_at)

referral_commissions = Table(
    "referral_commissions", metadata,
    Column("id", Uuid, primary_key=True),
    Column("referral_id", Uuid, fk("referrals.id"), nullable=False),
    Column("referrer_id", Uuid, fk("users.id"), nullable=False),
    Column("type", EnumText(CommissionType, 20), nullable=False),
    Column("period", Date, nullable=False),
    Column("base_cents", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("percentage", ExactDecimal, nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("status", EnumText(CommissionStatus, 20), nullable=False),
    Column("paid_at", UtcDateTime),
    Column("cancelled_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("referral_id", "type", "period",
                     name="uq_referral_commissions_referral_type_period"),
    CheckConstraint(_one_of("type", COMMISSION_TYPES), name="type"),
    CheckConstraint(_one_of("status", COMMISSION_STATUSES), name="status"),
    CheckConstraint("base_cents >= 0", name="base_not_negative"),
    CheckConstraint("amount_cents >= 0", name="amount_not_negative"),
    # SQLite keeps ExactDecimal as text: compare it as a number on both databases.
    CheckConstraint("CAST(percentage AS NUMERIC) BETWEEN 0 AND 100", name="percentage_range"),
    CheckConstraint("status <> 'paid' OR paid_at IS NOT NULL", name="paid_has_time"),
    CheckConstraint("status <> 'cancelled' OR cancelled_at IS NOT NULL",
                    name="cancelled_has_time"),
)
Index("ix_referral_commissions_referrer_period",
      referral_commissions.c.referrer_id, referral_commissions.c.period)
Index("ix_referral_commissions_status_period",
      referral_commissions.c.status, referral_commissions.c.period)
Index("ix_referral_commissions_period_created",  # the admin's list of every commission
      referral_commissions.c.period, referral_commissions.c.created_at,
      referral_commissions.c.id)


@mapping
def map_referrals() -> None:
    r, c = referrals.c, referral_commissions.c
    mapper_registry.map_imperatively(Referral, referrals, properties={
        "_code": r.code,
        "code": composite(ReferralCode, "_code"),
        "_email": r.email,
        "email": composite(EmailAddress, "_email"),
    })
    mapper_registry.map_imperatively(Commission, referral_commissions, properties={
        "_base_cents": c.base_cents,
        "_amount_cents": c.amount_cents,
        "_currency": c.currency,
        "base": composite(Money, "_base_cents", "_currency"),
        "amount": composite(Money, "_amount_cents", "_currency"),
        "_percentage": c.percentage,
        "percentage": composite(Percentage, "_percentage"),
    })

"""Packages, subscriptions and invoices (DOMAIN.md section 2), named as the business's
schema names them, and the mapping of the domain's classes onto them.

Subscriptions live in two tables: ``user_packages`` (a user's account) and
``institution_packages`` (an institution's). ``Subscription`` is mapped over their
``UNION ALL`` (``subscriptions``) with two concrete subclasses, one per table, and a
subscription is born as the one its owner calls for (``institution_id`` or not), so the
session writes it to its own table and reads either through one statement. A partial
unique index keeps one live (active or suspended) subscription per account, so two
concurrent subscribes cannot both win.

Invoices are ``billing_records``. Their subscription is in either table, so
``subscription_id`` is a plain indexed Uuid, not a foreign key; ``account_kind`` beside
it says which table holds it (the repository fills it in from the subscription and
refuses an invoice of an unknown one). ``invoice_counters`` keeps the last number of
each year: its row lock serializes the transactions that issue invoices, gap-free.

Money is ``composite()`` over cents and the row's one currency column. A package's
optional yearly price is a synonym of its cents column instead: a composite set to
``None`` would set the currency it shares with the monthly price to NULL too. A
package's limits are one composite over its four columns.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.orm import composite, polymorphic_union, synonym

from cuiot.adapters.persistence.orm import (
    fk,
    mapper_registry,
    mapping,
    metadata,
    restore_on_load,
)
from cuiot.adapters.persistence.types import EnumText, Json, UtcDateTime
from cuiot.domain.billing_limits import Limits
from cuiot.domain.invoices import Invoice, InvoiceKind, InvoiceStatus
from cuiot.domain.money import Money
from cuiot.domain.packages import BillingCycle, Package, PackageType, SupportLevel
from cuiot.domain.subscriptions import (
    InstitutionSubscription,
    Subscription,
    SubscriptionStatus,
    UserSubscription,
)

PACKAGE_TYPES = ("basic", "familiar", "premium", "professional", "institutional")
SUPPORT_LEVELS = ("email", "chat", "phone", "24/7")
BILLING_CYCLES = ("monthly", "yearly")
SUBSCRIPTION_STATUSES = ("active", "suspended", "cancelled", "expired")
INVOICE_KINDS = ("period", "proration")
INVOICE_STATUSES = ("pending", "paid", "overdue", "cancelled")
ACCOUNT_KINDS = ("user", "institution")
LIVE = "status IN ('active', 'suspended')"
IN_FORCE = "status <> 'expired'"


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _positive_or_null(column: str) -> CheckConstraint:
    return CheckConstraint(f"{column} IS NULL OR {column} > 0", name=f"{column}_positive")


packages = Table(
    "packages", metadata,
    Column("id", Uuid, primary_key=True),
    Column("type", EnumText(PackageType, 20), nullable=False),
    Column("name", String(100), nullable=False),
    Column("price_monthly_cents", BigInteger, nullable=False),
    Column("price_yearly_cents", BigInteger),  # NULL: 12 × monthly
    Column("currency", String(3), nullable=False),
    Column("features", Json, nullable=False),
    Column("max_users", Integer),
    Column("max_devices", Integer),
    Column("max_storage_gb", Integer),
    Column("max_patients", Integer),
    Column("support_level", EnumText(SupportLevel, 10), nullable=False),
    Column("is_active", Boolean, nullable=False),
    # Audit only (the domain does not see them): written by the database.
    Column("created_at", UtcDateTime, nullable=False, server_default=text("CURRENT_TIMESTAMP")),
    Column("updated_at", UtcDateTime, nullable=False, server_default=text("CURRENT_TIMESTAMP"),
           onupdate=func.current_timestamp()),
    CheckConstraint(_one_of("type", PACKAGE_TYPES), name="type"),
    CheckConstraint(_one_of("support_level", SUPPORT_LEVELS), name="support_level"),
    CheckConstraint("trim(name) <> ''", name="name_not_blank"),
    CheckConstraint("length(currency) = 3", name="currency_code"),
    CheckConstraint("price_monthly_cents >= 0", name="price_monthly_not_negative"),
    CheckConstraint("price_yearly_cents IS NULL OR price_yearly_cents >= 0",
                    name="price_yearly_not_negative"),
    _positive_or_null("max_users"),
    _positive_or_null("max_devices"),
    _positive_or_null("max_storage_gb"),
    _positive_or_null("max_patients"),
    CheckConstraint("(type = 'institutional') = (max_patients IS NOT NULL)",
                    name="patients_for_institutions"),
)
Index("ix_packages_active_price", packages.c.is_active, packages.c.price_monthly_cents)


def _subscription_table(name: str, owner: str, owner_target: str) -> Table:
    """The columns and checks both subscription tables share; ``owner`` is the account."""
    table = Table(
        name, metadata,
        Column("id", Uuid, primary_key=True),
        Column(owner, Uuid, fk(owner_target), nullable=False),
        Column("subscriber_id", Uuid, fk("users.id"), nullable=False, index=True),
        Column("package_id", Uuid, fk("packages.id"), nullable=False, index=True),
        Column("billing_cycle", EnumText(BillingCycle, 10), nullable=False),
        Column("start_date", Date, nullable=False),
        Column("current_period_start", Date, nullable=False),
        Column("current_period_end", Date, nullable=False),
        Column("created_at", UtcDateTime, nullable=False),
        Column("cared_person_id", Uuid, fk("cared_persons.id"), index=True),
        Column("status", EnumText(SubscriptionStatus, 10), nullable=False),
        Column("auto_renew", Boolean, nullable=False),
        Column("end_date", Date),
        Column("scheduled_package_id", Uuid, fk("packages.id")),
        Column("cancelled_at", UtcDateTime),
        Column("suspended_on", Date),
        Column("over_limits_since", Date),
        Column("payment_method", String(50)),
        CheckConstraint(_one_of("status", SUBSCRIPTION_STATUSES), name="status"),
        CheckConstraint(_one_of("billing_cycle", BILLING_CYCLES), name="billing_cycle"),
        CheckConstraint("current_period_start >= start_date", name="period_after_start"),
        CheckConstraint("current_period_end > current_period_start", name="period_order"),
        CheckConstraint("status <> 'cancelled' OR cancelled_at IS NOT NULL",
                        name="cancelled_has_time"),
        CheckConstraint("status <> 'suspended' OR suspended_on IS NOT NULL",
                        name="suspended_has_day"),
    )
    owner_column = table.c[owner]
    Index(f"ix_{name}_{owner}_created", owner_column, table.c.created_at)
    Index(f"uq_{name}_{owner}_live", owner_column, unique=True,
          sqlite_where=text(LIVE), postgresql_where=text(LIVE))
    Index(f"ix_{name}_period_end_in_force", table.c.current_period_end,
          sqlite_where=text(IN_FORCE), postgresql_where=text(IN_FORCE))
    return table


user_packages = _subscription_table("user_packages", "account_id", "users.id")
institution_packages = _subscription_table("institution_packages", "institution_id",
                                           "institutions.id")
# Both tables as one: the row's table is ``account_kind`` ('user' or 'institution').
subscriptions = polymorphic_union(  # type: ignore[no-untyped-call]
    {"user": user_packages, "institution": institution_packages}, "account_kind", "subscriptions")

billing_records = Table(
    "billing_records", metadata,
    Column("id", Uuid, primary_key=True),
    Column("number", String(20), nullable=False),
    Column("subscription_id", Uuid, nullable=False),  # user_ or institution_packages.id
    Column("account_kind", String(20), nullable=False),  # which of the two tables
    Column("kind", EnumText(InvoiceKind, 20), nullable=False),
    Column("amount_cents", BigInteger, nullable=False),
    Column("tax_cents", BigInteger, nullable=False),
    Column("total_cents", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", EnumText(InvoiceStatus, 20), nullable=False),
    Column("issue_date", Date, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("paid_at", UtcDateTime),
    UniqueConstraint("number", name="uq_billing_records_number"),
    CheckConstraint("number LIKE 'CU-____-______'", name="number_format"),
    CheckConstraint(_one_of("account_kind", ACCOUNT_KINDS), name="account_kind"),
    CheckConstraint(_one_of("kind", INVOICE_KINDS), name="kind"),
    CheckConstraint(_one_of("status", INVOICE_STATUSES), name="status"),
    CheckConstraint("length(currency) = 3", name="currency_code"),
    CheckConstraint("amount_cents >= 0", name="amount_not_negative"),
    CheckConstraint("tax_cents >= 0", name="tax_not_negative"),
    CheckConstraint("total_cents = amount_cents + tax_cents", name="total_is_amount_plus_tax"),
    CheckConstraint("due_date >= issue_date", name="due_after_issue"),
    CheckConstraint("period_end > period_start", name="period_order"),
    CheckConstraint("status <> 'paid' OR paid_at IS NOT NULL", name="paid_has_time"),
)
Index("ix_billing_records_subscription_issue",
      billing_records.c.subscription_id, billing_records.c.issue_date)
Index("ix_billing_records_issue_number", billing_records.c.issue_date, billing_records.c.number)
Index("ix_billing_records_status_due", billing_records.c.status, billing_records.c.due_date)

invoice_counters = Table(
    "invoice_counters", metadata,
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("last_number", Integer, nullable=False),
    CheckConstraint("last_number >= 0", name="last_number_not_negative"),
)


# -- the mapping ---------------------------------------------------------------------------
ACCOUNT_KIND: dict[type[Subscription], str] = {
    UserSubscription: "user", InstitutionSubscription: "institution"}


def _yearly_price(package: Any) -> Money | None:
    """The price set (the domain checks its currency), or the one loaded: the row's
    cents in the row's currency."""
    if "_price_yearly" not in package.__dict__:
        cents = package._price_yearly_cents
        package._price_yearly = None if cents is None else Money(cents, package._currency)
    price: Money | None = package._price_yearly
    return price


def _set_yearly_price(package: Any, price: Money | None) -> None:
    package._price_yearly = price
    package._price_yearly_cents = None if price is None else price.cents


def _money(amount: Column[Any], currency: Column[Any]) -> Any:
    return composite(Money, amount, currency)


@mapping
def map_billing() -> None:
    p = packages.c
    mapper_registry.map_imperatively(Package, packages, exclude_properties={
        "created_at", "updated_at"}, properties={
        "_currency": p.currency,
        "_price_monthly_cents": p.price_monthly_cents,
        "_price_yearly_cents": p.price_yearly_cents,
        "_max_users": p.max_users, "_max_devices": p.max_devices,
        "_max_storage_gb": p.max_storage_gb, "_max_patients": p.max_patients,
        "price_monthly": _money(p.price_monthly_cents, p.currency),
        "price_yearly": synonym("_price_yearly_cents",
                                descriptor=property(_yearly_price, _set_yearly_price)),
        "limits": composite(Limits, p.max_users, p.max_devices, p.max_storage_gb,
                            p.max_patients),
    })

    s = subscriptions.c
    # The owner column a table lacks stays a plain attribute (None), restored on load.
    base = mapper_registry.map_imperatively(
        Subscription, subscriptions, with_polymorphic=("*", subscriptions),
        polymorphic_on=s.account_kind, properties={"_account_kind": s.account_kind},
        exclude_properties={"account_id", "institution_id"})
    for cls, table, missing in ((UserSubscription, user_packages, "institution_id"),
                                (InstitutionSubscription, institution_packages, "account_id")):
        mapper_registry.map_imperatively(cls, table, inherits=base, concrete=True,
                                         polymorphic_identity=ACCOUNT_KIND[cls])
        restore_on_load(cls, **{missing: lambda: None})

    b = billing_records.c
    mapper_registry.map_imperatively(Invoice, billing_records, properties={
        "_currency": b.currency, "_amount_cents": b.amount_cents,
        "_tax_cents": b.tax_cents, "_total_cents": b.total_cents,
        "_account_kind": b.account_kind,
        "amount": _money(b.amount_cents, b.currency),
        "tax": _money(b.tax_cents, b.currency),
        "total": _money(b.total_cents, b.currency),
    })

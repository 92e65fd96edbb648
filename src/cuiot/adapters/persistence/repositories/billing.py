"""Packages, subscriptions and invoices on SQL, with the in-memory versions' semantics.

Orderings mirror adapters/memory/billing.py: names compare by code point (PostgreSQL's
"C" collation; SQLite's default), UUIDs by value (both databases order them so), and
invoice numbers, all of one fixed width, as plain strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Integer,
    Table,
    Uuid,
    case,
    cast,
    exists,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from cuiot.adapters.persistence.repositories.base import Mapper, Row, SqlRepository
from cuiot.adapters.persistence.orm.billing import (
    billing_records,
    institution_packages,
    invoice_counters,
    packages,
    user_packages,
)
from cuiot.domain.billing_limits import Limits
from cuiot.domain.invoices import Invoice, InvoiceKind, InvoiceStatus
from cuiot.domain.money import Money
from cuiot.domain.packages import BillingCycle, Package, PackageType, SupportLevel
from cuiot.domain.subscriptions import Subscription, SubscriptionStatus

_LIMITS = ("max_users", "max_devices", "max_storage_gb", "max_patients")


def _package_row(p: Package) -> dict[str, Any]:
    yearly = None if p.price_yearly is None else p.price_yearly.cents
    return {
        "id": p.id, "type": p.type.value, "name": p.name,
        "price_monthly_cents": p.price_monthly.cents, "price_yearly_cents": yearly,
        "currency": p.price_monthly.currency, "features": list(p.features),
        **{name: getattr(p.limits, name) for name in _LIMITS},
        "support_level": p.support_level.value, "is_active": p.is_active,
    }


def _package_from(row: Row, _children: Mapping[str, list[Row]]) -> Package:
    currency, yearly = row["currency"], row["price_yearly_cents"]
    return Package(
        id=row["id"], type=PackageType(row["type"]), name=row["name"],
        price_monthly=Money(row["price_monthly_cents"], currency),
        price_yearly=None if yearly is None else Money(yearly, currency),
        limits=Limits(*(row[name] for name in _LIMITS)),
        support_level=SupportLevel(row["support_level"]), features=list(row["features"]),
        is_active=row["is_active"],
    )


class SqlAlchemyPackageRepository(SqlRepository[Package]):
    mapper = Mapper(packages, _package_row, _package_from)
    entity = "package"

    async def list_all(self, active_only: bool = True) -> list[Package]:
        t = packages.c
        stmt = self._select().where(t.is_active.is_(True)) if active_only else self._select()
        name = t.name.collate("C") if self.conn.dialect.name == "postgresql" else t.name
        return await self._load(stmt.order_by(t.price_monthly_cents, name, t.id))


# -- subscriptions: two tables, read through one UNION ALL ---------------------------
_SUBSCRIPTION_FIELDS = [f.name for f in fields(Subscription)]


def _branch(table: Table) -> Any:
    def column(name: str) -> Any:
        return table.c[name] if name in table.c else cast(null(), Uuid).label(name)
    return select(*(column(name) for name in _SUBSCRIPTION_FIELDS))


subscriptions = union_all(_branch(user_packages), _branch(institution_packages)).subquery(
    "subscriptions")


def _table_of(s: Subscription) -> Table:
    return user_packages if s.institution_id is None else institution_packages


def _subscription_row(s: Subscription) -> dict[str, Any]:
    row = {name: getattr(s, name) for name in _SUBSCRIPTION_FIELDS}
    row.update(billing_cycle=s.billing_cycle.value, status=s.status.value)
    return {k: v for k, v in row.items() if k in _table_of(s).c}


def _subscription_from(row: Row, _children: Mapping[str, list[Row]]) -> Subscription:
    values = {name: row[name] for name in _SUBSCRIPTION_FIELDS}
    values.update(billing_cycle=BillingCycle(row["billing_cycle"]),
                  status=SubscriptionStatus(row["status"]))
    return Subscription(**values)


class SqlAlchemySubscriptionRepository(SqlRepository[Subscription]):
    """Reads go through the union of both tables; writes to the subscription's own."""

    mapper = Mapper(subscriptions, _subscription_row, _subscription_from)  # type: ignore[arg-type]
    entity = "subscription"

    async def _insert(self, entity: Subscription) -> None:
        await self._execute(insert(_table_of(entity)).values(**_subscription_row(entity)))

    async def _update(self, entity: Subscription) -> None:
        table, values = _table_of(entity), _subscription_row(entity)
        values.pop("id")
        await self._execute(update(table).where(table.c.id == entity.id).values(**values))

    async def list_for_account(self, account_id: UUID) -> list[Subscription]:
        return await self._oldest_first(subscriptions.c.account_id == account_id)

    async def list_for_user(self, user_id: UUID) -> list[Subscription]:
        s = subscriptions.c
        return await self._oldest_first(or_(s.subscriber_id == user_id, s.account_id == user_id))

    async def list_for_institution(self, institution_id: UUID) -> list[Subscription]:
        return await self._oldest_first(subscriptions.c.institution_id == institution_id)

    async def list_period_ended(self, on_date: date, limit: int = 100) -> list[Subscription]:
        s = subscriptions.c
        return await self._load(self._select().where(
            s.status != SubscriptionStatus.EXPIRED.value, s.current_period_end <= on_date,
        ).order_by(s.id).limit(limit))

    async def list_in_force(self, offset: int = 0, limit: int = 100) -> list[Subscription]:
        s = subscriptions.c
        return await self._load(self._select().where(
            s.status != SubscriptionStatus.EXPIRED.value).order_by(s.id).offset(offset).limit(limit))

    async def _oldest_first(self, condition: Any) -> list[Subscription]:
        s = subscriptions.c
        return await self._load(self._select().where(condition).order_by(s.created_at, s.id))


# -- invoices ---------------------------------------------------------------------------
def _invoice_row(i: Invoice) -> dict[str, Any]:
    return {
        "id": i.id, "number": i.number, "subscription_id": i.subscription_id,
        "kind": i.kind.value, "amount_cents": i.amount.cents, "tax_cents": i.tax.cents,
        "total_cents": i.total.cents, "currency": i.amount.currency, "status": i.status.value,
        "issue_date": i.issue_date, "due_date": i.due_date, "period_start": i.period_start,
        "period_end": i.period_end, "created_at": i.created_at, "paid_at": i.paid_at,
    }


def _invoice_from(row: Row, _children: Mapping[str, list[Row]]) -> Invoice:
    currency = row["currency"]
    return Invoice(
        id=row["id"], number=row["number"], subscription_id=row["subscription_id"],
        kind=InvoiceKind(row["kind"]), amount=Money(row["amount_cents"], currency),
        tax=Money(row["tax_cents"], currency), total=Money(row["total_cents"], currency),
        issue_date=row["issue_date"], due_date=row["due_date"],
        period_start=row["period_start"], period_end=row["period_end"],
        created_at=row["created_at"], status=InvoiceStatus(row["status"]),
        paid_at=row["paid_at"],
    )


def _account_kind(subscription_id: UUID) -> Any:
    """Which table holds the subscription; NULL (refused) when neither does."""
    return case(
        (exists().where(institution_packages.c.id == subscription_id), "institution"),
        (exists().where(user_packages.c.id == subscription_id), "user"),
    )


class SqlAlchemyInvoiceRepository(SqlRepository[Invoice]):
    mapper = Mapper(billing_records, _invoice_row, _invoice_from)
    entity = "invoice"

    async def _insert(self, entity: Invoice) -> None:
        kind = _account_kind(entity.subscription_id)
        await self._execute(insert(billing_records).values(**_invoice_row(entity),
                                                           account_kind=kind))

    async def next_number(self, year: int) -> int:
        """Bump the year's counter; its row stays locked until the caller's transaction
        ends, so concurrent billing waits and a rollback gives the number back. A new
        year's counter starts from the invoices already stored for that year."""
        dialect_insert = postgresql.insert if self.conn.dialect.name == "postgresql" else (
            sqlite.insert)
        prefix = f"CU-{year}-"
        sequence = cast(func.substr(billing_records.c.number, len(prefix) + 1), Integer)
        stored = select(literal(year, Integer), func.coalesce(func.max(sequence), 0)).where(
            billing_records.c.number.like(f"{prefix}%"))
        await self.conn.execute(dialect_insert(invoice_counters).from_select(
            ["year", "last_number"], stored).on_conflict_do_nothing(index_elements=["year"]))
        c = invoice_counters.c
        bumped = (update(invoice_counters).where(c.year == year)
                  .values(last_number=c.last_number + 1).returning(c.last_number))
        return (await self.conn.execute(bumped)).scalar_one()

    async def list_all(self, offset: int = 0, limit: int = 100) -> list[Invoice]:
        return await self._newest_first(self._select(), offset, limit)

    async def list_for_subscriptions(
        self, subscription_ids: Iterable[UUID], offset: int = 0, limit: int = 100
    ) -> list[Invoice]:
        wanted = sorted(set(subscription_ids))
        if not wanted:
            return []
        stmt = self._select().where(billing_records.c.subscription_id.in_(wanted))
        return await self._newest_first(stmt, offset, limit)

    async def list_pending_due_before(self, day: date, limit: int = 100) -> list[Invoice]:
        t = billing_records.c
        return await self._load(self._select().where(
            t.status == InvoiceStatus.PENDING.value, t.due_date < day).order_by(t.id).limit(limit))

    async def list_overdue_due_on_or_before(
        self, day: date, offset: int = 0, limit: int = 100
    ) -> list[Invoice]:
        t = billing_records.c
        return await self._load(self._select().where(
            t.status == InvoiceStatus.OVERDUE.value, t.due_date <= day,
        ).order_by(t.id).offset(offset).limit(limit))

    async def count_overdue_for_subscription(self, subscription_id: UUID) -> int:
        await self.flush()
        t = billing_records.c
        stmt = select(func.count()).select_from(billing_records).where(
            t.subscription_id == subscription_id, t.status == InvoiceStatus.OVERDUE.value)
        return (await self.conn.execute(stmt)).scalar_one()

    async def _newest_first(self, stmt: Any, offset: int, limit: int) -> list[Invoice]:
        t = billing_records.c
        return await self._load(stmt.order_by(t.issue_date.desc(), t.number.desc())
                                .offset(offset).limit(limit))

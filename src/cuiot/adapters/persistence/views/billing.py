"""Views of billing: the package catalogue, one's subscriptions and invoices. Each page
or detail is one statement; who owns a subscription is part of it:

- the user who pays for it (``subscriber_id``) or holds its account (``account_id``);
- the admin of the institution that subscribed (``institutions.admin_id``).

Admins see every invoice; their role does not widen the list of subscriptions. Names
compare by code point (PostgreSQL's "C" collation; SQLite's default), UUIDs by value
and invoice numbers, all of one width, as plain strings."""

from __future__ import annotations

from dataclasses import fields
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Select,
    Table,
    Uuid,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from cuiot.adapters.persistence.orm.billing import (
    billing_records,
    institution_packages,
    packages,
    user_packages,
)
from cuiot.adapters.persistence.orm.care import institutions
from cuiot.application.billing.ports import InvoiceView, PackageView, SubscriptionView
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.money import Money
from cuiot.domain.packages import MONTHS_PER_YEAR


def _paged(stmt: Select[Any], window: Window | None) -> Select[Any]:
    """A window reads ``limit + 1`` rows (is there a next page?); ``None`` reads all."""
    return stmt if window is None else stmt.offset(window.offset).limit(window.limit + 1)


def _owned_subscriptions(user_id: UUID) -> Select[Any]:
    """The ids of the subscriptions ``user_id`` owns, from either table (indexed)."""
    u, i = user_packages.c, institution_packages.c
    administered = select(institutions.c.id).where(institutions.c.admin_id == user_id)
    return union_all(
        select(u.id).where(or_(u.subscriber_id == user_id, u.account_id == user_id)),
        select(i.id).where(or_(i.subscriber_id == user_id, i.institution_id.in_(administered))),
    )  # type: ignore[return-value]


# -- packages ------------------------------------------------------------------------------
def _package_columns() -> list[Any]:
    p = packages.c
    yearly = func.coalesce(p.price_yearly_cents, p.price_monthly_cents * MONTHS_PER_YEAR)
    return [p.id, p.type, p.name, p.price_monthly_cents, yearly.label("price_yearly_cents"),
            p.currency, p.max_users, p.max_devices, p.max_storage_gb, p.max_patients,
            p.support_level, p.features, p.is_active]


def _package(row: Any) -> PackageView:
    return PackageView(
        id=row.id, type=row.type, name=row.name,
        price_monthly=Money(row.price_monthly_cents, row.currency),
        price_yearly=Money(row.price_yearly_cents, row.currency),
        max_users=row.max_users, max_devices=row.max_devices,
        max_storage_gb=row.max_storage_gb, max_patients=row.max_patients,
        support_level=row.support_level, features=tuple(row.features),
        is_active=row.is_active)


class SqlPackageViews:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def page(self, include_inactive: bool, window: Window | None) -> list[PackageView]:
        p = packages.c
        name = p.name.collate("C") if self.conn.dialect.name == "postgresql" else p.name
        stmt = select(*_package_columns()).order_by(p.price_monthly_cents, name, p.id)
        if not include_inactive:
            stmt = stmt.where(p.is_active)
        return [_package(row) for row in await self.conn.execute(_paged(stmt, window))]

    async def one(self, package_id: UUID, include_inactive: bool) -> PackageView | None:
        p = packages.c
        stmt = select(*_package_columns()).where(p.id == package_id)
        if not include_inactive:
            stmt = stmt.where(p.is_active)
        row = (await self.conn.execute(stmt)).one_or_none()
        return None if row is None else _package(row)


# -- subscriptions -------------------------------------------------------------------------
_SUBSCRIPTION = [f.name for f in fields(SubscriptionView)]


def _subscription_columns(table: Table) -> list[Any]:
    """The read model's columns; the owner column the table lacks is NULL."""
    return [table.c[name] if name in table.c else cast(null(), Uuid).label(name)
            for name in _SUBSCRIPTION]


class SqlSubscriptionViews:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def page(self, viewer: Viewer, window: Window | None) -> list[SubscriptionView]:
        """Each table filtered by its own indexes, then one order: the viewer's own
        first (rank 0), then by administered institution."""
        user = viewer.user_id
        u, i, inst = user_packages.c, institution_packages.c, institutions.c
        no_institution = (cast(null(), inst.created_at.type).label("institution_created"),
                          cast(null(), Uuid).label("institution"))
        accounts = select(*_subscription_columns(user_packages), literal(0).label("rank"),
                          *no_institution).where(or_(u.subscriber_id == user,
                                                     u.account_id == user))
        pays = i.subscriber_id == user
        administered = select(inst.id).where(inst.admin_id == user)
        institutional = select(
            *_subscription_columns(institution_packages), case((pays, 0), else_=1),
            case((pays, null()), else_=inst.created_at), case((pays, null()), else_=inst.id),
        ).select_from(institution_packages.outerjoin(institutions,
                                                     inst.id == i.institution_id)).where(
            or_(pays, i.institution_id.in_(administered)))
        mine = union_all(accounts, institutional).subquery("mine")
        stmt = select(*(mine.c[name] for name in _SUBSCRIPTION)).order_by(
            mine.c.rank, mine.c.institution_created, mine.c.institution, mine.c.created_at,
            mine.c.id)
        rows = await self.conn.execute(_paged(stmt, window))
        return [SubscriptionView(**row._mapping) for row in rows]


# -- invoices ------------------------------------------------------------------------------
def _invoice(row: Any) -> InvoiceView:
    currency = row.currency
    return InvoiceView(
        id=row.id, number=row.number, subscription_id=row.subscription_id, kind=row.kind,
        status=row.status, amount=Money(row.amount_cents, currency),
        tax=Money(row.tax_cents, currency), total=Money(row.total_cents, currency),
        issue_date=row.issue_date, due_date=row.due_date, period_start=row.period_start,
        period_end=row.period_end, created_at=row.created_at, paid_at=row.paid_at)


def _invoices_of(viewer: Viewer) -> Select[Any]:
    stmt = select(billing_records)
    if viewer.is_admin:
        return stmt
    return stmt.where(billing_records.c.subscription_id.in_(
        _owned_subscriptions(viewer.user_id)))


class SqlInvoiceViews:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def page(self, viewer: Viewer, window: Window) -> list[InvoiceView]:
        t = billing_records.c
        stmt = _invoices_of(viewer).order_by(t.issue_date.desc(), t.number.desc())
        return [_invoice(row) for row in await self.conn.execute(_paged(stmt, window))]

    async def one(self, invoice_id: UUID, viewer: Viewer) -> InvoiceView | None:
        stmt = _invoices_of(viewer).where(billing_records.c.id == invoice_id)
        row = (await self.conn.execute(stmt)).one_or_none()
        return None if row is None else _invoice(row)

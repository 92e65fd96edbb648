"""Packages, subscriptions and invoices for the commands, on the session (the mapping is
in ``orm/billing.py``; the reads of the API are in ``views/billing.py``).

Finders that return a batch order by id, so a run that works through them in batches
sees each row once. ``lock_usage`` makes checking a package limit and writing what it
allowed one step per account (the row locks of ``repositories/alerts.py``, for budgets)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Integer, case, cast, exists, func, literal, select, update

from cuiot.adapters.persistence.orm.billing import (
    ACCOUNT_KIND,
    billing_records,
    institution_packages,
    invoice_counters,
    packages,
    subscriptions,
    user_packages,
)
from cuiot.adapters.persistence.orm.care import institutions
from cuiot.adapters.persistence.orm.identity import users
from cuiot.adapters.persistence.repositories.session import (
    SessionRepository,
    dialect_of,
    insert_of,
)
from cuiot.domain.care import CaredPerson, Institution
from cuiot.domain.invoices import Invoice, InvoiceStatus
from cuiot.domain.packages import Package
from cuiot.domain.subscriptions import Subscription, SubscriptionStatus


class SqlAlchemyPackageRepository(SessionRepository[Package]):
    entity_class = Package
    entity = "package"

    async def list_all(self) -> list[Package]:
        """Every package, offered or not (the seed looks for the types it lacks)."""
        return list((await self.session.scalars(
            select(Package).order_by(packages.c.id))).all())


class SqlAlchemySubscriptionRepository(SessionRepository[Subscription]):
    """Reads go through the union of both tables; the session writes each subscription
    to its own."""

    entity_class = Subscription
    entity = "subscription"

    async def list_for_account(self, account_id: UUID) -> list[Subscription]:
        return await self._find(subscriptions.c.account_id == account_id, oldest_first=True)

    async def list_for_institution(self, institution_id: UUID) -> list[Subscription]:
        return await self._find(subscriptions.c.institution_id == institution_id,
                                oldest_first=True)

    async def list_period_ended(self, on_date: date, limit: int = 100) -> list[Subscription]:
        s = subscriptions.c
        return await self._find(s.status != SubscriptionStatus.EXPIRED,
                                s.current_period_end <= on_date, limit=limit)

    async def list_in_force(self, offset: int = 0, limit: int = 100) -> list[Subscription]:
        return await self._find(subscriptions.c.status != SubscriptionStatus.EXPIRED,
                                offset=offset, limit=limit)

    async def lock_usage(self, *, account_id: UUID | None = None,
                         institution_id: UUID | None = None) -> None:
        """PostgreSQL: lock the account's user row (or the institution's row) FOR NO KEY
        UPDATE, which serialises the limit checks of one account yet lets rows that
        refer to it be written meanwhile. Taken on the connection, before this unit of
        work flushes its own changes, so the account is always locked before the rows
        written after it. Then what was loaded of the account before the lock is read
        again. SQLite needs neither: it lets one writer in at a time (BEGIN IMMEDIATE)."""
        if dialect_of(self.session).name != "postgresql":
            return
        table, key = (users, account_id) if account_id is not None else (
            institutions, institution_id)
        connection = await self.session.connection()
        await connection.execute(select(table.c.id).where(table.c.id == key)
                                 .with_for_update(key_share=True))
        await self._reload(account_id, institution_id)

    async def _reload(self, account_id: UUID | None, institution_id: UUID | None) -> None:
        """Refresh the account's cared persons and institution this unit of work loaded
        before the lock: another one may have given someone access since."""
        await self.session.flush()  # a refresh would drop changes not written yet
        held = [entity for entity in self.session.identity_map.values()
                if _of_account(entity, account_id, institution_id)]
        for entity in held:
            await self.session.refresh(entity)

    async def _find(self, *conditions: Any, oldest_first: bool = False, offset: int = 0,
                    limit: int | None = None) -> list[Subscription]:
        s = subscriptions.c
        order = (s.created_at, s.id) if oldest_first else (s.id,)
        stmt = select(Subscription).where(*conditions).order_by(*order)
        return list((await self.session.scalars(stmt.offset(offset).limit(limit))).all())


def _of_account(entity: object, account_id: UUID | None, institution_id: UUID | None) -> bool:
    """Whether ``entity`` is counted in the usage of the account or the institution."""
    if isinstance(entity, CaredPerson):
        return entity.account_id == account_id if account_id is not None else (
            entity.institution_id == institution_id)
    return isinstance(entity, Institution) and entity.id == institution_id


def _account_kind_stored(subscription_id: UUID) -> Any:
    """Which table holds the subscription, asked of the database; NULL (refused) when
    neither does."""
    return case(
        (exists().where(institution_packages.c.id == subscription_id), "institution"),
        (exists().where(user_packages.c.id == subscription_id), "user"),
    )


class SqlAlchemyInvoiceRepository(SessionRepository[Invoice]):
    entity_class = Invoice
    entity = "invoice"

    async def add(self, invoice: Invoice) -> None:
        await super().add(invoice)
        invoice._account_kind = self._account_kind(invoice)  # type: ignore[attr-defined]

    def _account_kind(self, invoice: Invoice) -> Any:
        """The table of the invoice's subscription: known when this unit of work holds
        the subscription (perhaps not written yet), else read as the row is inserted."""
        wanted = invoice.subscription_id
        held = self.session.identity_map.get(self.session.identity_key(Subscription, wanted))
        held = held or next((s for s in self.session.new
                             if isinstance(s, Subscription) and s.id == wanted), None)
        return _account_kind_stored(wanted) if held is None else ACCOUNT_KIND[type(held)]

    async def next_number(self, year: int) -> int:
        """Bump the year's counter; its row stays locked until the caller's transaction
        ends, so concurrent billing waits and a rollback gives the number back. A new
        year's counter starts from the invoices already stored for that year."""
        conn = await self.session.connection()
        prefix = f"CU-{year}-"
        sequence = cast(func.substr(billing_records.c.number, len(prefix) + 1), Integer)
        stored = select(literal(year, Integer), func.coalesce(func.max(sequence), 0)).where(
            billing_records.c.number.like(f"{prefix}%"))
        await conn.execute(insert_of(conn.dialect, invoice_counters).from_select(
            ["year", "last_number"], stored).on_conflict_do_nothing(index_elements=["year"]))
        c = invoice_counters.c
        bumped = (update(invoice_counters).where(c.year == year)
                  .values(last_number=c.last_number + 1).returning(c.last_number))
        return int((await conn.execute(bumped)).scalar_one())

    async def list_pending_due_before(self, day: date, limit: int = 100) -> list[Invoice]:
        t = billing_records.c
        return await self._find(t.status == InvoiceStatus.PENDING, t.due_date < day,
                                limit=limit)

    async def list_overdue_due_on_or_before(
        self, day: date, offset: int = 0, limit: int = 100
    ) -> list[Invoice]:
        t = billing_records.c
        return await self._find(t.status == InvoiceStatus.OVERDUE, t.due_date <= day,
                                offset=offset, limit=limit)

    async def count_overdue_for_subscription(self, subscription_id: UUID) -> int:
        t = billing_records.c
        # FROM the mapped class, so the session flushes what this unit of work changed.
        stmt = select(func.count()).select_from(Invoice).where(
            t.subscription_id == subscription_id, t.status == InvoiceStatus.OVERDUE)
        return int((await self.session.scalar(stmt)) or 0)

    async def _find(self, *conditions: Any, offset: int = 0, limit: int) -> list[Invoice]:
        stmt = select(Invoice).where(*conditions).order_by(billing_records.c.id)
        return list((await self.session.scalars(stmt.offset(offset).limit(limit))).all())

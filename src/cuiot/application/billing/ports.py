"""Repository ports of packages, subscriptions and invoices."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol
from uuid import UUID

from cuiot.domain.invoices import Invoice
from cuiot.domain.packages import Package
from cuiot.domain.subscriptions import Subscription


class PackageRepository(Protocol):
    async def get(self, package_id: UUID) -> Package | None: ...

    async def add(self, package: Package) -> None: ...

    async def list_all(self, active_only: bool = True) -> list[Package]:
        """The catalogue, cheapest monthly price first; inactive ones only when asked."""
        ...


class SubscriptionRepository(Protocol):
    async def get(self, subscription_id: UUID) -> Subscription | None: ...

    async def add(self, subscription: Subscription) -> None: ...

    async def list_for_account(self, account_id: UUID) -> list[Subscription]:
        """Every subscription of this user's account, oldest first."""
        ...

    async def list_for_user(self, user_id: UUID) -> list[Subscription]:
        """Subscriptions this user pays for or whose account they hold, oldest first."""
        ...

    async def list_for_institution(self, institution_id: UUID) -> list[Subscription]:
        """Every subscription of this institution, oldest first."""
        ...

    async def list_period_ended(self, on_date: date, limit: int = 100) -> list[Subscription]:
        """Not expired, current period ended on or before ``on_date`` (to renew or expire)."""
        ...

    async def list_in_force(self, offset: int = 0, limit: int = 100) -> list[Subscription]:
        """Subscriptions not expired, by id (for the over-limit check of a billing run)."""
        ...


class InvoiceRepository(Protocol):
    async def get(self, invoice_id: UUID) -> Invoice | None: ...

    async def add(self, invoice: Invoice) -> None: ...

    async def next_number(self, year: int) -> int:
        """The next sequence number of ``year``: gap-free, taken under a lock in SQL."""
        ...

    async def list_all(self, offset: int = 0, limit: int = 100) -> list[Invoice]:
        """Every invoice, newest issue date first (admins)."""
        ...

    async def list_for_subscriptions(
        self, subscription_ids: Iterable[UUID], offset: int = 0, limit: int = 100
    ) -> list[Invoice]:
        """Invoices of these subscriptions, newest issue date first."""
        ...

    async def list_pending_due_before(self, day: date, limit: int = 100) -> list[Invoice]:
        """Pending invoices whose due date is before ``day`` (to mark overdue)."""
        ...

    async def list_overdue_due_on_or_before(
        self, day: date, offset: int = 0, limit: int = 100
    ) -> list[Invoice]:
        """Overdue invoices whose due date is on or before ``day``, by id."""
        ...

    async def count_overdue_for_subscription(self, subscription_id: UUID) -> int:
        """How many invoices of this subscription are overdue."""
        ...

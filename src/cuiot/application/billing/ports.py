"""Ports of packages, subscriptions and invoices: the repositories the commands use, and
the views the queries read (with their read models)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.invoices import Invoice
from cuiot.domain.money import Money
from cuiot.domain.packages import Package
from cuiot.domain.subscriptions import Subscription


class PackageRepository(Protocol):
    async def get(self, package_id: UUID) -> Package | None: ...

    async def add(self, package: Package) -> None: ...

    async def list_all(self) -> list[Package]:
        """Every package, offered or not."""
        ...


class SubscriptionRepository(Protocol):
    async def get(self, subscription_id: UUID) -> Subscription | None: ...

    async def add(self, subscription: Subscription) -> None: ...

    async def list_for_account(self, account_id: UUID) -> list[Subscription]:
        """Every subscription of this user's account, oldest first."""
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

    async def lock_usage(self, *, account_id: UUID | None = None,
                         institution_id: UUID | None = None) -> None:
        """Hold the usage of a user's account (or of an institution) still until this
        unit of work ends: another unit of work checking its limits waits here until
        this one commits or rolls back, and what this one reads of the account from now
        on is as committed (so a limit is checked and written as one step)."""
        ...


class InvoiceRepository(Protocol):
    async def get(self, invoice_id: UUID) -> Invoice | None: ...

    async def add(self, invoice: Invoice) -> None: ...

    async def next_number(self, year: int) -> int:
        """The next sequence number of ``year``: gap-free, taken under a lock in SQL."""
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


# -- the read side ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PackageView:
    id: UUID
    type: str
    name: str
    price_monthly: Money
    price_yearly: Money  # 12 × monthly when the package sets none
    max_users: int | None
    max_devices: int | None
    max_storage_gb: int | None
    max_patients: int | None
    support_level: str
    features: tuple[str, ...]
    is_active: bool


@dataclass(frozen=True, slots=True)
class SubscriptionView:
    id: UUID
    package_id: UUID
    scheduled_package_id: UUID | None
    billing_cycle: str
    status: str
    subscriber_id: UUID
    account_id: UUID | None
    institution_id: UUID | None
    cared_person_id: UUID | None
    start_date: date
    current_period_start: date
    current_period_end: date
    end_date: date | None
    auto_renew: bool
    payment_method: str | None
    cancelled_at: datetime | None
    suspended_on: date | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class InvoiceView:
    id: UUID
    number: str
    subscription_id: UUID
    kind: str
    status: str
    amount: Money
    tax: Money
    total: Money
    issue_date: date
    due_date: date
    period_start: date
    period_end: date
    created_at: datetime
    paid_at: datetime | None


class PackageViews(Protocol):
    async def page(self, include_inactive: bool, window: Window | None) -> list[PackageView]:
        """The catalogue, cheapest monthly price first, then by name (code point) and id;
        the active packages only unless asked. ``None``: the whole catalogue."""
        ...

    async def one(self, package_id: UUID, include_inactive: bool) -> PackageView | None: ...


class SubscriptionViews(Protocol):
    async def page(self, viewer: Viewer, window: Window | None) -> list[SubscriptionView]:
        """The viewer's subscriptions (they pay for them or hold the account), oldest
        first, then those of each institution they administer (institutions oldest
        first, their subscriptions oldest first). ``None``: all of them."""
        ...


class InvoiceViews(Protocol):
    async def page(self, viewer: Viewer, window: Window) -> list[InvoiceView]:
        """Invoices of the viewer's subscriptions (every one for an admin), newest issue
        date first, then by number, newest first."""
        ...

    async def one(self, invoice_id: UUID, viewer: Viewer) -> InvoiceView | None:
        """The invoice, if it is of one of the viewer's subscriptions (any, for an admin)."""
        ...

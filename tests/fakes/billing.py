from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from cuiot.application.billing.ports import InvoiceView
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.invoices import Invoice, InvoiceStatus
from cuiot.domain.packages import Package
from cuiot.domain.subscriptions import Subscription
from tests.fakes.base import InMemoryRepository


class InMemoryPackageRepository(InMemoryRepository[Package]):
    entity = "package"

    async def list_all(self) -> list[Package]:
        return sorted(self._where(lambda _: True), key=lambda p: p.id)


class InMemorySubscriptionRepository(InMemoryRepository[Subscription]):
    """One unit of work runs at a time here, so ``lock_usage`` only records what was
    locked, in order: ``(account_id, institution_id)``."""

    entity = "subscription"

    def __init__(self) -> None:
        super().__init__()
        self.usage_locks: list[tuple[UUID | None, UUID | None]] = []

    async def lock_usage(self, *, account_id: UUID | None = None,
                         institution_id: UUID | None = None) -> None:
        self.usage_locks.append((account_id, institution_id))

    async def list_for_account(self, account_id: UUID) -> list[Subscription]:
        return self._oldest_first(self._where(lambda s: s.account_id == account_id))

    async def list_for_institution(self, institution_id: UUID) -> list[Subscription]:
        return self._oldest_first(self._where(lambda s: s.institution_id == institution_id))

    async def list_period_ended(self, on_date: date, limit: int = 100) -> list[Subscription]:
        found = self._where(lambda s: s.is_in_force and s.current_period_end <= on_date)
        return sorted(found, key=lambda s: s.id)[:limit]

    async def list_in_force(self, offset: int = 0, limit: int = 100) -> list[Subscription]:
        found = sorted(self._where(lambda s: s.is_in_force), key=lambda s: s.id)
        return found[offset: offset + limit]

    @staticmethod
    def _oldest_first(found: list[Subscription]) -> list[Subscription]:
        return sorted(found, key=lambda s: (s.created_at, s.id))


class InMemoryInvoiceRepository(InMemoryRepository[Invoice]):
    entity = "invoice"

    async def next_number(self, year: int) -> int:
        # Derived from the stored invoices, so a rolled-back unit of work leaves no gap.
        prefix = f"CU-{year}-"
        taken = [int(i.number[len(prefix):]) for i in self.items.values()
                 if i.number.startswith(prefix)]
        return max(taken, default=0) + 1

    async def list_pending_due_before(self, day: date, limit: int = 100) -> list[Invoice]:
        found = self._where(lambda i: i.status is InvoiceStatus.PENDING and i.due_date < day)
        return sorted(found, key=lambda i: i.id)[:limit]

    async def list_overdue_due_on_or_before(
        self, day: date, offset: int = 0, limit: int = 100
    ) -> list[Invoice]:
        found = self._where(lambda i: i.status is InvoiceStatus.OVERDUE and i.due_date <= day)
        return sorted(found, key=lambda i: i.id)[offset: offset + limit]

    async def count_overdue_for_subscription(self, subscription_id: UUID) -> int:
        return len(self._where(lambda i: i.subscription_id == subscription_id
                               and i.status is InvoiceStatus.OVERDUE))


def invoice_view(i: Invoice) -> InvoiceView:
    return InvoiceView(
        id=i.id, number=i.number, subscription_id=i.subscription_id, kind=i.kind.value,
        status=i.status.value, amount=i.amount, tax=i.tax, total=i.total,
        issue_date=i.issue_date, due_date=i.due_date, period_start=i.period_start,
        period_end=i.period_end, created_at=i.created_at, paid_at=i.paid_at)


class InMemoryInvoiceViews:
    """``InvoiceViews`` over the in-memory store, for the features: the ownership rule of
    ``views/billing.py`` (whose SQL the integration tests check) on the store's objects."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def _owned(self, viewer: Viewer, invoice: Invoice) -> bool:
        subscription = self.store.subscriptions.items.get(invoice.subscription_id)
        if viewer.is_admin:
            return True
        if subscription is None:
            return False
        if viewer.user_id in (subscription.subscriber_id, subscription.account_id):
            return True
        institution = self.store.institutions.items.get(subscription.institution_id)
        return institution is not None and institution.admin_id == viewer.user_id

    async def page(self, viewer: Viewer, window: Window) -> list[InvoiceView]:
        found = sorted((i for i in self.store.invoices.all() if self._owned(viewer, i)),
                       key=lambda i: (i.issue_date, i.number), reverse=True)
        return [invoice_view(i) for i in found[window.offset:window.offset + window.limit + 1]]

    async def one(self, invoice_id: UUID, viewer: Viewer) -> InvoiceView | None:
        invoice = self.store.invoices.items.get(invoice_id)
        return None if invoice is None or not self._owned(viewer, invoice) else (
            invoice_view(invoice))

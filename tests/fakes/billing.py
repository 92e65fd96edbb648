from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from uuid import UUID

from tests.fakes.base import InMemoryRepository
from cuiot.domain.invoices import Invoice, InvoiceStatus
from cuiot.domain.packages import Package
from cuiot.domain.subscriptions import Subscription


class InMemoryPackageRepository(InMemoryRepository[Package]):
    entity = "package"

    async def list_all(self, active_only: bool = True) -> list[Package]:
        found = self._where(lambda p: p.is_active or not active_only)
        return sorted(found, key=lambda p: (p.price_monthly.cents, p.name))


class InMemorySubscriptionRepository(InMemoryRepository[Subscription]):
    entity = "subscription"

    async def list_for_account(self, account_id: UUID) -> list[Subscription]:
        return self._oldest_first(self._where(lambda s: s.account_id == account_id))

    async def list_for_user(self, user_id: UUID) -> list[Subscription]:
        return self._oldest_first(
            self._where(lambda s: user_id in (s.subscriber_id, s.account_id)))

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

    async def list_all(self, offset: int = 0, limit: int = 100) -> list[Invoice]:
        return self._newest_first(self._where(lambda _: True))[offset: offset + limit]

    async def list_for_subscriptions(
        self, subscription_ids: Iterable[UUID], offset: int = 0, limit: int = 100
    ) -> list[Invoice]:
        wanted = set(subscription_ids)
        found = self._where(lambda i: i.subscription_id in wanted)
        return self._newest_first(found)[offset: offset + limit]

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

    @staticmethod
    def _newest_first(found: list[Invoice]) -> list[Invoice]:
        return sorted(found, key=lambda i: (i.issue_date, i.number), reverse=True)

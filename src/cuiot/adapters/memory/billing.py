from __future__ import annotations

from cuiot.adapters.memory.base import InMemoryRepository


class InMemoryPackageRepository(InMemoryRepository):
    entity = "package"


class InMemorySubscriptionRepository(InMemoryRepository):
    entity = "subscription"


class InMemoryInvoiceRepository(InMemoryRepository):
    entity = "invoice"

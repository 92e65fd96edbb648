"""``CoverageRepository`` over the in-memory store: the kept states are its own items
(rolled back with the rest), the rest is read from the store's other repositories."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from cuiot.domain.coverage import CoverageRecord, Deliveries
from cuiot.domain.devices import Device
from cuiot.domain.notifications import Channel, DeliveryStatus, Notification
from tests.fakes.base import InMemoryRepository

if TYPE_CHECKING:
    from tests.fakes.uow import InMemoryStore


class InMemoryCoverageRepository(InMemoryRepository[CoverageRecord]):
    entity = "coverage state"

    def __init__(self, store: InMemoryStore) -> None:
        super().__init__()
        self.store = store

    def key(self, item: CoverageRecord) -> UUID:
        return item.cared_person_id

    async def person_ids_after(self, after: UUID | None, limit: int) -> list[UUID]:
        ids = sorted(self.store.cared_persons.items)
        return [i for i in ids if after is None or i > after][:limit]

    async def hold(self, cared_person_ids: Collection[UUID],
                   at: datetime) -> dict[UUID, CoverageRecord]:
        for person in cared_person_ids:
            if person not in self.items:
                await self.add(CoverageRecord.first(person, at))
        return await self.get_many(cared_person_ids)

    async def active_devices(self, cared_person_ids: Collection[UUID]
                             ) -> dict[UUID, list[Device]]:
        found: dict[UUID, list[Device]] = defaultdict(list)
        for device in sorted(self.store.devices.items.values(),
                             key=lambda d: (d.created_at, d.id)):
            if device.is_active and device.cared_person_id in cared_person_ids:
                found[device.cared_person_id].append(device)
        return dict(found)

    async def deliveries(self, cared_person_ids: Collection[UUID],
                         since: datetime) -> dict[UUID, Deliveries]:
        alerts = self.store.alerts.items
        counts: dict[UUID, list[int]] = defaultdict(lambda: [0, 0])
        for row in self.store.notifications.items.values():
            alert = alerts.get(row.alert_id)
            if alert is None or alert.cared_person_id not in cared_person_ids:
                continue
            if row.created_at >= since and (done := _done(row)) is not None:
                counts[alert.cared_person_id][done] += 1
        return {person: Deliveries(*pair) for person, pair in counts.items()}


def _done(row: Notification) -> int | None:
    """0: delivered, 1: undelivered, None: still being tried."""
    if row.status is DeliveryStatus.FAILED:
        return 1
    if row.status is DeliveryStatus.SENT:
        return 1 if row.channel is Channel.LOG else 0
    return None

from __future__ import annotations

from typing import Iterable
from uuid import UUID

from cuiot.adapters.memory.base import InMemoryRepository


class InMemoryDeviceRepository(InMemoryRepository):
    entity = "device"

    async def count_active_for_cared_persons(self, cared_person_ids: Iterable[UUID]) -> int:
        wanted = set(cared_person_ids)
        return len([d for d in self.items.values() if d.is_active and d.cared_person_id in wanted])


class InMemorySensorEventRepository(InMemoryRepository):
    entity = "event"

    async def stored_bytes_for_cared_persons(self, cared_person_ids: Iterable[UUID]) -> int:
        wanted = set(cared_person_ids)
        return sum(e.size_bytes for e in self.items.values() if e.cared_person_id in wanted)


class InMemoryAlertRepository(InMemoryRepository):
    entity = "alert"


class InMemoryNotificationRepository(InMemoryRepository):
    entity = "notification"

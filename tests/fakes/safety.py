from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from uuid import UUID

from cuiot.domain.alerts import Alert
from cuiot.domain.devices import Device, holder_of
from cuiot.domain.errors import Conflict
from cuiot.domain.notifications import DeliveryStatus, Notification
from cuiot.domain.sensor_events import DeviceType, EventType, SensorEvent
from tests.fakes.base import InMemoryRepository


class InMemoryDeviceRepository(InMemoryRepository[Device]):
    entity = "device"

    async def count_active_for_cared_persons(self, cared_person_ids: Iterable[UUID]) -> int:
        wanted = set(cared_person_ids)
        return len([d for d in self.items.values() if d.is_active and d.cared_person_id in wanted])

    async def add(self, device: Device) -> None:
        held = await self.get_by_device_id(device.device_id)
        if held is not None and held.is_active and device.is_active:
            raise Conflict("device_id already registered", device_id=device.device_id)
        await super().add(device)

    async def get_by_device_id(self, device_id: str) -> Device | None:
        return holder_of(self._where(lambda d: d.device_id == device_id))

    async def list_active_of_type(self, device_type: DeviceType, offset: int = 0,
                                  limit: int = 100) -> list[Device]:
        found = self._where(lambda d: d.is_active and d.device_type is device_type)
        return sorted(found, key=lambda d: (d.created_at, d.id))[offset: offset + limit]

    async def list_offline_due(self, now: datetime, limit: int = 100) -> list[Device]:
        found = self._where(lambda d: d.is_offline_due(now))
        return sorted(found, key=lambda d: d.offline_due_at)[:limit]


class InMemorySensorEventRepository(InMemoryRepository[SensorEvent]):
    entity = "event"

    async def stored_bytes_for_cared_persons(self, cared_person_ids: Iterable[UUID]) -> int:
        wanted = set(cared_person_ids)
        return sum(e.size_bytes for e in self.items.values() if e.cared_person_id in wanted)

    async def get_by_msg_id(self, device_pk: UUID, msg_id: str) -> SensorEvent | None:
        return self._first(lambda e: e.device_pk == device_pk and e.msg_id == msg_id)

    async def latest_of_type_for_cared_person(self, cared_person_id: UUID,
                                              event_type: EventType) -> SensorEvent | None:
        found = self._where(lambda e: e.cared_person_id == cared_person_id
                            and e.event_type is event_type)
        return max(found, key=lambda e: e.timestamp, default=None)


class InMemoryAlertRepository(InMemoryRepository[Alert]):
    entity = "alert"

    async def get_open(self, cared_person_id: UUID, device_pk: UUID,
                       alert_type: str) -> Alert | None:
        return self._first(lambda a: a.is_open and a.cared_person_id == cared_person_id
                           and a.device_pk == device_pk and a.alert_type == alert_type)

    async def list_due_for_escalation(self, now: datetime, limit: int = 100) -> list[Alert]:
        due = self._where(lambda a: a.is_due(now))
        return sorted(due, key=lambda a: a.next_escalation_at)[:limit]


class InMemoryNotificationRepository(InMemoryRepository[Notification]):
    entity = "notification"

    def __init__(self, alerts: InMemoryAlertRepository | None = None) -> None:
        super().__init__()
        self.alerts = alerts or InMemoryAlertRepository()

    async def list_queued_about(self, user_id: UUID,
                                cared_person_ids: Collection[UUID]) -> list[Notification]:
        about = {a.id for a in self.alerts.items.values() if a.cared_person_id in cared_person_ids}
        return sorted(self._where(lambda n: n.recipient_user_id == user_id
                                  and n.status is DeliveryStatus.PENDING
                                  and n.alert_id in about), key=lambda n: n.id)

    async def list_due(self, now: datetime, limit: int = 100) -> list[Notification]:
        due = self._where(lambda n: n.is_due(now))
        return sorted(due, key=lambda n: (n.next_attempt_at, n.created_at, n.id))[:limit]

from __future__ import annotations

from cuiot.adapters.memory.base import InMemoryRepository


class InMemoryDeviceRepository(InMemoryRepository):
    entity = "device"


class InMemorySensorEventRepository(InMemoryRepository):
    entity = "event"


class InMemoryAlertRepository(InMemoryRepository):
    entity = "alert"


class InMemoryNotificationRepository(InMemoryRepository):
    entity = "notification"

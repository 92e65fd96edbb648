"""Repository ports of the safety pipeline: devices, sensor events, alerts, outbox."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Protocol
from uuid import UUID

from cuiot.domain.notifications import Notification

if TYPE_CHECKING:
    from cuiot.domain.alerts import Alert
    from cuiot.domain.devices import Device
    from cuiot.domain.sensor_events import SensorEvent


class DeviceRepository(Protocol):
    async def get(self, device_pk: UUID) -> Device | None: ...

    async def add(self, device: Device) -> None: ...

    async def count_active_for_cared_persons(self, cared_person_ids: Iterable[UUID]) -> int:
        """Active devices watching any of these cared persons (package usage)."""
        ...


class SensorEventRepository(Protocol):
    async def add(self, event: SensorEvent) -> None: ...

    async def stored_bytes_for_cared_persons(self, cared_person_ids: Iterable[UUID]) -> int:
        """Bytes of sensor data stored for these cared persons (package usage)."""
        ...


class AlertRepository(Protocol):
    async def get(self, alert_id: UUID) -> Alert | None: ...

    async def add(self, alert: Alert) -> None: ...


class NotificationRepository(Protocol):
    async def get(self, notification_id: UUID) -> Notification | None: ...

    async def add(self, notification: Notification) -> None: ...

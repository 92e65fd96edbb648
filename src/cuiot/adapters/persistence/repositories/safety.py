"""Devices, for commands: the ORM session is their identity map. Lists people read are
views (``views/devices.py``); what is left here is what commands load.

A ``device_id`` is held by one active device at a time; removed devices keep theirs, so
it may name several rows (``one_active_device_id``, a partial unique index)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, select

from cuiot.adapters.persistence.orm.safety import devices
from cuiot.adapters.persistence.repositories.session import SessionRepository
from cuiot.domain.devices import Device, DeviceStatus
from cuiot.domain.errors import Conflict
from cuiot.domain.sensor_events import DeviceType


class SqlAlchemyDeviceRepository(SessionRepository[Device]):
    entity_class = Device
    entity = "device"

    async def add(self, device: Device) -> None:
        """A second active device with the same ``device_id`` is refused here, and by the
        partial unique index at the flush should another request add one meanwhile."""
        held = await self.get_by_device_id(device.device_id)
        if held is not None and held.is_active and device.is_active:
            raise Conflict("device_id already registered", device_id=device.device_id)
        await super().add(device)

    async def count_active_for_cared_persons(self, cared_person_ids: Iterable[UUID]) -> int:
        wanted = list(cared_person_ids)
        if not wanted:
            return 0
        await self.session.flush()  # counts what this unit of work added
        c = devices.c
        stmt = select(func.count()).select_from(devices).where(
            c.is_active.is_(True), c.cared_person_id.in_(wanted))
        return int((await self.session.execute(stmt)).scalar_one())

    async def get_by_device_id(self, device_id: str) -> Device | None:
        """The active device of that ``device_id``, else the last one registered."""
        c = devices.c
        found: Device | None = (await self.session.scalars(
            select(Device).where(c.device_id == device_id)
            .order_by(c.is_active.desc(), c.created_at.desc(), c.id.desc()).limit(1))).first()
        return found

    async def list_active_of_type(self, device_type: DeviceType, offset: int = 0,
                                  limit: int = 100) -> list[Device]:
        c = devices.c
        return list((await self.session.scalars(
            select(Device).where(c.is_active.is_(True), c.device_type == device_type)
            .order_by(c.created_at, c.id).offset(offset).limit(limit))).all())

    async def list_offline_due(self, now: datetime, limit: int = 100) -> list[Device]:
        """PostgreSQL: the rows stay locked (others skip them) until this unit of work
        ends, so two workers never report the same device."""
        c = devices.c
        return list((await self.session.scalars(
            select(Device).where(c.is_active.is_(True), c.status != DeviceStatus.OFFLINE,
                                 c.offline_due_at.is_not(None), c.offline_due_at <= now)
            .order_by(c.offline_due_at, c.id).limit(limit)
            .with_for_update(skip_locked=True))).all())


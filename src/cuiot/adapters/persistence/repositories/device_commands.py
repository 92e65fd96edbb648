"""Commands sent to devices, for commands (people read them through
``views/devices.py``). A command read here stays locked until the unit of work ends
(PostgreSQL; SQLite serialises writers at BEGIN IMMEDIATE), so a reply, the sender
marking it sent and the expiry job never overwrite each other's change; the expiry job
skips rows someone holds."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import select

from cuiot.adapters.persistence.orm.safety import device_commands
from cuiot.adapters.persistence.repositories.session import SessionRepository
from cuiot.domain.device_commands import AWAITING_REPLY, DeviceCommand


class SqlAlchemyDeviceCommandRepository(SessionRepository[DeviceCommand]):
    entity_class = DeviceCommand
    entity = "device command"

    async def get(self, command_id: UUID) -> DeviceCommand | None:
        found: DeviceCommand | None = await self.session.get(
            DeviceCommand, command_id, with_for_update=True)
        return found

    async def list_expired(self, now: datetime, limit: int = 100) -> list[DeviceCommand]:
        c = device_commands.c
        return list((await self.session.scalars(
            select(DeviceCommand).where(c.status.in_(sorted(AWAITING_REPLY)), c.timeout_at <= now)
            .order_by(c.timeout_at, c.id).limit(limit)
            .with_for_update(skip_locked=True))).all())

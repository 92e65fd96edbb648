"""Commands sent to devices, on SQL. A command read here stays locked until the unit of
work ends (PostgreSQL; SQLite serialises writers at BEGIN IMMEDIATE), so a reply, the
sender marking it sent and the expiry job never overwrite each other's change; the
expiry job skips rows someone holds."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from cuiot.adapters.persistence.repositories.base import Mapper, Row, SqlRepository
from cuiot.adapters.persistence.orm.safety import device_commands
from cuiot.domain.device_commands import AWAITING_REPLY, CommandStatus, DeviceCommand


def _to_row(c: DeviceCommand) -> dict[str, Any]:
    return {"id": c.id, "device_pk": c.device_pk, "command": c.command,
            "params": c.params, "status": c.status.value,
            "requested_by": c.requested_by, "created_at": c.created_at,
            "timeout_at": c.timeout_at, "sent_at": c.sent_at, "completed_at": c.completed_at,
            "result": c.result, "reply_ok": c.reply_ok, "replied_at": c.replied_at}


def _from_row(row: Row, _children: Mapping[str, list[Row]]) -> DeviceCommand:
    values = dict(row)
    values.update(status=CommandStatus(row["status"]), params=dict(row["params"]),
                  result=dict(row["result"]))
    return DeviceCommand(**values)


class SqlAlchemyDeviceCommandRepository(SqlRepository[DeviceCommand]):
    mapper = Mapper(device_commands, _to_row, _from_row)
    entity = "device command"

    async def get(self, command_id: UUID) -> DeviceCommand | None:
        if command_id in self._identity:
            return self._identity[command_id]
        stmt = self._select().where(device_commands.c.id == command_id).with_for_update()
        return await self._load_one(stmt)

    async def list_expired(self, now: datetime, limit: int = 100) -> list[DeviceCommand]:
        c = device_commands.c
        stmt = (self._select().where(c.status.in_([s.value for s in AWAITING_REPLY]),
                                     c.timeout_at <= now)
                .order_by(c.timeout_at, c.id).limit(limit).with_for_update(skip_locked=True))
        return await self._load(stmt)

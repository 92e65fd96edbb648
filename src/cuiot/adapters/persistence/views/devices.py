"""Views of devices, the commands sent to them and the device messages refused: one
SQL statement per page or per detail, the access rule (``access.visible_cared_persons``)
in the same statement, rows straight into the read models. Never a row lock.

Indexes: a person's devices by ``ix_devices_cared_person_created``; a device and a
command by their primary keys; rejected messages by ``ix_rejected_messages_received``
(by ``ix_rejected_messages_reason`` for one reason); of a payload, the database sends
only what a list shows (its first characters) and its length.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from cuiot.adapters.persistence.orm.care import cared_persons
from cuiot.adapters.persistence.orm.safety import device_commands, devices, rejected_messages
from cuiot.adapters.persistence.views.access import visible_cared_persons
from cuiot.application.safety.ports import (
    LISTED_PAYLOAD_CHARS,
    DeviceCommandView,
    DeviceView,
    RejectedMessageFilter,
    RejectedMessageView,
)
from cuiot.application.shared.queries import Viewer, Window

_DEVICE = [devices.c[f.name] for f in fields(DeviceView)]
_COMMAND = [device_commands.c[f.name] for f in fields(DeviceCommandView)]
_CUT = {"payload", "payload_chars"}  # a payload: what a list shows of it, and its length
_REJECTED = [
    *(rejected_messages.c[f.name] for f in fields(RejectedMessageView) if f.name not in _CUT),
    func.substr(rejected_messages.c.payload, 1, LISTED_PAYLOAD_CHARS).label("payload"),
    func.length(rejected_messages.c.payload).label("payload_chars")]


def visible(column: Any, viewer: Viewer, today: date) -> ColumnElement[bool]:
    """``column`` names a cared person the viewer may see (always true for admins)."""
    return true() if viewer.is_admin else column.in_(visible_cared_persons(viewer, today))


class SqlDeviceViews:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def page(self, viewer: Viewer, today: date, cared_person_id: UUID | None,
                   window: Window) -> list[DeviceView]:
        c = devices.c
        stmt = select(*_DEVICE).where(visible(c.cared_person_id, viewer, today))
        if cared_person_id is not None:
            stmt = stmt.where(c.cared_person_id == cared_person_id)
        rows = await self.conn.execute(stmt.order_by(c.created_at, c.id)
                                       .offset(window.offset).limit(window.limit + 1))
        return [DeviceView(**row) for row in rows.mappings()]

    async def one(self, viewer: Viewer, today: date, device_pk: UUID) -> DeviceView | None:
        c = devices.c
        row = (await self.conn.execute(select(*_DEVICE).where(
            c.id == device_pk, visible(c.cared_person_id, viewer, today)))).mappings().first()
        return None if row is None else DeviceView(**row)

    async def command(self, viewer: Viewer, today: date, device_pk: UUID,
                      command_id: UUID) -> DeviceCommandView | None:
        c = device_commands.c
        row = (await self.conn.execute(
            select(*_COMMAND).join(devices, devices.c.id == c.device_pk)
            .where(c.id == command_id, c.device_pk == device_pk,
                   visible(devices.c.cared_person_id, viewer, today)))).mappings().first()
        return None if row is None else DeviceCommandView(**row)

    async def may_see_person(self, viewer: Viewer, cared_person_id: UUID, today: date) -> bool:
        cp = cared_persons.c
        found = await self.conn.execute(select(cp.id).where(
            cp.id == cared_person_id, visible(cp.id, viewer, today)))
        return found.first() is not None


class SqlRejectedMessageViews:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def page(self, only: RejectedMessageFilter,
                   window: Window) -> list[RejectedMessageView]:
        r = rejected_messages.c
        stmt = select(*_REJECTED)
        if only.device_id is not None:
            stmt = stmt.where(r.device_id == only.device_id)
        if only.reason is not None:
            stmt = stmt.where(r.reason == only.reason)
        if only.since is not None:
            stmt = stmt.where(r.received_at >= only.since)
        if only.until is not None:
            stmt = stmt.where(r.received_at < only.until)
        rows = await self.conn.execute(stmt.order_by(r.received_at.desc(), r.id.desc())
                                       .offset(window.offset).limit(window.limit + 1))
        return [RejectedMessageView(**row) for row in rows.mappings()]

    async def count_by_reason(self) -> dict[str, int]:
        r = rejected_messages.c
        rows = await self.conn.execute(select(r.reason, func.count()).group_by(r.reason))
        return {reason: count for reason, count in rows.all()}

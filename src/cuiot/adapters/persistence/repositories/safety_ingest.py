"""The batch path of device messages on SQL (``IngestRepository``): plain bulk
statements on the safety tables, one per step whatever the batch's size.

- devices and their persons' thresholds: one ``SELECT … JOIN … WHERE device_id IN``;
- message ids: one ``INSERT INTO device_messages … ON CONFLICT DO NOTHING RETURNING``,
  so the database, not a read before the write, says what was seen (by any worker);
- events: one ``INSERT`` of many rows; device states and motion times: one ``UPDATE``
  executed for many rows (asyncpg pipelines it).

Nothing here enters the unit of work's identity maps: rows are written as given.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from cuiot.adapters.persistence.repositories.safety import _device_from
from cuiot.adapters.persistence.repositories.safety_events import _event_row
from cuiot.adapters.persistence.orm.care import cared_persons
from cuiot.adapters.persistence.orm.safety import device_messages, devices, events
from cuiot.application.safety.ports import WatchedDevice
from cuiot.domain.devices import Device
from cuiot.domain.sensor_events import SensorEvent

_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}

_SAVE_DEVICE_STATE = (
    update(devices).where(devices.c.id == bindparam("key"))
    .values(status=bindparam("new_status"), last_seen_at=bindparam("new_last_seen_at"),
            offline_due_at=bindparam("new_offline_due_at"),
            battery_level=bindparam("new_battery_level"))
)
_RECORD_ACTIVITY = (
    update(cared_persons)
    .where(cared_persons.c.id == bindparam("key"),
           or_(cared_persons.c.last_activity_at.is_(None),
               cared_persons.c.last_activity_at < bindparam("at")))
    .values(last_activity_at=bindparam("at"))
)


class SqlAlchemyIngestRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def devices_by_device_id(self, device_ids: Collection[str]) -> dict[str, WatchedDevice]:
        if not device_ids:
            return {}
        stmt = (select(devices, cared_persons.c.thresholds.label("person_thresholds"))
                .join(cared_persons, cared_persons.c.id == devices.c.cared_person_id)
                .where(devices.c.device_id.in_(list(device_ids))))
        found = {}
        for row in (await self.conn.execute(stmt)).mappings():
            values = dict(row)
            thresholds = values.pop("person_thresholds") or {}
            found[row["device_id"]] = WatchedDevice(_device_from(values, {}), dict(thresholds))
        return found

    async def claim_messages(self, events: Sequence[SensorEvent]) -> set[tuple[UUID, str]]:
        if not events:
            return set()
        m = device_messages.c
        stmt = (_INSERT[self.conn.dialect.name](device_messages).on_conflict_do_nothing()
                .returning(m.device_pk, m.msg_id))
        rows = [{"device_pk": e.device_pk, "msg_id": e.msg_id, "event_id": e.id,
                 "event_timestamp": e.timestamp} for e in events]
        result = await self.conn.execute(stmt, rows)
        return {(row.device_pk, row.msg_id) for row in result}

    async def add_events(self, stored: Sequence[SensorEvent]) -> None:
        if stored:
            await self.conn.execute(insert(events), [_event_row(e) for e in stored])

    async def save_device_states(self, changed: Sequence[Device]) -> None:
        if changed:
            await self.conn.execute(_SAVE_DEVICE_STATE, [_device_state(d) for d in changed])

    async def record_activity(self, latest: Mapping[UUID, datetime]) -> None:
        if latest:
            await self.conn.execute(_RECORD_ACTIVITY, [{"key": person_id, "at": at}
                                                       for person_id, at in sorted(
                                                           latest.items(), key=lambda i: i[0])])

    # the unit of work's repository protocol: nothing is tracked here
    async def flush(self) -> None:
        return None

    def seen(self) -> tuple[()]:
        return ()


def _device_state(device: Device) -> dict[str, Any]:
    return {"key": device.id, "new_status": device.status.value,
            "new_last_seen_at": device.last_seen_at, "new_offline_due_at": device.offline_due_at,
            "new_battery_level": device.battery_level}

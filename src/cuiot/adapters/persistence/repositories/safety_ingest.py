"""The batch path of device messages on SQL (``IngestRepository``): plain bulk
statements on the safety tables, one per step whatever the batch's size, run on the
unit of work's session connection (its transaction).

- devices and their persons' thresholds: one ``SELECT … JOIN … WHERE device_id`` is one
  of the batch's;
- message ids: one ``INSERT INTO device_messages … ON CONFLICT DO NOTHING RETURNING``,
  so the database, not a read before the write, says what was seen (by any worker);
- events: one ``INSERT`` of many rows; device states and motion times: one ``UPDATE``
  executed for many rows (asyncpg pipelines it).

Each is the same text whatever the batch's size (``persistence.bulk``: the keys and rows
go in as arrays or a JSON document, not as a list of N), so every pooled connection
prepares it once.

The devices handed out are copies the session does not track: what the batch changes on
them is written by those statements, never by the session's flush. The session stays
true all the same: what it holds is flushed before the devices are read and before an
UPDATE, and a device or person it holds is given the values an UPDATE wrote, so a
command that loads one afterwards in the same transaction sees them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from sqlalchemy import Dialect, Table, bindparam, inspect, or_, select, true, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.dml import ReturningInsert

from cuiot.adapters.persistence import bulk
from cuiot.adapters.persistence.orm.care import cared_persons
from cuiot.adapters.persistence.orm.safety import device_messages, devices, events
from cuiot.adapters.persistence.repositories.session import insert_of
from cuiot.application.safety.ports import WatchedDevice
from cuiot.domain.care import CaredPerson
from cuiot.domain.devices import Device, holder_of
from cuiot.domain.sensor_events import SensorEvent

_DEVICE_STATE = ("status", "last_seen_at", "offline_due_at", "battery_level")

_SAVE_DEVICE_STATE = (
    update(devices).where(devices.c.id == bindparam("key"))
    .values({name: bindparam(f"new_{name}") for name in _DEVICE_STATE})
)
_RECORD_ACTIVITY = (
    update(cared_persons)
    .where(cared_persons.c.id == bindparam("key"),
           or_(cared_persons.c.last_activity_at.is_(None),
               cared_persons.c.last_activity_at < bindparam("at")))
    .values(last_activity_at=bindparam("at"))
)


class SqlAlchemyIngestRepository:
    uses_session: ClassVar[bool] = True

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def devices_by_device_id(self, device_ids: Collection[str]) -> dict[str, WatchedDevice]:
        if not device_ids:
            return {}
        conn = await self._connection(flushed=True)
        stmt = (select(devices, cared_persons.c.thresholds.label("person_thresholds"),
                       cared_persons.c.deactivated_at.label("person_deactivated_at"))
                .join(cared_persons, cared_persons.c.id == devices.c.cared_person_id)
                .where(bulk.one_of(devices.c.device_id, device_ids, conn.dialect))
                # Held until the commit, in id order: the batch writes these devices, and
                # whoever else holds several devices (a coverage pass) takes them in the
                # same order, so neither waits for the other in a cycle (a deadlock).
                .order_by(devices.c.id).with_for_update(of=devices, key_share=True))
        found: dict[str, WatchedDevice] = {}
        for row in (await conn.execute(stmt)).mappings():
            values = dict(row)
            thresholds = values.pop("person_thresholds") or {}
            active = values.pop("person_deactivated_at") is None
            device, held = Device(**values), found.get(row["device_id"])
            # A removed device keeps its device_id, which another may hold now.
            if held is None or holder_of([held.device, device]) is device:
                found[row["device_id"]] = WatchedDevice(device, dict(thresholds), active)
        return found

    async def claim_messages(self, events: Sequence[SensorEvent]) -> set[tuple[UUID, str]]:
        if not events:
            return set()
        conn = await self._connection()
        rows = [{"device_pk": e.device_pk, "msg_id": e.msg_id, "event_id": e.id,
                 "event_timestamp": e.timestamp} for e in events]
        result = await conn.execute(_claim(conn.dialect),
                                    bulk.values(device_messages, conn.dialect, rows))
        return {(row.device_pk, row.msg_id) for row in result}

    async def add_events(self, stored: Sequence[SensorEvent]) -> None:
        if stored:
            conn = await self._connection()
            await conn.execute(
                insert_of(conn.dialect, events).from_select(
                    [c.key for c in events.columns], bulk.rows(events, conn.dialect)),
                bulk.values(events, conn.dialect, [_values(e, events) for e in stored]))

    async def save_device_states(self, changed: Sequence[Device]) -> None:
        if not changed:
            return
        await (await self._connection(flushed=True)).execute(_SAVE_DEVICE_STATE, [
            {"key": d.id, **{f"new_{name}": getattr(d, name) for name in _DEVICE_STATE}}
            for d in changed])
        for device in changed:
            self._written(Device, device.id, {name: getattr(device, name)
                                              for name in _DEVICE_STATE})

    async def record_activity(self, latest: Mapping[UUID, datetime]) -> None:
        if not latest:
            return
        ordered = sorted(latest.items(), key=lambda item: item[0])
        await (await self._connection(flushed=True)).execute(
            _RECORD_ACTIVITY, [{"key": person_id, "at": at} for person_id, at in ordered])
        for person_id, at in ordered:
            held = self._held(CaredPerson, person_id)
            if held is not None and (held.last_activity_at is None
                                     or held.last_activity_at < at):
                self._written(CaredPerson, person_id, {"last_activity_at": at})

    async def _connection(self, flushed: bool = False) -> AsyncConnection:
        """The session's connection; ``flushed``: once the session wrote what it holds
        (the statement that follows may write the same rows)."""
        if flushed:
            await self.session.flush()
        return await self.session.connection()

    def _held(self, cls: type, key: UUID) -> Any:
        """The object of that key the session holds, if any (none of a class not mapped)."""
        if inspect(cls, raiseerr=False) is None:
            return None
        return self.session.identity_map.get(self.session.identity_key(cls, key))

    def _written(self, cls: type, key: UUID, values: Mapping[str, Any]) -> None:
        """What an UPDATE wrote, given to the object the session holds as loaded values
        (not a change of its own to write again)."""
        held = self._held(cls, key)
        if held is not None:
            for name, value in values.items():
                set_committed_value(held, name, value)


def _claim(dialect: Dialect) -> ReturningInsert[tuple[UUID, str]]:
    """``INSERT … ON CONFLICT DO NOTHING RETURNING`` the keys it inserted."""
    m = device_messages.c
    # SQLite reads ``SELECT … ON CONFLICT`` as a join's ON without a WHERE between them.
    given = bulk.rows(device_messages, dialect).where(true())
    return (insert_of(dialect, device_messages)
            .from_select([c.key for c in device_messages.columns], given)
            .on_conflict_do_nothing().returning(m.device_pk, m.msg_id))


def _values(entity: Any, table: Table) -> dict[str, Any]:
    """A row of ``table`` from the attributes of the same names."""
    return {column.key: getattr(entity, column.key) for column in table.columns}

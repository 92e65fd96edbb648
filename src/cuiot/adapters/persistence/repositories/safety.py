"""Devices on SQL, and what the safety repositories share (sensor events:
``safety_events``; alerts and the outbox: ``safety_alerts``).

Ordering mirrors the in-memory repositories, with ``id`` as the last tie-breaker.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from sqlalchemy import ColumnElement, and_, bindparam, func, select, true, update

from cuiot.adapters.persistence.repositories.base import Mapper, Row, SqlRepository
from cuiot.adapters.persistence.orm.safety import devices
from cuiot.domain.devices import Device, DeviceStatus
from cuiot.domain.errors import Conflict
from cuiot.domain.sensor_events import DeviceType

T = TypeVar("T")


def among(column: Any, ids: Iterable[UUID] | None) -> ColumnElement[bool]:
    """``column IN ids``; ``None`` means every cared person (admins)."""
    return true() if ids is None else column.in_(list(ids))


class PartitionedRepository(SqlRepository[T]):
    """A table range-partitioned on ``partition_column`` (PostgreSQL): an update names
    the row's partition key as it was loaded, so only that partition is touched."""

    partition_column: str

    async def _update(self, entity: T) -> None:
        table, key = self.mapper.table, self.mapper.key(entity)
        before = self._snapshots[key]
        values = self.mapper.to_row(entity)
        values.pop(self.mapper.key_column)
        where = (table.c[self.mapper.key_column] == key,
                 table.c[self.partition_column] == before[self.partition_column])
        await self._execute(update(table).where(*where).values(**values))

    async def _update_all(self, entities: list[T]) -> None:
        """One executemany UPDATE, each row found by its key and loaded partition key."""
        table = self.mapper.table
        key_column, partition = table.c[self.mapper.key_column], table.c[self.partition_column]
        stmt = update(table).where(key_column == bindparam("_key"),
                                   partition == bindparam("_partition"))
        rows = []
        for entity in entities:
            key = self.mapper.key(entity)
            values = self.mapper.to_row(entity)
            values.pop(self.mapper.key_column)
            rows.append({**values, "_key": key,
                         "_partition": self._snapshots[key][self.partition_column]})
        await self._execute(stmt, rows)


def _device_row(d: Device) -> dict[str, Any]:
    return {
        "id": d.id, "device_id": d.device_id, "name": d.name,
        "device_type": d.device_type.value, "cared_person_id": d.cared_person_id,
        "api_key_hash": d.api_key_hash, "created_at": d.created_at, "location": d.location,
        "config": d.config, "is_active": d.is_active, "status": d.status.value,
        "last_seen_at": d.last_seen_at, "battery_level": d.battery_level,
        "offline_due_at": d.offline_due_at,
    }


def _device_from(row: Row, _children: Mapping[str, list[Row]]) -> Device:
    values = dict(row)
    values.update(device_type=DeviceType(row["device_type"]), status=DeviceStatus(row["status"]),
                  config=dict(row["config"]))
    return Device(**values)


class SqlAlchemyDeviceRepository(SqlRepository[Device]):
    mapper = Mapper(devices, _device_row, _device_from)
    entity = "device"

    async def add(self, device: Device) -> None:
        if await self.get_by_device_id(device.device_id) is not None:
            raise Conflict("device_id already registered", device_id=device.device_id)
        await super().add(device)

    async def count_active_for_cared_persons(self, cared_person_ids: Iterable[UUID]) -> int:
        await self.flush()
        c = devices.c
        stmt = select(func.count()).select_from(devices).where(
            c.is_active.is_(True), among(c.cared_person_id, cared_person_ids))
        return (await self.conn.execute(stmt)).scalar_one()

    async def get_by_device_id(self, device_id: str) -> Device | None:
        return await self._load_one(self._select().where(devices.c.device_id == device_id))

    async def list_for_cared_persons(self, cared_person_ids: Iterable[UUID] | None,
                                     offset: int = 0, limit: int = 100) -> list[Device]:
        return await self._oldest_first(among(devices.c.cared_person_id, cared_person_ids),
                                        offset, limit)

    async def list_active_of_type(self, device_type: DeviceType, offset: int = 0,
                                  limit: int = 100) -> list[Device]:
        c = devices.c
        return await self._oldest_first(
            and_(c.is_active.is_(True), c.device_type == device_type.value), offset, limit)

    async def list_offline_due(self, now: datetime, limit: int = 100) -> list[Device]:
        """PostgreSQL: the rows stay locked (others skip them) until this unit of work
        ends, so two workers never report the same device."""
        c = devices.c
        stmt = (self._select().where(c.is_active.is_(True),
                                     c.status != DeviceStatus.OFFLINE.value,
                                     c.offline_due_at.is_not(None), c.offline_due_at <= now)
                .order_by(c.offline_due_at, c.id).limit(limit).with_for_update(skip_locked=True))
        return await self._load(stmt)

    async def _oldest_first(self, condition: Any, offset: int, limit: int) -> list[Device]:
        c = devices.c
        return await self._load(self._select().where(condition)
                                .order_by(c.created_at, c.id).offset(offset).limit(limit))

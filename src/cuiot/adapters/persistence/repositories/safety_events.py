"""Sensor events on SQL: ``events`` (partitioned by month on PostgreSQL) and, for each
device message, its ``device_messages`` row."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Select, and_, func, insert, select

from cuiot.adapters.persistence.repositories.base import Mapper, Row
from cuiot.adapters.persistence.repositories.safety import (
    PartitionedRepository,
    among,
)
from cuiot.adapters.persistence.orm.safety import device_messages, events
from cuiot.domain.sensor_events import EventType, SensorEvent, Severity


def _event_row(e: SensorEvent) -> dict[str, Any]:
    return {
        "id": e.id, "timestamp": e.timestamp, "device_pk": e.device_pk,
        "cared_person_id": e.cared_person_id, "event_type": e.event_type.value,
        "severity": e.severity.value, "received_at": e.received_at,
        "sensor_data": e.sensor_data, "msg_id": e.msg_id,
        "size_bytes": e.size_bytes, "alert_id": e.alert_id,
    }


def _event_from(row: Row, _children: Mapping[str, list[Row]]) -> SensorEvent:
    values = dict(row)
    values.update(event_type=EventType(row["event_type"]), severity=Severity(row["severity"]),
                  sensor_data=dict(row["sensor_data"]))
    return SensorEvent(**values)


class SqlAlchemySensorEventRepository(PartitionedRepository[SensorEvent]):
    mapper = Mapper(events, _event_row, _event_from)
    partition_column = "timestamp"
    entity = "event"

    async def _insert(self, entity: SensorEvent) -> None:
        """A device's message is stored once: a second event of the same (device,
        msg_id) fails on ``device_messages``' primary key, even from another worker."""
        await super()._insert(entity)
        if entity.msg_id is not None:
            await self._execute(insert(device_messages).values(
                device_pk=entity.device_pk, msg_id=entity.msg_id, event_id=entity.id,
                event_timestamp=entity.timestamp))

    async def stored_bytes_for_cared_persons(self, cared_person_ids: Iterable[UUID]) -> int:
        await self.flush()
        stmt = select(func.coalesce(func.sum(events.c.size_bytes), 0)).where(
            among(events.c.cared_person_id, cared_person_ids))
        return int((await self.conn.execute(stmt)).scalar_one())

    async def get_by_msg_id(self, device_pk: UUID, msg_id: str) -> SensorEvent | None:
        m = device_messages.c
        found = and_(events.c.id == m.event_id, events.c.timestamp == m.event_timestamp)
        return await self._load_one(self._select().join(device_messages, found)
                                    .where(m.device_pk == device_pk, m.msg_id == msg_id))

    async def latest_of_type_for_cared_person(self, cared_person_id: UUID,
                                              event_type: EventType) -> SensorEvent | None:
        c = events.c
        stmt = self._select().where(c.cared_person_id == cared_person_id,
                                    c.event_type == event_type.value)
        return next(iter(await self._newest(stmt, 0, 1)), None)

    async def list_for_device(self, device_pk: UUID, offset: int = 0,
                              limit: int = 100) -> list[SensorEvent]:
        return await self._newest(self._select().where(events.c.device_pk == device_pk),
                                  offset, limit)

    async def list_for_cared_persons(
        self, cared_person_ids: Iterable[UUID] | None, *, severity: Severity | None = None,
        since: datetime | None = None, offset: int = 0, limit: int = 100,
    ) -> list[SensorEvent]:
        c = events.c
        stmt = self._select().where(among(c.cared_person_id, cared_person_ids))
        if severity is not None:
            stmt = stmt.where(c.severity == severity.value)
        if since is not None:
            stmt = stmt.where(c.timestamp >= since)
        return await self._newest(stmt, offset, limit)

    async def _newest(self, stmt: Select, offset: int, limit: int) -> list[SensorEvent]:
        c = events.c
        return await self._load(stmt.order_by(c.timestamp.desc(), c.received_at.desc(),
                                               c.id.desc()).offset(offset).limit(limit))

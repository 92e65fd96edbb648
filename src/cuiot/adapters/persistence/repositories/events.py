"""Sensor events, for commands: ``events`` (partitioned by month on PostgreSQL) mapped
by the ORM and, for each device message, its ``device_messages`` row (the guard of
``msg_id`` idempotency, written in the same flush: ``orm.safety.claim_message``). The
batch path of device messages writes both with bulk
statements of its own (``safety_ingest``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from sqlalchemy import and_, func, select

from cuiot.adapters.persistence.orm.safety import device_messages, events
from cuiot.adapters.persistence.repositories.session import SessionRepository
from cuiot.domain.sensor_events import EventType, SensorEvent


class SqlAlchemySensorEventRepository(SessionRepository[SensorEvent]):
    entity_class = SensorEvent
    entity = "event"

    async def get(self, event_id: UUID) -> SensorEvent | None:
        """Found by ``id``, which leads the primary key ``(id, timestamp)``."""
        found: SensorEvent | None = (await self.session.scalars(
            select(SensorEvent).where(events.c.id == event_id).limit(1))).first()
        return found

    async def stored_bytes_for_cared_persons(self, cared_person_ids: Iterable[UUID]) -> int:
        wanted = list(cared_person_ids)
        if not wanted:
            return 0
        await self.session.flush()  # counts what this unit of work added
        stmt = select(func.coalesce(func.sum(events.c.size_bytes), 0)).where(
            events.c.cared_person_id.in_(wanted))
        return int((await self.session.execute(stmt)).scalar_one())

    async def get_by_msg_id(self, device_pk: UUID, msg_id: str) -> SensorEvent | None:
        m = device_messages.c
        found = and_(events.c.id == m.event_id, events.c.timestamp == m.event_timestamp)
        event: SensorEvent | None = (await self.session.scalars(
            select(SensorEvent).join(device_messages, found)
            .where(m.device_pk == device_pk, m.msg_id == msg_id).limit(1))).first()
        return event

    async def latest_of_type_for_cared_person(self, cared_person_id: UUID,
                                              event_type: EventType) -> SensorEvent | None:
        c = events.c
        event: SensorEvent | None = (await self.session.scalars(
            select(SensorEvent).where(c.cared_person_id == cared_person_id,
                                      c.event_type == event_type)
            .order_by(c.timestamp.desc(), c.received_at.desc(), c.id.desc()).limit(1))).first()
        return event


def event_row(event: SensorEvent) -> dict[str, Any]:
    """The event as a row of ``events``, for the batch path's bulk INSERT: each column
    holds the attribute of the same name, as the mapping has it."""
    return {column.key: getattr(event, column.key) for column in events.c}

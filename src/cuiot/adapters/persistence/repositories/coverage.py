"""Coverage, for commands: each person's last known state (``coverage_states``, mapped
to ``CoverageRecord``), held while it is evaluated, and what the evaluation reads that
no other repository gives: a page of persons, their active devices, what became of
their notifications (the same sums as the read side's, ``views/coverage.py``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import datetime
from uuid import UUID

from sqlalchemy import select

from cuiot.adapters.persistence import bulk
from cuiot.adapters.persistence.orm.care import cared_persons
from cuiot.adapters.persistence.orm.coverage import coverage_states
from cuiot.adapters.persistence.orm.safety import alerts, devices
from cuiot.adapters.persistence.repositories.session import SessionRepository, dialect_of, insert_of
from cuiot.adapters.persistence.views.coverage import delivery_sums
from cuiot.domain.coverage import CoverageRecord, CoverageState, Deliveries
from cuiot.domain.devices import Device


class SqlAlchemyCoverageRepository(SessionRepository[CoverageRecord]):
    entity_class = CoverageRecord
    entity = "coverage state"

    async def person_ids_after(self, after: UUID | None, limit: int) -> list[UUID]:
        c = cared_persons.c
        stmt = select(c.id).order_by(c.id).limit(limit)
        if after is not None:
            stmt = stmt.where(c.id > after)
        return list((await self.session.scalars(stmt)).all())

    async def hold(self, cared_person_ids: Collection[UUID],
                   at: datetime) -> dict[UUID, CoverageRecord]:
        """Missing rows are inserted first (``ON CONFLICT DO NOTHING``: another worker
        may insert the same), then every row is read ``FOR UPDATE``, in key order so two
        units of work holding some of the same persons never deadlock."""
        wanted = sorted(set(cared_person_ids))
        if not wanted:
            return {}
        await self.session.flush()
        conn = await self.session.connection()
        await conn.execute(insert_of(conn.dialect, coverage_states).values([
            {"cared_person_id": person, "state": CoverageState.PROTECTED, "changed_at": at,
             "evaluated_at": at} for person in wanted]).on_conflict_do_nothing(
            index_elements=["cared_person_id"]))
        c = coverage_states.c
        found = (await self.session.scalars(
            select(CoverageRecord).where(bulk.one_of(c.cared_person_id, wanted, conn.dialect))
            .order_by(c.cared_person_id).with_for_update())).all()
        return {record.cared_person_id: record for record in found}

    async def active_devices(self, cared_person_ids: Collection[UUID]
                             ) -> dict[UUID, list[Device]]:
        c = devices.c
        found: dict[UUID, list[Device]] = defaultdict(list)
        if cared_person_ids:
            for device in (await self.session.scalars(
                    select(Device).where(bulk.one_of(c.cared_person_id, cared_person_ids,
                                                     dialect_of(self.session)),
                                         c.is_active.is_(True))
                    .order_by(c.created_at, c.id))).all():
                found[device.cared_person_id].append(device)
        return dict(found)

    async def deliveries(self, cared_person_ids: Collection[UUID],
                         since: datetime) -> dict[UUID, Deliveries]:
        if not cared_person_ids:
            return {}
        person = alerts.c.cared_person_id
        rows = await self.session.execute(
            delivery_sums(bulk.one_of(person, cared_person_ids, dialect_of(self.session)),
                          since)
            .add_columns(person).group_by(person))
        return {row.cared_person_id: Deliveries(int(row.delivered), int(row.undelivered))
                for row in rows}

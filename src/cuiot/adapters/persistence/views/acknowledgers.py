"""``AcknowledgerViews``: the names of those who acknowledged some alerts, in one
statement with the access rule joined in (alerts by primary key: they are few)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from cuiot.adapters.persistence.orm.identity import users
from cuiot.adapters.persistence.orm.safety import alerts
from cuiot.adapters.persistence.views.access import visible_cared_persons
from cuiot.application.shared.queries import Viewer

a, u = alerts.c, users.c


class SqlAcknowledgerViews:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def names(self, viewer: Viewer, today: date,
                    alert_ids: Collection[UUID]) -> Mapping[UUID, str]:
        seen = [] if viewer.is_admin else [
            a.cared_person_id.in_(visible_cared_persons(viewer, today))]
        rows = await self.conn.execute(
            select(a.id, u.first_name, u.last_name)
            .join(users, u.id == a.acknowledged_by)
            .where(a.id.in_(list(alert_ids)), *seen))
        return {row.id: f"{row.first_name} {row.last_name}" for row in rows}

"""``AcknowledgerViews``: the names of those who acknowledged some alerts, in one
statement with the access rule joined in (alerts by primary key: they are few).

A user is named by their account. Someone who took an alert from a notification's link
or SMS code without an account (an emergency contact) is named as the outbox row of that
link named them: the alert's newest used link, then the notification written to the same
address by the same channel (``recipient_name``; rows from before names were kept have
none, and the console then shows the masked address)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from functools import cache
from typing import Any
from uuid import UUID

from sqlalchemy import ScalarSelect, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from cuiot.adapters.persistence.orm.ack_links import acknowledgement_links
from cuiot.adapters.persistence.orm.identity import users
from cuiot.adapters.persistence.orm.safety import alerts, notifications
from cuiot.adapters.persistence.views.access import visible_cared_persons
from cuiot.application.shared.queries import Viewer

a, u, link, n = alerts.c, users.c, acknowledgement_links.c, notifications.c


class SqlAcknowledgerViews:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def names(self, viewer: Viewer, today: date,
                    alert_ids: Collection[UUID]) -> Mapping[UUID, str]:
        seen = [] if viewer.is_admin else [
            a.cared_person_id.in_(visible_cared_persons(viewer, today))]
        rows = await self.conn.execute(
            select(a.id, u.first_name, u.last_name, _named_by_link().label("contact"))
            .outerjoin(users, u.id == a.acknowledged_by)
            .where(a.id.in_(list(alert_ids)), *seen,
                   or_(a.acknowledged_by.is_not(None), a.acknowledged_via.is_not(None))))
        return {row.id: f"{row.first_name} {row.last_name}" if row.first_name else row.contact
                for row in rows if row.first_name or row.contact}


@cache
def _named_by_link() -> ScalarSelect[Any]:
    """The name the outbox gave the recipient of the alert's newest used link."""
    told = and_(n.alert_id == link.alert_id, n.channel == link.channel,
                n.address == link.recipient)
    return (select(n.recipient_name)
            .select_from(acknowledgement_links.join(notifications, told))
            .where(link.alert_id == a.id, link.used_at.is_not(None),
                   a.acknowledged_via.is_not(None), n.recipient_name.is_not(None))
            .order_by(link.used_at.desc()).limit(1)
            .correlate(alerts).scalar_subquery())

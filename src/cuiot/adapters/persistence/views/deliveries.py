"""The view of an alert's deliveries: one statement per page, never a row lock.

The alert is looked up with the access rule (``visible_cared_persons``) and outer-joined
to a page of its outbox rows (``notifications (alert_id, created_at)``), so a viewer who
may not see the alert gets no row at all, and one who may gets one row with no delivery
when the page is empty. A row's recipient is named as it was when written; rows from
before names were kept take their user's current name."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any, cast
from uuid import UUID

from sqlalchemy import Date, Integer, Row, Select, Uuid, bindparam, func, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from cuiot.adapters.persistence.orm.identity import users
from cuiot.adapters.persistence.orm.safety import alerts, notifications
from cuiot.adapters.persistence.views.access import visible_cared_persons
from cuiot.application.safety.ports import DeliveryView
from cuiot.application.shared.queries import Viewer, Window

a, n, u = alerts.c, notifications.c, users.c
_ANYONE = Viewer(cast(UUID, bindparam("viewer_id", type_=Uuid())))
_TODAY = cast(date, bindparam("today", type_=Date()))


class SqlDeliveryViews:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def of_alert(self, viewer: Viewer, today: date, alert_id: UUID,
                       window: Window) -> list[DeliveryView] | None:
        rows = list(await self.conn.execute(_deliveries(viewer.is_admin), {
            "viewer_id": viewer.user_id, "today": today, "alert_id": alert_id,
            "offset": window.offset, "limit": window.limit + 1}))
        if not rows:
            return None
        return [_delivery(row) for row in rows if row.id is not None]


@cache
def _deliveries(admin: bool) -> Select[Any]:
    page = (select(n.id, n.channel, n.address, n.recipient_user_id, n.recipient_name,
                   n.escalation_level, n.created_at, n.status, n.attempts, n.sent_at)
            .where(n.alert_id == bindparam("alert_id"))
            .order_by(n.created_at, n.id)
            .offset(bindparam("offset", type_=Integer()))
            .limit(bindparam("limit", type_=Integer()))
            .subquery("page"))
    named_now = (select(u.first_name + " " + u.last_name)
                 .where(u.id == page.c.recipient_user_id).scalar_subquery())
    seen = [] if admin else [a.cared_person_id.in_(visible_cared_persons(_ANYONE, _TODAY))]
    return (select(*(c for c in page.c if c.key != "recipient_name"),
                   func.coalesce(page.c.recipient_name, named_now).label("recipient_name"))
            .select_from(alerts.outerjoin(page, true()))
            .where(a.id == bindparam("alert_id"), *seen)
            .order_by(page.c.created_at, page.c.id))


def _delivery(row: Row[Any]) -> DeliveryView:
    return DeliveryView(
        id=row.id, channel=row.channel, address=row.address,
        recipient_user_id=row.recipient_user_id, recipient_name=row.recipient_name,
        escalation_level=row.escalation_level, created_at=row.created_at, status=row.status,
        attempts=row.attempts, sent_at=row.sent_at)

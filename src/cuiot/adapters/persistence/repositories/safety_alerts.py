"""Alerts and the notification outbox on SQL.

Row locks (PostgreSQL; SQLite serialises writers at BEGIN IMMEDIATE and ignores them):
an alert read to be changed stays locked until the unit of work ends, so an
acknowledgement, a joining event, the dispatcher and the escalation job never overwrite
each other's change. The escalation job skips locked alerts instead of waiting
(``SKIP LOCKED``), so several workers never escalate the same alert twice; the
dispatcher claims due outbox rows the same way and holds them until their outcome is
committed, so no row is sent by two dispatchers. Looking for
the open alert of a device first locks the device's row: two events of one device
arriving at once join one alert rather than opening two. Locks are always taken device
first, then alert.

Writing outbox rows on PostgreSQL also queues ``NOTIFY cuiot_outbox`` in the same
transaction: PostgreSQL delivers it to every listening dispatcher, in any process, when
(and only if) the transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from cuiot.adapters.persistence.repositories.base import Mapper, Row, SqlRepository
from cuiot.adapters.persistence.repositories.safety import (
    PartitionedRepository,
    among,
)
from cuiot.adapters.persistence.orm.safety import alerts, devices, notifications
from cuiot.domain.alerts import ESCALATING, Alert, AlertStatus
from cuiot.domain.notifications import Channel, DeliveryStatus, Notification
from cuiot.domain.sensor_events import Severity

OUTBOX_CHANNEL = "cuiot_outbox"  # what PostgreSQL dispatchers LISTEN on


def _alert_row(a: Alert) -> dict[str, Any]:
    return {
        "id": a.id, "created_at": a.created_at, "cared_person_id": a.cared_person_id,
        "device_pk": a.device_pk, "alert_type": a.alert_type, "severity": a.severity.value,
        "status": a.status.value, "escalation_level": a.escalation_level,
        "repeats_at_max_level": a.repeats_at_max_level, "occurrences": a.occurrences,
        "next_escalation_at": a.next_escalation_at, "last_event_at": a.last_event_at,
        "acknowledged_by": a.acknowledged_by, "acknowledged_at": a.acknowledged_at,
        "resolved_by": a.resolved_by, "resolved_at": a.resolved_at,
        "unhandled_at": a.unhandled_at,
    }


def _alert_from(row: Row, _children: Mapping[str, list[Row]]) -> Alert:
    values = dict(row)
    values.update(severity=Severity(row["severity"]), status=AlertStatus(row["status"]))
    return Alert(**values)


class SqlAlchemyAlertRepository(PartitionedRepository[Alert]):
    mapper = Mapper(alerts, _alert_row, _alert_from)
    partition_column = "created_at"
    entity = "alert"
    write_together = True  # the escalation job changes a whole page of alerts at once

    async def get(self, alert_id: UUID) -> Alert | None:
        if alert_id in self._identity:
            return self._identity[alert_id]
        stmt = self._select().where(alerts.c.id == alert_id).with_for_update()
        return await self._load_one(stmt)

    async def get_open(self, cared_person_id: UUID, device_pk: UUID,
                       alert_type: str) -> Alert | None:
        await self._lock_device(device_pk)
        c = alerts.c
        stmt = (self._select().where(c.cared_person_id == cared_person_id,
                                     c.device_pk == device_pk, c.alert_type == alert_type,
                                     c.status != AlertStatus.RESOLVED.value)
                .order_by(c.created_at, c.id).with_for_update())
        return await self._load_one(stmt)

    async def list_due_for_escalation(self, now: datetime, limit: int = 100) -> list[Alert]:
        c = alerts.c
        stmt = (self._select().where(c.status.in_([s.value for s in ESCALATING]),
                                     c.next_escalation_at <= now)
                .order_by(c.next_escalation_at, c.id).limit(limit)
                .with_for_update(skip_locked=True))
        return await self._load(stmt)

    async def list_for_cared_persons(
        self, cared_person_ids: Iterable[UUID] | None, *, status: AlertStatus | None = None,
        severity: Severity | None = None, offset: int = 0, limit: int = 100,
    ) -> list[Alert]:
        c = alerts.c
        stmt = self._select().where(among(c.cared_person_id, cared_person_ids))
        if status is not None:
            stmt = stmt.where(c.status == status.value)
        if severity is not None:
            stmt = stmt.where(c.severity == severity.value)
        stmt = stmt.order_by(c.created_at.desc(), c.id.desc()).offset(offset).limit(limit)
        return await self._load(stmt)

    async def _lock_device(self, device_pk: UUID) -> None:
        if self.conn.dialect.name == "postgresql":
            await self.conn.execute(select(devices.c.id).where(devices.c.id == device_pk)
                                    .with_for_update())


def _notification_row(n: Notification) -> dict[str, Any]:
    return {
        "id": n.id, "channel": n.channel.value, "address": n.address, "subject": n.subject,
        "body": n.body, "created_at": n.created_at, "kind": n.kind,
        "recipient_user_id": n.recipient_user_id, "alert_id": n.alert_id,
        "escalation_level": n.escalation_level, "payload": n.payload,
        "status": n.status.value, "attempts": n.attempts, "next_attempt_at": n.next_attempt_at,
        "last_error": n.last_error, "sent_at": n.sent_at,
    }


def _notification_from(row: Row, _children: Mapping[str, list[Row]]) -> Notification:
    values = dict(row)
    values.update(channel=Channel(row["channel"]), status=DeliveryStatus(row["status"]),
                  payload=dict(row["payload"]))
    notification = Notification(**values)
    # __post_init__ turns a missing next attempt into "now"; a failed row has none.
    notification.next_attempt_at = row["next_attempt_at"]
    return notification


class SqlAlchemyNotificationRepository(SqlRepository[Notification]):
    """The outbox. ``added`` counts the rows this unit of work wrote; the first one
    queues the NOTIFY (PostgreSQL), which commits or rolls back with the rows."""

    mapper = Mapper(notifications, _notification_row, _notification_from)
    entity = "notification"
    write_together = True  # an escalated page writes thousands of outbox rows

    def __init__(self, conn: AsyncConnection) -> None:
        super().__init__(conn)
        self.added = 0

    async def add(self, entity: Notification) -> None:
        await super().add(entity)
        if not self.added and self.conn.dialect.name == "postgresql":
            await self.conn.execute(text(f"NOTIFY {OUTBOX_CHANNEL}"))
        self.added += 1

    async def list_for_alert(self, alert_id: UUID) -> list[Notification]:
        c = notifications.c
        return await self._load(self._select().where(c.alert_id == alert_id)
                                .order_by(c.created_at, c.id))

    async def list_due(self, now: datetime, limit: int = 100) -> list[Notification]:
        c = notifications.c
        stmt = (self._select().where(c.status == DeliveryStatus.PENDING.value,
                                     c.next_attempt_at <= now)
                .order_by(c.next_attempt_at, c.id).limit(limit)
                .with_for_update(skip_locked=True))
        return await self._load(stmt)

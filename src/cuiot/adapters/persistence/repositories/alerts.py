"""Alerts and the notification outbox, for commands: mapped by the ORM, written by the
session at flush (a page of changed alerts or new outbox rows in a few executemany
statements: ``orm.safety.write_whole_rows``).

Row locks (PostgreSQL; SQLite serialises writers at BEGIN IMMEDIATE and ignores them):
an alert read to be changed stays locked until the unit of work ends, so an
acknowledgement, a joining event, the dispatcher and the escalation job never overwrite
each other's change. The escalation job skips locked alerts instead of waiting
(``SKIP LOCKED``), so several workers never escalate the same alert twice; the
dispatcher claims due outbox rows the same way and holds them until their outcome is
committed, so no row is sent by two dispatchers. Looking for the open alert of a device
first locks the device's row: two events of one device arriving at once join one alert
rather than opening two. Locks are always taken device first, then alert.

Writing outbox rows on PostgreSQL also queues ``NOTIFY cuiot_outbox`` in the same
transaction: PostgreSQL delivers it to every listening dispatcher, in any process, when
(and only if) the transaction commits.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Select, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from cuiot.adapters.persistence import bulk
from cuiot.adapters.persistence.orm.safety import alerts, devices, notifications
from cuiot.adapters.persistence.repositories.session import SessionRepository, dialect_of
from cuiot.domain.alerts import ESCALATING, Alert, AlertStatus
from cuiot.domain.notifications import DeliveryStatus, Notification

OUTBOX_CHANNEL = "cuiot_outbox"  # what PostgreSQL dispatchers LISTEN on


class SqlAlchemyAlertRepository(SessionRepository[Alert]):
    entity_class = Alert
    entity = "alert"

    async def get(self, alert_id: UUID) -> Alert | None:
        """The alert, locked for this unit of work (found by ``id``, which leads the
        primary key ``(id, created_at)``)."""
        return await self._first(select(Alert).where(alerts.c.id == alert_id)
                                 .with_for_update())

    async def get_many(self, keys: Iterable[UUID]) -> dict[UUID, Alert]:
        """Those of these alerts that exist, by id, locked in one statement (in id order,
        so two units of work locking some of the same alerts never deadlock)."""
        wanted = sorted(set(keys))
        if not wanted:
            return {}
        found = (await self.session.scalars(
            select(Alert).where(bulk.one_of(alerts.c.id, wanted, dialect_of(self.session)))
            .order_by(alerts.c.id)
            .with_for_update())).all()
        return {alert.id: alert for alert in found}

    async def get_open(self, cared_person_id: UUID, device_pk: UUID,
                       alert_type: str) -> Alert | None:
        await self._lock_device(device_pk)
        c = alerts.c
        return await self._first(
            select(Alert).where(c.cared_person_id == cared_person_id,
                                c.device_pk == device_pk, c.alert_type == alert_type,
                                c.status != AlertStatus.RESOLVED)
            .order_by(c.created_at, c.id).with_for_update())

    async def list_due_for_escalation(self, now: datetime, limit: int = 100) -> list[Alert]:
        c = alerts.c
        stmt = (select(Alert).where(c.status.in_(ESCALATING), c.next_escalation_at <= now)
                .order_by(c.next_escalation_at, c.id).limit(limit)
                .with_for_update(skip_locked=True))
        return list((await self.session.scalars(stmt)).all())

    async def _first(self, stmt: Select[Any]) -> Alert | None:
        found: Alert | None = (await self.session.scalars(stmt.limit(1))).first()
        return found

    async def _lock_device(self, device_pk: UUID) -> None:
        # FOR NO KEY UPDATE: it serialises the open alert of a device, yet does not wait
        # for the KEY SHARE lock that checking an event's foreign key already took in
        # another unit of work (FOR UPDATE would, and two such units would deadlock).
        if dialect_of(self.session).name == "postgresql":
            await self.session.execute(select(devices.c.id).where(devices.c.id == device_pk)
                                       .with_for_update(key_share=True))


class SqlAlchemyNotificationRepository(SessionRepository[Notification]):
    """The outbox. ``added`` counts the rows this unit of work wrote; the first one
    queues the NOTIFY (PostgreSQL), which commits or rolls back with the rows."""

    entity_class = Notification
    entity = "notification"

    def __init__(self, session: AsyncSession) -> None:
        super().__init__(session)
        self.added = 0

    async def add(self, entity: Notification) -> None:
        # A new row with a new id: the outbox's primary key refuses a repeat at flush,
        # so no identity-map lookup on this path that escalation runs by the thousand.
        self.session.add(entity)
        if not self.added and dialect_of(self.session).name == "postgresql":
            # On the connection: the session would flush first, and a page of
            # escalations is to be written at once, at commit.
            connection = await self.session.connection()
            await connection.execute(text(f"NOTIFY {OUTBOX_CHANNEL}"))
        self.added += 1

    async def list_due(self, now: datetime, limit: int = 100) -> list[Notification]:
        c = notifications.c
        stmt = (select(Notification).where(c.status == DeliveryStatus.PENDING,
                                           c.next_attempt_at <= now)
                .order_by(c.next_attempt_at, c.id).limit(limit)
                .with_for_update(skip_locked=True))
        return list((await self.session.scalars(stmt)).all())

    async def list_queued_about(self, user_id: UUID,
                                cared_person_ids: Collection[UUID]) -> list[Notification]:
        """Found by the recipient's index; held, waiting for a dispatcher delivering one
        (then, sent, it is no longer pending and not among them)."""
        c = notifications.c
        about = select(alerts.c.id).where(alerts.c.cared_person_id.in_(list(cared_person_ids)))
        stmt = (select(Notification).where(c.recipient_user_id == user_id,
                                           c.status == DeliveryStatus.PENDING,
                                           c.alert_id.in_(about))
                .order_by(c.id).with_for_update())
        return list((await self.session.scalars(stmt)).all())

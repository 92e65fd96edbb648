"""What a cared person or a user leaves in the safety records (``PersonalRecords``).

Deactivating loads what is still open or queued as entities, held for the unit of work
(``FOR UPDATE`` on PostgreSQL; SQLite serialises writers at BEGIN IMMEDIATE): the
person's devices are held first, in id order, as an ingest batch holds them, so an alert
a batch is opening for the person commits first and is found here.

Erasing changes many rows in one ``UPDATE`` per kind, on the session's connection after
a flush: what it erases is what the stored rows hold (readings' values, the texts and
contacts' addresses of alert notifications and acknowledgement links, an address that
acknowledged), never what the session holds (the erase use cases load none of it). The
person's alerts are found by ``cared_person_id`` (indexed); notifications by their
alert's id or recipient (indexed); a user's links and acknowledgements by a scan, as
rare as erasure requests are.
"""

from __future__ import annotations

from typing import Any, ClassVar
from uuid import UUID

from sqlalchemy import Select, Update, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from cuiot.adapters.persistence.orm.ack_links import acknowledgement_links as links
from cuiot.adapters.persistence.orm.referrals import referrals
from cuiot.adapters.persistence.orm.safety import alerts, devices, events, notifications
from cuiot.domain.alerts import Alert, AlertStatus
from cuiot.domain.notifications import ERASED, DeliveryStatus, Notification

a, n, k = alerts.c, notifications.c, links.c


def _of_person(person_id: UUID) -> Select[Any]:
    return select(a.id).where(a.cared_person_id == person_id)


class SqlAlchemyPersonalRecords:
    uses_session: ClassVar[bool] = True

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open_alerts_of(self, cared_person_id: UUID) -> list[Alert]:
        await self.session.execute(
            select(devices.c.id).where(devices.c.cared_person_id == cared_person_id)
            .order_by(devices.c.id).with_for_update(key_share=True))
        return list((await self.session.scalars(
            select(Alert).where(a.cared_person_id == cared_person_id,
                                a.status != AlertStatus.RESOLVED)
            .order_by(a.id).with_for_update())).all())

    async def queued_notifications(self, *, cared_person_id: UUID | None = None,
                                   user_id: UUID | None = None) -> list[Notification]:
        whose = (n.recipient_user_id == user_id if cared_person_id is None
                 else n.alert_id.in_(_of_person(cared_person_id)))
        return list((await self.session.scalars(
            select(Notification).where(n.status == DeliveryStatus.PENDING, whose)
            .order_by(n.id).with_for_update())).all())

    async def erase_cared_person(self, cared_person_id: UUID) -> dict[str, int]:
        theirs, contact = n.alert_id.in_(_of_person(cared_person_id)), n.recipient_user_id.is_(None)
        return await self._run({
            "events": update(events).where(events.c.cared_person_id == cared_person_id)
            .values(sensor_data={}),
            "notifications": update(notifications).where(theirs)
            .values(subject=ERASED, body=ERASED),
            "contact_addresses": update(notifications).where(theirs, contact)
            .values(address=ERASED, recipient_name=None),
            "links": update(links).where(k.alert_id.in_(_of_person(cared_person_id)),
                                         k.recipient_user_id.is_(None))
            .values(recipient=ERASED),
            "alerts": update(alerts).where(a.cared_person_id == cared_person_id,
                                           a.acknowledged_by.is_(None),
                                           a.acknowledged_recipient.is_not(None))
            .values(acknowledged_recipient=ERASED),
        })

    async def erase_user(self, user_id: UUID, email: str) -> dict[str, int]:
        return await self._run({
            "notifications": update(notifications).where(n.recipient_user_id == user_id)
            .values(address=ERASED, recipient_name=None),
            "links": update(links).where(k.recipient_user_id == user_id)
            .values(recipient=ERASED),
            "alerts": update(alerts).where(a.acknowledged_by == user_id,
                                           a.acknowledged_recipient.is_not(None))
            .values(acknowledged_recipient=ERASED),
            "referrals": update(referrals).where(referrals.c.referred_user_id == user_id)
            .values(email=email),
        })

    async def _run(self, statements: dict[str, Update]) -> dict[str, int]:
        await self.session.flush()
        conn = await self.session.connection()
        counts: dict[str, int] = {}
        for kind, statement in statements.items():
            counts[kind] = int((await conn.execute(statement)).rowcount or 0)
        return counts

"""``PersonalRecords`` over the in-memory store: what the SQL one does with locks and bulk
UPDATEs, done on the store's dicts (entities handed out are the stored ones, seen by
the unit of work like any repository's)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from cuiot.domain.alerts import Alert
from cuiot.domain.notifications import ERASED, DeliveryStatus, Notification

if TYPE_CHECKING:
    from tests.fakes.uow import InMemoryStore


class InMemoryPersonalRecords:
    def __init__(self, store: InMemoryStore) -> None:
        self.store = store

    def _alert_ids(self, cared_person_id: UUID) -> set[UUID]:
        return {a.id for a in self.store.alerts.all() if a.cared_person_id == cared_person_id}

    async def open_alerts_of(self, cared_person_id: UUID) -> list[Alert]:
        return self.store.alerts._where(
            lambda a: a.cared_person_id == cared_person_id and a.is_open)

    async def queued_notifications(self, *, cared_person_id: UUID | None = None,
                                   user_id: UUID | None = None) -> list[Notification]:
        alert_ids = self._alert_ids(cared_person_id) if cared_person_id else set()
        return self.store.notifications._where(
            lambda n: n.status is DeliveryStatus.PENDING and (
                n.alert_id in alert_ids if cared_person_id else n.recipient_user_id == user_id))

    async def erase_cared_person(self, cared_person_id: UUID) -> dict[str, int]:
        theirs = self._alert_ids(cared_person_id)
        readings = [e for e in self.store.events.all() if e.cared_person_id == cared_person_id]
        for event in readings:
            event.sensor_data = {}
        told = [n for n in self.store.notifications.all() if n.alert_id in theirs]
        for notification in told:
            notification.subject = notification.body = ERASED
            if notification.recipient_user_id is None:
                notification.address, notification.recipient_name = ERASED, None
        return {"events": len(readings), "notifications": len(told)}

    async def erase_user(self, user_id: UUID, email: str) -> dict[str, int]:
        told = [n for n in self.store.notifications.all() if n.recipient_user_id == user_id]
        for notification in told:
            notification.address, notification.recipient_name = ERASED, None
        return {"notifications": len(told)}

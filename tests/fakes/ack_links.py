"""Acknowledgement links in a dict, answering as the SQL repository and view do."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any
from uuid import UUID

from cuiot.application.safety.queries.ack_links import AckLinkView
from cuiot.domain.ack_links import CLOSED, AckLink, AlertRound
from cuiot.domain.alerts import Alert
from tests.fakes.base import InMemoryRepository


class InMemoryAckLinkRepository(InMemoryRepository[AckLink]):
    entity = "acknowledgement link"

    def __init__(self, alerts: InMemoryRepository[Alert] | None = None) -> None:
        super().__init__()
        self.alerts = alerts or InMemoryRepository[Alert]()

    async def list_open_about(self, user_id: UUID, cared_person_ids: Collection[UUID],
                              now: datetime) -> list[AckLink]:
        open_alerts = {a.id for a in self.alerts.items.values()
                       if a.cared_person_id in cared_person_ids and a.status not in CLOSED}
        return sorted(self._where(lambda link: link.recipient_user_id == user_id
                                  and link.alert_id in open_alerts and link.used_at is None
                                  and link.expires_at > now), key=lambda link: link.id)

    async def get_by_token_hash(self, token_hash: str) -> AckLink | None:
        return self._first(lambda link: link.token_hash == token_hash)

    async def get_open_by_reply_key(self, code_hash: str, now: datetime) -> AckLink | None:
        found = self._where(lambda link: link.code_hash == code_hash
                            and link.used_at is None and link.expires_at > now)
        return max(found, key=lambda link: link.created_at, default=None)

    async def code_in_use(self, code_hash: str, now: datetime) -> bool:
        return any(link.code_hash == code_hash and link.used_at is None
                   and link.expires_at > now for link in self.items.values())

    async def has_newer(self, link: AckLink) -> bool:
        return any(other.alert_id == link.alert_id and other.channel is link.channel
                   and other.recipient == link.recipient and other.created_at > link.created_at
                   for other in self.items.values())


class InMemoryAckLinkViews:
    """``AckLinkViews`` over the in-memory store, as the SQL view answers."""

    def __init__(self, store: Any) -> None:
        self.store = store

    async def by_token_hash(self, token_hash: str) -> AckLinkView | None:
        links = self.store.ack_links
        link = next((k for k in links.items.values() if k.token_hash == token_hash), None)
        if link is None:
            return None
        alert = self.store.alerts.items[link.alert_id]
        person = self.store.cared_persons.items[alert.cared_person_id]
        device = self.store.devices.items[alert.device_pk]
        return AckLinkView(
            channel=link.channel, escalation_level=link.escalation_level, repeat=link.repeat,
            expires_at=link.expires_at, used_at=link.used_at,
            superseded=await links.has_newer(link), alert_id=alert.id,
            alert=AlertRound.of(alert), alert_type=alert.alert_type, severity=alert.severity,
            occurrences=alert.occurrences, created_at=alert.created_at,
            last_event_at=alert.last_event_at, cared_person_name=person.full_name,
            device_name=device.name, responder_info=person.responder_info)

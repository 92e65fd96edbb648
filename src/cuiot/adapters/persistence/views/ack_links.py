"""``AckLinkViews``: a link found by its hash, with its alert, the names of the alert's
person and device, and what a responder needs to know of the person, in one statement
(every table by an indexed key, never a lock)."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, exists, select
from sqlalchemy.ext.asyncio import AsyncConnection

from cuiot.adapters.persistence.orm.ack_links import acknowledgement_links
from cuiot.adapters.persistence.orm.care import cared_persons
from cuiot.adapters.persistence.orm.safety import alerts, devices
from cuiot.application.safety.queries.ack_links import AckLinkView
from cuiot.domain.ack_links import AlertRound

link, a, cp, d = acknowledgement_links.c, alerts.c, cared_persons.c, devices.c


class SqlAckLinkViews:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def by_token_hash(self, token_hash: str) -> AckLinkView | None:
        row = (await self.conn.execute(_by_token_hash(), {"token_hash": token_hash})).first()
        if row is None:
            return None
        return AckLinkView(
            channel=row.channel, escalation_level=row.escalation_level, repeat=row.repeat,
            expires_at=row.expires_at, used_at=row.used_at, superseded=row.superseded,
            alert_id=row.alert_id,
            alert=AlertRound(row.status, row.alert_level, row.repeats_at_max_level,
                             row.next_escalation_at),
            alert_type=row.alert_type, severity=row.severity, occurrences=row.occurrences,
            created_at=row.created_at, last_event_at=row.last_event_at,
            cared_person_name=f"{row.first_name} {row.last_name}", device_name=row.name,
            responder_info=row.responder_info)


@cache
def _by_token_hash() -> Select[Any]:
    later = acknowledgement_links.alias("later")
    newer = exists().where(later.c.alert_id == link.alert_id,
                           later.c.channel == link.channel,
                           later.c.recipient == link.recipient,
                           later.c.created_at > link.created_at)
    return (select(link.channel, link.escalation_level, link.repeat, link.expires_at,
                   link.used_at, newer.label("superseded"), link.alert_id, a.status,
                   a.escalation_level.label("alert_level"), a.repeats_at_max_level,
                   a.next_escalation_at, a.alert_type, a.severity, a.occurrences,
                   a.created_at, a.last_event_at, cp.first_name, cp.last_name,
                   cp.responder_info, d.name)
            .join(alerts, a.id == link.alert_id)
            .join(cared_persons, cp.id == a.cared_person_id)
            .join(devices, d.id == a.device_pk)
            .where(link.token_hash == bindparam("token_hash")))

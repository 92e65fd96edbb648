"""An alert's deliveries as its console page lists them: who was told, by which channel,
at which address (masked by the query), when, and whether it got there, in Spanish and
in the local time of the installation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from cuiot.application.safety.ports import DeliveryView
from cuiot.domain.instants import iso_utc
from cuiot.domain.notifications import Channel, DeliveryStatus

CHANNEL_LABELS = {Channel.EMAIL: "correo", Channel.SMS: "SMS", Channel.PUSH: "push",
                  Channel.WEBHOOK: "webhook", Channel.LOG: "registro del sistema"}
STATUS_LABELS = {DeliveryStatus.PENDING: "pendiente", DeliveryStatus.SENT: "enviado",
                 DeliveryStatus.FAILED: "falló"}


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    who: str
    channel: str
    channel_label: str
    address: str
    level: int | None
    written_at: str  # ISO, for <time datetime>
    written: str  # "15/01 12:00:03"
    status: str
    status_label: str
    attempts: int
    sent: str | None


def delivery_rows(deliveries: Iterable[DeliveryView], zone: ZoneInfo) -> list[DeliveryRow]:
    return [DeliveryRow(
        who=d.recipient_name or "—", channel=d.channel.value,
        channel_label=CHANNEL_LABELS.get(d.channel, d.channel.value),
        address="—" if d.channel is Channel.LOG else d.address, level=d.escalation_level,
        written_at=iso_utc(d.created_at), written=_local(d.created_at, zone),
        status=d.status.value, status_label=STATUS_LABELS[d.status], attempts=d.attempts,
        sent=_local(d.sent_at, zone) if d.sent_at else None) for d in deliveries]


def _local(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%d/%m %H:%M:%S")

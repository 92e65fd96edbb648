"""Read models as the console's pages show them: Spanish words from ``domain/labels``,
times as "hace 3 min", and alerts in the order a person on call reads them (the most
severe first, then the newest)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from cuiot.application.safety.ports import AlertView, DeviceView, EventView
from cuiot.application.safety.queries.coverage import Coverage
from cuiot.domain.alerts import ESCALATING, AlertStatus
from cuiot.domain.classification import BloodPressure, GasLevels
from cuiot.domain.coverage import CoverageState
from cuiot.domain.devices import DeviceStatus
from cuiot.domain.errors import InvalidReading
from cuiot.domain.instants import iso_utc
from cuiot.domain.labels import alert_status_label, alert_type_label, severity_label
from cuiot.domain.sensor_events import EventType

DEVICE_STATUS_LABELS = {DeviceStatus.ONLINE: "en línea", DeviceStatus.OFFLINE: "desconectado",
                        DeviceStatus.UNKNOWN: "sin datos aún"}
COVERAGE_LABELS = {CoverageState.PROTECTED: "protegida",
                   CoverageState.DEGRADED: "protección reducida",
                   CoverageState.UNPROTECTED: "sin protección"}
CHANNEL_WORDS = {"email": "correo", "sms": "SMS", "push": "notificación", "webhook": "webhook"}
# What the alert's status lets one do (the use cases refuse the rest as a conflict).
ACKNOWLEDGEABLE = ESCALATING | {AlertStatus.UNHANDLED}


@dataclass(frozen=True, slots=True)
class AlertRow:
    id: UUID
    status: str
    status_label: str
    severity: str
    severity_label: str
    severity_rank: int
    type_label: str
    person_id: UUID
    person_name: str
    device_name: str
    level: int
    occurrences: int
    created_at: str
    ago: str
    acknowledged_by: str | None
    may_acknowledge: bool
    may_resolve: bool


def alert_rows(alerts: Iterable[AlertView], acknowledgers: Mapping[UUID, str], me: UUID,
               now: datetime) -> list[AlertRow]:
    """``acknowledgers``: alert id → who acknowledged it; the reader's own are "usted"."""
    ordered = sorted(alerts, key=lambda a: (a.severity.rank, a.created_at), reverse=True)
    return [alert_row(alert, acknowledgers, me, now) for alert in ordered]


def alert_row(alert: AlertView, acknowledgers: Mapping[UUID, str], me: UUID,
              now: datetime) -> AlertRow:
    taken = alert.acknowledged_at is not None
    return AlertRow(
        id=alert.id, status=alert.status.value, status_label=alert_status_label(alert.status),
        severity=alert.severity.value, severity_label=severity_label(alert.severity),
        severity_rank=alert.severity.rank, type_label=alert_type_label(alert.alert_type),
        person_id=alert.cared_person_id, person_name=alert.cared_person_name,
        device_name=alert.device_name, level=alert.escalation_level,
        occurrences=alert.occurrences, created_at=iso_utc(alert.created_at),
        ago=ago(alert.created_at, now),
        acknowledged_by=_acknowledger(alert, acknowledgers, me) if taken else None,
        may_acknowledge=alert.status in ACKNOWLEDGEABLE,
        may_resolve=alert.status is not AlertStatus.RESOLVED)


def _acknowledger(alert: AlertView, acknowledgers: Mapping[UUID, str], me: UUID) -> str:
    """Who took it: "usted", a name, or the (masked) address a notification's link was
    sent to, with that notification's channel when it came from one."""
    who = ("usted" if alert.acknowledged_by == me
           else acknowledgers.get(alert.id) or alert.acknowledged_recipient or "—")
    via = alert.acknowledged_via
    return f"{who}, desde el aviso por {CHANNEL_WORDS.get(via, via)}" if via else who


def ago(moment: datetime, now: datetime) -> str:
    """``hace 40 s``, ``hace 3 min``, ``hace 2 h``, ``hace 5 días`` (the page's script
    counts on from the same rule)."""
    seconds = max(0, int((now - moment).total_seconds()))
    for unit, size in (("día", 86_400), ("h", 3_600), ("min", 60)):
        if seconds >= size:
            count = seconds // size
            return f"hace {count} {unit}{'s' if unit == 'día' and count > 1 else ''}"
    return f"hace {seconds} s"


@dataclass(frozen=True, slots=True)
class ReadingRow:
    when: str
    ago: str
    type_label: str
    severity: str
    severity_label: str
    device_name: str
    summary: str


def reading_rows(events: Iterable[EventView], now: datetime) -> list[ReadingRow]:
    return [ReadingRow(when=iso_utc(e.timestamp), ago=ago(e.timestamp, now),
                       type_label=alert_type_label(e.event_type), severity=e.severity.value,
                       severity_label=severity_label(e.severity), device_name=e.device_name,
                       summary=summary(e.event_type, e.sensor_data)) for e in events]


def summary(event_type: EventType, data: Mapping[str, Any]) -> str:
    """A measurement in a few words (``150/95 mmHg · pulso 80``, ``CO 85 ppm · humo
    0.18 mg/m³``); other events say what they are by their type alone."""
    try:
        if event_type is EventType.BLOOD_PRESSURE:
            bp = BloodPressure.from_data(data)
            return f"{bp.systolic}/{bp.diastolic} mmHg · pulso {bp.pulse}"
        if event_type is EventType.GAS:
            gas = GasLevels.from_data(data)
            return " · ".join(f"{name} {value} {unit}" for name, value, unit in (
                ("CO", gas.co, "ppm"), ("CO2", gas.co2, "ppm"), ("humo", gas.smoke, "mg/m³"))
                if value is not None)
    except InvalidReading:
        pass  # stored before a rule changed: shown without its numbers
    return ""


@dataclass(frozen=True, slots=True)
class DeviceRow:
    name: str
    location: str | None
    status: str
    status_label: str
    battery: int | None
    last_seen: str | None


def device_rows(devices: Iterable[DeviceView], now: datetime) -> list[DeviceRow]:
    return [DeviceRow(name=d.name, location=d.location, status=d.status.value,
                      status_label=DEVICE_STATUS_LABELS[d.status], battery=d.battery_level,
                      last_seen=ago(d.last_seen_at, now) if d.last_seen_at else None)
            for d in devices if d.is_active]


@dataclass(frozen=True, slots=True)
class CoverageBox:
    state: str
    label: str
    reasons: list[str]
    evaluated_at: str
    ago: str


def coverage_box(coverage: Coverage, now: datetime) -> CoverageBox:
    return CoverageBox(state=coverage.state,
                       label=COVERAGE_LABELS[CoverageState(coverage.state)],
                       reasons=[reason.message for reason in coverage.reasons],
                       evaluated_at=iso_utc(coverage.evaluated_at),
                       ago=ago(coverage.evaluated_at, now))

"""The words a Spanish reader sees for the safety vocabulary: one table for the CLI, the
console and the notifications, so a severity or an alert type reads the same everywhere.
Machine values (``critical``, ``blood_pressure``) stay as they are in JSON and storage."""

from __future__ import annotations

from cuiot.domain.alerts import AlertStatus
from cuiot.domain.sensor_events import EventType, Severity

# Feminine: each qualifies "alerta" or "severidad".
SEVERITY_LABELS: dict[Severity, str] = {
    Severity.LOW: "baja",
    Severity.MEDIUM: "media",
    Severity.HIGH: "alta",
    Severity.CRITICAL: "crítica",
}

# An alert's type is the type of the event that opened it.
ALERT_TYPE_LABELS: dict[EventType, str] = {
    EventType.BLOOD_PRESSURE: "presión arterial",
    EventType.GAS: "gas o humo",
    EventType.MOTION: "movimiento",
    EventType.FALL: "caída",
    EventType.PANIC_PRESSED: "botón de pánico",
    EventType.MOTION_DETECTED: "movimiento en cámara",
    EventType.PERSON_DOWN: "persona en el suelo",
    EventType.BATTERY_LOW: "batería baja",
    EventType.DEVICE_OFFLINE: "dispositivo desconectado",
    EventType.INACTIVITY: "inactividad",
    EventType.COVERAGE_LAPSED: "protección interrumpida",
}

ALERT_STATUS_LABELS: dict[AlertStatus, str] = {
    AlertStatus.PENDING: "pendiente",
    AlertStatus.SENT: "enviada",
    AlertStatus.ACKNOWLEDGED: "atendida",
    AlertStatus.RESOLVED: "resuelta",
    AlertStatus.UNHANDLED: "sin atender",
}


def severity_label(severity: Severity | str) -> str:
    return SEVERITY_LABELS[Severity(severity)]


def alert_type_label(alert_type: EventType | str) -> str:
    """An unknown type (a row older than the vocabulary) reads as its machine name rather
    than failing a notification or a listing."""
    try:
        return ALERT_TYPE_LABELS[EventType(alert_type)]
    except ValueError:
        return str(alert_type)


def alert_status_label(status: AlertStatus | str) -> str:
    return ALERT_STATUS_LABELS[AlertStatus(status)]

"""The vocabulary of the safety pipeline (device types, severities, event types) and the
stored sensor event (table ``events``).

Event type names are stable; clients, metrics and stored rows rely on them:

- ``blood_pressure`` and ``gas_sensor``: a measurement, named after the reading type;
- ``motion`` (motion sensor, low), ``fall`` (motion sensor, critical),
  ``panic_pressed`` (panic button ``pressed``, critical), ``motion_detected`` (camera,
  low), ``person_down`` (camera, critical);
- ``battery_low`` (any device: low under 20 %, medium under 10 %);
- ``device_offline`` (medium: last will or missed heartbeats);
- ``inactivity`` (high: no motion for hours in the daytime window);
- ``coverage_lapsed`` (medium or high: the person's protection got worse, see
  ``coverage``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from cuiot.domain.errors import InvalidReading
from cuiot.domain.policy import Policy

# What a device message may carry, whichever way it came (MQTT or HTTP).
MSG_ID_MAX_CHARS = 128
SENSOR_DATA_MAX_BYTES = 16_384
SENSOR_DATA_MAX_NESTING = 8  # levels of objects and arrays within a reading's data


class DeviceType(StrEnum):
    BLOOD_PRESSURE = "blood_pressure"
    GAS_SENSOR = "gas_sensor"
    MOTION_SENSOR = "motion_sensor"
    PANIC_BUTTON = "panic_button"
    IP_CAMERA = "ip_camera"


class Severity(StrEnum):
    """Ordered: low < medium < high < critical (not alphabetical)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANKS[self]

    # A plain string is read as a severity, so "low" < "critical" is never alphabetical.
    def __lt__(self, other: str) -> bool:
        return self.rank < Severity(other).rank

    def __le__(self, other: str) -> bool:
        return self.rank <= Severity(other).rank

    def __gt__(self, other: str) -> bool:
        return self.rank > Severity(other).rank

    def __ge__(self, other: str) -> bool:
        return self.rank >= Severity(other).rank

    @property
    def opens_alert(self) -> bool:
        """Medium and above open (or join) an alert; low is only stored."""
        return self >= Severity.MEDIUM


_SEVERITY_RANKS = {severity: rank for rank, severity in enumerate(Severity)}


class EventType(StrEnum):
    BLOOD_PRESSURE = "blood_pressure"
    GAS = "gas_sensor"
    MOTION = "motion"
    FALL = "fall"
    PANIC_PRESSED = "panic_pressed"
    MOTION_DETECTED = "motion_detected"
    PERSON_DOWN = "person_down"
    BATTERY_LOW = "battery_low"
    DEVICE_OFFLINE = "device_offline"
    INACTIVITY = "inactivity"
    COVERAGE_LAPSED = "coverage_lapsed"


@dataclass(frozen=True, slots=True)
class Classification:
    """What a reading or device event means: its type and how serious it is."""

    event_type: EventType
    severity: Severity


def json_size(data: dict[str, Any]) -> int:
    """Bytes the data takes as compact JSON (what package storage counts)."""
    return len(json.dumps(data, separators=(",", ":"), default=str).encode())


@dataclass(eq=False)
class SensorEvent:
    """One accepted reading or device event. ``msg_id`` is the device's message id
    (``None`` for events the backend derives: battery, offline, inactivity)."""

    id: UUID
    device_pk: UUID
    cared_person_id: UUID
    event_type: EventType
    severity: Severity
    timestamp: datetime
    received_at: datetime
    sensor_data: dict[str, Any] = field(default_factory=dict)
    msg_id: str | None = None
    size_bytes: int = 0
    alert_id: UUID | None = None

    @classmethod
    def new(cls, *, id: UUID, device_pk: UUID, cared_person_id: UUID,
            classification: Classification, timestamp: datetime, received_at: datetime,
            sensor_data: dict[str, Any], msg_id: str | None = None) -> SensorEvent:
        if msg_id is not None and not 0 < len(msg_id) <= MSG_ID_MAX_CHARS:
            raise InvalidReading(f"msg_id must be 1 to {MSG_ID_MAX_CHARS} characters",
                                 field="msg_id")
        if json_size(sensor_data) > SENSOR_DATA_MAX_BYTES:
            raise InvalidReading(f"the data may be at most {SENSOR_DATA_MAX_BYTES} bytes of JSON",
                                 field="data")
        return cls(
            id=id, device_pk=device_pk, cared_person_id=cared_person_id,
            event_type=classification.event_type, severity=classification.severity,
            timestamp=timestamp, received_at=received_at, sensor_data=dict(sensor_data),
            msg_id=msg_id, size_bytes=json_size(sensor_data),
        )

    @property
    def opens_alert(self) -> bool:
        return self.severity.opens_alert

    def attach_to(self, alert_id: UUID) -> None:
        self.alert_id = alert_id


def inactivity_due(quiet_since: datetime, now: datetime, policy: Policy) -> bool:
    """No motion since ``quiet_since``: is that an ``inactivity`` event now?

    Only the daytime window counts (``policy.inactivity_window_start`` included to
    ``inactivity_window_end`` excluded, 07:00-22:00 in ``policy.timezone``): outside it
    nothing is raised, and a quiet spell that began before the window opened is counted
    from the opening. Someone last seen moving at 05:00 is flagged at 11:00, not at
    07:00; someone last seen at 23:00 likewise at 11:00 the next day.
    """
    zone = ZoneInfo(policy.timezone)
    local = now.astimezone(zone)
    if not policy.inactivity_window_start <= local.time() < policy.inactivity_window_end:
        return False
    window_opened = datetime.combine(local.date(), policy.inactivity_window_start, zone)
    return now - max(quiet_since, window_opened) >= policy.inactivity_after

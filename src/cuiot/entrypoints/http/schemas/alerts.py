"""What people see of the safety pipeline: alerts and sensor events.

Both point at their device twice: ``device_id`` is its registered (MQTT) id, the one
people and devices know; ``device_pk`` its key in this API (``/devices/{device_pk}``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

from cuiot.domain.alerts import Alert
from cuiot.domain.sensor_events import SensorEvent

SeverityName = Literal["low", "medium", "high", "critical"]
AlertStatusName = Literal["pending", "sent", "acknowledged", "resolved", "unhandled"]

DEVICE_ID_DOC = "The device's registered (MQTT) id"
DEVICE_PK_DOC = "The device's key in this API (/devices/{device_pk})"


class AlertOut(BaseModel):
    id: UUID
    alert_type: str = Field(examples=["blood_pressure"], description="The event type it is about")
    severity: SeverityName = Field(examples=["critical"])
    status: AlertStatusName = Field(examples=["pending"])
    escalation_level: int = Field(examples=[1], description="1 to 3: who is being told")
    occurrences: int = Field(examples=[1], description="Events of the same kind it gathered")
    cared_person_id: UUID
    device_id: str | None = Field(examples=["bp-elena-01"], description=DEVICE_ID_DOC)
    device_pk: UUID = Field(description=DEVICE_PK_DOC)
    created_at: datetime
    last_event_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: UUID | None
    resolved_at: datetime | None
    resolved_by: UUID | None

    @classmethod
    def of(cls, alert: Alert, device_ids: dict[UUID, str]) -> AlertOut:
        return cls(id=alert.id, alert_type=alert.alert_type, severity=alert.severity.value,
                   status=alert.status.value, escalation_level=alert.escalation_level,
                   occurrences=alert.occurrences, cared_person_id=alert.cared_person_id,
                   device_id=device_ids.get(alert.device_pk), device_pk=alert.device_pk,
                   created_at=alert.created_at, last_event_at=alert.last_event_at,
                   acknowledged_at=alert.acknowledged_at, acknowledged_by=alert.acknowledged_by,
                   resolved_at=alert.resolved_at, resolved_by=alert.resolved_by)


class EventOut(BaseModel):
    id: UUID
    event_type: str = Field(examples=["blood_pressure"])
    severity: SeverityName = Field(examples=["high"])
    device_id: str | None = Field(examples=["bp-elena-01"], description=DEVICE_ID_DOC)
    device_pk: UUID = Field(description=DEVICE_PK_DOC)
    cared_person_id: UUID
    timestamp: datetime = Field(description="When it happened (the device's time if it sent one)")
    received_at: datetime
    sensor_data: dict[str, Any] = Field(examples=[{"systolic": 150, "diastolic": 95,
                                                   "pulse": 80}])
    alert_id: UUID | None = Field(description="The alert it opened or joined, if any")

    @classmethod
    def of(cls, event: SensorEvent, device_ids: dict[UUID, str]) -> EventOut:
        return cls(id=event.id, event_type=event.event_type.value,
                   severity=event.severity.value, device_id=device_ids.get(event.device_pk),
                   device_pk=event.device_pk, cared_person_id=event.cared_person_id,
                   timestamp=event.timestamp, received_at=event.received_at,
                   sensor_data=dict(event.sensor_data), alert_id=event.alert_id)

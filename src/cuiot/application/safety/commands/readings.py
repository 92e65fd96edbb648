"""What devices send as readings and device events, and what becomes of each message:
the commands and outcomes that the per-message use cases (``ingest``), the batch path
(``ingest_batch``) and the MQTT handlers (``device_messages``) share. No use case here,
so each of those modules may import it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

from cuiot.domain.errors import (
    DomainError,
    InvalidReading,
    MonitoringStopped,
    NotFound,
    ValidationFailed,
)
from cuiot.domain.sensor_events import SensorEvent

STORED, DUPLICATE, REJECTED = "stored", "duplicate", "rejected"
SOURCE = "mqtt"
# The message's own fault, or its device's person is deactivated (monitoring stopped):
# refused, kept with the reason, never retried.
REFUSALS = (ValidationFailed, NotFound, MonitoringStopped)

B = TypeVar("B")


@dataclass(frozen=True, slots=True)
class IngestReadingCommand:
    device_id: str
    msg_id: str
    type: str
    data: dict[str, Any]
    ts: datetime | None = None
    battery_level: int | float | None = None


@dataclass(frozen=True, slots=True)
class IngestDeviceEventCommand:
    device_id: str
    msg_id: str
    event: str
    data: dict[str, Any] = field(default_factory=dict)
    ts: datetime | None = None


@dataclass(frozen=True, slots=True)
class IngestResult:
    """``outcome`` is ``stored`` or ``duplicate``. An impossible battery level does not
    cost the reading: it is left out and named in ``battery_rejected``."""

    outcome: str
    events: tuple[SensorEvent, ...] = ()
    battery_rejected: str | None = None

    @property
    def alert_ids(self) -> tuple[UUID, ...]:
        return tuple(e.alert_id for e in self.events if e.alert_id is not None)


@dataclass(frozen=True, slots=True)
class DeviceMessageCommand(Generic[B]):
    """``body`` is what the message says; ``topic`` and ``raw`` (the payload as received)
    are kept if it is refused."""

    topic: str
    raw: bytes
    body: B
    source: str = SOURCE


@dataclass(frozen=True, slots=True)
class MessageOutcome:
    """``result`` is what a stored reading or event gave (its events, alerts); ``error``
    the domain's refusal of a rejected one."""

    outcome: str  # stored, duplicate or rejected
    reason: str | None = None  # why it was rejected
    detail: str = ""
    result: IngestResult | None = None
    error: DomainError | None = None

    @property
    def accepted(self) -> bool:
        return self.outcome != REJECTED


def refusal_reason(error: DomainError) -> str:
    """``unknown_device`` (or ``unknown_<entity>``) for what does not exist, else the
    error's code (``invalid_reading``, ``validation_error``)."""
    if isinstance(error, NotFound):
        return "unknown_" + str(error.details.get("entity", "entity")).replace(" ", "_")
    return error.code


def event_time(ts: datetime | None, received_at: datetime) -> datetime:
    """The device's time when it gave one (with a zone), else the receive time."""
    if ts is None:
        return received_at
    if ts.tzinfo is None:
        raise InvalidReading("ts has no time zone", field="ts", reason="naive_timestamp")
    return ts

"""What people see of the safety pipeline: alerts and sensor events.

Both point at their device twice: ``device_id`` is its registered (MQTT) id, the one
people and devices know; ``device_pk`` its key in this API (``/devices/{device_pk}``).
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    Field,
    StrictFloat,
    StrictInt,
    StringConstraints,
)

from cuiot.application.safety.commands.devices import RegisteredDevice
from cuiot.application.safety.commands.ingest import DUPLICATE, STORED, IngestResult
from cuiot.application.safety.ports import (
    AlertView,
    DeliveryView,
    DeviceCommandView,
    DeviceView,
    EventView,
)
from cuiot.domain.device_commands import DeviceCommand
from cuiot.domain.devices import Device
from cuiot.domain.sensor_events import (
    MSG_ID_MAX_CHARS,
    SENSOR_DATA_MAX_BYTES,
    SENSOR_DATA_MAX_NESTING,
)
from cuiot.entrypoints.http.schemas import Strict

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
    cared_person_name: str = Field(examples=["Elena Gómez"])
    device_id: str | None = Field(examples=["bp-elena-01"], description=DEVICE_ID_DOC)
    device_pk: UUID = Field(description=DEVICE_PK_DOC)
    device_name: str = Field(examples=["Tensiómetro del living"])
    created_at: datetime
    last_event_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: UUID | None
    acknowledged_via: str | None = Field(
        default=None, examples=["email"],
        description="Acknowledged from a notification's link (or an SMS reply): its "
                    "channel, `email`, `sms`, `push` or `webhook`. Null when acknowledged "
                    "in CUIOT itself")
    acknowledged_recipient: str | None = Field(
        default=None, examples=["l****@example.com"],
        description="The address that notification was sent to, masked")
    resolved_at: datetime | None
    resolved_by: UUID | None

    @classmethod
    def of(cls, alert: AlertView) -> AlertOut:
        """From a view's row, typed already: built without validating it again."""
        return cls.model_construct(
                   id=alert.id, alert_type=alert.alert_type, severity=alert.severity.value,
                   status=alert.status.value, escalation_level=alert.escalation_level,
                   occurrences=alert.occurrences, cared_person_id=alert.cared_person_id,
                   cared_person_name=alert.cared_person_name, device_id=alert.device_id,
                   device_pk=alert.device_pk, device_name=alert.device_name,
                   created_at=alert.created_at, last_event_at=alert.last_event_at,
                   acknowledged_at=alert.acknowledged_at, acknowledged_by=alert.acknowledged_by,
                   acknowledged_via=alert.acknowledged_via,
                   acknowledged_recipient=alert.acknowledged_recipient,
                   resolved_at=alert.resolved_at, resolved_by=alert.resolved_by)


class EventOut(BaseModel):
    id: UUID
    event_type: str = Field(examples=["blood_pressure"])
    severity: SeverityName = Field(examples=["high"])
    device_id: str | None = Field(examples=["bp-elena-01"], description=DEVICE_ID_DOC)
    device_pk: UUID = Field(description=DEVICE_PK_DOC)
    device_name: str = Field(examples=["Tensiómetro del living"])
    cared_person_id: UUID
    cared_person_name: str = Field(examples=["Elena Gómez"])
    timestamp: datetime = Field(description="When it happened (the device's time if it sent one)")
    received_at: datetime
    sensor_data: dict[str, Any] = Field(examples=[{"systolic": 150, "diastolic": 95,
                                                   "pulse": 80}])
    alert_id: UUID | None = Field(description="The alert it opened or joined, if any")

    @classmethod
    def of(cls, event: EventView) -> EventOut:
        """From a view's row, typed already: built without validating it again."""
        return cls.model_construct(id=event.id, event_type=event.event_type.value,
                   severity=event.severity.value, device_id=event.device_id,
                   device_pk=event.device_pk, device_name=event.device_name,
                   cared_person_id=event.cared_person_id,
                   cared_person_name=event.cared_person_name,
                   timestamp=event.timestamp, received_at=event.received_at,
                   sensor_data=dict(event.sensor_data), alert_id=event.alert_id)


class DeliveryOut(BaseModel):
    """One notification of an alert: to whom, how, and how it went."""

    id: UUID
    channel: Literal["email", "sms", "push", "webhook", "log"] = Field(examples=["sms"])
    recipient_name: str | None = Field(examples=["Bruno Gómez"], description="Who was told")
    recipient_user_id: UUID | None = Field(description="Null for an emergency contact")
    address: str = Field(examples=["+5411****0102"],
                         description="Where it went, masked: a phone's last digits, an "
                                     "email's domain, a push phone's token end")
    escalation_level: int | None = Field(examples=[2])
    created_at: datetime = Field(description="When it was written (the alert reached the level)")
    status: Literal["pending", "sent", "failed"] = Field(
        examples=["sent"], description="pending (on its way, or retrying), sent or failed "
                                       "(every attempt failed, or given up: its recipient "
                                       "lost access to the person)")
    attempts: int = Field(examples=[1])
    sent_at: datetime | None = Field(description="When it was delivered")

    @classmethod
    def of(cls, row: DeliveryView) -> DeliveryOut:
        return cls.model_construct(
            id=row.id, channel=row.channel.value, recipient_name=row.recipient_name,
            recipient_user_id=row.recipient_user_id, address=row.address,
            escalation_level=row.escalation_level, created_at=row.created_at,
            status=row.status.value, attempts=row.attempts, sent_at=row.sent_at)


DeviceTypeName = Literal["blood_pressure", "gas_sensor", "motion_sensor", "panic_button",
                         "ip_camera"]
NO_CONTROL = r"^[^\x00-\x1f\x7f]*$"  # what a name or an id never needs (and SQL refuses NUL)
MAX_JSON_BYTES = SENSOR_DATA_MAX_BYTES  # the domain's bound, shown to clients
MAX_SETTING = 1_000_000_000

Name = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=NO_CONTROL)]
Location = Annotated[str, StringConstraints(max_length=200, pattern=NO_CONTROL)]
RegisteredId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=NO_CONTROL)]
MsgId = Annotated[str, StringConstraints(min_length=1, max_length=MSG_ID_MAX_CHARS,
                                         pattern=NO_CONTROL)]
ReadingType = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=NO_CONTROL)]


def _plain_json(value: Any, depth: int = 0) -> None:
    """Only what JSON can say and SQL can store: finite numbers, text without NUL or
    lone surrogates, at most ``SENSOR_DATA_MAX_NESTING`` levels deep."""
    if depth > SENSOR_DATA_MAX_NESTING:
        raise ValueError("nested too deeply")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("numbers must be finite")
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("text must not hold NUL")
        value.encode("utf-8")  # a lone surrogate: UnicodeEncodeError, a ValueError
    elif isinstance(value, dict | list):
        pairs = value.items() if isinstance(value, dict) else enumerate(value)
        for key, child in pairs:
            _plain_json(key, depth + 1)
            _plain_json(child, depth + 1)


def plain_json_object(value: dict[str, Any]) -> dict[str, Any]:
    _plain_json(value)
    if len(json.dumps(value, separators=(",", ":"))) > MAX_JSON_BYTES:
        raise ValueError(f"at most {MAX_JSON_BYTES} bytes of JSON")
    return value


def bounded_settings(value: dict[str, Any]) -> dict[str, Any]:
    """Device settings are numbers; out-of-range ones are refused before the domain
    names anything else wrong (unknown keys, text)."""
    for key, number in value.items():
        if isinstance(number, int | float) and not -MAX_SETTING <= number <= MAX_SETTING:
            raise ValueError(f"{key} must be within ±{MAX_SETTING}")
    return value


def iso_8601(value: Any) -> Any:
    """Times as ISO 8601 text only: pydantic alone would read ``0.5`` as a Unix time."""
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError("expected an ISO 8601 date and time") from None


def utc_instant(value: datetime | None) -> datetime | None:
    """An instant that fits in UTC; a time without zone is left for the rules to refuse."""
    if value is None or value.tzinfo is None:
        return value
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("out of range once in UTC") from None


JsonObject = Annotated[dict[str, Any], AfterValidator(plain_json_object)]
Settings = Annotated[JsonObject, AfterValidator(bounded_settings)]
# Without a zone: refused by the rules (and kept as rejected) for a reading; 422 for a query.
Instant = Annotated[datetime, BeforeValidator(iso_8601), AfterValidator(utc_instant)]
Since = Annotated[AwareDatetime, BeforeValidator(iso_8601), AfterValidator(utc_instant)]

CONFIG_DOC = ("Threshold overrides (e.g. bp_critical_systolic_above) and heartbeat_s "
              "(seconds between status messages); numbers only")


class DeviceIn(Strict):
    device_id: RegisteredId = Field(
        examples=["bp-elena-01"], description="Its id in MQTT topics: letters, digits, _ . : -")
    name: Name = Field(examples=["Tensiómetro del living"])
    device_type: DeviceTypeName = Field(examples=["blood_pressure"])
    cared_person_id: UUID = Field(examples=["0b6f7c1a-2d3e-4f50-8a9b-1c2d3e4f5a6b"])
    location: Location | None = Field(default=None, examples=["living room"])
    config: Settings | None = Field(default=None, examples=[{"heartbeat_s": 300}],
                                    description=CONFIG_DOC)


class DeviceChangesIn(Strict):
    """Absent or null leaves a field as it is; a config given replaces the whole config."""

    name: Name | None = Field(default=None, examples=["Tensiómetro del dormitorio"])
    location: Location | None = Field(default=None, examples=["bedroom"])
    config: Settings | None = Field(default=None, examples=[{"bp_critical_systolic_above": 170}],
                                    description=CONFIG_DOC)


class DeviceMoveIn(Strict):
    cared_person_id: UUID = Field(examples=["5c1e9a7b-3f2d-4a6e-9b8c-0d1e2f3a4b5c"],
                                  description="Another person of the same account")


class DeviceOut(BaseModel):
    id: UUID = Field(description="The device's key in this API (the {device_pk} of its routes)")
    device_id: str = Field(examples=["bp-elena-01"], description="Its id in MQTT topics")
    name: str
    device_type: str = Field(examples=["blood_pressure"])
    cared_person_id: UUID
    location: str | None
    config: dict[str, Any]
    is_active: bool
    status: str = Field(examples=["online"], description="online, offline or unknown")
    last_seen_at: datetime | None
    battery_level: int | None
    created_at: datetime

    @classmethod
    def of(cls, device: Device | DeviceView) -> DeviceOut:
        return cls(id=device.id, device_id=device.device_id, name=device.name,
                   device_type=device.device_type.value, cared_person_id=device.cared_person_id,
                   location=device.location, config=dict(device.config),
                   is_active=device.is_active, status=device.status.value,
                   last_seen_at=device.last_seen_at, battery_level=device.battery_level,
                   created_at=device.created_at)


class RegisteredDeviceOut(DeviceOut):
    api_key: str = Field(description="The device's key for X-Device-Key: shown only now")

    @classmethod
    def of_registered(cls, registered: RegisteredDevice) -> RegisteredDeviceOut:
        return cls(**DeviceOut.of(registered.device).model_dump(), api_key=registered.api_key)


class TelemetryIn(Strict):
    """The payload of the MQTT topic cuiot/devices/{device_id}/telemetry."""

    msg_id: MsgId = Field(examples=["7f3c-0001"],
                          description="Unique per device: a message resent is stored once")
    ts: Instant | None = Field(default=None, examples=["2026-01-15T10:30:00Z"],
                               description="When measured, with its zone; absent: on receipt")
    type: ReadingType = Field(examples=["blood_pressure"])
    data: JsonObject = Field(examples=[{"systolic": 120, "diastolic": 80, "pulse": 72}])
    battery_level: StrictInt | StrictFloat | None = Field(default=None, examples=[85])


class TelemetryOut(BaseModel):
    outcome: Literal["stored", "duplicate"] = Field(examples=[STORED, DUPLICATE])
    event_ids: list[UUID]
    alert_ids: list[UUID] = Field(description="Alerts opened or joined by this reading")
    battery_rejected: str | None = Field(
        description="Why an impossible battery level was left out (the reading was kept)")

    @classmethod
    def of(cls, result: IngestResult) -> TelemetryOut:
        return cls(outcome=result.outcome, event_ids=[e.id for e in result.events],
                   alert_ids=list(result.alert_ids), battery_rejected=result.battery_rejected)


CommandName = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=NO_CONTROL)]


class DeviceCommandIn(Strict):
    command: CommandName = Field(
        examples=["set_interval"],
        description="What the device should do: letters, digits, _ . : - (starts with a letter)")
    params: JsonObject = Field(default_factory=dict, examples=[{"seconds": 60}],
                               description="The command's arguments, as the device expects")


class DeviceCommandOut(BaseModel):
    command_id: UUID = Field(description="The id the device echoes in its reply")
    device_pk: UUID = Field(description="The device's key in this API")
    command: str = Field(examples=["set_interval"])
    params: dict[str, Any]
    status: str = Field(examples=["sent"],
                        description="pending, sent, completed, failed or timed_out")
    requested_by: UUID
    created_at: datetime
    sent_at: datetime | None = Field(description="When the broker took it")
    timeout_at: datetime = Field(description="Without a reply by then, it times out")
    completed_at: datetime | None = Field(description="When it reached its final status")
    result: dict[str, Any] = Field(
        description="The device's reply (kept even when it came after the timeout), or "
                    "{error: not_delivered} when the broker could not be reached")
    reply_ok: bool | None = Field(description="What the device said: done or not")
    replied_at: datetime | None
    replied_late: bool = Field(description="The reply came after the command timed out: "
                                           "kept in result, the status stays timed_out")

    @classmethod
    def of(cls, c: DeviceCommand | DeviceCommandView) -> DeviceCommandOut:
        return cls(command_id=c.id, device_pk=c.device_pk, command=c.command,
                   params=dict(c.params), status=c.status.value, requested_by=c.requested_by,
                   created_at=c.created_at, sent_at=c.sent_at, timeout_at=c.timeout_at,
                   completed_at=c.completed_at, result=dict(c.result), reply_ok=c.reply_ok,
                   replied_at=c.replied_at, replied_late=c.replied_late)

"""The safety pipeline (DOMAIN.md sections 5 and 6), named as the business's schema names
them: ``devices``, ``events`` (sensor events), ``alerts``, ``notifications`` (the
outbox) and ``device_messages``.

On PostgreSQL ``events`` and ``alerts`` are range-partitioned by month (``partitions.py``
makes the monthly partitions and a default one). A primary key of a partitioned table
must hold the partition column, so theirs are ``(id, timestamp)`` and ``(id, created_at)``:
``id`` leads, so that index also serves a lookup by id alone (every partition's index
is probed). No foreign key can point at a partitioned table without its partition
column, so ``events.alert_id`` and ``notifications.alert_id`` are plain indexed Uuids.
SQLite ignores the partitioning and gets the same columns.

``device_messages`` is the database's guard of ``msg_id`` idempotency: the events table
is partitioned by time, so it cannot hold a unique (device, msg_id); this one row per
message can. It is written with the event, in the same transaction (``claim_message``
below; the batch path of device messages writes both with bulk statements).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    Uuid,
    event,
    text,
)
from sqlalchemy.orm.attributes import flag_modified, instance_state

from cuiot.adapters.persistence.orm import fk, mapper_registry, mapping, metadata
from cuiot.adapters.persistence.types import EnumText, Json, UtcDateTime
from cuiot.domain.alerts import Alert, AlertStatus
from cuiot.domain.device_commands import CommandStatus, DeviceCommand
from cuiot.domain.devices import Device, DeviceStatus
from cuiot.domain.notifications import Channel, DeliveryStatus, Notification
from cuiot.domain.rejections import RejectedMessage
from cuiot.domain.sensor_events import DeviceType, EventType, SensorEvent, Severity

DEVICE_TYPES = ("blood_pressure", "gas_sensor", "motion_sensor", "panic_button", "ip_camera")
DEVICE_STATUSES = ("online", "offline", "unknown")
SEVERITIES = ("low", "medium", "high", "critical")
ALERT_SEVERITIES = ("medium", "high", "critical")  # low never opens an alert
EVENT_TYPES = ("blood_pressure", "gas_sensor", "motion", "fall", "panic_pressed",
               "motion_detected", "person_down", "battery_low", "device_offline", "inactivity",
               "coverage_lapsed")
ALERT_STATUSES = ("pending", "sent", "acknowledged", "resolved", "unhandled")
CHANNELS = ("email", "sms", "push", "webhook", "log")
LINK_CHANNELS = ("email", "sms", "push", "webhook")  # those with acknowledgement links
DELIVERY_STATUSES = ("pending", "sent", "failed")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _has_time(status: str, column: str) -> CheckConstraint:
    return CheckConstraint(f"status <> '{status}' OR {column} IS NOT NULL",
                           name=f"{status}_has_time")


devices = Table(
    "devices", metadata,
    Column("id", Uuid, primary_key=True),
    Column("device_id", String(64), nullable=False),  # the MQTT topic name
    Column("name", String, nullable=False),
    Column("device_type", EnumText(DeviceType, 20), nullable=False),
    Column("cared_person_id", Uuid, fk("cared_persons.id"), nullable=False),
    Column("api_key_hash", String(64), nullable=False),  # sha256, hex
    Column("created_at", UtcDateTime, nullable=False),
    Column("location", String),
    Column("config", Json, nullable=False),
    Column("is_active", Boolean, nullable=False),
    Column("status", EnumText(DeviceStatus, 10), nullable=False),
    Column("last_seen_at", UtcDateTime),
    Column("battery_level", Integer),
    Column("offline_due_at", UtcDateTime),
    CheckConstraint(_one_of("device_type", DEVICE_TYPES), name="device_type"),
    CheckConstraint(_one_of("status", DEVICE_STATUSES), name="status"),
    CheckConstraint("battery_level IS NULL OR battery_level BETWEEN 0 AND 100",
                    name="battery_level_range"),
    CheckConstraint("trim(name) <> ''", name="name_not_blank"),
    CheckConstraint("length(api_key_hash) = 64", name="api_key_hash_sha256"),
)
# One active device per device_id; removed ones keep theirs, so it can be registered again.
ACTIVE_DEVICE = text("is_active")
one_active_device_id = Index("uq_devices_active_device_id", devices.c.device_id, unique=True,
                             postgresql_where=ACTIVE_DEVICE, sqlite_where=ACTIVE_DEVICE)
Index("ix_devices_device_id", devices.c.device_id)  # every device of a device_id (ingest)
Index("ix_devices_cared_person_created", devices.c.cared_person_id, devices.c.created_at)
Index("ix_devices_type_created", devices.c.device_type, devices.c.created_at)
Index("ix_devices_offline_due_at", devices.c.offline_due_at)
Index("ix_devices_created", devices.c.created_at, devices.c.id)  # an admin's device list

events = Table(
    "events", metadata,
    Column("id", Uuid, nullable=False),
    Column("timestamp", UtcDateTime, nullable=False),  # the partition key
    Column("device_pk", Uuid, fk("devices.id"), nullable=False),
    Column("cared_person_id", Uuid, fk("cared_persons.id"), nullable=False),
    Column("event_type", EnumText(EventType, 20), nullable=False),
    Column("severity", EnumText(Severity, 10), nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("sensor_data", Json, nullable=False),
    Column("msg_id", String),  # NULL for events the backend derives
    Column("size_bytes", Integer, nullable=False),
    Column("alert_id", Uuid),  # alerts is partitioned: no foreign key can point at it
    PrimaryKeyConstraint("id", "timestamp", name="pk_events"),
    CheckConstraint(_one_of("severity", SEVERITIES), name="severity"),
    CheckConstraint(_one_of("event_type", EVENT_TYPES), name="event_type"),
    CheckConstraint("size_bytes >= 0", name="size_not_negative"),
    postgresql_partition_by="RANGE (timestamp)",
)
Index("ix_events_device_timestamp", events.c.device_pk, events.c.timestamp)
Index("ix_events_cared_person_timestamp", events.c.cared_person_id, events.c.timestamp)
Index("ix_events_cared_person_type_timestamp", events.c.cared_person_id, events.c.event_type,
      events.c.timestamp)
Index("ix_events_alert_id", events.c.alert_id)

device_messages = Table(
    "device_messages", metadata,
    Column("device_pk", Uuid, fk("devices.id"), nullable=False),
    Column("msg_id", String, nullable=False),
    Column("event_id", Uuid, nullable=False),  # events is partitioned: no foreign key
    Column("event_timestamp", UtcDateTime, nullable=False),  # finds the event's partition
    PrimaryKeyConstraint("device_pk", "msg_id", name="pk_device_messages"),
)

alerts = Table(
    "alerts", metadata,
    Column("id", Uuid, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),  # the partition key
    Column("cared_person_id", Uuid, fk("cared_persons.id"), nullable=False),
    Column("device_pk", Uuid, fk("devices.id"), nullable=False),
    Column("alert_type", String(20), nullable=False),
    Column("severity", EnumText(Severity, 10), nullable=False),
    Column("status", EnumText(AlertStatus, 15), nullable=False),
    Column("escalation_level", Integer, nullable=False),
    Column("repeats_at_max_level", Integer, nullable=False),
    Column("occurrences", Integer, nullable=False),
    Column("next_escalation_at", UtcDateTime),
    Column("last_event_at", UtcDateTime, nullable=False),
    Column("acknowledged_by", Uuid, fk("users.id")),
    Column("acknowledged_at", UtcDateTime),
    Column("acknowledged_via", String(10)),  # from a notification's link: its channel
    Column("acknowledged_recipient", String),  # and the address it was sent to
    Column("resolved_by", Uuid, fk("users.id")),
    Column("resolved_at", UtcDateTime),
    Column("unhandled_at", UtcDateTime),
    PrimaryKeyConstraint("id", "created_at", name="pk_alerts"),
    CheckConstraint(_one_of("status", ALERT_STATUSES), name="status"),
    CheckConstraint(_one_of("severity", ALERT_SEVERITIES), name="severity"),
    CheckConstraint("escalation_level >= 0", name="escalation_level_not_negative"),
    CheckConstraint("repeats_at_max_level >= 0", name="repeats_not_negative"),
    CheckConstraint("occurrences >= 1", name="occurrences_at_least_one"),
    CheckConstraint("status NOT IN ('pending', 'sent') OR next_escalation_at IS NOT NULL",
                    name="escalating_has_deadline"),
    _has_time("acknowledged", "acknowledged_at"),
    CheckConstraint(f"acknowledged_via IS NULL OR {_one_of('acknowledged_via', LINK_CHANNELS)}",
                    name="acknowledged_via"),
    _has_time("resolved", "resolved_at"),
    _has_time("unhandled", "unhandled_at"),
    postgresql_partition_by="RANGE (created_at)",
)
Index("ix_alerts_open_lookup", alerts.c.cared_person_id, alerts.c.device_pk,
      alerts.c.alert_type, alerts.c.status)
Index("ix_alerts_status_next_escalation", alerts.c.status, alerts.c.next_escalation_at)
Index("ix_alerts_cared_person_created", alerts.c.cared_person_id, alerts.c.created_at)
Index("ix_alerts_created", alerts.c.created_at, alerts.c.id)  # an admin's newest first

notifications = Table(
    "notifications", metadata,
    Column("id", Uuid, primary_key=True),
    Column("channel", EnumText(Channel, 10), nullable=False),
    Column("address", String, nullable=False),
    Column("subject", String, nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("kind", String(20), nullable=False),
    Column("recipient_user_id", Uuid, fk("users.id")),
    Column("recipient_name", String(200)),
    Column("alert_id", Uuid),  # alerts is partitioned: no foreign key can point at it
    Column("escalation_level", Integer),
    Column("payload", Json, nullable=False),
    Column("status", EnumText(DeliveryStatus, 10), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UtcDateTime),
    Column("last_error", String(500)),
    Column("sent_at", UtcDateTime),
    CheckConstraint(_one_of("channel", CHANNELS), name="channel"),
    CheckConstraint(_one_of("status", DELIVERY_STATUSES), name="status"),
    CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    CheckConstraint("escalation_level IS NULL OR escalation_level >= 0",
                    name="escalation_level_not_negative"),
    _has_time("sent", "sent_at"),
)
Index("ix_notifications_alert_created", notifications.c.alert_id, notifications.c.created_at)
Index("ix_notifications_status_next_attempt", notifications.c.status,
      notifications.c.next_attempt_at)
Index("ix_notifications_recipient", notifications.c.recipient_user_id)


COMMAND_STATUSES = ("pending", "sent", "completed", "failed", "timed_out")
FINAL = ("completed", "failed", "timed_out")

device_commands = Table(
    "device_commands", metadata,
    Column("id", Uuid, primary_key=True),  # the command_id the device echoes
    Column("device_pk", Uuid, fk("devices.id"), nullable=False),
    Column("command", String(64), nullable=False),
    Column("params", Json, nullable=False),
    Column("status", EnumText(CommandStatus, 10), nullable=False),
    Column("requested_by", Uuid, fk("users.id"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("timeout_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    Column("completed_at", UtcDateTime),
    Column("result", Json, nullable=False),
    Column("reply_ok", Boolean),
    Column("replied_at", UtcDateTime),
    CheckConstraint(f"status IN ({', '.join(repr(s) for s in COMMAND_STATUSES)})",
                    name="status"),
    CheckConstraint(f"status NOT IN ({', '.join(repr(s) for s in FINAL)}) "
                    "OR completed_at IS NOT NULL", name="final_has_time"),
    CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name="sent_has_time"),
    CheckConstraint("timeout_at >= created_at", name="timeout_after_creation"),
    CheckConstraint("(reply_ok IS NULL) = (replied_at IS NULL)", name="reply_complete"),
    CheckConstraint("trim(command) <> ''", name="command_not_blank"),
)
Index("ix_device_commands_device_created", device_commands.c.device_pk,
      device_commands.c.created_at)
Index("ix_device_commands_status_timeout", device_commands.c.status,
      device_commands.c.timeout_at)


rejected_messages = Table(
    "rejected_messages", metadata,
    Column("id", Uuid, primary_key=True),
    Column("received_at", UtcDateTime, nullable=False),
    Column("source", String(10), nullable=False),
    Column("topic", String(300), nullable=False),
    Column("device_id", String(200)),  # as the message named it: it may be unknown
    Column("reason", String(40), nullable=False),
    Column("detail", String(1000), nullable=False),
    Column("payload", Text, nullable=False),
)
Index("ix_rejected_messages_received", rejected_messages.c.received_at)
Index("ix_rejected_messages_reason", rejected_messages.c.reason, rejected_messages.c.received_at)


@mapping
def map_rejections() -> None:
    mapper_registry.map_imperatively(RejectedMessage, rejected_messages)


@mapping
def map_devices() -> None:
    """A device and the commands sent to it: plain columns (their enums as ``EnumText``),
    no children; a command names its device by ``device_pk`` only."""
    mapper_registry.map_imperatively(Device, devices)
    mapper_registry.map_imperatively(DeviceCommand, device_commands)


def write_whole_rows(cls: type, table: Table) -> None:
    """A changed row is written whole. The ORM turns consecutive UPDATEs that set the
    same columns into one executemany; rows changed in different ways (escalated,
    repeated or unhandled alerts; sent or retried outbox rows) would otherwise break a
    flush of thousands into many statements. A row with no net change stays unwritten."""
    columns = [c.key for c in table.c if not c.primary_key]

    def whole(_mapper: Any, _connection: Any, target: Any) -> None:
        state = instance_state(target)
        values, before = state.dict, state.committed_state
        if any(values.get(key) != before[key] for key in columns if key in before):
            for key in columns:
                flag_modified(target, key)

    event.listen(cls, "before_update", whole)


def claim_message(_mapper: Any, connection: Any, target: SensorEvent) -> None:
    """A device's message is stored once: the event's ``device_messages`` row is written
    in the same flush, and a second event of the same (device, msg_id) fails on its
    primary key, even from another worker (which waits for the first one's commit)."""
    if target.msg_id is not None:
        connection.execute(device_messages.insert().values(
            device_pk=target.device_pk, msg_id=target.msg_id, event_id=target.id,
            event_timestamp=target.timestamp))


@mapping
def map_alerts_outbox_and_events() -> None:
    """Alerts, outbox rows and sensor events: one row each, no child rows; their value
    objects are columns (enums as text, the reading as JSON). The mapped primary keys of
    ``alerts`` and ``events`` hold their partition column, so an UPDATE names the row's
    partition."""
    mapper_registry.map_imperatively(Alert, alerts)
    mapper_registry.map_imperatively(Notification, notifications)
    mapper_registry.map_imperatively(SensorEvent, events)
    write_whole_rows(Alert, alerts)
    write_whole_rows(Notification, notifications)
    event.listen(SensorEvent, "after_insert", claim_message)

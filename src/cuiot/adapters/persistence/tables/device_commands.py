"""Commands sent to devices (``domain/device_commands.py``)."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Column, Index, String, Table, Uuid

from cuiot.adapters.persistence.tables import fk, metadata
from cuiot.adapters.persistence.types import Json, UtcDateTime

COMMAND_STATUSES = ("pending", "sent", "completed", "failed", "timed_out")
FINAL = ("completed", "failed", "timed_out")

device_commands = Table(
    "device_commands", metadata,
    Column("id", Uuid, primary_key=True),  # the command_id the device echoes
    Column("device_pk", Uuid, fk("devices.id"), nullable=False),
    Column("command", String(64), nullable=False),
    Column("params", Json, nullable=False),
    Column("status", String(10), nullable=False),
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

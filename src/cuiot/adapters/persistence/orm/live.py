"""The live stream's journal: ``alert_changes``, one row per alert change, written by the
unit of work in the transaction that made the change (``adapters/live/journal.py``).

``seq`` numbers the rows in the order they were written: an identity column on
PostgreSQL, ``AUTOINCREMENT`` on SQLite (never reused, even once the newest rows were
pruned). A row holds what the metrics count (the kind of change, and the severity,
status and level the alert was left with); the alert itself is read as it stands. No
foreign key: ``alerts`` is partitioned (see ``orm/safety.py``)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Identity, Integer, String, Table, Uuid

from cuiot.adapters.persistence.orm import metadata
from cuiot.adapters.persistence.types import EnumText, UtcDateTime
from cuiot.domain.alerts import AlertStatus
from cuiot.domain.sensor_events import Severity

alert_changes = Table(
    "alert_changes", metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), Identity(), primary_key=True),
    Column("alert_id", Uuid, nullable=False),
    Column("change", String(15), nullable=False),  # opened, joined, sent, escalated…
    Column("severity", EnumText(Severity, 10), nullable=False),
    Column("status", EnumText(AlertStatus, 15), nullable=False),
    Column("level", Integer, nullable=False),
    sqlite_autoincrement=True,
)

# Access taken away (``adapters/live/access_journal.py``): one row per user who lost
# access to some cared persons (NULL: anybody may have), written with the removal. Read
# by the same readers, ahead of the alert changes, so an open socket of that user looks
# again at what they may see before it forwards another alert. No foreign key: a
# journal, pruned like the other.
access_changes = Table(
    "access_changes", metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), Identity(), primary_key=True),
    Column("user_id", Uuid),
    Column("at", UtcDateTime, nullable=False),
    sqlite_autoincrement=True,
)

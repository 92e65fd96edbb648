from __future__ import annotations

from sqlalchemy import Column, Index, String, Table, Text, Uuid

from cuiot.adapters.persistence.tables import metadata
from cuiot.adapters.persistence.types import UtcDateTime

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

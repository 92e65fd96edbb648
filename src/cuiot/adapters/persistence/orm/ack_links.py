"""Acknowledgement links (``domain/ack_links.py``): one row per alert notification that
carries one, holding the SHA-256 of its secret (and of its SMS code), never the secret.

``alert_id`` has no foreign key (``alerts`` is partitioned, see ``orm/safety.py``). The
index leading with it finds an alert's links, and a newer one of the same recipient and
channel; ``code_hash`` finds the link an SMS reply names."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Index, Integer, String, Table, Uuid

from cuiot.adapters.persistence.orm import fk, mapper_registry, mapping, metadata
from cuiot.adapters.persistence.orm.safety import LINK_CHANNELS
from cuiot.adapters.persistence.types import EnumText, UtcDateTime
from cuiot.domain.ack_links import AckLink
from cuiot.domain.notifications import Channel

acknowledgement_links = Table(
    "acknowledgement_links", metadata,
    Column("id", Uuid, primary_key=True),
    Column("alert_id", Uuid, nullable=False),
    Column("channel", EnumText(Channel, 10), nullable=False),
    Column("recipient", String, nullable=False),
    Column("recipient_user_id", Uuid, fk("users.id")),
    Column("escalation_level", Integer, nullable=False),
    Column("repeat", Integer, nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("code_hash", String(64)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime),
    CheckConstraint(f"channel IN ({', '.join(repr(c) for c in LINK_CHANNELS)})",
                    name="channel"),
    CheckConstraint("length(token_hash) = 64", name="token_hash_is_sha256"),
    CheckConstraint("code_hash IS NULL OR (channel = 'sms' AND length(code_hash) = 64)",
                    name="code_on_sms"),
    CheckConstraint("escalation_level >= 1 AND repeat >= 0", name="rung"),
    CheckConstraint("expires_at >= created_at", name="expires_after_created"),
    CheckConstraint("used_at IS NULL OR used_at >= created_at", name="used_after_created"),
)
Index("ix_acknowledgement_links_alert_recipient", acknowledgement_links.c.alert_id,
      acknowledgement_links.c.channel, acknowledgement_links.c.recipient,
      acknowledgement_links.c.created_at)
Index("ix_acknowledgement_links_code_hash", acknowledgement_links.c.code_hash)


@mapping
def map_ack_links() -> None:
    mapper_registry.map_imperatively(AckLink, acknowledgement_links)

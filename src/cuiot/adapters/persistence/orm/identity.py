"""Sessions (refresh-token families) and password resets."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Column, Date, Index, String, Table, Uuid, func

from cuiot.adapters.persistence.orm import fk, metadata
from cuiot.adapters.persistence.types import UtcDateTime
from cuiot.domain.auth import RevokeReason

REASONS = ", ".join(f"'{reason.value}'" for reason in RevokeReason)

refresh_token_families = Table(
    "refresh_token_families", metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, fk("users.id", ondelete="CASCADE"), nullable=False),
    Column("current_jti", String(64), nullable=False, unique=True),
    Column("current_expires_at", UtcDateTime, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_used_at", UtcDateTime),
    Column("revoked_at", UtcDateTime),
    Column("revoke_reason", String(20)),
    CheckConstraint("(revoked_at IS NULL) = (revoke_reason IS NULL)",
                    name="revoked_with_reason"),
    CheckConstraint(f"revoke_reason IN ({REASONS})", name="revoke_reason_known"),
    CheckConstraint("current_expires_at > created_at", name="expires_after_created"),
)
Index("ix_refresh_token_families_user_created", refresh_token_families.c.user_id,
      refresh_token_families.c.created_at)

password_resets = Table(
    "password_resets", metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, fk("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime),
    CheckConstraint("length(token_hash) = 64", name="token_hash_is_sha256"),
    CheckConstraint("expires_at > created_at", name="expires_after_created"),
    CheckConstraint("used_at IS NULL OR used_at >= created_at", name="used_after_created"),
)


users = Table(
    "users", metadata,
    Column("id", Uuid, primary_key=True),
    Column("email", String(254), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("first_name", String(100), nullable=False),
    Column("last_name", String(100), nullable=False),
    Column("phone", String(40)),
    Column("date_of_birth", Date),
    Column("capacity_status", String(20), nullable=False),
    Column("is_active", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)
Index("uq_users_email_lower", func.lower(users.c.email), unique=True)

roles = Table(
    "roles", metadata,
    Column("name", String(40), primary_key=True),
    Column("description", String(200), nullable=False),
)

user_roles = Table(
    "user_roles", metadata,
    Column("user_id", Uuid, fk("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(40), fk("roles.name"), primary_key=True),
    Column("granted_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime),
)

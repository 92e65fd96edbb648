"""Identity: users and their roles, the channels alerts reach them by and their phones
for push (``push_tokens``), sessions (refresh-token families) and password resets, and
their mapping onto the domain's classes.

``roles`` holds one row per ``Role`` (seeded by the initial migration, kept when tests
empty the database): ``user_roles.role`` refers to it, so an unknown role cannot be
granted. It is reference data, not mapped: a ``RoleGrant`` carries the ``Role`` itself."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Index,
    String,
    Table,
    UniqueConstraint,
    Uuid,
    false,
    func,
    true,
)
from sqlalchemy.orm import composite, relationship

from cuiot.adapters.persistence.orm import fk, mapper_registry, mapping, metadata
from cuiot.adapters.persistence.types import EnumText, UtcDateTime
from cuiot.domain.auth import PasswordReset, RefreshTokenFamily, RevokeReason
from cuiot.domain.responders import TOKEN_MAX_CHARS, ChannelChoice, PushToken
from cuiot.domain.users import CapacityStatus, Role, RoleGrant, User
from cuiot.domain.values import EmailAddress

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
    Column("revoke_reason", EnumText(RevokeReason, 20)),
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
    Column("capacity_status", EnumText(CapacityStatus, 20), nullable=False),
    Column("is_active", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    # The channels alerts reach the user by (``ChannelChoice``), and the SMS number.
    Column("alert_by_email", Boolean, nullable=False, server_default=true()),
    Column("alert_by_sms", Boolean, nullable=False, server_default=false()),
    Column("alert_by_push", Boolean, nullable=False, server_default=true()),
    Column("sms_number", String(16)),
    Column("deactivated_at", UtcDateTime),  # when is_active last became false (0013)
    Column("erased_at", UtcDateTime),  # personal data erased on request
    CheckConstraint("alert_by_email OR alert_by_sms OR alert_by_push", name="some_channel"),
    CheckConstraint("NOT alert_by_sms OR sms_number IS NOT NULL", name="sms_has_number"),
)
Index("uq_users_email_lower", func.lower(users.c.email), unique=True)
Index("ix_users_created", users.c.created_at, users.c.id)  # the admin's user list

roles = Table(
    "roles", metadata,
    Column("name", String(40), primary_key=True),
    Column("description", String(200), nullable=False),
)

push_tokens = Table(
    "push_tokens", metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, fk("users.id", ondelete="CASCADE"), nullable=False),
    Column("token", String(TOKEN_MAX_CHARS), nullable=False),
    Column("label", String(100)),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("user_id", "token", name="uq_push_tokens_user_token"),
)

user_roles = Table(
    "user_roles", metadata,
    Column("user_id", Uuid, fk("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role", EnumText(Role, 40), fk("roles.name"), primary_key=True),
    Column("granted_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime),
)


@mapping
def map_identity() -> None:
    """A user's roles and push tokens are child rows (a role replaced is one row
    rewritten, an unchanged list writes nothing); the email is a value object on one
    column, the chosen channels one on three."""
    u = users.c
    mapper_registry.map_imperatively(RoleGrant, user_roles)
    mapper_registry.map_imperatively(PushToken, push_tokens)
    mapper_registry.map_imperatively(User, users, properties={
        "_email": u.email,
        "email": composite(EmailAddress, "_email"),
        "_alert_by_email": u.alert_by_email, "_alert_by_sms": u.alert_by_sms,
        "_alert_by_push": u.alert_by_push,
        "channels": composite(ChannelChoice, "_alert_by_email", "_alert_by_sms",
                              "_alert_by_push"),
        "roles": relationship(RoleGrant, cascade="all, delete-orphan", lazy="selectin",
                              order_by=(user_roles.c.granted_at, user_roles.c.role)),
        "push_tokens": relationship(PushToken, cascade="all, delete-orphan", lazy="selectin",
                                    order_by=(push_tokens.c.created_at, push_tokens.c.id)),
    })
    mapper_registry.map_imperatively(RefreshTokenFamily, refresh_token_families)
    mapper_registry.map_imperatively(PasswordReset, password_resets)

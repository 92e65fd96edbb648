from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, Index, String, Table, Uuid, func

from cuiot.adapters.persistence.tables import fk, metadata
from cuiot.adapters.persistence.types import UtcDateTime

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

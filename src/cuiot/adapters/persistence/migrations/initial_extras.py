"""What the initial migration adds beyond the tables: seeded roles, expression indexes,
and on PostgreSQL the monthly partitions of events and alerts."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from cuiot.adapters.persistence.partitions import ensure_partitions_sync

ROLES = [
    ("admin", "Runs CUIOT: packages, verification, billing"),
    ("family", "Family member who contracts and watches over care"),
    ("caregiver", "Professional caregiver"),
    ("institution_admin", "Administers a care institution"),
    ("cared_person", "A person watched over, with a login of their own"),
]


def upgrade() -> None:
    roles = sa.table("roles", sa.column("name", sa.String), sa.column("description", sa.String))
    op.bulk_insert(roles, [{"name": n, "description": d} for n, d in ROLES])
    op.create_index("uq_users_email_lower", "users", [sa.text("lower(email)")], unique=True)
    if op.get_bind().dialect.name == "postgresql":  # events and alerts: this month ±
        ensure_partitions_sync(op.get_bind(), datetime.now(UTC).date())

"""indexes for the read views that start from no person

The views read a page in one statement. Those that have a person to start from use the
indexes that lead with it; these four have none: the admin's lists of users, devices and
commissions (each ordered as its view orders it), and the access rule's "institutions
this user runs" (``institutions.admin_id``), part of every non-admin read.

Revision ID: 0004
Revises: 0003
Create Date: issue 10
"""
from __future__ import annotations

from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

INDEXES = [
    ('ix_users_created', 'users', ['created_at', 'id']),
    ('ix_devices_created', 'devices', ['created_at', 'id']),
    ('ix_referral_commissions_period_created', 'referral_commissions',
     ['period', 'created_at', 'id']),
    ('ix_institutions_admin', 'institutions', ['admin_id']),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)

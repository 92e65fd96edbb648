"""an index for the newest alerts of everyone

An admin's alert list (``GET /alerts``, ``cuiot alerts list``) has no person to start
from: it reads the newest alerts of all, ``ORDER BY created_at DESC, id DESC``. This
index gives that order (scanned backwards, one per monthly partition, merged), so a page
no longer sorts the whole table. A family's list keeps using the indexes that lead with
``cared_person_id``.

Revision ID: 0003
Revises: 0002
Create Date: issue 10
"""
from __future__ import annotations

from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index('ix_alerts_created', ['created_at', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index('ix_alerts_created')

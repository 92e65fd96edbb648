"""the live stream's journal of alert changes

Every alert change is written to ``alert_changes`` in the transaction that made it,
whichever process made it (the API, ``cuiot worker``, the CLI); each process serving
WebSockets reads the rows after the last one it handled. See ``orm/live.py``.

Revision ID: 0005
Revises: 0004
Create Date: issue 12
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'alert_changes',
        sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(),
                  nullable=False),
        sa.Column('alert_id', sa.Uuid(), nullable=False),
        sa.Column('change', sa.String(length=15), nullable=False),
        sa.Column('severity', sa.String(length=10), nullable=False),
        sa.Column('status', sa.String(length=15), nullable=False),
        sa.Column('level', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('seq', name=op.f('pk_alert_changes')),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table('alert_changes')

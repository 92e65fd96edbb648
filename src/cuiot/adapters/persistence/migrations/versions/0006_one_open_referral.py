"""one open referral per referrer and email, kept by the database too

The domain refuses a second open (``pending`` or ``registered``) referral for the same
referrer and email, but two requests that check at the same time both find none. This
partial unique index makes the second insert fail, which the repository reports as the
domain's ``Conflict``. PostgreSQL and SQLite both support partial indexes.

Revision ID: 0006
Revises: 0005
Create Date: issue 13
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

OPEN = sa.text("status IN ('pending', 'registered')")


def upgrade() -> None:
    op.create_index('uq_referrals_open_referrer_email', 'referrals', ['referrer_id', 'email'],
                    unique=True, postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade() -> None:
    op.drop_index('uq_referrals_open_referrer_email', table_name='referrals')

"""a caregiver is assigned only once they accept

``cared_person_caregivers.status``: ``pending`` (invited; no access, no alerts, no
reviews) or ``accepted``. The assignments already stored were made under the old rule,
when assigning was enough: they are migrated as ``accepted``, so nobody loses access or
alerts on upgrade. The column's default only fills those rows and is then dropped: a new
assignment always says what it is.

Downgrading removes the pending invitations (under the old rule they would give access
nobody accepted) and the column.

Revision ID: 0007
Revises: 0006
Create Date: issue 13
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

TABLE = 'cared_person_caregivers'
# SQLite rebuilds the table: reflect it alone, not the tables its foreign keys name.
ALONE = {'resolve_fks': False}


def upgrade() -> None:
    with op.batch_alter_table(TABLE) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=20), nullable=False,
                                      server_default='accepted'))
    with op.batch_alter_table(TABLE, reflect_kwargs=ALONE) as batch_op:
        batch_op.alter_column('status', server_default=None)
        batch_op.create_check_constraint(op.f('ck_cared_person_caregivers_status'),
                                         "status IN ('pending', 'accepted')")


def downgrade() -> None:
    op.execute(sa.text(f"DELETE FROM {TABLE} WHERE status <> 'accepted'"))
    with op.batch_alter_table(TABLE, reflect_kwargs=ALONE) as batch_op:
        batch_op.drop_constraint(op.f('ck_cared_person_caregivers_status'), type_='check')
        batch_op.drop_column('status')

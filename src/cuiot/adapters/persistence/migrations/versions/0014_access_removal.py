"""access that is taken back: representations that end, and the journal of access removed

- ``legal_representations.ended_at`` and ``ended_by``: a representation ended at once (by
  the representative, the account holder or an admin) is in force on no day after; NULL
  for every representation stored, none of which has ended.
- ``access_changes``: one row per user who lost access to some cared persons (NULL: anybody
  may have), written with the removal; each process serving live alerts reads it with
  the alert changes (``adapters/live/access_journal.py``). No foreign key: a journal.

SQLite adds a column with a foreign key only by rebuilding the table (``batch``):
``legal_representations`` is rebuilt, alone (nothing refers to it).

Going down drops both: an ended representation would be in force again, so going down
is refused while one has ended (which to keep is a decision for a person).

Revision ID: 0014
Revises: 0013
Create Date: issue 13
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

TABLE = 'legal_representations'
ALONE = {'resolve_fks': False}  # SQLite rebuilds the table: reflect it alone
FK = 'fk_legal_representations_ended_by_users'


def upgrade() -> None:
    with op.batch_alter_table(TABLE, reflect_kwargs=ALONE) as batch_op:
        batch_op.add_column(sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('ended_by', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(FK, 'users', ['ended_by'], ['id'])
    op.create_table(
        'access_changes',
        sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(),
                  nullable=False),
        sa.Column('user_id', sa.Uuid(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('seq', name=op.f('pk_access_changes')),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    ended = op.get_bind().execute(sa.text(
        f"SELECT count(*) FROM {TABLE} WHERE ended_at IS NOT NULL")).scalar_one()
    if ended:
        raise RuntimeError(
            f"cannot go below 0014: {ended} legal representation(s) have ended, and would "
            "be in force again. Delete or keep them by hand first.")
    op.drop_table('access_changes')
    with op.batch_alter_table(TABLE, reflect_kwargs=ALONE) as batch_op:
        batch_op.drop_constraint(FK, type_='foreignkey')
        batch_op.drop_column('ended_by')
        batch_op.drop_column('ended_at')

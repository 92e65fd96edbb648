"""the audit log: who did what to whom

``audit_log`` holds one row per change that matters to safety or money (an alert
acknowledged or resolved, a role granted or revoked, a representation verified, an
invoice or a commission paid, a package created, changed or deactivated), written in
the transaction of the change it records. See ``orm/audit.py`` and ``domain/audit.py``.

- ``id``: numbers the rows as written (identity on PostgreSQL, ``AUTOINCREMENT`` on
  SQLite); with ``at`` it orders the admin's pages, newest first.
- ``actor_id``: the user who acted, NULL when no account acted; a foreign key to
  ``users`` without cascade, so an entry never loses its actor.
- ``action``, ``subject_type``, ``subject_id``: what was done to what (no foreign key:
  the subject's table depends on its type). The set of actions is the domain's, not a
  CHECK: a new one needs no table rebuild on SQLite.
- ``details``: a small JSON object, never a secret.

Indexes, one per filter of ``GET /api/v1/audit`` and ``cuiot audit list``, each ending
in ``(at, id)`` so the newest come first without a sort: every entry; by actor; by
action; by subject; by kind of subject.

Nothing existed before: down, the table goes with its entries.

Revision ID: 0011
Revises: 0010
Create Date: issue 13
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
INDEXES = {
    'ix_audit_log_at': ['at', 'id'],
    'ix_audit_log_actor_at': ['actor_id', 'at', 'id'],
    'ix_audit_log_action_at': ['action', 'at', 'id'],
    'ix_audit_log_subject_at': ['subject_id', 'at', 'id'],
    'ix_audit_log_subject_type_at': ['subject_type', 'at', 'id'],
}


def upgrade() -> None:
    op.create_table(
        'audit_log',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(),
                  nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor_id', sa.Uuid(), nullable=True),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('subject_type', sa.String(length=20), nullable=False),
        sa.Column('subject_id', sa.Uuid(), nullable=False),
        sa.Column('details', JSON, nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'],
                                name=op.f('fk_audit_log_actor_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log')),
        sqlite_autoincrement=True,
    )
    for name, columns in INDEXES.items():
        op.create_index(name, 'audit_log', columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name='audit_log')
    op.drop_table('audit_log')

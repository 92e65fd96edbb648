"""cared persons and users that are deactivated and erased

A cared person is deactivated (monitoring stops: ``domain/care.py``) and reactivated;
once deactivated, their personal data may be erased on request. A user, whose
``is_active`` flag already existed, now records when it was deactivated and whether
their personal data was erased. Rows are never deleted: ids stay for the audit log,
invoices and history.

- ``cared_persons.deactivated_at``: when monitoring stopped; NULL while watched over.
  The access rule leaves such a person to admins (``views/access.py``).
- ``cared_persons.erased_at``, ``users.erased_at``: when personal data was erased.
- ``users.deactivated_at``: when ``is_active`` last became false (NULL for accounts
  deactivated before this revision, as for active ones).

Plain nullable columns, added in place on SQLite and PostgreSQL alike (no table is
rebuilt, nothing is backfilled). The rule that only a deactivated row is erased is the
domain's. Down, the columns go, and with them the record of who was deactivated or
erased (the erased values themselves were never kept).

Revision ID: 0013
Revises: 0012
Create Date: issue 13
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

COLUMNS = {
    'cared_persons': ('deactivated_at', 'erased_at'),
    'users': ('deactivated_at', 'erased_at'),
}


def upgrade() -> None:
    for table, names in COLUMNS.items():
        for name in names:
            op.add_column(table, sa.Column(name, sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for table, names in COLUMNS.items():
        for name in reversed(names):
            op.drop_column(table, name)

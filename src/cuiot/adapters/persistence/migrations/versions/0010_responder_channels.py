"""every responder reachable on a phone, and what they need to act

- ``users``: the channels alerts reach the user by (``alert_by_email``, ``alert_by_sms``,
  ``alert_by_push``) and the number SMS go to (``sms_number``, E.164). Users already
  stored keep what they had: email and push (push now goes to their registered phones).
- ``push_tokens``: the phones (or browsers) each user registered for push, one row per
  user and token, deleted with the user.
- ``notifications.recipient_name``: who was told, as named when the row was written
  (emergency contacts have no user to look the name up by).
- ``cared_persons.responder_info``: address, conditions, medications, allergies,
  mobility notes and doctor, as one JSON object (NULL: nothing written down).

On SQLite the two checks on ``users`` (some channel chosen; SMS only with a number) are
left to the domain: adding a constraint there rebuilds the table, and dropping ``users``
while foreign keys are on would cascade to every table that refers to it. New columns
and their removal use SQLite's own ``ALTER TABLE … ADD/DROP COLUMN``.

Revision ID: 0010
Revises: 0009
Create Date: issue 11
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
CHECKS = {'some_channel': 'alert_by_email OR alert_by_sms OR alert_by_push',
          'sms_has_number': 'NOT alert_by_sms OR sms_number IS NOT NULL'}


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def upgrade() -> None:
    op.add_column('users', sa.Column('alert_by_email', sa.Boolean(), nullable=False,
                                     server_default=sa.true()))
    op.add_column('users', sa.Column('alert_by_sms', sa.Boolean(), nullable=False,
                                     server_default=sa.false()))
    op.add_column('users', sa.Column('alert_by_push', sa.Boolean(), nullable=False,
                                     server_default=sa.true()))
    op.add_column('users', sa.Column('sms_number', sa.String(length=16), nullable=True))
    if not _sqlite():
        for name, condition in CHECKS.items():
            op.create_check_constraint(op.f(f'ck_users_{name}'), 'users', condition)
    op.create_table(
        'push_tokens',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('user_id', sa.Uuid(), nullable=False),
        sa.Column('token', sa.String(length=512), nullable=False),
        sa.Column('label', sa.String(length=100), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE',
                                name=op.f('fk_push_tokens_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_push_tokens')),
        sa.UniqueConstraint('user_id', 'token', name='uq_push_tokens_user_token'),
    )
    op.add_column('notifications', sa.Column('recipient_name', sa.String(length=200),
                                             nullable=True))
    op.add_column('cared_persons', sa.Column('responder_info', JSON, nullable=True))


def downgrade() -> None:
    op.drop_column('cared_persons', 'responder_info')
    op.drop_column('notifications', 'recipient_name')
    op.drop_table('push_tokens')
    if not _sqlite():
        for name in CHECKS:
            op.drop_constraint(op.f(f'ck_users_{name}'), 'users', type_='check')
    for column in ('sms_number', 'alert_by_push', 'alert_by_sms', 'alert_by_email'):
        op.drop_column('users', column)

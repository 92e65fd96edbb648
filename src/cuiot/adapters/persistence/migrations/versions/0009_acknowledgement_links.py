"""acknowledgement links: an alert acknowledged from its notification

``acknowledgement_links``: one row per alert notification that carries a link (email,
SMS, push, webhook), with the SHA-256 of the link's secret and, for an SMS, of the code
a reply may carry (never the secrets themselves), the rung of the ladder it was made
for, when it expires and when it was used. See ``domain/ack_links.py``.

``alerts.acknowledged_via`` and ``alerts.acknowledged_recipient``: an acknowledgement
made from a notification records its channel and the address it was sent to. Alerts
acknowledged before this revision were acknowledged in CUIOT itself: both stay NULL.

Downgrading drops the links (a notification already delivered keeps a link that then
opens nothing) and the two columns.

Revision ID: 0009
Revises: 0008
Create Date: issue 11
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import cuiot.adapters.persistence.types

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

TABLE = 'acknowledgement_links'
LINK_CHANNELS = "'email', 'sms', 'push', 'webhook'"
# SQLite rebuilds the alerts table: reflect it alone, not the tables its foreign keys name.
ALONE = {'resolve_fks': False}


def _instant(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, cuiot.adapters.persistence.types.UtcDateTime(timezone=True),
                     nullable=nullable)


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('alert_id', sa.Uuid(), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('recipient', sa.String(), nullable=False),
        sa.Column('recipient_user_id', sa.Uuid(), nullable=True),
        sa.Column('escalation_level', sa.Integer(), nullable=False),
        sa.Column('repeat', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=True),
        _instant('created_at'),
        _instant('expires_at'),
        _instant('used_at', nullable=True),
        sa.CheckConstraint(f'channel IN ({LINK_CHANNELS})', name=op.f(f'ck_{TABLE}_channel')),
        sa.CheckConstraint('length(token_hash) = 64',
                           name=op.f(f'ck_{TABLE}_token_hash_is_sha256')),
        sa.CheckConstraint("code_hash IS NULL OR (channel = 'sms' AND length(code_hash) = 64)",
                           name=op.f(f'ck_{TABLE}_code_on_sms')),
        sa.CheckConstraint('escalation_level >= 1 AND repeat >= 0', name=op.f(f'ck_{TABLE}_rung')),
        sa.CheckConstraint('expires_at >= created_at',
                           name=op.f(f'ck_{TABLE}_expires_after_created')),
        sa.CheckConstraint('used_at IS NULL OR used_at >= created_at',
                           name=op.f(f'ck_{TABLE}_used_after_created')),
        sa.ForeignKeyConstraint(['recipient_user_id'], ['users.id'],
                                name=op.f(f'fk_{TABLE}_recipient_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{TABLE}')),
        sa.UniqueConstraint('token_hash', name=op.f(f'uq_{TABLE}_token_hash')),
    )
    op.create_index(f'ix_{TABLE}_alert_recipient', TABLE,
                    ['alert_id', 'channel', 'recipient', 'created_at'])
    op.create_index(f'ix_{TABLE}_code_hash', TABLE, ['code_hash'])
    with op.batch_alter_table('alerts', reflect_kwargs=ALONE) as batch_op:
        batch_op.add_column(sa.Column('acknowledged_via', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('acknowledged_recipient', sa.String(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_alerts_acknowledged_via'),
            f'acknowledged_via IS NULL OR acknowledged_via IN ({LINK_CHANNELS})')


def downgrade() -> None:
    with op.batch_alter_table('alerts', reflect_kwargs=ALONE) as batch_op:
        batch_op.drop_constraint(op.f('ck_alerts_acknowledged_via'), type_='check')
        batch_op.drop_column('acknowledged_recipient')
        batch_op.drop_column('acknowledged_via')
    op.drop_index(f'ix_{TABLE}_code_hash', table_name=TABLE)
    op.drop_index(f'ix_{TABLE}_alert_recipient', table_name=TABLE)
    op.drop_table(TABLE)

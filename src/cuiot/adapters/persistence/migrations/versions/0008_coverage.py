"""coverage: the last known protection state of each cared person

- ``coverage_states``: one row per cared person evaluated: ``state`` (``protected``,
  ``degraded`` or ``unprotected``), when it last changed, when it was last evaluated;
  deleted with the person. It tells a lapse (a change for the worse, which opens a
  ``coverage_lapsed`` alert) from a state that merely continues. No row: never evaluated,
  counted as protected.
- ``events.event_type`` may be ``coverage_lapsed``: the event that opens that alert.

The check on ``events.event_type`` gets the new value. PostgreSQL: dropped and made
again on the partitioned table (its partitions follow; adding it reads the rows once).
SQLite keeps a table's constraints only as the text of its CREATE TABLE: the value is
added to that text, as 0002 does, the documented way for a change that leaves every
stored row valid (sqlite.org/lang_altertable.html, "other kinds of table schema
changes"); the events table is not rebuilt.

Downgrading deletes the ``coverage_lapsed`` events (the narrower check would refuse
them; their alerts stay, under their type's machine name) and drops the table.

Revision ID: 0008
Revises: 0007
Create Date: issue 11
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

BEFORE = ('blood_pressure', 'gas_sensor', 'motion', 'fall', 'panic_pressed',
          'motion_detected', 'person_down', 'battery_low', 'device_offline', 'inactivity')
AFTER = (*BEFORE, 'coverage_lapsed')
CHECK = 'ck_events_event_type'


def _one_of(values: tuple[str, ...]) -> str:
    return f"event_type IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        'coverage_states',
        sa.Column('cared_person_id', sa.Uuid(), nullable=False),
        sa.Column('state', sa.String(length=12), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('evaluated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("state IN ('protected', 'degraded', 'unprotected')",
                           name=op.f('ck_coverage_states_state')),
        sa.ForeignKeyConstraint(['cared_person_id'], ['cared_persons.id'], ondelete='CASCADE',
                                name=op.f('fk_coverage_states_cared_person_id_cared_persons')),
        sa.PrimaryKeyConstraint('cared_person_id', name=op.f('pk_coverage_states')),
    )
    _event_types(BEFORE, AFTER)


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM events WHERE event_type = 'coverage_lapsed'"))
    _event_types(AFTER, BEFORE)
    op.drop_table('coverage_states')


def _event_types(old: tuple[str, ...], new: tuple[str, ...]) -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        op.drop_constraint(op.f(CHECK), 'events', type_='check')
        op.create_check_constraint(op.f(CHECK), 'events', _one_of(new))
        return
    before, after = f'CHECK ({_one_of(old)})', f'CHECK ({_one_of(new)})'
    version = bind.exec_driver_sql('PRAGMA schema_version').scalar_one()
    bind.exec_driver_sql('PRAGMA writable_schema=ON')
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = replace(sql, ?, ?) "
        "WHERE type = 'table' AND name = 'events' AND instr(sql, ?) > 0",
        (before, after, before))
    bind.exec_driver_sql(f'PRAGMA schema_version={int(version) + 1}')
    bind.exec_driver_sql('PRAGMA writable_schema=OFF')

"""devices that come back, move and are re-keyed: a device_id is unique among active devices

A removed device keeps its ``device_id`` (its events, alerts and rejected messages name
it), yet the id may now be registered again, and a removed device reactivated. The
unique constraint on ``devices.device_id`` becomes a partial unique index over the
active devices (``uq_devices_active_device_id``), and a plain index on ``device_id``
keeps finding every device of an id (the ingest path looks devices up by it). Moving a
device and giving it a new key change existing columns only.

PostgreSQL drops the constraint and makes the indexes. SQLite cannot drop a table
constraint: the table is made again from its own ``CREATE TABLE`` text without that
clause, its rows copied back, its indexes made again. Its foreign keys are deferred to
COMMIT meanwhile (``PRAGMA defer_foreign_keys``): dropping the old table counts the rows
of events, alerts, messages and commands pointing at it as violations, and putting the
same rows back clears them, so COMMIT checks that nothing was lost.

Going down restores the unique constraint, and is refused while a ``device_id`` names
more than one device (one registered again after a removal): which one keeps it is a
decision for a person, not for a migration.

Revision ID: 0012
Revises: 0011
Create Date: issue 13
"""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

ACTIVE = sa.text("is_active")
UNIQUE = "uq_devices_device_id"
UNIQUE_CLAUSE = f", \n\tCONSTRAINT {UNIQUE} UNIQUE (device_id)"
HELD_TWICE = "SELECT device_id FROM devices GROUP BY device_id HAVING count(*) > 1"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _remake_sqlite_devices(_without_unique)
    else:
        op.drop_constraint(UNIQUE, "devices", type_="unique")
    op.create_index("uq_devices_active_device_id", "devices", ["device_id"], unique=True,
                    postgresql_where=ACTIVE, sqlite_where=ACTIVE)
    op.create_index("ix_devices_device_id", "devices", ["device_id"])


def downgrade() -> None:
    bind = op.get_bind()
    twice = [row[0] for row in bind.execute(sa.text(HELD_TWICE + " ORDER BY 1 LIMIT 10"))]
    if twice:
        raise RuntimeError(
            "cannot go below 0012: these device ids name more than one device (registered "
            f"again after a removal): {', '.join(twice)}. Give the removed ones another "
            "device_id first.")
    op.drop_index("ix_devices_device_id", table_name="devices")
    op.drop_index("uq_devices_active_device_id", table_name="devices")
    if bind.dialect.name == "sqlite":
        _remake_sqlite_devices(lambda sql: sql.removesuffix("\n)") + UNIQUE_CLAUSE + "\n)")
    else:
        op.create_unique_constraint(UNIQUE, "devices", ["device_id"])


def _without_unique(sql: str) -> str:
    if UNIQUE_CLAUSE not in sql:
        raise RuntimeError(f"devices has no {UNIQUE} clause where 0011 left it")
    return sql.replace(UNIQUE_CLAUSE, "")


def _remake_sqlite_devices(changed: Callable[[str], str]) -> None:
    """Make ``devices`` again from ``changed(its CREATE TABLE text)``, rows and indexes
    kept (sqlite.org/lang_altertable.html, "making other kinds of table schema changes",
    with the foreign keys deferred rather than switched off: PRAGMA foreign_keys cannot
    change inside the migration's transaction)."""
    bind = op.get_bind()
    table_sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'devices'").scalar_one()
    indexes = [row[0] for row in bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'devices' "
        "AND sql IS NOT NULL")]
    columns = ", ".join(row[1] for row in bind.exec_driver_sql("PRAGMA table_info(devices)"))
    bind.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    bind.exec_driver_sql(f"CREATE TEMP TABLE devices_0012 AS SELECT {columns} FROM devices")
    bind.exec_driver_sql("DROP TABLE devices")
    bind.exec_driver_sql(changed(table_sql))
    bind.exec_driver_sql(f"INSERT INTO devices ({columns}) SELECT {columns} FROM devices_0012")
    bind.exec_driver_sql("DROP TABLE temp.devices_0012")
    for index_sql in indexes:
        bind.exec_driver_sql(index_sql)

"""foreign keys checked at once

The unit of work is SQLAlchemy's own now: the ORM orders its writes by the mapped
relationships and foreign keys, so no foreign key needs to wait for COMMIT any more. A
violation now fails the statement that caused it, and a failed COMMIT no longer leaves a
transaction half open.

PostgreSQL: ``ALTER CONSTRAINT … NOT DEFERRABLE`` on each deferrable foreign key (the
partitions of events and alerts inherit their parent's). SQLite stores a table's
constraints only as the text of its CREATE TABLE: the deferral clause is removed from that
text, the documented way to drop a constraint clause that does not change what is stored
on disk (sqlite.org/lang_altertable.html, "other kinds of table schema changes").

Revision ID: 0002
Revises: 0001
Create Date: issue 10
"""
from __future__ import annotations

from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

DEFERRED = " DEFERRABLE INITIALLY DEFERRED"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("""
            DO $$
            DECLARE r record;
            BEGIN
              FOR r IN SELECT c.conrelid::regclass AS tab, c.conname
                       FROM pg_constraint c
                       WHERE c.contype = 'f' AND c.condeferrable AND c.conparentid = 0
                         AND c.connamespace = current_schema()::regnamespace
              LOOP
                EXECUTE format('ALTER TABLE %s ALTER CONSTRAINT %I NOT DEFERRABLE', r.tab, r.conname);
              END LOOP;
            END $$;
        """)
    elif bind.dialect.name == "sqlite":
        version = bind.exec_driver_sql("PRAGMA schema_version").scalar_one()
        bind.exec_driver_sql("PRAGMA writable_schema=ON")
        bind.exec_driver_sql(
            "UPDATE sqlite_master SET sql = replace(sql, ?, '') "
            "WHERE type = 'table' AND instr(sql, ?) > 0", (DEFERRED, DEFERRED))
        bind.exec_driver_sql(f"PRAGMA schema_version={int(version) + 1}")
        bind.exec_driver_sql("PRAGMA writable_schema=OFF")


def downgrade() -> None:
    raise NotImplementedError("foreign keys stay immediate: there is no going back to 0001")

"""Monthly partitions of ``events`` and ``alerts`` on PostgreSQL (native range
partitioning); nothing to do on SQLite.

Each table has a ``<table>_default`` partition, so no row is ever refused for want of a
partition, and ``<table>_YYYY_MM`` partitions for the months around a day, bounded in
UTC. A month whose rows already went to the default partition (a partition made late,
or data from long ago) is made by moving those rows into a new table and attaching it.
The initial migration makes the current month ± ; a periodic job should call
``ensure_partitions`` (say daily) so the coming months always exist.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncConnection

PARTITIONED = {"events": "timestamp", "alerts": "created_at"}  # table → partition column


def month_start(day: date, months_later: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + months_later
    return date(index // 12, index % 12 + 1, 1)


def partition_name(table: str, month: date) -> str:
    return f"{table}_{month:%Y_%m}"


async def ensure_partitions(conn: AsyncConnection, around: date, months_ahead: int = 3,
                            months_back: int = 1) -> list[str]:
    """Make the default partitions and the months from ``months_back`` before
    ``around``'s month to ``months_ahead`` after it. Returns the partitions made."""
    return await conn.run_sync(ensure_partitions_sync, around, months_ahead, months_back)


def ensure_partitions_sync(conn: Connection, around: date, months_ahead: int = 3,
                           months_back: int = 1) -> list[str]:
    """The same on a synchronous connection (the migration's)."""
    if conn.dialect.name != "postgresql":
        return []
    made = []
    for table, column in PARTITIONED.items():
        conn.execute(text(f"CREATE TABLE IF NOT EXISTS {table}_default "
                          f"PARTITION OF {table} DEFAULT"))
        for offset in range(-months_back, months_ahead + 1):
            month = month_start(around, offset)
            if _make_month(conn, table, column, month):
                made.append(partition_name(table, month))
    return made


def _make_month(conn: Connection, table: str, column: str, month: date) -> bool:
    name = partition_name(table, month)
    if conn.execute(text("SELECT to_regclass(:name)"), {"name": name}).scalar() is not None:
        return False
    low, high = f"'{month.isoformat()} 00:00:00+00'", f"'{month_start(month, 1)} 00:00:00+00'"
    bounds = f"FOR VALUES FROM ({low}) TO ({high})"
    in_range = f'"{column}" >= {low} AND "{column}" < {high}'
    if not conn.execute(text(f"SELECT EXISTS (SELECT 1 FROM {table}_default "
                             f"WHERE {in_range})")).scalar():
        conn.execute(text(f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {table} {bounds}"))
        return True
    conn.execute(text(f"CREATE TABLE {name} (LIKE {table} INCLUDING DEFAULTS "
                      "INCLUDING CONSTRAINTS)"))
    conn.execute(text(f"WITH moved AS (DELETE FROM {table}_default WHERE {in_range} "
                      f"RETURNING *) INSERT INTO {name} SELECT * FROM moved"))
    conn.execute(text(f"ALTER TABLE {table} ATTACH PARTITION {name} {bounds}"))
    return True

"""The journal of access taken away (table ``access_changes``): how every process serving
WebSockets learns at once that a user lost access to some cared persons, whichever
process removed it.

A removal (``application/care/commands/removals.py``) writes one row per user who lost
access, in its own transaction (``record``: it commits or rolls back with the removal),
on PostgreSQL with the same ``NOTIFY`` the alert journal sends. Each process's
``JournalReader`` (``entrypoints/live.py``) reads these rows in the same read as the
alert changes, *after* them, and hands them to its stream *before* them: an access
removal committed before an alert change is then always heard before that change, so a
socket of the user looks again at what they may see before it decides on the alert.
Rows are numbered and followed like the alert journal's (``JournalPosition``: a row that
commits after a higher one is still read)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, delete, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from cuiot.adapters.live.journal import CHANNEL, KEEP, JournalPosition
from cuiot.adapters.persistence.orm.live import access_changes
from cuiot.domain.access_removal import AccessRevoked

BATCH = 500
c = access_changes.c


@dataclass(frozen=True, slots=True)
class AccessEntry:
    seq: int
    user_id: UUID | None  # None: anybody may have lost access


async def record(conn: AsyncConnection, changes: Sequence[AccessRevoked]) -> None:
    """Write the rows in ``conn``'s transaction (PostgreSQL: and the NOTIFY that wakes
    the readers of every process when it commits)."""
    await conn.execute(insert(access_changes),
                       [{"user_id": change.user_id, "at": change.at} for change in changes])
    if conn.dialect.name == "postgresql":
        await conn.execute(text(f"NOTIFY {CHANNEL}"))


async def latest_seq(conn: AsyncConnection) -> int:
    """Where a new reader starts: after every row there is."""
    return int(await conn.scalar(select(func.coalesce(func.max(c.seq), 0))) or 0)


async def fresh(conn: AsyncConnection, position: JournalPosition,
                now: float) -> tuple[list[AccessEntry], JournalPosition]:
    """Every row not handled yet (all of them, batch after batch: none may wait behind
    an alert change), and the position past them. ``now``: ``time.monotonic()``."""
    found = await _among(conn, position.waiting)
    while batch := await _after(conn, max([position.last, *(e.seq for e in found)])):
        found += batch
        if len(batch) < BATCH:
            break
    return position.take(found, now)


async def prune(conn: AsyncConnection, keep: int = KEEP) -> int:
    """Delete all but the newest ``keep`` rows; how many went."""
    result = await conn.execute(delete(access_changes).where(
        c.seq <= await latest_seq(conn) - keep))
    return int(result.rowcount or 0)


async def _after(conn: AsyncConnection, seq: int) -> list[AccessEntry]:
    return _entries(await conn.execute(
        select(c.seq, c.user_id).where(c.seq > seq).order_by(c.seq).limit(BATCH)))


async def _among(conn: AsyncConnection, seqs: Iterable[int]) -> list[AccessEntry]:
    wanted = sorted(seqs)
    if not wanted:
        return []
    return _entries(await conn.execute(
        select(c.seq, c.user_id).where(c.seq.in_(bindparam("seqs", expanding=True)))
        .order_by(c.seq), {"seqs": wanted}))


def _entries(rows: Iterable[Any]) -> list[AccessEntry]:
    return [AccessEntry(row.seq, row.user_id) for row in rows]

"""The journal of alert changes (table ``alert_changes``), the live stream's source.

An alert may change in any process: an API worker, ``cuiot worker`` (MQTT, escalation,
the dispatcher), a CLI command. Every process serving WebSockets must hear of each
change once, with Redis or without. So the unit of work writes one row per change in
the transaction that made it (``record``: it commits or rolls back with the change),
and each serving process reads the rows after the last one it handled
(``JournalPosition``): every change reaches it once and in order, whatever made it, and
what was written while it could not read is read when it can again.

How soon: the unit of work rings a signal after the commit — this process's bell; on
PostgreSQL a ``NOTIFY cuiot_alert_changes`` sent inside the transaction (heard on
commit, never after a rollback); on SQLite with Redis a Redis message — and every
reader also looks every half second: the only way on SQLite without Redis, and the
safety net for a signal lost anywhere.

PostgreSQL hands out ``seq`` in insert order, but transactions may commit in another
order, so a row may appear after a higher one was read. A reader that skips over a
``seq`` looks for it again for ``STRAGGLER_SECONDS``: the row is written just before
COMMIT, so only a commit in flight leaves such a gap for long (a rolled-back one leaves
it for good). SQLite has one writer at a time, so its rows appear in order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol, TypeVar
from uuid import UUID

from sqlalchemy import bindparam, delete, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from cuiot.adapters.persistence.orm.live import alert_changes
from cuiot.application.safety.queries.live_alerts import change_name
from cuiot.domain.alerts import AlertChanged
from cuiot.domain.events import DomainEvent

CHANNEL = "cuiot_alert_changes"  # what PostgreSQL readers LISTEN on
STRAGGLER_SECONDS = 10.0
MAX_WAITING = 1000  # gaps looked for at once; beyond that the oldest are given up
KEEP = 100_000  # rows kept by ``prune``: enough for a reader that was away a while

c = alert_changes.c


class Sequenced(Protocol):
    """A row of a journal, numbered by ``seq`` (this one's, or ``access_journal``'s)."""

    @property
    def seq(self) -> int: ...


E = TypeVar("E", bound=Sequenced)


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """One alert change as written: what the metrics count; the alert is read as it
    stands."""

    seq: int
    alert_id: UUID
    change: str
    severity: str
    status: str
    level: int


def rows_of(events: Iterable[DomainEvent]) -> list[dict[str, Any]]:
    """The journal rows of the alert changes among ``events``, in order."""
    return [{"alert_id": e.alert_id, "change": name, "severity": e.severity.value,
             "status": e.status.value, "level": e.level}
            for e in events
            if isinstance(e, AlertChanged) and (name := change_name(e)) is not None]


async def record(conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    """Write the rows in ``conn``'s transaction; on PostgreSQL also queue the NOTIFY that
    wakes the readers of every process when (and only if) it commits."""
    await conn.execute(insert(alert_changes), rows)
    if conn.dialect.name == "postgresql":
        await conn.execute(text(f"NOTIFY {CHANNEL}"))


async def latest_seq(conn: AsyncConnection) -> int:
    """Where a new reader starts: after every row there is."""
    return int(await conn.scalar(select(func.coalesce(func.max(c.seq), 0))) or 0)


async def entries_after(conn: AsyncConnection, seq: int, limit: int) -> list[JournalEntry]:
    return _entries(await conn.execute(
        select(alert_changes).where(c.seq > seq).order_by(c.seq).limit(limit)))


async def entries_among(conn: AsyncConnection, seqs: Iterable[int]) -> list[JournalEntry]:
    """Those of ``seqs`` that exist now (gaps a reader waits for)."""
    wanted = sorted(seqs)
    if not wanted:
        return []
    return _entries(await conn.execute(
        select(alert_changes).where(c.seq.in_(bindparam("seqs", expanding=True)))
        .order_by(c.seq), {"seqs": wanted}))


async def prune(conn: AsyncConnection, keep: int = KEEP) -> int:
    """Delete all but the newest ``keep`` rows; how many went."""
    newest = await latest_seq(conn)
    result = await conn.execute(delete(alert_changes).where(c.seq <= newest - keep))
    return int(result.rowcount or 0)


def _entries(rows: Iterable[Any]) -> list[JournalEntry]:
    return [JournalEntry(row.seq, row.alert_id, row.change, str(row.severity),
                         str(row.status), row.level) for row in rows]


@dataclass(frozen=True, slots=True)
class JournalPosition:
    """How far a reader is: every ``seq`` up to ``last`` was handled, except those
    ``waiting`` (skipped over by a higher one), each looked for until its deadline (a
    ``time.monotonic()`` value)."""

    last: int
    waiting: Mapping[int, float] = field(default_factory=lambda: MappingProxyType({}))

    def take(self, found: Sequence[E], now: float) -> tuple[list[E], JournalPosition]:
        """The entries of ``found`` not handled before, in order, and the position past
        them; gaps left behind wait ``STRAGGLER_SECONDS``."""
        last, waiting = self.last, {s: t for s, t in self.waiting.items() if t > now}
        fresh = []
        for entry in sorted(found, key=lambda e: e.seq):
            if waiting.pop(entry.seq, None) is None and entry.seq <= last:
                continue  # handled already
            if entry.seq > last:
                first_gap = max(last + 1, entry.seq - MAX_WAITING)
                waiting.update(dict.fromkeys(range(first_gap, entry.seq),
                                             now + STRAGGLER_SECONDS))
                last = entry.seq
            fresh.append(entry)
        kept = sorted(waiting)[-MAX_WAITING:]
        return fresh, JournalPosition(last, MappingProxyType({s: waiting[s] for s in kept}))

"""Counting the SQL statements an engine runs, to check what a unit of work writes or how
many statements a read takes. No tests here."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

WRITES = ("INSERT", "UPDATE", "DELETE")


class Statements(list[str]):
    """The statements run, as sent (one entry per execute, an executemany counts once)."""

    def writes(self) -> list[str]:
        return [s for s in self if s.lstrip().upper().startswith(WRITES)]

    def queries(self) -> list[str]:
        """Without the transaction's own BEGIN/COMMIT/ROLLBACK and SQLite's PRAGMAs."""
        return [s for s in self
                if not s.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA"))]


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[Statements]:
    """Every statement ``engine`` runs inside the block (``before_cursor_execute``)."""
    seen = Statements()

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)

"""What a person types: a page within the bounds the HTTP API keeps, and ids given whole
or by the prefix a table printed."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import typer

from cuiot.adapters.persistence.views.id_prefixes import SqlIdPrefixes
from cuiot.application.shared.id_prefixes import MIN_PREFIX_CHARS, ExpandId, IdKind
from cuiot.application.shared.queries import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, Window
from cuiot.entrypoints.cli.output import fail, table_zone
from cuiot.entrypoints.container import Container

OFFSET = typer.Option(0, "--offset", help=f"Rows to skip first, 0 to {MAX_OFFSET:,}.")
LIMIT = typer.Option(DEFAULT_LIMIT, "--limit", help=f"Rows to show, 1 to {MAX_LIMIT}.")
USAGE = 2  # the exit code of a command used wrongly, as click's own


def window(offset: int, limit: int) -> Window:
    """The page asked for, refused in one line outside the bounds."""
    if not 0 <= offset <= MAX_OFFSET:
        fail(f"--offset must be 0 to {MAX_OFFSET}, got {offset}", USAGE)
    if not 1 <= limit <= MAX_LIMIT:
        fail(f"--limit must be 1 to {MAX_LIMIT}, got {limit}", USAGE)
    return Window(offset, limit)


def id_argument(kind: IdKind) -> Any:
    return typer.Argument(..., show_default=False,
                          help=f"The {kind.value}'s id, or its first {MIN_PREFIX_CHARS} or "
                               "more characters (a table's prefix).")


async def full_id(c: Container, kind: IdKind, text: str) -> UUID:
    """The id ``text`` names; a prefix naming no row or several is refused."""
    async with c.read_side().transaction() as conn:
        return await ExpandId(SqlIdPrefixes(conn))(kind, text)


def instant(text: str | None, option: str) -> datetime | None:
    """``--since``/``--until``: an ISO 8601 date or time; without a zone, in the zone the
    tables show."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        fail(f"{option} must be an ISO 8601 date or time, got {text!r}", USAGE)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=table_zone())

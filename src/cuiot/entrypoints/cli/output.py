"""How the CLI speaks: rich tables for people, JSON for scripts, one line on error.

JSON carries what the HTTP API carries: machine values, whole ids, instants in UTC ending
in ``Z`` and a page's paging. Tables are for reading: ids cut to the shortest prefix that
tells the rows apart (commands taking an id accept it), local times in the zone
CUIOT keeps its days in, each table saying which, and words a Spanish reader expects."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, tzinfo
from decimal import Decimal
from enum import Enum
from typing import Any, NoReturn
from uuid import UUID
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table

from cuiot.application.shared.queries import Window
from cuiot.domain.instants import iso_utc
from cuiot.domain.money import Money

# Piped output is not cut at 80 columns: ids must survive copy and paste.
console = Console(width=None if sys.stdout.isatty() else 200, soft_wrap=not sys.stdout.isatty())
errors = Console(stderr=True, soft_wrap=True)

SHORT_ID_CHARS = 8  # what a table shows of an id, longer only when two rows would clash
TABLE_TIME = "%Y-%m-%d %H:%M"
TIME_CHARS = len("2026-12-04 10:00")
IDS_NOTE = "ids: shortest unique prefixes (--json prints them whole)"

Columns = Mapping[str, str]  # a table's columns: row key → header
Labels = Mapping[str, Callable[[Any], str]]  # column → the word a person reads


@dataclasses.dataclass(frozen=True, slots=True)
class Page:
    """A page as the HTTP API answers one: its rows, where it starts, how many were asked
    for, and where the next one starts (``None`` on the last)."""

    items: list[dict[str, Any]]
    offset: int
    limit: int
    next_offset: int | None

    @classmethod
    def of(cls, rows: list[dict[str, Any]], window: Window) -> Page:
        """``rows`` read with ``limit + 1``: the one past the page says another exists."""
        more = len(rows) > window.limit
        return cls(rows[:window.limit], window.offset, window.limit,
                   window.offset + window.limit if more else None)


def local_time(value: datetime, zone: tzinfo) -> str:
    return value.astimezone(zone).strftime(TABLE_TIME)


def plain(value: Any) -> Any:
    """Turn domain values into JSON-ready ones."""
    if isinstance(value, Money):
        return {"cents": value.cents, "currency": value.currency, "display": str(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                if not f.name.startswith("_")}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if hasattr(value, "value") and len(vars(type(value)).get("__slots__", ())) == 1:
        return plain(value.value)
    return value


def cell(value: Any, zone: tzinfo) -> str:
    if value is None:
        return "–"
    if isinstance(value, Money):
        return str(value)
    if isinstance(value, datetime):
        return local_time(value, zone)
    shown = plain(value)
    return shown if isinstance(shown, str) else json.dumps(shown, ensure_ascii=False)


def prefix_length(ids: Iterable[UUID]) -> int:
    """How many hex digits tell these ids apart: ``SHORT_ID_CHARS`` or more."""
    whole = {i.hex for i in ids}
    length = SHORT_ID_CHARS
    while len({h[:length] for h in whole}) < len(whole):
        length += 1
    return length


def table_zone() -> ZoneInfo:
    """The zone a person reads times in: the one CUIOT keeps its days in."""
    from cuiot.entrypoints.cli.runtime import container  # runtime speaks through here

    return ZoneInfo(container().settings().timezone)


def write_json(value: Any) -> None:
    sys.stdout.write(json.dumps(plain(value), ensure_ascii=False, indent=2) + "\n")


def emit(page: Page, columns: Columns, as_json: bool, title: str | None = None,
         labels: Labels | None = None) -> None:
    """A page: JSON as the HTTP API pages it, or a table of ``columns`` (key → header;
    the rows may hold more, which JSON carries)."""
    if as_json:
        write_json(page)
        return
    console.print(_table(page.items, columns, title, labels or {}))
    if not page.items:
        console.print("[dim]nothing to show[/dim]")
    if page.next_offset is not None:
        console.print(f"[dim]more: --offset {page.next_offset}[/dim]")


def emit_one(row: dict[str, Any], as_json: bool, title: str | None = None,
             labels: Labels | None = None) -> None:
    """One record: JSON, or a table of its fields with ids whole."""
    if as_json:
        write_json(row)
        return
    zone, labels = table_zone(), labels or {}
    table = Table(title=title, show_header=False, caption=_times_in(row.values(), zone))
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for key, value in row.items():
        table.add_row(key.replace("_", " "), _shown(key, value, zone, labels))
    console.print(table)


def _table(rows: Sequence[dict[str, Any]], columns: Columns, title: str | None,
           labels: Labels) -> Table:
    """Compact enough for 80 columns. Ids and times are never wrapped; they and the
    words of ``labels`` are never cut: on a narrow terminal the other cells give way."""
    zone, id_columns = table_zone(), _id_columns(rows, columns)
    cells = {c: [_shown(c, row.get(c), zone, labels, id_columns.get(c)) for row in rows]
             for c in columns}
    shown = [row.get(c) for row in rows for c in columns]
    caption = "; ".join(filter(None, [IDS_NOTE if id_columns else None,
                                      _times_in(shown, zone)]))
    table = Table(title=title, caption=caption or None, box=None, pad_edge=False,
                  collapse_padding=True, header_style="bold underline")
    for column, header in columns.items():
        whole = column in id_columns or any(isinstance(r.get(column), datetime) for r in rows)
        kept = whole or column in labels
        longest = max((len(w) for text in [header, *cells[column]] for w in text.split()),
                      default=1)
        table.add_column(header, no_wrap=whole, min_width=longest if kept else None)
    for row in zip(*cells.values(), strict=True):
        table.add_row(*row)
    return table


def _id_columns(rows: Sequence[dict[str, Any]], columns: Columns) -> dict[str, int]:
    """The columns holding ids, each with how many hex digits tell its rows apart."""
    found: dict[str, int] = {}
    for column in columns:
        values = [row.get(column) for row in rows]
        ids = [v for v in values if isinstance(v, UUID)]
        if ids and len(ids) + values.count(None) == len(values):
            found[column] = prefix_length(ids)
    return found


def _shown(column: str, value: Any, zone: tzinfo, labels: Labels,
           id_chars: int | None = None) -> str:
    if value is not None and column in labels:
        return labels[column](value)
    if id_chars is not None and isinstance(value, UUID):
        return value.hex[:id_chars]
    return cell(value, zone)


def _times_in(values: Iterable[Any], zone: tzinfo) -> str | None:
    """Which zone a table's times are in, when it shows one."""
    return f"times: {zone}" if any(isinstance(v, datetime) for v in values) else None


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr and a non-zero exit: never a traceback."""
    import typer

    errors.print(f"[red]error:[/red] {message}", highlight=False, markup=True)
    raise typer.Exit(code)

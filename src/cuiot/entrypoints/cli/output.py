"""How the CLI speaks: rich tables for people, JSON for scripts, one line on error."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, NoReturn
from uuid import UUID

from rich.console import Console
from rich.table import Table

from cuiot.domain.money import Money

# Piped output is not cut at 80 columns: ids must survive copy and paste.
console = Console(width=None if sys.stdout.isatty() else 200, soft_wrap=not sys.stdout.isatty())
errors = Console(stderr=True, soft_wrap=True)


def plain(value: Any) -> Any:
    """Turn domain values into JSON-ready ones."""
    if isinstance(value, Money):
        return {"cents": value.cents, "currency": value.currency, "display": str(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    if isinstance(value, (datetime, date)):
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


def cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, Money):
        return str(value)
    shown = plain(value)
    return shown if isinstance(shown, str) else json.dumps(shown, ensure_ascii=False)


def emit(rows: Sequence[dict[str, Any]], columns: Iterable[str], as_json: bool,
         title: str | None = None) -> None:
    columns = list(columns)
    if as_json:
        sys.stdout.write(json.dumps([plain(r) for r in rows], ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title=title, show_lines=False)
    for column in columns:
        table.add_column(column.replace("_", " "))
    for row in rows:
        table.add_row(*(cell(row.get(c)) for c in columns))
    console.print(table)
    if not rows:
        console.print("[dim]nothing to show[/dim]")


def emit_one(row: dict[str, Any], as_json: bool, title: str | None = None) -> None:
    if as_json:
        sys.stdout.write(json.dumps(plain(row), ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(title=title, show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    for key, value in row.items():
        table.add_row(key.replace("_", " "), cell(value))
    console.print(table)


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr and a non-zero exit: never a traceback."""
    import typer

    errors.print(f"[red]error:[/red] {message}", highlight=False, markup=True)
    raise typer.Exit(code)

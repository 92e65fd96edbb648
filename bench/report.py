"""What every benchmark prints: its settings, the machine and versions, one row per
measurement (the same-run baseline among them) and the problems that fail the run."""

from __future__ import annotations

import json
import os
import platform
import sys
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

PACKAGES = ("cuiot", "sqlalchemy", "asyncpg", "aiosqlite", "paho-mqtt", "fastapi", "uvicorn",
            "redis")


def machine() -> dict[str, Any]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"platform": platform.platform(), "cpus": os.cpu_count(),
            "python": sys.version.split()[0], "versions": versions}


@dataclass
class Report:
    """``rows`` are dicts with the same keys (the table's columns); ``figures`` the
    headline numbers a reader or a script wants (ratios to the baseline among them);
    ``problems`` anything lost, doubled or wrong: any problem fails the run."""

    name: str
    settings: dict[str, Any]
    rows: list[dict[str, Any]] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {"benchmark": self.name, "ok": self.ok, "settings": self.settings,
                "machine": machine(), "rows": self.rows, "figures": self.figures,
                "problems": self.problems, "notes": self.notes}

    def print(self, *, as_json: bool = False) -> None:
        if as_json:
            print(json.dumps(self.as_dict(), indent=2, default=str))
            return
        from rich.console import Console
        from rich.table import Table

        console = Console()
        info = machine()
        console.print(f"[bold]{self.name}[/bold]  {info['cpus']} cpus, Python {info['python']}, "
                      + ", ".join(f"{k} {v}" for k, v in info["versions"].items() if v))
        console.print("settings: " + ", ".join(f"{k}={v}" for k, v in self.settings.items()))
        if self.rows:
            table = Table()
            columns = list(self.rows[0])
            for column in columns:
                table.add_column(column, justify="left" if column == columns[0] else "right")
            for row in self.rows:
                table.add_row(*(_cell(row.get(column)) for column in columns))
            console.print(table)
        for key, value in self.figures.items():
            console.print(f"{key}: {_cell(value)}")
        for note in self.notes:
            console.print(f"note: {note}")
        for problem in self.problems:
            console.print(f"[red]PROBLEM[/red]: {problem}")
        console.print("[green]ok[/green]" if self.ok else "[red]FAILED[/red]")


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)

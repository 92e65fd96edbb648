"""``cuiot seed``: the default package catalogue; ``--demo`` adds a family to try."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from cuiot.application.billing.commands.packages import SeedCatalogue
from cuiot.entrypoints.cli.output import console, emit_one
from cuiot.entrypoints.cli.runtime import run
from cuiot.entrypoints.cli.users import JSON
from cuiot.entrypoints.container import Container, use_case

THEIR_OWN = "(their own)"


def seed(demo: bool = typer.Option(
             False, "--demo", help="Add a demo family, devices and a week of readings."),
         json_: bool = JSON) -> None:
    """Seed the default package catalogue (idempotent)."""

    async def work(c: Container) -> dict[str, Any]:
        added = await use_case(c, SeedCatalogue)()
        summary = {"packages_added": len(added)}
        if demo:
            from cuiot.entrypoints.cli.demo import seed_demo

            summary |= await seed_demo(c, show_progress=not json_)
        return summary

    summary = run(work)
    if json_:
        emit_one(summary, True)
        return
    logins = logins_table(summary)
    keys = summary.pop("device_keys", None)
    emit_one(summary, False, "Seeded")
    if logins.row_count:
        console.print(logins)
    if keys:
        console.print("Device api keys (shown once): "
                      + ", ".join(f"{d}={k}" for d, k in keys.items()))


def logins_table(summary: dict[str, Any]) -> Table:
    """Every login the demo made, taken out of ``summary`` and shown whole: an email or
    a password cut short is no login."""
    table = Table(title="Logins")
    table.add_column("who")
    table.add_column("email", no_wrap=True)
    table.add_column("password", no_wrap=True)
    for who, key in (("family (Lucía)", "family"), ("admin", "admin")):
        if f"{key}_login" in summary:
            table.add_row(who, summary.pop(f"{key}_login"),
                          summary.pop(f"{key}_password") or THEIR_OWN)
    return table

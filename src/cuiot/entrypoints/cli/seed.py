"""``cuiot seed``: the default package catalogue; ``--demo`` adds a family to try."""

from __future__ import annotations

from typing import Any

import typer

from cuiot.application.billing.commands.packages import SeedCatalogue
from cuiot.entrypoints.cli.output import console, emit_one
from cuiot.entrypoints.cli.runtime import run
from cuiot.entrypoints.cli.users import JSON
from cuiot.entrypoints.container import Container, use_case


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
    keys = summary.pop("device_keys", None)
    if json_:
        emit_one(summary | ({"device_keys": keys} if keys else {}), True)
        return
    emit_one(summary, False, "Seeded")
    if keys:
        console.print("Device api keys (shown once): "
                      + ", ".join(f"{d}={k}" for d, k in keys.items()))

"""``cuiot``: the admin command line. Each area is its own Typer app."""

from __future__ import annotations

import typer

from cuiot.entrypoints.cli import db

app = typer.Typer(
    name="cuiot",
    help="CUIOT: watching over people who live alone or in care.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")


def main() -> None:
    app()

"""``cuiot db``: the schema, made only by migrations."""

from __future__ import annotations

import typer

from cuiot.adapters.persistence.migrate import current_revision, head_revision, upgrade
from cuiot.entrypoints.cli.output import console, fail
from cuiot.entrypoints.cli.runtime import container, run

app = typer.Typer(help="The database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_command() -> None:
    """Create or migrate the schema to the newest version."""
    url = container().settings().database_url
    try:
        upgrade(url)
    except Exception as error:
        fail(f"migration failed: {str(error).splitlines()[0]}")
    console.print(f"schema is at revision [bold]{head_revision()}[/bold]")


@app.command("current")
def current_command() -> None:
    """Show the schema's revision and whether it is the newest."""
    current = run(lambda c: current_revision(c.engine()))
    head = head_revision()
    state = ("up to date" if current == head
             else f"outdated (newest is {head}): run 'cuiot db upgrade'")
    console.print(f"revision {current or 'none'}: {state}")

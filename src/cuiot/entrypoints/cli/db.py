"""``cuiot db``: the schema, made only by migrations."""

from __future__ import annotations

import typer
from rich.markup import escape

from cuiot.adapters.persistence.database import sqlite_file, without_password
from cuiot.adapters.persistence.migrate import current_revision, head_revision, upgrade
from cuiot.entrypoints.cli.output import console, fail
from cuiot.entrypoints.cli.runtime import container, run

app = typer.Typer(help="The database schema.", no_args_is_help=True)


def where(url: str) -> str:
    """The database as a person finds it: the file's absolute path, or the URL without
    its password."""
    path = sqlite_file(url)
    return str(path) if path is not None else without_password(url)


@app.command("upgrade")
def upgrade_command() -> None:
    """Create or migrate the schema to the newest version."""
    url = container().settings().database_url
    path = sqlite_file(url)
    if path is not None and not path.parent.is_dir():
        fail(escape(f"no folder {path.parent} for the database {path.name}: create it, "
                    "or set CUIOT_DATABASE_URL"))
    try:
        upgrade(url)
    except Exception as error:
        reason = (str(error).splitlines() or [type(error).__name__])[0]
        fail(escape(f"migration of {where(url)} (CUIOT_DATABASE_URL) failed: {reason}"))
    console.print(f"schema is at revision [bold]{head_revision()}[/bold] in {escape(where(url))}")


@app.command("current")
def current_command() -> None:
    """Show the schema's revision and whether it is the newest."""
    current = run(lambda c: current_revision(c.engine()))
    head = head_revision()
    state = ("up to date" if current == head
             else f"outdated (newest is {head}): run 'cuiot db upgrade'")
    console.print(f"revision {current or 'none'}: {state}")

"""``cuiot serve``: the HTTP API (uvicorn), on a schema that is up to date."""

from __future__ import annotations

import typer

from cuiot.adapters.persistence.migrate import is_up_to_date
from cuiot.entrypoints.cli.output import console, fail
from cuiot.entrypoints.cli.runtime import container, run
from cuiot.entrypoints.logs import configure_logging


def ensure_schema_is_current() -> None:
    if not run(lambda c: is_up_to_date(c.engine())):
        fail("the database schema is missing or outdated: run 'cuiot db upgrade' first")


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(1, min=1, max=64, help="Worker processes."),
) -> None:
    """Run the HTTP API (docs at /docs)."""
    import uvicorn

    ensure_schema_is_current()
    settings = container().settings()
    configure_logging(settings.log_format)
    console.print(f"CUIOT API on http://{host}:{port} (docs at /docs), "
                  f"database {settings.database_url.split('@')[-1]}")
    uvicorn.run("cuiot.entrypoints.http.asgi:create_app", factory=True, host=host, port=port,
                workers=workers, log_config=None, access_log=False, proxy_headers=True)

"""The web console at ``/console``: Spanish pages for the people on call, rendered on
the server (Jinja2, ``templating.py``) with a little script of CUIOT's own for the live
stream. It is an entrypoint like the API: every page is the API's queries, every action
its use cases."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from cuiot.entrypoints.http.console import alerts, persons, signin
from cuiot.entrypoints.http.templating import STATIC_DIR, STATIC_URL


def install(app: FastAPI) -> None:
    """The console's routes, and CUIOT's own stylesheet and script at ``/static``."""
    app.mount(STATIC_URL, StaticFiles(directory=STATIC_DIR), name="static")
    for router in (signin.router, alerts.router, persons.router):
        app.include_router(router)

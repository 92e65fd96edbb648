"""What uvicorn imports: ``uvicorn cuiot.entrypoints.http.asgi:create_app --factory``."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import ValidationError

from cuiot.entrypoints.container import build_container
from cuiot.entrypoints.logs import configure_logging
from cuiot.entrypoints.settings_errors import explain


def create_app() -> FastAPI:
    """The app on settings from the environment; a bad setting ends the process with one
    line (``cuiot serve --workers N`` has checked them before starting any worker)."""
    from cuiot.entrypoints.http.app import create_app as build

    container = build_container()
    try:
        settings = container.settings()
    except ValidationError as error:
        raise SystemExit(f"error: {explain(error)}") from None
    configure_logging(settings.log_format)
    return build(container)

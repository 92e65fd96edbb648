"""What uvicorn imports: ``uvicorn cuiot.entrypoints.http.asgi:create_app --factory``."""

from __future__ import annotations

from fastapi import FastAPI

from cuiot.entrypoints.container import build_container
from cuiot.entrypoints.logs import configure_logging


def create_app() -> FastAPI:
    from cuiot.entrypoints.http.app import create_app as build

    container = build_container()
    configure_logging(container.settings().log_format)
    return build(container)

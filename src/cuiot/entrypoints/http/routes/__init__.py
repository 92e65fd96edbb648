"""Every router of /api/v1, in the order the OpenAPI docs show them."""

from __future__ import annotations

from fastapi import APIRouter

from cuiot.entrypoints.http.routes import auth, users

ROUTERS: list[APIRouter] = [
    auth.router,
    users.router,
]

"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from cuiot.entrypoints.container import Container, build_container, dispose_engines
from cuiot.entrypoints.http import acknowledge, console, docs, errors, health
from cuiot.entrypoints.http.metrics import HttpMetrics
from cuiot.entrypoints.http.middleware import (
    BodyLimit,
    RateLimit,
    RefuseNul,
    RequestContext,
    SecurityHeaders,
)
from cuiot.entrypoints.http.routers import ROUTERS
from cuiot.entrypoints.http.schemas import ERRORS
from cuiot.entrypoints.http.slashes import forgive_slashes
from cuiot.entrypoints.http.warm_up import build_routes
from cuiot.entrypoints.live import LiveAlerts
from cuiot.entrypoints.pipeline import Runner

DESCRIPTION = """CUIOT watches over people who live alone or in care.

Authenticate with `POST /api/v1/auth/login`, then send `Authorization: Bearer <access_token>`.
Every refusal has one shape: `{"error": "<code>", "message": "…", "details": {…}}`.
Lists take `offset` and `limit` and answer `next_offset` (null on the last page)."""


def create_app(container: Container | None = None,
               runners: Sequence[Runner] = ()) -> FastAPI:
    """``runners`` (the safety pipeline, in ``cuiot serve``) start after the live stream
    and the device command gateway and stop before them, inside uvicorn's graceful
    shutdown."""
    container = container or build_container()
    settings = container.settings()
    live = LiveAlerts.from_container(container)  # the stream, and the alert metrics
    gateway = container.command_gateway()
    background: list[Runner] = [live, *([gateway] if gateway else []), *runners]

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await build_routes(app.router)
        started: list[Runner] = []
        try:
            for runner in background:
                await runner.start()
                started.append(runner)
            yield
        finally:
            for runner in reversed(started):
                await runner.stop()
        if settings.redis_url:
            await container.redis().aclose()
        await dispose_engines(container)

    app = FastAPI(title="CUIOT API", version="1.0.0", description=DESCRIPTION,
                  lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.container = container
    app.state.alert_stream = live.stream
    app.state.metrics = HttpMetrics(container.metrics_registry())
    errors.install(app)
    app.include_router(health.router)
    api = APIRouter(prefix="/api/v1", responses=ERRORS)
    api.include_router(health.router)
    for router in ROUTERS:
        api.include_router(router)
    app.include_router(api)
    docs.install(app)
    console.install(app)
    app.include_router(acknowledge.router)
    forgive_slashes(app)
    app.add_middleware(RefuseNul)
    app.add_middleware(RateLimit, limiter_factory=container.rate_limiter,
                       limit=settings.rate_limit_per_minute)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins,
                           allow_methods=["*"], allow_headers=["*"],
                           expose_headers=["X-Request-ID", "Retry-After"])
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestContext, metrics=app.state.metrics)
    return app

"""Liveness, database health and metrics (served at the root and under /api/v1)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import text

from cuiot.adapters.persistence.migrate import current_revision, head_revision
from cuiot.entrypoints.http.errors import body
from cuiot.entrypoints.http.schemas import ErrorBody

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str = Field(examples=["ok"])


class DatabaseHealth(Health):
    database: str = Field(examples=["postgresql"])
    schema_revision: str | None = Field(examples=["0001"])


@router.get("/health", response_model=Health, summary="Is the API up?")
async def health() -> Health:
    return Health(status="ok")


@router.get("/health/db", response_model=DatabaseHealth,
            summary="Is the database reachable and migrated?",
            responses={503: {"model": ErrorBody,
                             "description": "Unreachable or outdated schema"}})
async def health_db(request: Request) -> DatabaseHealth | JSONResponse:
    engine = request.app.state.container.engine()
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        revision = await current_revision(engine)
    except Exception as error:
        return JSONResponse(body("database_unavailable", type(error).__name__), 503)
    if revision != head_revision():
        return JSONResponse(body("schema_outdated", "run 'cuiot db upgrade'",
                                 {"revision": revision, "expected": head_revision()}), 503)
    return DatabaseHealth(status="ok", database=engine.dialect.name, schema_revision=revision)


@router.get("/metrics", summary="Prometheus metrics", response_class=Response,
            responses={200: {"content": {"text/plain": {}},
                             "description": "Prometheus text format"}})
async def metrics(request: Request) -> Response:
    payload, content_type = request.app.state.metrics.render()
    return Response(payload, media_type=content_type)

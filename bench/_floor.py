"""The floor of the http benchmark: the least any Python server can do for the alert list,
served the way ``cuiot serve`` is (uvicorn, uvloop, httptools, 2 workers), so that
CUIOT's ratio to ``/health`` can be read against the ratio this floor reaches on the same
machine in the same run.

Per request it does only what the list cannot skip: check the bearer token's signature
and expiry (PyJWT, CUIOT's own token), run CUIOT's own statement for the first page of
alerts (compiled once from ``views/safety.py``, prepared by asyncpg, no transaction
block), and write the rows as JSON (orjson). No framework, no validation, no rate limit,
no revocation check, no principal lookup, no logging: everything a real API must add is
missing, so CUIOT can only be slower. ``/health`` answers a constant, as CUIOT's does.

Run as an ASGI factory: ``uvicorn bench._floor:create_app --factory`` with
``FLOOR_DSN`` (asyncpg) and ``FLOOR_JWT_SECRET`` in the environment.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import asyncpg
import jwt
import orjson
from sqlalchemy.dialects import postgresql

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

PAGE = 50


def alert_page_sql() -> tuple[str, list[str], dict[str, Any]]:
    """CUIOT's statement for a non-admin's first page of alerts, in asyncpg's ``$n`` form,
    the names of its parameters in order, and the values it binds itself (literals)."""
    from cuiot.adapters.persistence.views.safety import _alert_page

    compiled = _alert_page(False, False, False, False).compile(
        dialect=postgresql.asyncpg.dialect())  # type: ignore[attr-defined,no-untyped-call]
    return str(compiled), list(compiled.positiontup or []), dict(compiled.params)


def create_app() -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    dsn, secret = os.environ["FLOOR_DSN"], os.environ["FLOOR_JWT_SECRET"]
    sql, names, literals = alert_page_sql()
    pool: asyncpg.Pool | None = None

    async def respond(send: Send, status: int, body: bytes) -> None:
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})

    async def alerts(scope: Scope, send: Send) -> None:
        assert pool is not None
        auth = dict(scope["headers"]).get(b"authorization", b"")
        try:
            claims = jwt.decode(auth.removeprefix(b"Bearer ").decode(), secret,
                                algorithms=["HS256"])
        except jwt.PyJWTError:
            await respond(send, 401, b'{"error":"unauthorized"}')
            return
        values = {**literals, "viewer_id": UUID(claims["sub"]), "today": datetime.now(UTC).date(),
                  "offset": 0, "limit": PAGE + 1}
        rows = await pool.fetch(sql, *(values[name] for name in names))
        items = [dict(row) for row in rows[:PAGE]]
        # asyncpg's UUIDs are a subclass orjson leaves to ``default``.
        await respond(send, 200, orjson.dumps({"items": items, "limit": PAGE, "offset": 0,
                                               "has_more": len(rows) > PAGE}, default=str))

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        nonlocal pool
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    pool = await asyncpg.create_pool(dsn, min_size=4, max_size=10)
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    if pool is not None:
                        await pool.close()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["path"] == "/health":
            await respond(send, 200, b'{"status":"ok"}')
        elif scope["path"] == "/api/v1/alerts":
            await alerts(scope, send)
        else:
            await respond(send, 404, b'{"error":"not_found"}')

    return app

"""Build every route before the first request.

FastAPI builds the routes of an included router (a pydantic validator for each
parameter, body and response) the first time a request reaches that router. Here that is
about 0.8 s for CUIOT's routes, several seconds on a loaded machine: the first alert
socket of a new worker would wait that long. ``build_routes`` pays it at start-up instead,
with one request of each kind for a path that no route takes, so that matching walks
every route of every router once."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Scope

NO_ROUTE = "/\x00build-routes"  # a NUL: no route takes it (RefuseNul refuses it outside)


async def _nothing() -> Message:
    return {"type": "http.disconnect"}


async def _discard(_message: Message) -> None:
    return None


async def build_routes(router: ASGIApp) -> None:
    """Walk every route of ``router`` (the app's ``router``, inside the middleware) once
    for HTTP and once for WebSockets."""
    for kind in ("http", "websocket"):
        scope: Scope = {"type": kind, "path": NO_ROUTE, "raw_path": NO_ROUTE.encode(),
                 "root_path": "", "method": "GET", "headers": [], "query_string": b"",
                 "scheme": "http" if kind == "http" else "ws", "http_version": "1.1",
                 "client": ("127.0.0.1", 0), "server": ("127.0.0.1", 0)}
        await router(scope, _nothing, _discard)

"""Pure ASGI middleware: request ids, one log line per request, metrics, rate limits,
security headers and the body size limit."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cuiot.adapters.persistence.errors import is_outage
from cuiot.entrypoints.http.errors import body
from cuiot.entrypoints.http.metrics import HttpMetrics
from cuiot.entrypoints.logs import request_id

logger = logging.getLogger("cuiot.http.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
OUTAGE_RETRY_SECONDS = 5
UNLIMITED_PATHS = ("/health", "/metrics", "/docs", "/openapi.json", "/redoc")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


API_PREFIX = "/api/v1"


def _route_of(scope: Scope) -> str:
    """The route template (``/api/v1/devices/{device_id}``), never the raw path, so metric
    labels stay few. Included routers keep their own path without the include prefix."""
    path = getattr(scope.get("route"), "path", None)
    if not isinstance(path, str):
        return "unmatched"
    if str(scope["path"]).startswith(API_PREFIX) and not path.startswith(API_PREFIX):
        return API_PREFIX + path
    return path


class RequestContext:
    """Gives each request an id (kept from X-Request-ID when it is safe), returns it as
    X-Request-ID, logs method, path, status and duration once, and counts it."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        given = _header(scope, b"x-request-id")
        rid = given if given and _SAFE_ID.match(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        started, status, started_response = time.perf_counter(), 500, False

        async def send_with_id(message: Message) -> None:
            nonlocal status, started_response
            kind = message["type"]
            if kind == "http.response.start":
                status, started_response = message["status"], True
                message["headers"] = [*message.get("headers", []), (b"x-request-id", rid.encode())]
            elif kind == "websocket.accept":
                status, started_response = 101, True
            elif kind == "websocket.close" and not started_response:
                status = 403  # refused before the handshake completed
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as error:
            if is_outage(error):  # the database is away: nobody's fault, try again soon
                logger.warning("database unavailable in %s %s: %r", scope.get("method"),
                               scope["path"], error)
                if scope["type"] == "http" and not started_response:
                    await _send_json(send_with_id, 503, body(
                        "database_unavailable", "the database cannot be reached; "
                        "try again in a few seconds", {"request_id": rid}),
                        headers=[(b"retry-after", str(OUTAGE_RETRY_SECONDS).encode())])
            else:
                logger.exception("unhandled error in %s %s", scope.get("method"), scope["path"])
                if scope["type"] == "http" and not started_response:
                    await _send_json(send_with_id, 500, body(
                        "internal_error", "something went wrong on our side",
                        {"request_id": rid}))
        finally:
            elapsed = time.perf_counter() - started
            method = scope.get("method", "WS")
            self.metrics.observe(method, _route_of(scope), status, elapsed)
            logger.info("%s %s %s %.1fms", method, scope["path"], status, elapsed * 1000,
                        extra={"method": method, "path": scope["path"], "status": status,
                               "duration_ms": round(elapsed * 1000, 1)})
            request_id.reset(token)


class RefuseNul:
    """A NUL character (``%00``) in the path or the query is refused with 400 before any
    route sees it: no database stores it, and no route means it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and ("\x00" in scope["path"]
                                        or b"%00" in scope.get("query_string", b"")
                                        or b"\x00" in scope.get("query_string", b"")):
            return await _send_json(send, 400, body("bad_request",
                                                    "NUL characters are not allowed in URLs"))
        return await self.app(scope, receive, send)


class RateLimit:
    """``limit`` requests per minute per client address; 429 with Retry-After past it."""

    def __init__(self, app: ASGIApp, limiter_factory: Callable[[], Any], limit: int) -> None:
        self.app, self.limiter_factory, self.limit = app, limiter_factory, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNLIMITED_PATHS):
            return await self.app(scope, receive, send)
        client = (scope.get("client") or ("unknown", 0))[0]
        decision = await self.limiter_factory().hit(f"rate:{client}", self.limit, 60)
        if decision.allowed:
            return await self.app(scope, receive, send)
        retry = max(1, int(decision.retry_after_seconds))
        await _send_json(send, 429,
                         body("rate_limited", f"more than {self.limit} requests a minute",
                              {"retry_after_seconds": retry}),
                         [(b"retry-after", str(retry).encode())])


class SecurityHeaders:
    """``X-Content-Type-Options: nosniff`` on every answer; ``Cache-Control: no-store`` on
    every API answer that sets no cache policy of its own: tokens (RFC 6749 §5.1), the
    profile and the health data behind them belong in no shared or browser cache."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        api = str(scope["path"]).startswith(API_PREFIX)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [*message.get("headers", []), (b"x-content-type-options", b"nosniff")]
                if api and not any(k.lower() == b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(HTTPException):
    """Raised from ``receive``: FastAPI lets an HTTPException through its body parsing,
    and the app's handler answers it in the contract's shape."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"the body is larger than {max_bytes} bytes")


class BodyLimit:
    """Bodies over ``max_bytes`` are refused with 413 before anything parses them: at once
    when Content-Length announces more (nothing is read), else as soon as the bytes
    received pass the limit (the rest is never read). FastAPI's own ``max_body_size``
    answers in plain text, outside the error contract; hence this one."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        announced = _header(scope, b"content-length")
        if announced is not None and (not announced.strip().isdigit()
                                      or int(announced) > self.max_bytes):
            return await self._refuse(send)
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        await self.app(scope, counting_receive, send)

    async def _refuse(self, send: Send) -> None:
        await _send_json(send, 413, body(
            "payload_too_large", f"the body is larger than {self.max_bytes} bytes"),
            [(b"connection", b"close")])


async def _send_json(send: Send, status: int, content: dict[str, Any],
                     headers: list[tuple[bytes, bytes]] | None = None) -> None:
    payload = json.dumps(content).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
        *(headers or [])]})
    await send({"type": "http.response.body", "body": payload})

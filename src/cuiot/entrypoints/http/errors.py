"""One error shape for every refusal, and one table from domain errors to status codes.

``{"error": "<code>", "message": "<human text>", "details": {…}}``. Bad input is a 4xx;
anything unexpected is a 500 with the same shape and the request id, never a traceback.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from cuiot.domain import errors as e
from cuiot.entrypoints.logs import request_id

logger = logging.getLogger("cuiot.http")

STATUS: list[tuple[type[e.DomainError], int]] = [
    (e.Unauthenticated, 401),
    (e.RateLimited, 429),
    (e.NotFound, 404),
    (e.Forbidden, 403),
    (e.LegalCapacityDenied, 403),
    (e.SubscriptionRequired, 402),
    (e.PackageLimitExceeded, 409),
    (e.Conflict, 409),  # InvalidStateTransition included
    (e.ValidationFailed, 422),  # InvalidReading included
    (e.ReferralInvalid, 422),
    (e.DomainError, 400),
]

HTTP_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 406: "not_acceptable", 409: "conflict",
              413: "payload_too_large", 415: "unsupported_media_type",
              422: "validation_error", 429: "rate_limited"}


def status_for(error: e.DomainError) -> int:
    return next(status for cls, status in STATUS if isinstance(error, cls))


def body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": code, "message": message, "details": details or {}}


def _json_safe(details: dict[str, Any]) -> dict[str, Any]:
    from fastapi.encoders import jsonable_encoder

    safe: dict[str, Any] = jsonable_encoder(details, custom_encoder={Exception: str})
    return safe


async def on_domain_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, e.DomainError)
    status = status_for(error)
    headers = {}
    if isinstance(error, e.RateLimited):
        headers["Retry-After"] = str(error.retry_after_seconds)
    if isinstance(error, e.Unauthenticated):
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(body(error.code, error.message, _json_safe(error.details)), status, headers)


# A refusal is never much bigger than a page, whatever the request: the first problems
# only, each cut short (a body with 20,000 unknown keys once got an 8 MB answer).
MAX_PROBLEMS = 20
MAX_TEXT = 200


def _short(text: object) -> str:
    text = str(text)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


async def on_validation_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    found = error.errors()
    problems = [{"loc": [_short(p) for p in err.get("loc", ())[:10]],
                 "msg": _short(err.get("msg", "")), "type": _short(err.get("type", ""))}
                for err in found[:MAX_PROBLEMS]]  # never the input
    details: dict[str, Any] = {"errors": problems}
    if len(found) > MAX_PROBLEMS:
        details["more_errors"] = len(found) - MAX_PROBLEMS
    if any(p["type"] == "json_invalid" for p in problems):
        return JSONResponse(body("bad_request", "the body is not valid JSON", details), 400)
    return JSONResponse(body("validation_error", "the request does not match the schema",
                             details), 422)


async def on_http_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    code = HTTP_CODES.get(error.status_code, "error")
    message = error.detail if isinstance(error.detail, str) else code.replace("_", " ")
    headers = dict(getattr(error, "headers", None) or {})
    if error.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request.app, request.url.path))
    return JSONResponse(body(code, message), error.status_code, headers)


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    """Every method any route serves at ``path`` (the router names only the first)."""
    table = getattr(app.state, "allowed_methods", None)
    if table is None:
        table = [(re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$"),
                  {m.upper() for m in operations if m != "parameters"})
                 for template, operations in app.openapi()["paths"].items()]
        app.state.allowed_methods = table
    return sorted(set().union(*(methods for pattern, methods in table if pattern.match(path))))


async def on_unexpected(_request: Request, error: Exception) -> JSONResponse:
    logger.error("unhandled error: %s", type(error).__name__, exc_info=error)
    return JSONResponse(body("internal_error", "something went wrong on our side",
                             {"request_id": request_id.get()}), 500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(e.DomainError, on_domain_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)

"""Forgery protection for the console's forms (a signed double-submit token), and the
same-origin test the live stream shares.

The token is a random nonce with its HMAC under a key derived from the JWT secret. It
sits in an HttpOnly cookie and in every form (and in a ``<meta>`` for the page's
script); a POST must carry the same value in both, signed by us, and, when the browser
names an ``Origin``, come from this very host. Another site can make a browser send the
cookie, never read it, so it cannot write the form field."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import parse_qs, urlsplit

from starlette.requests import HTTPConnection, Request

from cuiot.domain.errors import Forbidden
from cuiot.entrypoints.http.deps import get_container

CSRF_COOKIE = "cuiot_csrf"
CSRF_FIELD = "csrf"
_PURPOSE = b"cuiot-console-csrf"


def same_origin(connection: HTTPConnection) -> bool:
    """Whether the ``Origin`` the browser sent names this host (a page of another site
    opening our WebSocket or posting our forms would name its own)."""
    origin, host = connection.headers.get("origin"), connection.headers.get("host")
    return bool(origin and host) and urlsplit(origin).netloc.lower() == str(host).lower()


def csrf_token(request: Request) -> str:
    """The request's valid token, or a new one (then set as the cookie on the answer)."""
    known = request.cookies.get(CSRF_COOKIE)
    if known and _signed(request, known):
        return known
    fresh: str | None = getattr(request.state, "new_csrf", None)
    if fresh is None:
        nonce = secrets.token_urlsafe(24)
        fresh = request.state.new_csrf = f"{nonce}.{_signature(request, nonce)}"
    return fresh


async def checked_form(request: Request) -> dict[str, str]:
    """The posted form (``application/x-www-form-urlencoded``), once its token matches
    the cookie and its origin, if named, is ours; else ``Forbidden``."""
    fields = {name: values[0] for name, values in parse_qs(
        (await request.body()).decode("utf-8", "replace"), keep_blank_values=True).items()}
    cookie, given = request.cookies.get(CSRF_COOKIE, ""), fields.pop(CSRF_FIELD, "")
    if "origin" in request.headers and not same_origin(request):
        raise Forbidden("cross-site form refused", reason="origin")
    if not (cookie and hmac.compare_digest(cookie, given) and _signed(request, cookie)):
        raise Forbidden("missing or wrong form token", reason="csrf")
    return fields


def _signed(request: Request, token: str) -> bool:
    nonce, _, signature = token.partition(".")
    return bool(nonce) and hmac.compare_digest(signature, _signature(request, nonce))


def _signature(request: Request, nonce: str) -> str:
    secret: str = get_container(request).secret()
    key = hmac.new(secret.encode(), _PURPOSE, hashlib.sha256).digest()
    return hmac.new(key, nonce.encode(), hashlib.sha256).hexdigest()

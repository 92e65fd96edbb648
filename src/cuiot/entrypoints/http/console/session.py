"""The console's session: the API's own access and refresh tokens, kept in cookies the
page's script cannot read (HttpOnly), sent only by pages of this site (SameSite=Strict:
a link from another site opens the sign-in page rather than carry the session), and
only over HTTPS when the console is served over HTTPS.

Each request is authenticated by the API's ``authenticate`` with the access cookie.
An expired access token is renewed with the ``Refresh`` use case (the refresh cookie
then rotates, as over the API); anything else sends the user to sign in."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response
from sqlalchemy.ext.asyncio import AsyncConnection

from cuiot.application.identity.commands.authenticate import TokenPair
from cuiot.application.identity.commands.login import Refresh, RefreshCommand
from cuiot.application.identity.queries.authenticate import Principal
from cuiot.domain.errors import Unauthenticated
from cuiot.entrypoints.container import use_case
from cuiot.entrypoints.http.console.csrf import CSRF_COOKIE
from cuiot.entrypoints.http.deps import ReadConnection, authenticate, get_container

ACCESS_COOKIE = "cuiot_access"  # path /: the live stream (/api/v1/ws/alerts) reads it too
REFRESH_COOKIE = "cuiot_refresh"  # path /console: only the console spends it
CONSOLE = "/console"


async def console_principal(request: Request, conn: ReadConnection) -> Principal:
    """Who is signed in, renewing an expired access token on the way."""
    principal = request.state.principal = await _signed_in(request, conn)
    return principal


async def _signed_in(request: Request, conn: AsyncConnection) -> Principal:
    container = get_container(request)
    access = request.cookies.get(ACCESS_COOKIE)
    if access:
        try:
            return await authenticate(container, conn, access)
        except Unauthenticated as error:
            if error.details.get("reason") != "expired":
                raise
    refresh = request.cookies.get(REFRESH_COOKIE)
    if not refresh:
        raise Unauthenticated("not signed in")
    pair = await use_case(container, Refresh)(RefreshCommand(refresh))
    request.state.renewed = pair
    return await authenticate(container, conn, pair.access_token)


ConsolePrincipal = Annotated[Principal, Depends(console_principal)]


def refresh_token(request: Request) -> str | None:
    """The refresh token in force: the renewed one if this request renewed it."""
    renewed: TokenPair | None = getattr(request.state, "renewed", None)
    return renewed.refresh_token if renewed else request.cookies.get(REFRESH_COOKIE)


def start(request: Request, response: Response, pair: TokenPair) -> None:
    lifetime = get_container(request).settings().refresh_token_days * 86_400
    _set(request, response, ACCESS_COOKIE, pair.access_token, "/", lifetime)
    _set(request, response, REFRESH_COOKIE, pair.refresh_token, CONSOLE, lifetime)


def end(request: Request, response: Response) -> None:
    request.state.renewed = None
    for name, path in ((ACCESS_COOKIE, "/"), (REFRESH_COOKIE, CONSOLE)):
        response.delete_cookie(name, path=path, secure=_https(request), httponly=True,
                               samesite="strict")


def keep(request: Request, response: Response) -> None:
    """On the answer: the tokens this request renewed, and a new form token."""
    renewed: TokenPair | None = getattr(request.state, "renewed", None)
    if renewed is not None:
        start(request, response, renewed)
    csrf: str | None = getattr(request.state, "new_csrf", None)
    if csrf is not None:
        _set(request, response, CSRF_COOKIE, csrf, CONSOLE, None)


def _set(request: Request, response: Response, name: str, value: str, path: str,
         max_age: int | None) -> None:
    response.set_cookie(name, value, max_age=max_age, path=path, secure=_https(request),
                        httponly=True, samesite="strict")


def _https(request: Request) -> bool:
    return request.url.scheme == "https"

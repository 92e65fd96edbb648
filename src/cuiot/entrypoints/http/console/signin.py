"""Signing in to the console and out of it, through the API's ``Login`` and ``Logout``
use cases: the same throttling of failed attempts, the same sessions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from cuiot.application.identity.commands.authenticate import Logout, LogoutCommand
from cuiot.application.identity.commands.login import Login, LoginCommand
from cuiot.domain.errors import RateLimited, Unauthenticated, ValidationFailed
from cuiot.entrypoints.http.console import session
from cuiot.entrypoints.http.console.csrf import checked_form
from cuiot.entrypoints.http.console.pages import SIGN_IN, ConsoleRoute, back_to, render
from cuiot.entrypoints.http.console.session import ConsolePrincipal
from cuiot.entrypoints.http.deps import use

router = APIRouter(prefix="/console", route_class=ConsoleRoute, include_in_schema=False)

WRONG = "Correo o contraseña incorrectos."
LogIn = Annotated[Login, Depends(use(Login))]
LogOut = Annotated[Logout, Depends(use(Logout))]


@router.get("/entrar")
async def sign_in_page(request: Request) -> Response:
    return render(request, "console/signin.html")


@router.post("/entrar")
async def sign_in(request: Request, log_in: LogIn) -> Response:
    form = await checked_form(request)
    email = form.get("email", "").strip()
    client = request.client.host if request.client else "unknown"
    try:
        pair = await log_in(LoginCommand(email, form.get("password", ""), client))
    except RateLimited as error:
        wait = error.retry_after_seconds
        refused = render(request, "console/signin.html", 429, email=email, error=(
            f"Demasiados intentos fallidos. Espere {wait} segundos antes de volver a "
            "intentarlo."))
        refused.headers["retry-after"] = str(wait)
        return refused
    except (Unauthenticated, ValidationFailed):
        return render(request, "console/signin.html", 401, email=email, error=WRONG)
    answer = back_to("/console")
    session.start(request, answer, pair)
    return answer


@router.post("/salir")
async def sign_out(request: Request, principal: ConsolePrincipal, log_out: LogOut) -> Response:
    """Ends the session (its refresh token's family), not only this browser's cookies."""
    await checked_form(request)
    await log_out(LogoutCommand(principal.user_id, principal.jti, principal.expires_at,
                                session.refresh_token(request)))
    answer = back_to(SIGN_IN)
    session.end(request, answer)
    return answer

"""How the console answers: HTML pages (or, to its own script, fragments of them), with
refusals as pages in Spanish rather than the API's JSON, and the session's cookies kept
up to date on every answer."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute

from cuiot.domain import errors as e
from cuiot.entrypoints.http.console import session
from cuiot.entrypoints.http.console.csrf import csrf_token
from cuiot.entrypoints.http.errors import status_for
from cuiot.entrypoints.http.templating import templates

SIGN_IN = "/console/entrar"
# Only CUIOT's own files and its own stream; never inside another site's frame.
SECURITY = {"content-security-policy": "default-src 'self'; connect-src 'self'; "
                                       "frame-ancestors 'none'; form-action 'self'; "
                                       "base-uri 'none'",
            "x-frame-options": "DENY", "referrer-policy": "same-origin",
            "cache-control": "no-store"}
FETCH_HEADER = "x-cuiot-console"  # the page's script asks for fragments with it

REFUSALS: list[tuple[type[e.DomainError], str]] = [
    (e.NotFound, "No encontramos lo que busca, o no tiene acceso a ello."),
    (e.Forbidden, "No tiene permiso para hacer esto. Vuelva a cargar la página e inténtelo "
                  "de nuevo."),
    (e.Conflict, "No se pudo: la alerta cambió mientras tanto (alguien más la atendió o "
                 "la resolvió)."),
    (e.RateLimited, "Demasiados intentos seguidos. Espere un momento y vuelva a intentarlo."),
    (e.DomainError, "No se pudo hacer lo que pidió."),
]


def wants_fragment(request: Request) -> bool:
    return request.headers.get(FETCH_HEADER) == "1"


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    signed_in = getattr(request.state, "principal", None) is not None
    return templates.TemplateResponse(request, name, {
        "csrf": csrf_token(request), "signed_in": signed_in, **context},
        status_code=status)


def back_to(path: str) -> RedirectResponse:
    """After a form: see the result at ``path`` (a reload does not post again)."""
    return RedirectResponse(path, status_code=303)


def refusal(request: Request, error: e.DomainError) -> Response:
    if isinstance(error, e.Unauthenticated):
        answer: Response = (HTMLResponse("", status_code=401) if wants_fragment(request)
                            else back_to(SIGN_IN))
        session.end(request, answer)
        return answer
    message = next(text for kind, text in REFUSALS if isinstance(error, kind))
    return render(request, "console/refusal.html", status_for(error), message=message)


class ConsoleRoute(APIRoute):
    """A console route: domain errors become pages, a malformed path is not found,
    tokens renewed or made during the request become cookies, and every answer carries
    the console's security headers."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                response = await handler(request)
            except RequestValidationError:
                response = refusal(request, e.NotFound("page", request.url.path))
            except e.DomainError as error:
                response = refusal(request, error)
            response.headers.update(SECURITY)
            session.keep(request, response)
            return response

        return answer

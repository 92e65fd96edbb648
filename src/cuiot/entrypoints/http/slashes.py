"""Every path answers with and without its trailing slash, the same, with no redirect.

Clients write ``/packages`` as often as the contract's ``/packages/``, and
``/cared-persons/`` as often as ``/cared-persons``. Starlette would answer the other form
with a 307 and an empty body, which many clients do not follow for a POST. Here a path
that matches no route is tried once more in its other form, and the route found there
serves it. Nothing is registered twice, so the OpenAPI schema shows the contract's form
only, and a path that matches at once costs nothing more.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.routing import Match, Router
from starlette.types import ASGIApp, Receive, Scope, Send


def forgive_slashes(app: FastAPI) -> None:
    app.router.redirect_slashes = False
    app.router.default = OtherForm(app.router, app.router.default)


class OtherForm:
    """The router's handler for a path no route matched: the same request on the path's
    other form (``/x`` ↔ ``/x/``) when a route matches that, else ``not_found``."""

    def __init__(self, router: Router, not_found: ASGIApp) -> None:
        self.router, self.not_found = router, not_found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        other = other_form(scope["path"])
        if other is None or not self._matches({**scope, "path": other}):
            return await self.not_found(scope, receive, send)
        scope["path"] = other  # in place: the access log and metrics see the route served
        await self.router.app(scope, receive, send)

    def _matches(self, scope: Scope) -> bool:
        return any(route.matches(scope)[0] is not Match.NONE for route in self.router.routes)


def other_form(path: str) -> str | None:
    """``/x/`` → ``/x`` and ``/x`` → ``/x/``; None for the root, which has no other."""
    if not path.endswith("/"):
        return path + "/"
    return path.rstrip("/") or None

"""``WS /api/v1/ws/alerts``: every new or changed alert the user may see, live.

Authenticate with ``?token=<access token>`` or, within 10 s, a first message
``{"token": "<access token>"}``; a page of the console, from this same site (its
``Origin`` is checked), is signed in by its session cookie. A bad or missing token
closes the socket with code 4401. Then the server sends JSON messages, each with a ``type``:

- ``{"type": "ready", "user_id": …}`` once: the subscription is live;
- ``{"type": "alert", "change": "opened"|"joined"|"sent"|"escalated"|"acknowledged"|
  "resolved"|"unhandled", "alert": {…the alert as GET /alerts/{id} shows it…}}``;
- ``{"type": "ping"}`` every 25 s; a client may send ``{"type": "ping"}`` and gets
  ``{"type": "pong"}``. Every 25 s the token is checked again: expired, revoked or its
  user deactivated closes with 4401. Its session ended (a logout with the refresh token,
  a password reset, the user deactivated) closes with 4401 within half a second
  (``entrypoints/live_sessions.py``). A client too far behind is closed with 1013.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, WebSocket
from starlette.websockets import WebSocketDisconnect, WebSocketState

from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.safety import SqlLiveAudience
from cuiot.application.identity.queries.authenticate import Principal
from cuiot.application.safety.ports import AlertStream, AlertSubscription
from cuiot.application.safety.queries.live_alerts import LiveAlertFilter
from cuiot.domain.errors import Unauthenticated
from cuiot.entrypoints.container import Container
from cuiot.entrypoints.http.console.csrf import same_origin
from cuiot.entrypoints.http.console.session import ACCESS_COOKIE
from cuiot.entrypoints.http.deps import authenticate
from cuiot.entrypoints.live_sessions import SessionWatch

router = APIRouter(tags=["alerts"])
logger = logging.getLogger("cuiot.live")

UNAUTHORIZED, TRY_AGAIN_LATER, INTERNAL_ERROR = 4401, 1013, 1011
AUTH_SECONDS = 10.0
PING_SECONDS = 25.0
ACCESS_RECHECK = timedelta(seconds=30)


async def _authenticate(container: Container, token: str | None) -> Principal | None:
    if not token:
        return None
    try:
        async with container.read_side().transaction() as conn:
            return await authenticate(container, conn, token)
    except Unauthenticated:
        return None


def _session_cookie(websocket: WebSocket) -> str | None:
    """The console's access cookie, taken only from a page of this site: a page of
    another one could open this socket with the user's cookies too (cross-site WebSocket
    hijacking), and its browser would name that other site as the ``Origin``."""
    return websocket.cookies.get(ACCESS_COOKIE) if same_origin(websocket) else None


async def _token_from_first_message(websocket: WebSocket) -> str | None:
    try:
        async with asyncio.timeout(AUTH_SECONDS):
            first = json.loads(await websocket.receive_text())
    except (TimeoutError, ValueError, KeyError, TypeError, WebSocketDisconnect):
        return None
    token = first.get("token") if isinstance(first, dict) else None
    return token if isinstance(token, str) else None


@router.websocket("/ws/alerts")
async def alerts_ws(websocket: WebSocket, token: str | None = None) -> None:
    """Live alerts (see the module's docstring for the protocol)."""
    await websocket.accept()
    container: Container = websocket.app.state.container
    token = token or _session_cookie(websocket) or await _token_from_first_message(websocket)
    principal = await _authenticate(container, token)
    if principal is None:
        return await _refuse(websocket, UNAUTHORIZED, "invalid or missing access token")
    subscription = await _subscribe(websocket)
    if subscription is None:
        return await _refuse(websocket, INTERNAL_ERROR, "live alerts unavailable")
    async with subscription:
        await LiveConnection(websocket, container, principal, token or "").run(subscription)


async def _refuse(websocket: WebSocket, code: int, reason: str) -> None:
    if websocket.client_state is WebSocketState.CONNECTED:
        with contextlib.suppress(Exception):  # the client may have gone meanwhile
            await websocket.close(code, reason)


async def _subscribe(websocket: WebSocket) -> AlertSubscription | None:
    stream: AlertStream | None = getattr(websocket.app.state, "alert_stream", None)
    if stream is None:
        logger.error("live alerts are not installed on this app (app.state.alert_stream)")
        return None
    try:
        return await stream.subscribe()
    except Exception:
        logger.exception("live alerts: could not subscribe")
        return None


class LiveConnection:
    def __init__(self, websocket: WebSocket, container: Container, principal: Principal,
                 token: str) -> None:
        self.websocket, self.container, self.token = websocket, container, token
        self.user_id, self.family_id = principal.user_id, principal.family_id
        self.filter = LiveAlertFilter(principal.user_id, SqlLiveAudience(container.read_side()),
                                      container.clock(), ACCESS_RECHECK)
        self._sending = asyncio.Lock()
        self.close_code = 1000

    async def run(self, subscription: AlertSubscription) -> None:
        tasks = [asyncio.create_task(job) for job in (
            self._forward(subscription), self._listen(), self._keep_alive(),
            self._session_ends())]
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for task in tasks:
                error = None if task.cancelled() else task.exception()
                if error is not None and not self._client_left(error):
                    logger.error("live connection failed", exc_info=error)
                    self.close_code = INTERNAL_ERROR
            await self._close()

    def _client_left(self, error: BaseException) -> bool:
        """Whether ``error`` only says that the client has gone: an ordinary end, at
        whatever moment it comes. ASGI servers say it their own ways on a send: uvicorn's
        default with an ``OSError``, its ``websockets`` implementation (and Starlette)
        with a ``RuntimeError`` once the disconnect was received."""
        return isinstance(error, WebSocketDisconnect | OSError) or (
            isinstance(error, RuntimeError)
            and self.websocket.client_state is WebSocketState.DISCONNECTED)

    async def _forward(self, subscription: AlertSubscription) -> None:
        await self._send({"type": "ready", "user_id": str(self.user_id)})
        async for change in subscription:
            try:
                visible = await self.filter.may_see(change)
            except Unauthenticated:
                self.close_code = UNAUTHORIZED
                return
            if visible:
                await self._send({"type": "alert", **change})
        self.close_code = TRY_AGAIN_LATER  # dropped for lagging, or the server stops

    async def _listen(self) -> None:
        while (message := await self.websocket.receive())["type"] != "websocket.disconnect":
            with contextlib.suppress(ValueError, TypeError):
                if json.loads(message.get("text") or "null") == {"type": "ping"}:
                    await self._send({"type": "pong"})

    async def _keep_alive(self) -> None:
        while True:
            await asyncio.sleep(PING_SECONDS)
            if await _authenticate(self.container, self.token) is None:
                self.close_code = UNAUTHORIZED
                return
            await self._send({"type": "ping"})

    async def _session_ends(self) -> None:
        """Returns once the token's session has ended (never without one)."""
        if self.family_id is None:
            await asyncio.Event().wait()
            return
        with _session_watch(self.websocket, self.container).watching(self.family_id) as ended:
            await ended.wait()
        self.close_code = UNAUTHORIZED

    async def _send(self, message: dict[str, Any]) -> None:
        async with self._sending:
            await self.websocket.send_json(message)

    async def _close(self) -> None:
        await _refuse(self.websocket, self.close_code, "")


def _session_watch(websocket: WebSocket, container: Container) -> SessionWatch:
    """This app's watch of the sessions its sockets hold, made on first use."""
    state = websocket.app.state
    watch: SessionWatch | None = getattr(state, "session_watch", None)
    if watch is None:
        watch = state.session_watch = SessionWatch(ReadSide(container.engine()))
    return watch

"""Live sockets whose session ends are closed within ``POLL_SECONDS``, whatever process
ended it.

A WebSocket lives for hours on the token it opened with. Each connection re-checks its
token every ``ws.PING_SECONDS`` (25 s), which bounds how long a revoked one stays
open; a deactivated user, a logout or a password reset should not wait that long. So
every connection of a process registers its session (the refresh-token family its token
belongs to) with this process's ``SessionWatch``, which looks every ``POLL_SECONDS``
while any is registered — one indexed statement for all of them, on the primary (a
replica may lag) — and ends the wait of each connection whose session has ended: it
closes with 4401. Nothing runs while no socket is open.

A look that fails (the database away) is logged and made again at the next one: the
connections stay open meanwhile, as the 25 s check leaves them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from uuid import UUID

from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.sessions import SqlSessionViews
from cuiot.application.identity.queries.sessions import EndedSessions, EndedSessionsQuery

logger = logging.getLogger("cuiot.live")
POLL_SECONDS = 0.5


class SessionWatch:
    def __init__(self, read_side: ReadSide, poll_seconds: float = POLL_SECONDS) -> None:
        self.read_side, self.poll_seconds = read_side, poll_seconds
        self._watched: dict[UUID, set[asyncio.Event]] = {}
        self._emptied = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._failing = False

    @contextlib.contextmanager
    def watching(self, family_id: UUID) -> Iterator[asyncio.Event]:
        """An event set once session ``family_id`` has ended, while in the block."""
        ended = asyncio.Event()
        self._watched.setdefault(family_id, set()).add(ended)
        self._emptied.clear()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="cuiot-live-sessions")
        try:
            yield ended
        finally:
            waiting = self._watched.get(family_id, set())
            waiting.discard(ended)
            if not waiting:
                self._watched.pop(family_id, None)
            if not self._watched:
                self._emptied.set()  # the look ends now, not at its next wake

    async def _run(self) -> None:
        while self._watched:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._emptied.wait(), self.poll_seconds)
            await self.look()

    async def look(self) -> None:
        """End the wait of every connection whose session has ended."""
        watched = frozenset(self._watched)
        if not watched:
            return
        try:
            async with self.read_side.transaction() as conn:
                ended = await EndedSessions(SqlSessionViews(conn))(EndedSessionsQuery(watched))
        except Exception as error:
            if not self._failing:
                logger.warning("live sessions cannot be checked (%s); trying again at each "
                               "look", type(error).__name__, exc_info=error)
            self._failing = True
            return
        self._failing = False
        for family_id in ended:
            for event in self._watched.get(family_id, ()):
                event.set()

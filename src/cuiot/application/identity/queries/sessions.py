"""Which of some sessions (logins) have ended since they were let in: revoked (a logout,
a password reset, a reused refresh token, the user deactivated) or their user gone
inactive. The live stream asks it of every socket of a process at once
(``entrypoints/live_sessions.py``): the same test a request makes of its own token
(``authenticate.py``), one statement for them all."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from cuiot.application.identity.ports import SessionViews


@dataclass(frozen=True, slots=True)
class EndedSessionsQuery:
    family_ids: frozenset[UUID]


class EndedSessions:
    def __init__(self, sessions: SessionViews) -> None:
        self.sessions = sessions

    async def __call__(self, query: EndedSessionsQuery) -> frozenset[UUID]:
        if not query.family_ids:
            return frozenset()
        return query.family_ids - await self.sessions.live_sessions(query.family_ids)

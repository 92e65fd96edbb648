"""Access taken away (``AccessChangeLog``), for the live stream: kept until the commit,
then written to its journal just before it (``adapters/live/access_journal.py``), on the
unit of work's connection, so it commits or rolls back with the removal. Written that
late, a row's ``seq`` is taken just before COMMIT, as the alert journal's are: a reader
that skipped over it waits for it only a moment."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from cuiot.adapters.live import access_journal
from cuiot.domain.access_removal import AccessRevoked


class SqlAlchemyAccessChangeLog:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.added: list[AccessRevoked] = []

    async def add(self, change: AccessRevoked) -> None:
        self.added.append(change)

    async def write(self) -> None:
        """Called by the unit of work right before it commits."""
        if self.added:
            await access_journal.record(await self.session.connection(), self.added)

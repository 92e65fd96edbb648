"""The unit of work on SQLAlchemy: one ``AsyncSession`` and its transaction per
``async with``. The session is the identity map: what a use case adds or changes is
written at commit, in the order the mapped relationships and foreign keys require.

After a commit that wrote outbox rows it rings the outbox signal (this process's
dispatcher, or Redis); on PostgreSQL the notification repository has also sent
``NOTIFY cuiot_outbox`` inside the transaction, for dispatchers in other processes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from cuiot.adapters.persistence.errors import conflict
from cuiot.adapters.persistence.orm import start_mappers
from cuiot.adapters.persistence.repositories.registry import REPOSITORIES
from cuiot.application.safety.ports import OutboxSignal
from cuiot.application.shared.ports import EventPublisher
from cuiot.application.shared.uow import UnitOfWorkBase
from cuiot.domain.events import Aggregate

# Mapped on import: a domain object built before the mapping could not be added later.
start_mappers()


class SqlAlchemyUnitOfWork(UnitOfWorkBase):
    def __init__(self, engine: AsyncEngine, publisher: EventPublisher | None = None,
                 outbox_signal: OutboxSignal | None = None) -> None:
        super().__init__(publisher, outbox_signal)
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._session: AsyncSession | None = None
        self._conn: AsyncConnection | None = None
        self._repositories: list[Any] = []

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("the unit of work is not open: use 'async with uow:'")
        return self._session

    @property
    def connection(self) -> AsyncConnection:
        """The session's connection, for the bulk Core statements of the ingest path."""
        if self._conn is None:
            raise RuntimeError("the unit of work is not open: use 'async with uow:'")
        return self._conn

    async def _begin(self) -> None:
        self._session = self._sessions()
        self._conn = await self._session.connection()
        self._repositories = []
        for name, cls in REPOSITORIES.items():
            repository = cls(self._session) if getattr(cls, "uses_session", False) \
                else cls(self._conn)
            setattr(self, name, repository)
            self._repositories.append(repository)

    async def _end(self) -> None:
        if self._session is not None:
            await self._session.close()
        self._session, self._conn = None, None

    async def flush(self) -> None:
        """Write every new or changed entity now (the transaction stays open)."""
        try:
            await self.session.flush()
            for repository in self._repositories:
                if not getattr(repository, "uses_session", False):
                    await repository.flush()
        except IntegrityError as exc:
            raise conflict(exc) from exc

    async def _commit(self) -> None:
        await self.flush()
        try:
            await self.session.commit()
        except IntegrityError as exc:
            # A failed COMMIT can leave the driver's transaction open (SQLite, deferred
            # foreign keys): never hand that connection back to the pool.
            await self.connection.invalidate()
            raise conflict(exc) from exc

    async def _rollback(self) -> None:
        if self._session is not None and (self._conn is None or not self._conn.invalidated):
            # Detach first: a rollback would expire what the use case loaded, and it may
            # still read it (a query's result, an error's details) once the block ends.
            self._session.expunge_all()
            await self._session.rollback()

    def _wrote_outbox(self) -> bool:
        return bool(self.notifications.added)

    def _seen(self) -> Iterable[Aggregate]:
        session = self.session
        yield from (e for e in session.identity_map.values() if isinstance(e, Aggregate))
        yield from (e for e in session.new if isinstance(e, Aggregate))
        for repository in self._repositories:
            if not getattr(repository, "uses_session", False):
                yield from (e for e in repository.seen() if isinstance(e, Aggregate))

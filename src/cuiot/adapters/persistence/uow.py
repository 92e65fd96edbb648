"""The unit of work on SQLAlchemy: one connection and transaction per ``async with``.

After a commit that wrote outbox rows it rings the outbox signal (this process's
dispatcher, or Redis); on PostgreSQL the notification repository has also sent
``NOTIFY cuiot_outbox`` inside the transaction, for dispatchers in other processes."""

from __future__ import annotations

from typing import Iterable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from typing import Any

from cuiot.adapters.persistence.repositories.base import _constraint_name
from cuiot.adapters.persistence.repositories.registry import REPOSITORIES
from cuiot.application.ports.common import EventPublisher
from cuiot.application.ports.notify import OutboxSignal
from cuiot.application.uow import UnitOfWorkBase
from cuiot.domain.errors import Conflict
from cuiot.domain.events import Aggregate


class SqlAlchemyUnitOfWork(UnitOfWorkBase):
    def __init__(self, engine: AsyncEngine, publisher: EventPublisher | None = None,
                 outbox_signal: OutboxSignal | None = None) -> None:
        super().__init__(publisher, outbox_signal)
        self.engine = engine
        self._conn: AsyncConnection | None = None
        self._repositories: list[Any] = []

    @property
    def connection(self) -> AsyncConnection:
        if self._conn is None:
            raise RuntimeError("the unit of work is not open: use 'async with uow:'")
        return self._conn

    async def _begin(self) -> None:
        self._conn = await self.engine.connect()
        await self._conn.begin()
        self._repositories = []
        for name, cls in REPOSITORIES.items():
            repository = cls(self._conn)
            setattr(self, name, repository)
            self._repositories.append(repository)

    async def _end(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None

    async def flush(self) -> None:
        """Write every new or changed entity now (the transaction stays open)."""
        for repository in self._repositories:
            await repository.flush()

    async def _commit(self) -> None:
        await self.flush()
        try:
            await self.connection.commit()
        except IntegrityError as exc:
            # A failed COMMIT can leave the driver's transaction open (SQLite, deferred
            # foreign keys): never hand that connection back to the pool.
            await self.connection.invalidate()
            raise Conflict("the change conflicts with stored data",
                           constraint=_constraint_name(exc)) from exc

    async def _rollback(self) -> None:
        if self._conn is not None and not self._conn.invalidated and self._conn.in_transaction():
            await self._conn.rollback()

    def _wrote_outbox(self) -> bool:
        return self.notifications.added > 0

    def _seen(self) -> Iterable[Aggregate]:
        for repository in self._repositories:
            yield from (e for e in repository.seen() if isinstance(e, Aggregate))

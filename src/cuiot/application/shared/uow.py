"""The unit of work: one per use case call. It rolls back unless told to commit, and
hands the domain events recorded by the aggregates it saw to the publisher after commit;
a commit that wrote outbox rows also rings the outbox signal, so a dispatcher delivers
them at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, Self

from cuiot.application.care.ports import (
    CaredPersonRepository,
    InstitutionRepository,
    RepresentationRepository,
)
from cuiot.application.identity.ports import UserRepository
from cuiot.application.safety.ports import OutboxSignal
from cuiot.application.shared.ports import EventPublisher
from cuiot.domain.events import Aggregate, DomainEvent

if TYPE_CHECKING:
    from cuiot.application.billing.ports import (
        InvoiceRepository,
        PackageRepository,
        SubscriptionRepository,
    )
    from cuiot.application.identity.ports import (
        PasswordResetRepository,
        RefreshTokenFamilyRepository,
    )
    from cuiot.application.referrals.ports import CommissionRepository, ReferralRepository
    from cuiot.application.reviews.ports import ReviewRepository, ScoreRepository
    from cuiot.application.safety.ports import (
        AlertRepository,
        DeviceCommandRepository,
        DeviceRepository,
        IngestRepository,
        NotificationRepository,
        RejectedMessageRepository,
        SensorEventRepository,
    )

logger = logging.getLogger("cuiot.uow")


class UnitOfWork(Protocol):
    users: UserRepository
    cared_persons: CaredPersonRepository
    representations: RepresentationRepository
    institutions: InstitutionRepository
    packages: PackageRepository
    subscriptions: SubscriptionRepository
    invoices: InvoiceRepository
    referrals: ReferralRepository
    commissions: CommissionRepository
    reviews: ReviewRepository
    scores: ScoreRepository
    devices: DeviceRepository
    events: SensorEventRepository
    ingest: IngestRepository
    alerts: AlertRepository
    notifications: NotificationRepository
    rejected_messages: RejectedMessageRepository
    device_commands: DeviceCommandRepository
    token_families: RefreshTokenFamilyRepository
    password_resets: PasswordResetRepository

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


class UnitOfWorkBase:
    """Shared behaviour of every unit of work: rollback unless committed, and events
    published and the outbox signal rung only once the commit succeeded."""

    def __init__(self, publisher: EventPublisher | None = None,
                 outbox_signal: OutboxSignal | None = None) -> None:
        self._publisher = publisher
        self._outbox_signal = outbox_signal
        self._committed = False

    async def __aenter__(self) -> Self:
        self._committed = False
        await self._begin()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        try:
            if not self._committed:
                await self.rollback()
        finally:
            await self._end()

    async def commit(self) -> None:
        events = [e for agg in self._seen() for e in agg.pull_events()]
        await self._commit()
        self._committed = True
        if self._outbox_signal is not None and self._wrote_outbox():
            await self._ring_outbox(self._outbox_signal)
        if self._publisher is not None:
            for event in events:
                await self._publisher.publish(event)

    async def rollback(self) -> None:
        await self._rollback()

    # Hooks for the concrete unit of work.
    async def _begin(self) -> None: ...

    async def _end(self) -> None: ...

    async def _commit(self) -> None:
        raise NotImplementedError

    async def _rollback(self) -> None:
        raise NotImplementedError

    def _seen(self) -> Iterable[Aggregate]:
        return ()

    def _wrote_outbox(self) -> bool:
        """Whether the commit that just succeeded inserted notification rows."""
        return False

    @staticmethod
    async def _ring_outbox(signal: OutboxSignal) -> None:
        """The commit stands whatever happens here: a failed ring is logged, and the
        dispatcher's tick delivers the rows a little later."""
        try:
            await signal.ring()
        except Exception as exc:
            logger.warning("outbox signal failed (%s); delivery waits for the next tick",
                           type(exc).__name__)


__all__ = ["DomainEvent", "UnitOfWork", "UnitOfWorkBase"]

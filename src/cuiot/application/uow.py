"""The unit of work: one per use case call. It rolls back unless told to commit, and
hands the domain events recorded by the aggregates it saw to the publisher after commit.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Iterable, Protocol, Self

from cuiot.application.ports.care import (
    CaredPersonRepository,
    InstitutionRepository,
    RepresentationRepository,
)
from cuiot.application.ports.common import EventPublisher
from cuiot.application.ports.users import UserRepository
from cuiot.domain.events import Aggregate, DomainEvent

if TYPE_CHECKING:
    from cuiot.application.ports.auth import (
        PasswordResetRepository,
        RefreshTokenFamilyRepository,
    )
    from cuiot.application.ports.billing import (
        InvoiceRepository,
        PackageRepository,
        SubscriptionRepository,
    )
    from cuiot.application.ports.device_commands import DeviceCommandRepository
    from cuiot.application.ports.referrals import CommissionRepository, ReferralRepository
    from cuiot.application.ports.rejections import RejectedMessageRepository
    from cuiot.application.ports.reviews import ReviewRepository, ScoreRepository
    from cuiot.application.ports.safety import (
        AlertRepository,
        DeviceRepository,
        IngestRepository,
        NotificationRepository,
        SensorEventRepository,
    )


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
    published only once the commit succeeded."""

    def __init__(self, publisher: EventPublisher | None = None) -> None:
        self._publisher = publisher
        self._committed = False

    async def __aenter__(self) -> Self:
        self._committed = False
        await self._begin()
        return self

    async def __aexit__(self, exc_type, exc, tb) -> None:  # noqa: ANN001
        try:
            if not self._committed:
                await self.rollback()
        finally:
            await self._end()

    async def commit(self) -> None:
        events = [e for agg in self._seen() for e in agg.pull_events()]
        await self._commit()
        self._committed = True
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


__all__ = ["DomainEvent", "UnitOfWork", "UnitOfWorkBase"]

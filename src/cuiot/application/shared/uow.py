"""The unit of work: one per use case call. It rolls back unless told to commit, and
hands the domain events recorded by the aggregates it saw to the publisher after commit;
a commit that wrote outbox rows also rings the outbox signal, so a dispatcher delivers
them at once.

Alert changes reach the live stream through the unit of work too, whatever process
made them: given an alert signal, it writes the alert changes among the events with the
commit (the SQL unit of work: into the journal the live stream reads,
``adapters/live/journal.py``) and rings the signal once the commit succeeded, so every
process serving WebSockets reads them at once. Access taken away (``access_changes``)
travels the same way, so those processes hear of it ahead of any later alert change.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, Self

from cuiot.application.care.ports import (
    AccessChangeLog,
    CaredPersonRepository,
    InstitutionRepository,
    RepresentationRepository,
)
from cuiot.application.identity.ports import UserRepository
from cuiot.application.safety.ports import AckLinkSource, OutboxSignal
from cuiot.application.shared.ports import EventPublisher
from cuiot.domain.events import Aggregate, DomainEvent

if TYPE_CHECKING:
    from cuiot.application.audit.ports import AuditLog
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
        AckLinkRepository,
        AlertRepository,
        CoverageRepository,
        DeviceCommandRepository,
        DeviceRepository,
        IngestRepository,
        NotificationRepository,
        PersonalRecords,
        RejectedMessageRepository,
        SensorEventRepository,
    )

logger = logging.getLogger("cuiot.uow")
RING_SECONDS = 2.0  # a commit never waits longer for a signal (a CLI command exits after)


class Signal(Protocol):
    """What the unit of work rings after a commit, to wake whoever waits for what it
    wrote. Best effort: a lost ring only delays them to their next look."""

    async def ring(self) -> None: ...


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
    coverage: CoverageRepository
    token_families: RefreshTokenFamilyRepository
    password_resets: PasswordResetRepository
    ack_links: AckLinkRepository
    audit: AuditLog  # who did what to whom: written with the change it records
    access_changes: AccessChangeLog  # access taken away: the live stream hears of it
    records: PersonalRecords  # what a person or user leaves in the safety records
    links: AckLinkSource | None  # what gives alert notifications their links, if anything

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
    published and the signals rung only once the commit succeeded."""

    def __init__(self, publisher: EventPublisher | None = None,
                 outbox_signal: OutboxSignal | None = None,
                 alert_signal: Signal | None = None,
                 links: AckLinkSource | None = None) -> None:
        self.links = links
        self._publisher = publisher
        self._outbox_signal = outbox_signal
        self._alert_signal = alert_signal
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
        alert_signal = self._alert_signal
        alerts_changed = alert_signal is not None and await self._journal(events)
        await self._commit()
        self._committed = True
        if self._outbox_signal is not None and self._wrote_outbox():
            await self._ring(self._outbox_signal, "outbox signal")
        if alert_signal is not None and (alerts_changed or self._revoked_access()):
            await self._ring(alert_signal, "live alert signal")
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

    def _revoked_access(self) -> bool:
        """Whether the commit that just succeeded took access away (``access_changes``):
        the live stream's readers are woken for it as for an alert change."""
        return False

    async def _journal(self, events: list[DomainEvent]) -> bool:
        """Write the alert changes among ``events`` with the commit (called just before
        it, with an alert signal only); whether there were any."""
        return False

    @staticmethod
    async def _ring(signal: Signal, name: str) -> None:
        """The commit stands whatever happens here: a ring that fails or takes longer
        than ``RING_SECONDS`` is logged, and the waiters (the dispatcher's tick, the live
        stream's poll) find the rows a little later."""
        try:
            async with asyncio.timeout(RING_SECONDS):
                await signal.ring()
        except Exception as exc:
            logger.warning("%s failed (%s); the rows wait for the next look", name,
                           type(exc).__name__)


__all__ = ["DomainEvent", "Signal", "UnitOfWork", "UnitOfWorkBase"]

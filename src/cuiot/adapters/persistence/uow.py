"""The unit of work on SQLAlchemy: one ``AsyncSession`` and its transaction per
``async with``. The session is the identity map and does the dirty checking: what a use
case adds or changes is written at commit (or when a query needs it), in the order the
mapped relationships and foreign keys require, and an unchanged object writes nothing.

After a commit that wrote outbox rows it rings the outbox signal (this process's
dispatcher, or Redis); on PostgreSQL the notification repository has also sent
``NOTIFY cuiot_outbox`` inside the transaction, for dispatchers in other processes.

Given an alert signal (the container always gives one), the alert changes of a commit
are written to the live stream's journal just before it, after everything else was
flushed, and the signal is rung after it (``adapters/live/journal.py`` says why). Access
taken away is written to its own journal just before the commit too, and rings the same
signal (``repositories/access_changes.py``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import make_transient

from cuiot.adapters.live import journal
from cuiot.adapters.persistence.errors import conflict
from cuiot.adapters.persistence.orm import start_mappers
from cuiot.adapters.persistence.repositories.access_changes import SqlAlchemyAccessChangeLog
from cuiot.adapters.persistence.repositories.ack_links import SqlAlchemyAckLinkRepository
from cuiot.adapters.persistence.repositories.alerts import (
    SqlAlchemyAlertRepository,
    SqlAlchemyNotificationRepository,
)
from cuiot.adapters.persistence.repositories.audit import SqlAlchemyAuditLog
from cuiot.adapters.persistence.repositories.billing import (
    SqlAlchemyInvoiceRepository,
    SqlAlchemyPackageRepository,
    SqlAlchemySubscriptionRepository,
)
from cuiot.adapters.persistence.repositories.care import (
    SqlAlchemyCaredPersonRepository,
    SqlAlchemyInstitutionRepository,
    SqlAlchemyRepresentationRepository,
)
from cuiot.adapters.persistence.repositories.coverage import SqlAlchemyCoverageRepository
from cuiot.adapters.persistence.repositories.device_commands import (
    SqlAlchemyDeviceCommandRepository,
)
from cuiot.adapters.persistence.repositories.events import SqlAlchemySensorEventRepository
from cuiot.adapters.persistence.repositories.identity import (
    SqlAlchemyPasswordResetRepository,
    SqlAlchemyRefreshTokenFamilyRepository,
    SqlAlchemyUserRepository,
)
from cuiot.adapters.persistence.repositories.records import SqlAlchemyPersonalRecords
from cuiot.adapters.persistence.repositories.referrals import (
    SqlAlchemyCommissionRepository,
    SqlAlchemyReferralRepository,
)
from cuiot.adapters.persistence.repositories.rejections import SqlAlchemyRejectedMessageRepository
from cuiot.adapters.persistence.repositories.reviews import (
    SqlAlchemyReviewRepository,
    SqlAlchemyScoreRepository,
)
from cuiot.adapters.persistence.repositories.safety import SqlAlchemyDeviceRepository
from cuiot.adapters.persistence.repositories.safety_ingest import SqlAlchemyIngestRepository
from cuiot.application.audit.ports import AuditLog
from cuiot.application.billing.ports import (
    InvoiceRepository,
    PackageRepository,
    SubscriptionRepository,
)
from cuiot.application.care.ports import (
    AccessChangeLog,
    CaredPersonRepository,
    InstitutionRepository,
    RepresentationRepository,
)
from cuiot.application.identity.ports import (
    PasswordResetRepository,
    RefreshTokenFamilyRepository,
    UserRepository,
)
from cuiot.application.referrals.ports import CommissionRepository, ReferralRepository
from cuiot.application.reviews.ports import ReviewRepository, ScoreRepository
from cuiot.application.safety.ports import (
    AckLinkRepository,
    AckLinkSource,
    AlertRepository,
    CoverageRepository,
    DeviceCommandRepository,
    DeviceRepository,
    IngestRepository,
    NotificationRepository,
    OutboxSignal,
    PersonalRecords,
    RejectedMessageRepository,
    SensorEventRepository,
)
from cuiot.application.shared.ports import EventPublisher
from cuiot.application.shared.uow import Signal, UnitOfWorkBase
from cuiot.domain.events import Aggregate, DomainEvent

# Mapped on import: a domain object built before the mapping could not be added later.
start_mappers()


class SqlAlchemyUnitOfWork(UnitOfWorkBase):
    # Typed by their ports: assigning each SQL repository checks that it keeps its port.
    users: UserRepository
    token_families: RefreshTokenFamilyRepository
    password_resets: PasswordResetRepository
    institutions: InstitutionRepository
    cared_persons: CaredPersonRepository
    representations: RepresentationRepository
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
    ack_links: AckLinkRepository
    coverage: CoverageRepository
    audit: AuditLog
    records: PersonalRecords
    access_changes: AccessChangeLog

    def __init__(self, engine: AsyncEngine, publisher: EventPublisher | None = None,
                 outbox_signal: OutboxSignal | None = None,
                 alert_signal: Signal | None = None,
                 links: AckLinkSource | None = None) -> None:
        super().__init__(publisher, outbox_signal, alert_signal, links)
        self.engine = engine
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._session: AsyncSession | None = None
        self._conn: AsyncConnection | None = None
        self._held: list[Any] = []
        self._added: list[Any] = []

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("the unit of work is not open: use 'async with uow:'")
        return self._session

    @property
    def connection(self) -> AsyncConnection:
        """The session's connection, for Core statements in the same transaction."""
        if self._conn is None:
            raise RuntimeError("the unit of work is not open: use 'async with uow:'")
        return self._conn

    async def _begin(self) -> None:
        session = self._session = self._sessions()
        # The session's identity map holds objects weakly: keep each one this unit of
        # work loads or adds, so the events an aggregate recorded survive until commit
        # even if the use case let go of it.
        self._held, self._added = [], []
        event.listen(session.sync_session, "loaded_as_persistent", self._hold)
        event.listen(session.sync_session, "transient_to_pending", self._hold_new)
        self._conn = await session.connection()
        self.users = SqlAlchemyUserRepository(session)
        self.token_families = SqlAlchemyRefreshTokenFamilyRepository(session)
        self.password_resets = SqlAlchemyPasswordResetRepository(session)
        self.institutions = SqlAlchemyInstitutionRepository(session)
        self.cared_persons = SqlAlchemyCaredPersonRepository(session)
        self.representations = SqlAlchemyRepresentationRepository(session)
        self.packages = SqlAlchemyPackageRepository(session)
        self.subscriptions = SqlAlchemySubscriptionRepository(session)
        self.invoices = SqlAlchemyInvoiceRepository(session)
        self.referrals = SqlAlchemyReferralRepository(session)
        self.commissions = SqlAlchemyCommissionRepository(session)
        self.reviews = SqlAlchemyReviewRepository(session)
        self.scores = SqlAlchemyScoreRepository(session)
        self.devices = SqlAlchemyDeviceRepository(session)
        self.events = SqlAlchemySensorEventRepository(session)
        self.ingest = SqlAlchemyIngestRepository(session)  # bulk Core statements
        self.alerts = SqlAlchemyAlertRepository(session)
        self.notifications = self._outbox = SqlAlchemyNotificationRepository(session)
        self.rejected_messages = SqlAlchemyRejectedMessageRepository(session)
        self.device_commands = SqlAlchemyDeviceCommandRepository(session)
        self.ack_links = SqlAlchemyAckLinkRepository(session)
        self.coverage = SqlAlchemyCoverageRepository(session)
        self.audit = SqlAlchemyAuditLog(session)  # Core inserts, in this transaction
        self.records = SqlAlchemyPersonalRecords(session)
        self.access_changes = self._revocations = SqlAlchemyAccessChangeLog(session)

    def _hold(self, _session: Any, instance: Any) -> None:
        self._held.append(instance)

    def _hold_new(self, _session: Any, instance: Any) -> None:
        self._held.append(instance)
        self._added.append(instance)

    async def _end(self) -> None:
        if self._session is not None:
            await self._session.close()
        self._session, self._conn, self._held, self._added = None, None, [], []

    async def flush(self) -> None:
        """Write every new or changed entity now (the transaction stays open)."""
        try:
            await self.session.flush()
        except IntegrityError as exc:
            raise conflict(exc) from exc

    async def _journal(self, events: list[DomainEvent]) -> bool:
        rows = journal.rows_of(events)
        if rows:
            # Flushed first: a journal seq is taken just before COMMIT (a reader waits
            # only a moment for a lower seq still committing).
            await self.flush()
            await journal.record(self.connection, rows)
        return bool(rows)

    async def _commit(self) -> None:
        await self.flush()
        await self._revocations.write()
        await self.session.commit()

    async def _rollback(self) -> None:
        if self._session is None:
            return
        # Detach first: a rollback would expire what the use case loaded, and it may still
        # read it (a query's result, an error's details) once the block ends. What it
        # added was never stored: transient again, so a later unit of work may add it.
        self._session.expunge_all()
        for instance in self._added:
            make_transient(instance)
        await self._session.rollback()

    def _wrote_outbox(self) -> bool:
        return bool(self._outbox.added)

    def _revoked_access(self) -> bool:
        return bool(self._revocations.added)

    def _seen(self) -> Iterable[Aggregate]:
        seen: set[int] = set()
        for entity in self._held:
            if isinstance(entity, Aggregate) and id(entity) not in seen:
                seen.add(id(entity))
                yield entity

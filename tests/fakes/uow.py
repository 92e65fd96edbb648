"""An in-memory store shared by units of work, and a unit of work over it that really
rolls back (it restores a snapshot), records how many times it committed and, like the
SQL one, rings the outbox signal after a commit that added notifications."""

from __future__ import annotations

import copy
from collections.abc import Iterable

from cuiot.application.safety.ports import OutboxSignal
from cuiot.application.shared.ports import EventPublisher
from cuiot.application.shared.uow import UnitOfWorkBase
from cuiot.domain.events import Aggregate
from tests.fakes.ack_links import InMemoryAckLinkRepository
from tests.fakes.audit import InMemoryAuditLog
from tests.fakes.auth import (
    InMemoryPasswordResetRepository,
    InMemoryRefreshTokenFamilyRepository,
)
from tests.fakes.base import InMemoryRepository
from tests.fakes.billing import (
    InMemoryInvoiceRepository,
    InMemoryPackageRepository,
    InMemorySubscriptionRepository,
)
from tests.fakes.care import (
    InMemoryAccessChangeLog,
    InMemoryCaredPersonRepository,
    InMemoryInstitutionRepository,
    InMemoryRepresentationRepository,
)
from tests.fakes.coverage import InMemoryCoverageRepository
from tests.fakes.device_commands import InMemoryDeviceCommandRepository
from tests.fakes.ingest import InMemoryIngestRepository
from tests.fakes.records import InMemoryPersonalRecords
from tests.fakes.referrals import InMemoryCommissionRepository, InMemoryReferralRepository
from tests.fakes.rejections import InMemoryRejectedMessageRepository
from tests.fakes.reviews import InMemoryReviewRepository, InMemoryScoreRepository
from tests.fakes.safety import (
    InMemoryAlertRepository,
    InMemoryDeviceRepository,
    InMemoryNotificationRepository,
    InMemorySensorEventRepository,
)
from tests.fakes.users import InMemoryUserRepository


def _state(entity: object) -> object:
    if not hasattr(entity, "__dict__"):
        return entity
    return {k: v for k, v in vars(entity).items() if not k.startswith("_")}


class InMemoryStore:
    """The 'database': one repository per aggregate, shared by every unit of work."""

    def __init__(self) -> None:
        self.users = InMemoryUserRepository()
        self.cared_persons = InMemoryCaredPersonRepository()
        self.representations = InMemoryRepresentationRepository()
        self.institutions = InMemoryInstitutionRepository()
        self.packages = InMemoryPackageRepository()
        self.subscriptions = InMemorySubscriptionRepository()
        self.invoices = InMemoryInvoiceRepository()
        self.referrals = InMemoryReferralRepository()
        self.commissions = InMemoryCommissionRepository()
        self.reviews = InMemoryReviewRepository()
        self.scores = InMemoryScoreRepository()
        self.devices = InMemoryDeviceRepository()
        self.events = InMemorySensorEventRepository()
        self.alerts = InMemoryAlertRepository()
        self.notifications = InMemoryNotificationRepository(self.alerts)
        self.rejected_messages = InMemoryRejectedMessageRepository()
        self.device_commands = InMemoryDeviceCommandRepository()
        self.coverage = InMemoryCoverageRepository(self)
        self.token_families = InMemoryRefreshTokenFamilyRepository()
        self.password_resets = InMemoryPasswordResetRepository()
        self.ack_links = InMemoryAckLinkRepository(self.alerts)
        self.audit = InMemoryAuditLog()
        self.access_changes = InMemoryAccessChangeLog()

    def repositories(self) -> dict[str, InMemoryRepository]:
        return {k: v for k, v in vars(self).items() if isinstance(v, InMemoryRepository)}


class InMemoryUnitOfWork(UnitOfWorkBase):
    def __init__(self, store: InMemoryStore | None = None,
                 publisher: EventPublisher | None = None,
                 outbox_signal: OutboxSignal | None = None) -> None:
        super().__init__(publisher, outbox_signal)
        self.store = store or InMemoryStore()
        self.commits = 0
        self.rollbacks = 0
        self._snapshot: dict[str, dict] = {}
        self._added_notifications = False
        for name, repo in self.store.repositories().items():
            setattr(self, name, repo)
        self.ingest = InMemoryIngestRepository(self.store)
        self.records = InMemoryPersonalRecords(self.store)

    async def _begin(self) -> None:
        repos = self.store.repositories()
        for repo in repos.values():
            repo.seen.clear()
        self._snapshot = copy.deepcopy({name: repo.items for name, repo in repos.items()})

    async def _commit(self) -> None:
        self.commits += 1
        before = self._snapshot.get("notifications", {})
        self._added_notifications = bool(self.store.notifications.items.keys() - before.keys())
        self._snapshot = copy.deepcopy(
            {name: repo.items for name, repo in self.store.repositories().items()}
        )

    async def _rollback(self) -> None:
        """Undo what changed since the unit of work began. Objects that did not change
        stay the same objects, so a read-only use case leaves callers' references live."""
        self.rollbacks += 1
        for name, repo in self.store.repositories().items():
            before = self._snapshot.get(name, {})
            restored = {}
            for key, old in before.items():
                live = repo.items.get(key)
                unchanged = live is not None and _state(live) == _state(old)
                restored[key] = live if unchanged else copy.deepcopy(old)
            repo.items = restored

    def _wrote_outbox(self) -> bool:
        return self._added_notifications

    def _seen(self) -> Iterable[Aggregate]:
        for repo in self.store.repositories().values():
            yield from (item for item in repo.seen if isinstance(item, Aggregate))

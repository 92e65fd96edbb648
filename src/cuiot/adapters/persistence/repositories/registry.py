"""Which repository serves each attribute of the unit of work, in write order."""

from __future__ import annotations

from typing import Any, Callable

from sqlalchemy.ext.asyncio import AsyncConnection

from cuiot.adapters.persistence.repositories.auth import (
    SqlAlchemyPasswordResetRepository,
    SqlAlchemyRefreshTokenFamilyRepository,
)
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
from cuiot.adapters.persistence.repositories.referrals import (
    SqlAlchemyCommissionRepository,
    SqlAlchemyReferralRepository,
)
from cuiot.adapters.persistence.repositories.device_commands import (
    SqlAlchemyDeviceCommandRepository,
)
from cuiot.adapters.persistence.repositories.rejections import SqlAlchemyRejectedMessageRepository
from cuiot.adapters.persistence.repositories.reviews import (
    SqlAlchemyReviewRepository,
    SqlAlchemyScoreRepository,
)
from cuiot.adapters.persistence.repositories.safety import SqlAlchemyDeviceRepository
from cuiot.adapters.persistence.repositories.safety_alerts import (
    SqlAlchemyAlertRepository,
    SqlAlchemyNotificationRepository,
)
from cuiot.adapters.persistence.repositories.safety_events import SqlAlchemySensorEventRepository
from cuiot.adapters.persistence.repositories.safety_ingest import SqlAlchemyIngestRepository
from cuiot.adapters.persistence.repositories.users import SqlAlchemyUserRepository

# Each is built on the unit of work's connection and offers flush() and seen().
REPOSITORIES: dict[str, Callable[[AsyncConnection], Any]] = {
    "users": SqlAlchemyUserRepository,
    "token_families": SqlAlchemyRefreshTokenFamilyRepository,
    "password_resets": SqlAlchemyPasswordResetRepository,
    "institutions": SqlAlchemyInstitutionRepository,
    "cared_persons": SqlAlchemyCaredPersonRepository,
    "representations": SqlAlchemyRepresentationRepository,
    "packages": SqlAlchemyPackageRepository,
    "subscriptions": SqlAlchemySubscriptionRepository,
    "invoices": SqlAlchemyInvoiceRepository,  # after subscriptions: reads their table
    "referrals": SqlAlchemyReferralRepository,
    "commissions": SqlAlchemyCommissionRepository,
    "reviews": SqlAlchemyReviewRepository,
    "scores": SqlAlchemyScoreRepository,
    "devices": SqlAlchemyDeviceRepository,
    "events": SqlAlchemySensorEventRepository,
    "ingest": SqlAlchemyIngestRepository,  # bulk statements, written as they run
    "alerts": SqlAlchemyAlertRepository,
    "notifications": SqlAlchemyNotificationRepository,
    "rejected_messages": SqlAlchemyRejectedMessageRepository,
    "device_commands": SqlAlchemyDeviceCommandRepository,
}

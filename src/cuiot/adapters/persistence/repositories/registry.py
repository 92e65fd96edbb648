"""Which repository serves each attribute of the unit of work, in write order."""

from __future__ import annotations

from typing import Any, Callable

from sqlalchemy.ext.asyncio import AsyncConnection

from cuiot.adapters.persistence.repositories.care import (
    SqlAlchemyCaredPersonRepository,
    SqlAlchemyInstitutionRepository,
    SqlAlchemyRepresentationRepository,
)
from cuiot.adapters.persistence.repositories.referrals import (
    SqlAlchemyCommissionRepository,
    SqlAlchemyReferralRepository,
)
from cuiot.adapters.persistence.repositories.reviews import (
    SqlAlchemyReviewRepository,
    SqlAlchemyScoreRepository,
)
from cuiot.adapters.persistence.repositories.users import SqlAlchemyUserRepository

# Each is built on the unit of work's connection and offers flush() and seen().
REPOSITORIES: dict[str, Callable[[AsyncConnection], Any]] = {
    "users": SqlAlchemyUserRepository,
    "institutions": SqlAlchemyInstitutionRepository,
    "cared_persons": SqlAlchemyCaredPersonRepository,
    "representations": SqlAlchemyRepresentationRepository,
    "referrals": SqlAlchemyReferralRepository,
    "commissions": SqlAlchemyCommissionRepository,
    "reviews": SqlAlchemyReviewRepository,
    "scores": SqlAlchemyScoreRepository,
}

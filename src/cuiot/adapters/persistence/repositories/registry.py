"""Which repository serves each attribute of the unit of work, in write order."""

from __future__ import annotations

from cuiot.adapters.persistence.repositories.base import SqlRepository
from cuiot.adapters.persistence.repositories.care import (
    SqlAlchemyCaredPersonRepository,
    SqlAlchemyInstitutionRepository,
    SqlAlchemyRepresentationRepository,
)
from cuiot.adapters.persistence.repositories.users import SqlAlchemyUserRepository

REPOSITORIES: dict[str, type[SqlRepository]] = {
    "users": SqlAlchemyUserRepository,
    "institutions": SqlAlchemyInstitutionRepository,
    "cared_persons": SqlAlchemyCaredPersonRepository,
    "representations": SqlAlchemyRepresentationRepository,
}

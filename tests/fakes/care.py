from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from cuiot.domain.access_removal import AccessRevoked
from cuiot.domain.care import CaredPerson, Institution, LegalRepresentation
from tests.fakes.base import InMemoryRepository


class InMemoryCaredPersonRepository(InMemoryRepository[CaredPerson]):
    entity = "cared person"

    async def list_for_account(self, account_id: UUID) -> list[CaredPerson]:
        return self._where(lambda cp: cp.account_id == account_id)

    async def list_for_institution(self, institution_id: UUID) -> list[CaredPerson]:
        return self._where(lambda cp: cp.institution_id == institution_id)

    async def get_for_user(self, user_id: UUID) -> CaredPerson | None:
        return self._first(lambda cp: cp.user_id == user_id)


class InMemoryRepresentationRepository(InMemoryRepository[LegalRepresentation]):
    entity = "legal representation"

    async def list_for_cared_person(self, cared_person_id: UUID) -> list[LegalRepresentation]:
        return self._where(lambda r: r.cared_person_id == cared_person_id)

    async def list_for_cared_persons(
            self, cared_person_ids: Iterable[UUID]) -> list[LegalRepresentation]:
        wanted = set(cared_person_ids)
        return self._where(lambda r: r.cared_person_id in wanted)


class InMemoryInstitutionRepository(InMemoryRepository[Institution]):
    entity = "institution"


class InMemoryAccessChangeLog(InMemoryRepository[AccessRevoked]):
    """Access taken away, in the order written (rolled back with the unit of work)."""

    entity = "access change"

    def key(self, item: AccessRevoked) -> int:
        return len(self.items) + 1

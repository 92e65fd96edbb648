from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol
from uuid import UUID

from cuiot.domain.care import CaredPerson, Institution, LegalRepresentation


class CaredPersonRepository(Protocol):
    async def get(self, cared_person_id: UUID) -> CaredPerson | None: ...

    async def get_many(self, cared_person_ids: Iterable[UUID]) -> dict[UUID, CaredPerson]:
        """Those of ``cared_person_ids`` that exist, in one query."""
        ...

    async def add(self, cared_person: CaredPerson) -> None: ...

    async def list_for_account(self, account_id: UUID) -> list[CaredPerson]:
        """Cared persons held by this user's account."""
        ...

    async def list_for_institution(self, institution_id: UUID) -> list[CaredPerson]: ...

    async def list_with_direct_access(self, user_id: UUID) -> list[CaredPerson]:
        """Cared persons this user holds, is a member of, is, or cares for."""
        ...

    async def get_for_user(self, user_id: UUID) -> CaredPerson | None:
        """The cared person who is this user themselves (``user_id``, self care), if any."""
        ...


class RepresentationRepository(Protocol):
    async def get(self, representation_id: UUID) -> LegalRepresentation | None: ...

    async def add(self, representation: LegalRepresentation) -> None: ...

    async def list_for_cared_person(self, cared_person_id: UUID) -> list[LegalRepresentation]: ...

    async def list_for_cared_persons(
        self, cared_person_ids: Iterable[UUID]) -> list[LegalRepresentation]: ...

    async def list_for_representative(self, user_id: UUID) -> list[LegalRepresentation]: ...


class InstitutionRepository(Protocol):
    async def get(self, institution_id: UUID) -> Institution | None: ...

    async def get_many(self, institution_ids: Iterable[UUID]) -> dict[UUID, Institution]:
        """Those of ``institution_ids`` that exist, in one query."""
        ...

    async def add(self, institution: Institution) -> None: ...

    async def list_for_staff(self, user_id: UUID) -> list[Institution]: ...

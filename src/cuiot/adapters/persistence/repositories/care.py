"""Cared persons, legal representations and institutions for the commands: the ORM
session loads them (child rows by selectin) and writes what changed at commit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from sqlalchemy import select

from cuiot.adapters.persistence import bulk
from cuiot.adapters.persistence.orm.care import cared_persons, legal_representations
from cuiot.adapters.persistence.repositories.session import SessionRepository, dialect_of
from cuiot.domain.care import CaredPerson, Institution, LegalRepresentation


class SqlAlchemyCaredPersonRepository(SessionRepository[CaredPerson]):
    entity_class = CaredPerson
    entity = "cared person"

    async def _all(self, *where: Any) -> list[CaredPerson]:
        c = cared_persons.c
        stmt = select(CaredPerson).where(*where).order_by(c.created_at, c.id)
        return list((await self.session.scalars(stmt)).all())

    async def list_for_account(self, account_id: UUID) -> list[CaredPerson]:
        return await self._all(cared_persons.c.account_id == account_id)

    async def list_for_institution(self, institution_id: UUID) -> list[CaredPerson]:
        return await self._all(cared_persons.c.institution_id == institution_id)

    async def get_for_user(self, user_id: UUID) -> CaredPerson | None:
        found = await self._all(cared_persons.c.user_id == user_id)
        return found[0] if found else None


class SqlAlchemyRepresentationRepository(SessionRepository[LegalRepresentation]):
    entity_class = LegalRepresentation
    entity = "legal representation"

    async def list_for_cared_persons(
            self, cared_person_ids: Iterable[UUID]) -> list[LegalRepresentation]:
        """Oldest first; among equal creation times by id (``active_representation``
        then picks the same one the access view does)."""
        t = legal_representations.c
        stmt = (select(LegalRepresentation)
                .where(bulk.one_of(t.cared_person_id, list(cared_person_ids),
                                   dialect_of(self.session)))
                .order_by(t.created_at, t.id))
        return list((await self.session.scalars(stmt)).all())

    async def list_for_cared_person(self, cared_person_id: UUID) -> list[LegalRepresentation]:
        return await self.list_for_cared_persons([cared_person_id])


class SqlAlchemyInstitutionRepository(SessionRepository[Institution]):
    entity_class = Institution
    entity = "institution"

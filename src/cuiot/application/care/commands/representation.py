"""Legal representation of a person in delegated care: asked for by someone who sees the
person, verified by an admin, in force while verified and within its dates (which one
is in force is a query)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from cuiot.application.shared.access import accessible_cared_person, ensure_admin, load_actor
from cuiot.application.shared.ports import Clock, IdGenerator
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain import audit_entries as audit
from cuiot.domain.care import CareType, LegalRepresentation, Relationship
from cuiot.domain.errors import Conflict, NotFound
from cuiot.domain.values import parse_choice


@dataclass(frozen=True)
class RequestRepresentationCommand:
    actor_id: UUID
    cared_person_id: UUID
    relationship: str
    document_ref: str
    valid_from: date
    valid_until: date | None = None


class RequestRepresentation:
    """The actor asks to be the legal representative; nothing changes until an admin
    verifies the document."""

    def __init__(self, uow: UnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self.uow, self.clock, self.ids = uow, clock, ids

    async def __call__(self, cmd: RequestRepresentationCommand) -> LegalRepresentation:
        relationship = parse_choice(Relationship, cmd.relationship, "relationship")
        async with self.uow:
            actor = await load_actor(self.uow, cmd.actor_id)
            cared = await accessible_cared_person(self.uow, actor, cmd.cared_person_id,
                                                  self.clock.now(), self.clock.today())
            if cared.care_type is not CareType.DELEGATED:
                raise Conflict("a person in self care has no legal representative",
                               cared_person_id=str(cared.id))
            representation = LegalRepresentation(
                id=self.ids.new_id(), cared_person_id=cared.id, representative_id=actor.id,
                relationship=relationship, document_ref=cmd.document_ref.strip(),
                valid_from=cmd.valid_from, valid_until=cmd.valid_until,
                created_at=self.clock.now())
            await self.uow.representations.add(representation)
            await self.uow.commit()
        return representation


@dataclass(frozen=True)
class VerifyRepresentationCommand:
    actor_id: UUID
    representation_id: UUID


class VerifyRepresentation:
    """Admin only; verifying twice is a conflict. Recorded in the audit log."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, cmd: VerifyRepresentationCommand) -> LegalRepresentation:
        now = self.clock.now()
        async with self.uow:
            ensure_admin(await load_actor(self.uow, cmd.actor_id), now)
            representation = await self.uow.representations.get(cmd.representation_id)
            if representation is None:
                raise NotFound("legal representation", cmd.representation_id)
            representation.verify(cmd.actor_id, now)
            await self.uow.audit.add(audit.representation_verified(representation,
                                                                   cmd.actor_id, now))
            await self.uow.commit()
        return representation

"""Ending a legal representation: by the representative, the account holder or an admin
(``domain/access_removal.py``). It ends at once, not at the end of the day: from the
commit on it gives no right to contract and, unless they see the person another way, no
access and no alerts to the representative (``revocation.py``). Recorded in the audit
log. Whoever is not the representative and does not see the person is told the
representation does not exist."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from cuiot.application.care.commands.revocation import take_access_away
from cuiot.application.shared.access import load_actor, may_access
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain import audit_entries as audit
from cuiot.domain.access_removal import Remover, ensure_may_end_representation
from cuiot.domain.care import CaredPerson, LegalRepresentation
from cuiot.domain.errors import NotFound
from cuiot.domain.users import User


@dataclass(frozen=True)
class EndRepresentationCommand:
    actor_id: UUID
    representation_id: UUID


class EndRepresentation:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, cmd: EndRepresentationCommand) -> LegalRepresentation:
        now, today = self.clock.now(), self.clock.today()
        async with self.uow:
            actor = await load_actor(self.uow, cmd.actor_id)
            representation, cared = await self._visible(actor, cmd.representation_id)
            ensure_may_end_representation(Remover(actor.id, actor.is_admin(now)),
                                          representation, cared.account_id)
            representation.end(actor.id, now)
            await take_access_away(self.uow, representation.representative_id, [cared],
                                   now, today)
            await self.uow.audit.add(audit.representation_ended(representation, actor.id,
                                                                now))
            await self.uow.commit()
        return representation

    async def _visible(self, actor: User, representation_id: UUID
                       ) -> tuple[LegalRepresentation, CaredPerson]:
        """The representation and its person, if the actor is the representative or sees
        the person; ``NotFound`` otherwise."""
        representation = await self.uow.representations.get(representation_id)
        cared = (None if representation is None
                 else await self.uow.cared_persons.get(representation.cared_person_id))
        if representation is None or cared is None or not (
                actor.id == representation.representative_id or await may_access(
                    self.uow, actor, cared, self.clock.now(), self.clock.today())):
            raise NotFound("legal representation", representation_id)
        return representation, cared

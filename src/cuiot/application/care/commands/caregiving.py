"""A caregiver answers an invitation to care for someone (``AssignCaregiver`` made it):
accepting makes them one of the person's caregivers (access, alerts, reviews); declining
ends the invitation. Only the invited caregiver answers: to anyone else there is no such
invitation, as there is none to a caregiver who was never invited."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from cuiot.application.shared.access import load_actor
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.care import CaredPerson, CaregiverAssignment
from cuiot.domain.errors import Forbidden, NotFound
from cuiot.domain.users import Role, User


@dataclass(frozen=True)
class AnswerInvitationCommand:
    actor_id: UUID
    cared_person_id: UUID
    caregiver_id: UUID  # whose invitation: it must be the actor's own


class _AnswerInvitation:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def _invited(self, cmd: AnswerInvitationCommand) -> tuple[User, CaredPerson]:
        """The actor and the person they are assigned to; ``NotFound`` unless the actor
        is the caregiver named and has an assignment there."""
        actor = await load_actor(self.uow, cmd.actor_id)
        cared = await self.uow.cared_persons.get(cmd.cared_person_id)
        if (actor.id != cmd.caregiver_id or cared is None
                or cared.assignment_of(actor.id) is None):
            raise NotFound("caregiver invitation", cmd.caregiver_id)
        return actor, cared


class AcceptCaregiving(_AnswerInvitation):
    """The caregiver accepts: from now on they see the person, get their alerts and may
    be reviewed for their care. They must still hold the caregiver role."""

    async def __call__(self, cmd: AnswerInvitationCommand) -> CaregiverAssignment:
        async with self.uow:
            actor, cared = await self._invited(cmd)
            if not actor.has_role(Role.CAREGIVER, self.clock.now()):
                raise Forbidden("only a caregiver may accept caring for someone")
            accepted = cared.accept_caregiving(actor.id)
            await self.uow.commit()
        return accepted


class DeclineCaregiving(_AnswerInvitation):
    """The caregiver declines: the invitation ends and its place on the account's
    package is free again."""

    async def __call__(self, cmd: AnswerInvitationCommand) -> None:
        async with self.uow:
            actor, cared = await self._invited(cmd)
            cared.decline_caregiving(actor.id)
            await self.uow.commit()

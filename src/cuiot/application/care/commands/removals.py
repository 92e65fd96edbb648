"""Access taken back (``domain/access_removal.py``): a member removed (or leaving), a
caregiver's assignment ended (or stepped down from), a member of an institution's staff
removed. Each takes effect at once (``revocation.py``: nothing more of the person is
seen or told to whoever lost access) and is recorded in the audit log.

Whoever does not see the person (or the institution) is told it does not exist
(``NotFound``); whoever sees it but may not remove that user is ``Forbidden``, before
anything is said of the user named."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from cuiot.application.care.commands.institutions import visible_institution
from cuiot.application.care.commands.revocation import take_access_away
from cuiot.application.shared.access import accessible_cared_person, load_actor, may_manage
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain import audit_entries as audit
from cuiot.domain.access_removal import (
    Remover,
    ensure_may_remove_caregiver,
    ensure_may_remove_member,
    ensure_may_remove_staff,
)
from cuiot.domain.care import CaredPerson
from cuiot.domain.users import User


@dataclass(frozen=True)
class RemoveMemberCommand:
    actor_id: UUID
    cared_person_id: UUID
    user_id: UUID  # the member removed (the actor themselves: they leave)


@dataclass(frozen=True)
class RemoveCaregiverCommand:
    actor_id: UUID
    cared_person_id: UUID
    caregiver_id: UUID  # whose assignment ends (the actor themselves: they step down)


@dataclass(frozen=True)
class RemoveStaffCommand:
    actor_id: UUID
    institution_id: UUID
    user_id: UUID


class _Removal:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def _seen(self, actor_id: UUID, cared_person_id: UUID) -> tuple[User, CaredPerson]:
        actor = await load_actor(self.uow, actor_id)
        return actor, await accessible_cared_person(self.uow, actor, cared_person_id,
                                                    self.clock.now(), self.clock.today())

    async def _remover(self, actor: User, cared: CaredPerson) -> Remover:
        return Remover(actor.id, actor.is_admin(self.clock.now()),
                       await may_manage(self.uow, actor, cared, self.clock.today()))

    async def _took_away(self, user_id: UUID, persons: list[CaredPerson]) -> None:
        await take_access_away(self.uow, user_id, persons, self.clock.now(),
                               self.clock.today())


class RemoveMember(_Removal):
    """The manager or an admin removes a member; a member may leave by themselves."""

    async def __call__(self, cmd: RemoveMemberCommand) -> None:
        async with self.uow:
            actor, cared = await self._seen(cmd.actor_id, cmd.cared_person_id)
            ensure_may_remove_member(await self._remover(actor, cared), cmd.user_id)
            cared.remove_member(cmd.user_id)
            await self._took_away(cmd.user_id, [cared])
            await self.uow.audit.add(audit.member_removed(cmd.user_id, cared.id, actor.id,
                                                          self.clock.now()))
            await self.uow.commit()


class RemoveCaregiver(_Removal):
    """The manager or an admin ends an assignment, pending or accepted; a caregiver may
    step down by themselves (an invited one too: they do not see the person yet)."""

    async def __call__(self, cmd: RemoveCaregiverCommand) -> None:
        async with self.uow:
            actor, cared = await self._allowed(cmd)
            ended = cared.remove_caregiver(cmd.caregiver_id)
            await self._took_away(cmd.caregiver_id, [cared])
            await self.uow.audit.add(audit.caregiver_removed(
                cmd.caregiver_id, cared.id, status=ended.status.value, primary=ended.primary,
                by=actor.id, at=self.clock.now()))
            await self.uow.commit()

    async def _allowed(self, cmd: RemoveCaregiverCommand) -> tuple[User, CaredPerson]:
        if cmd.actor_id == cmd.caregiver_id:  # their own assignment, if they have one
            cared = await self.uow.cared_persons.get(cmd.cared_person_id)
            if cared is not None and cared.assignment_of(cmd.caregiver_id) is not None:
                return await load_actor(self.uow, cmd.actor_id), cared
        actor, cared = await self._seen(cmd.actor_id, cmd.cared_person_id)
        ensure_may_remove_caregiver(await self._remover(actor, cared), cmd.caregiver_id)
        return actor, cared


class RemoveStaff(_Removal):
    """The institution's admin or an admin removes a member of its staff (on call or
    not): they no longer see the institution's cared persons, nor are told of their
    alerts (those they see no other way)."""

    async def __call__(self, cmd: RemoveStaffCommand) -> None:
        now = self.clock.now()
        async with self.uow:
            actor = await load_actor(self.uow, cmd.actor_id)
            institution = await visible_institution(self.uow, actor, cmd.institution_id, now)
            ensure_may_remove_staff(Remover(actor.id, actor.is_admin(now),
                                            institution.is_admin(actor.id)), cmd.user_id)
            on_call = institution.remove_staff(cmd.user_id)
            patients = await self.uow.cared_persons.list_for_institution(institution.id)
            await self._took_away(cmd.user_id, patients)
            await self.uow.audit.add(audit.staff_removed(cmd.user_id, institution.id,
                                                         on_call, actor.id, now))
            await self.uow.commit()

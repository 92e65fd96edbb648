"""Who sees and cares for a cared person: members and caregivers. Only the account
holder or the active legal representative decides; inviting needs a subscription in
force, and each new person is a user of the account's package, so the limit gate runs
first. A caregiver is only invited here: they
care for the person once they accept (``commands/caregiving.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from cuiot.application.billing import limits
from cuiot.application.shared.access import accessible_cared_person, load_actor, may_manage
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.care import CaredPerson, CaregiverAssignment
from cuiot.domain.errors import Forbidden, NotFound, ValidationFailed
from cuiot.domain.policy import Policy
from cuiot.domain.subscriptions import GatedAction
from cuiot.domain.users import Role, User
from cuiot.domain.values import EmailAddress


class _ManageCaredPerson:
    def __init__(self, uow: UnitOfWork, clock: Clock, policy: Policy) -> None:
        self.uow, self.clock, self.policy = uow, clock, policy

    async def _managed(self, actor_id: UUID, cared_person_id: UUID) -> CaredPerson:
        """The cared person, if the actor may decide who sees them."""
        actor = await load_actor(self.uow, actor_id)
        today = self.clock.today()
        cared = await accessible_cared_person(self.uow, actor, cared_person_id,
                                              self.clock.now(), today)
        if not await may_manage(self.uow, actor, cared, today):
            raise Forbidden("only the account holder or the legal representative may "
                            "decide who sees this person", cared_person_id=str(cared.id))
        return cared

    async def _gate_new_user(self, actor_id: UUID, cared: CaredPerson, user: User) -> None:
        """Inviting needs a subscription in force on the account or the person's
        institution (admins excepted). Then gate the user on the account (and the
        institution) unless they are counted there already: they see (or are invited to
        care for) another of its persons, or work there. A pending invitation holds its
        place, so accepting it never needs the gates."""
        await limits.ensure_subscribed(
            self.uow, await load_actor(self.uow, actor_id), GatedAction.INVITE_USER,
            account_id=cared.account_id, institution_id=cared.institution_id,
            now=self.clock.now(), today=self.clock.today())
        held = await self.uow.cared_persons.list_for_account(cared.account_id)
        account_id = None if any(cp.counts_user(user.id) for cp in held) else cared.account_id
        institution_id = cared.institution_id
        if institution_id is not None:
            institution = await self.uow.institutions.get(institution_id)
            patients = await self.uow.cared_persons.list_for_institution(institution_id)
            if (institution is not None and institution.is_staff(user.id)) or any(
                    cp.counts_user(user.id) for cp in patients):
                institution_id = None
        if account_id is not None or institution_id is not None:
            await limits.ensure_within_limits(
                self.uow, account_id=account_id, institution_id=institution_id,
                adding={"users": 1}, policy=self.policy)


@dataclass(frozen=True)
class CheckPersonManagerCommand:
    actor_id: UUID
    cared_person_id: UUID


class CheckPersonManager(_ManageCaredPerson):
    """Whether the actor decides who sees the person: ``NotFound`` when they may not see
    them, ``Forbidden`` when they only see them. Routes ask it before they read a body."""

    async def __call__(self, cmd: CheckPersonManagerCommand) -> None:
        async with self.uow:
            await self._managed(cmd.actor_id, cmd.cared_person_id)


@dataclass(frozen=True)
class AddMemberCommand:
    actor_id: UUID
    cared_person_id: UUID
    email: str


class AddMember(_ManageCaredPerson):
    """Give a registered user, found by email, access to a cared person."""

    async def __call__(self, cmd: AddMemberCommand) -> CaredPerson:
        email = EmailAddress(cmd.email)
        async with self.uow:
            cared = await self._managed(cmd.actor_id, cmd.cared_person_id)
            user = await self.uow.users.get_by_email(email)
            if user is None:
                raise NotFound("user", email)
            await self._gate_new_user(cmd.actor_id, cared, user)
            cared.add_member(user.id)
            await self.uow.commit()
        return cared


@dataclass(frozen=True)
class AssignCaregiverCommand:
    actor_id: UUID
    cared_person_id: UUID
    caregiver_id: UUID
    primary: bool = False


class AssignCaregiver(_ManageCaredPerson):
    """Invite a user who holds the caregiver role to care for the person: the
    assignment is pending (it gives nothing) until they accept it."""

    async def __call__(self, cmd: AssignCaregiverCommand) -> CaregiverAssignment:
        async with self.uow:
            cared = await self._managed(cmd.actor_id, cmd.cared_person_id)
            caregiver = await self.uow.users.get(cmd.caregiver_id)
            if caregiver is None or not caregiver.is_active:
                raise NotFound("user", cmd.caregiver_id)
            if not caregiver.has_role(Role.CAREGIVER, self.clock.now()):
                raise ValidationFailed("the user is not a caregiver", field="caregiver_id")
            await self._gate_new_user(cmd.actor_id, cared, caregiver)
            assignment = cared.assign_caregiver(caregiver.id, primary=cmd.primary)
            await self.uow.commit()
        return assignment

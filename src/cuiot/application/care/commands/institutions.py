"""Use cases of institutions: create one, add staff (seeing one is a query). And the
check that an actor works for an institution, which adding a cared person to it needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from cuiot.application.billing import limits
from cuiot.application.shared.access import load_actor
from cuiot.application.shared.ports import Clock, IdGenerator
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.care import Institution
from cuiot.domain.errors import Forbidden, NotFound
from cuiot.domain.policy import Policy
from cuiot.domain.subscriptions import GatedAction
from cuiot.domain.users import Role, User
from cuiot.domain.values import EmailAddress


async def staffed_institution(
    uow: UnitOfWork, user: User, institution_id: UUID, now: datetime, *, admin: bool = False
) -> Institution:
    """The institution, if ``user`` is its staff (its admin, when ``admin``) or a platform
    admin. To anyone who is not its staff it does not exist (``NotFound``, as for any id
    of someone else's); staff who are not its admin are ``Forbidden`` its admin's acts."""
    institution = await visible_institution(uow, user, institution_id, now)
    if admin and not (institution.is_admin(user.id) or user.is_admin(now)):
        raise Forbidden("not allowed for this institution", institution_id=str(institution_id))
    return institution


async def visible_institution(
    uow: UnitOfWork, user: User, institution_id: UUID, now: datetime
) -> Institution:
    """The institution, if ``user`` is its staff or a platform admin; to anyone else it
    does not exist (``NotFound``)."""
    institution = await uow.institutions.get(institution_id)
    if institution is None or not (institution.is_staff(user.id) or user.is_admin(now)):
        raise NotFound("institution", institution_id)
    return institution


@dataclass(frozen=True)
class CreateInstitutionCommand:
    actor_id: UUID
    name: str
    email: str | None = None
    phone: str | None = None


class CreateInstitution:
    """The actor becomes the institution's admin and holds the institution_admin role."""

    def __init__(self, uow: UnitOfWork, clock: Clock, ids: IdGenerator) -> None:
        self.uow, self.clock, self.ids = uow, clock, ids

    async def __call__(self, cmd: CreateInstitutionCommand) -> Institution:
        email = EmailAddress(cmd.email).value if cmd.email is not None else None
        now = self.clock.now()
        async with self.uow:
            actor = await load_actor(self.uow, cmd.actor_id)
            institution = Institution(id=self.ids.new_id(), name=cmd.name.strip(),
                                      admin_id=actor.id, created_at=now,
                                      email=email, phone=cmd.phone)
            if not actor.has_role(Role.INSTITUTION_ADMIN, now):
                actor.grant_role(Role.INSTITUTION_ADMIN, now)
            await self.uow.institutions.add(institution)
            await self.uow.commit()
        return institution


@dataclass(frozen=True)
class CheckInstitutionAdminCommand:
    actor_id: UUID
    institution_id: UUID


class CheckInstitutionAdmin:
    """Whether the actor runs the institution: ``NotFound`` to anyone not its staff,
    ``Forbidden`` to its other staff. Routes ask it before they read a body."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, cmd: CheckInstitutionAdminCommand) -> None:
        async with self.uow:
            actor = await load_actor(self.uow, cmd.actor_id)
            await staffed_institution(self.uow, actor, cmd.institution_id, self.clock.now(),
                                      admin=True)


@dataclass(frozen=True)
class AddInstitutionStaffCommand:
    actor_id: UUID
    institution_id: UUID
    email: str
    on_call: bool = False


class AddInstitutionStaff:
    """The institution's admin adds a registered user, found by email, as staff. Staff see
    every cared person of the institution, so they count as users of its package."""

    def __init__(self, uow: UnitOfWork, clock: Clock, policy: Policy) -> None:
        self.uow, self.clock, self.policy = uow, clock, policy

    async def __call__(self, cmd: AddInstitutionStaffCommand) -> Institution:
        email = EmailAddress(cmd.email)
        async with self.uow:
            actor = await load_actor(self.uow, cmd.actor_id)
            institution = await staffed_institution(
                self.uow, actor, cmd.institution_id, self.clock.now(), admin=True)
            user = await self.uow.users.get_by_email(email)
            if user is None:
                raise NotFound("user", email)
            await limits.ensure_subscribed(
                self.uow, actor, GatedAction.INVITE_USER, account_id=None,
                institution_id=institution.id, now=self.clock.now(), today=self.clock.today())
            patients = await self.uow.cared_persons.list_for_institution(institution.id)
            if not any(cp.has_access(user.id) for cp in patients):  # else counted already
                await limits.ensure_within_limits(self.uow, account_id=None,
                                                  institution_id=institution.id,
                                                  adding={"users": 1}, policy=self.policy)
            institution.add_staff(user.id, on_call=cmd.on_call)
            await self.uow.commit()
        return institution

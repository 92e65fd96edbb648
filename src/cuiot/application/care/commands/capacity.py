"""Asking whether someone can contract, and whether the actor may contract for a cared
person (the very rule subscribing applies), and recording a court's declaration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from cuiot.application.shared.access import accessible_cared_person, ensure_admin, load_actor
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.capacity import Capacity, ensure_may_contract_for
from cuiot.domain.errors import LegalCapacityDenied, NotFound, ValidationFailed
from cuiot.domain.policy import Policy
from cuiot.domain.users import CapacityStatus, User
from cuiot.domain.values import parse_choice


@dataclass(frozen=True, slots=True)
class CapacityVerdict:
    can_contract: bool
    age: int | None
    reason: str | None


@dataclass(frozen=True)
class CheckLegalCapacityCommand:
    """Either a date of birth and a status, or a ``user_id``, or a ``cared_person_id``.
    ``on_date`` defaults to today."""

    actor_id: UUID
    date_of_birth: date | None = None
    capacity_status: str = CapacityStatus.FULL.value
    on_date: date | None = None
    user_id: UUID | None = None
    cared_person_id: UUID | None = None


class CheckLegalCapacity:
    def __init__(self, uow: UnitOfWork, clock: Clock, policy: Policy) -> None:
        self.uow, self.clock, self.policy = uow, clock, policy

    async def __call__(self, cmd: CheckLegalCapacityCommand) -> CapacityVerdict:
        if cmd.user_id is not None and cmd.cared_person_id is not None:
            raise ValidationFailed("ask about a user or a cared person, not both",
                                   field="user_id")
        status = parse_choice(CapacityStatus, cmd.capacity_status, "capacity_status")
        on_date = cmd.on_date or self.clock.today()
        async with self.uow:
            actor = await load_actor(self.uow, cmd.actor_id)
            capacity = await self._capacity(actor, cmd) or Capacity(cmd.date_of_birth, status)
        reason = capacity.refusal(on_date, self.policy)
        return CapacityVerdict(reason is None, capacity.age(on_date),
                               reason.value if reason else None)

    async def _capacity(self, actor: User, cmd: CheckLegalCapacityCommand) -> Capacity | None:
        if cmd.cared_person_id is not None:
            return Capacity.of(await accessible_cared_person(
                self.uow, actor, cmd.cared_person_id, self.clock.now(), self.clock.today()))
        if cmd.user_id is None:
            return None
        user = await self.uow.users.get(cmd.user_id)
        if user is None or (user.id != actor.id and not actor.is_admin(self.clock.now())):
            raise NotFound("user", cmd.user_id)
        return Capacity.of(user)


@dataclass(frozen=True, slots=True)
class ContractingRight:
    allowed: bool
    reason: str | None = None
    cause: str | None = None  # why a representative cannot contract (minor, …)


@dataclass(frozen=True)
class CheckContractingRightCommand:
    actor_id: UUID
    cared_person_id: UUID
    on_date: date | None = None


class CheckContractingRight:
    """May the actor buy a package for, or change the care of, this person on that day?"""

    def __init__(self, uow: UnitOfWork, clock: Clock, policy: Policy) -> None:
        self.uow, self.clock, self.policy = uow, clock, policy

    async def __call__(self, cmd: CheckContractingRightCommand) -> ContractingRight:
        today = self.clock.today()
        async with self.uow:
            actor = await load_actor(self.uow, cmd.actor_id)
            cared = await accessible_cared_person(self.uow, actor, cmd.cared_person_id,
                                                  self.clock.now(), today)
            representations = await self.uow.representations.list_for_cared_person(cared.id)
        try:
            ensure_may_contract_for(actor, cared, representations, cmd.on_date or today,
                                    self.policy)
        except LegalCapacityDenied as denied:
            return ContractingRight(False, denied.reason, denied.details.get("cause"))
        return ContractingRight(True)


@dataclass(frozen=True)
class DeclareCapacityStatusCommand:
    actor_id: UUID
    user_id: UUID
    capacity_status: str


class DeclareCapacityStatus:
    """Admin only: record the capacity a court declared for a user. A user in self care
    has the same status on their cared-person record."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, cmd: DeclareCapacityStatusCommand) -> User:
        status = parse_choice(CapacityStatus, cmd.capacity_status, "capacity_status")
        async with self.uow:
            ensure_admin(await load_actor(self.uow, cmd.actor_id), self.clock.now())
            user = await self.uow.users.get(cmd.user_id)
            if user is None:
                raise NotFound("user", cmd.user_id)
            user.declare_capacity(status)
            own = await self.uow.cared_persons.get_for_user(user.id)
            if own is not None:
                own.change_care(capacity_status=status)
            await self.uow.commit()
        return user

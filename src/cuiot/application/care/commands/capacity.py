"""Recording the capacity a court declared. (Asking whether someone can contract is a
query: ``queries/capacity.py``.)"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from cuiot.application.shared.access import ensure_admin, load_actor
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.errors import NotFound
from cuiot.domain.users import CapacityStatus, User
from cuiot.domain.values import parse_choice


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

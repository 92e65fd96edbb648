"""A user account's lifecycle: deactivated, reactivated, and its personal data erased on
request. Users are never deleted: the audit log names them as actors (a foreign key).

- **Deactivate** (an admin, or the user themselves): they can no longer log in; every
  session they hold is revoked at once (its access tokens fail on their next use, a
  live socket closes at its session watch's next look); nothing is told to them any
  more (the ladder skips inactive users) and what the outbox still held for them is
  cancelled. An account that still holds active cared persons is refused (``Conflict``
  naming them): deactivate them first, so nobody is left watched over by an account no
  one uses. The last active admin is refused too.
- **Reactivate** (an admin): active again; they log in anew.
- **Erase** (an admin, on request, once deactivated, for good): names become a
  placeholder; the email is replaced by one no one has (the address may register
  again); phone, birth date, SMS number and phones for push go; the password matches
  nothing; the addresses the stored records hold of them are erased. The id stays, and
  with it the audit log's entries, subscriptions and invoices (which hold no name).

Each is written to the audit log in its unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from cuiot.application.identity.commands.authenticate import deny_current_tokens, revoke_sessions
from cuiot.application.identity.ports import RevocationList
from cuiot.application.shared.access import active_admins, ensure_admin, load_actor
from cuiot.application.shared.lifecycle import USER_DEACTIVATED, cancel_queued
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain import audit_entries as audit
from cuiot.domain.auth import RevokeReason
from cuiot.domain.errors import Conflict, NotFound
from cuiot.domain.users import User


@dataclass(frozen=True, slots=True)
class UserLifecycleCommand:
    actor_id: UUID
    user_id: UUID


async def _target(uow: UnitOfWork, actor_id: UUID, user_id: UUID, now: datetime, *,
                  own: bool = False) -> tuple[User, User]:
    """The actor and the user acted on: an admin acts on anyone; ``own``, a user also on
    themselves."""
    actor = await load_actor(uow, actor_id)
    if not (own and actor.id == user_id):
        ensure_admin(actor, now)
    user = actor if actor.id == user_id else await uow.users.get(user_id)
    if user is None:
        raise NotFound("user", user_id)
    return actor, user


async def _ensure_may_leave(uow: UnitOfWork, user: User, now: datetime) -> None:
    """Nobody left watched over by an unused account, and someone left to administer."""
    held = [p for p in await uow.cared_persons.list_for_account(user.id) if p.is_active]
    if held:
        raise Conflict("this account still holds cared persons: deactivate them first",
                       cared_person_ids=[str(p.id) for p in held])
    if user.is_admin(now) and not [a for a in await active_admins(uow, now) if a.id != user.id]:
        raise Conflict("the last active admin cannot be deactivated: make another admin "
                       "first")


class DeactivateUser:
    """See the module; twice is a ``Conflict``."""

    def __init__(self, uow: UnitOfWork, clock: Clock, revocations: RevocationList) -> None:
        self.uow, self.clock, self.revocations = uow, clock, revocations

    async def __call__(self, cmd: UserLifecycleCommand) -> User:
        async with self.uow:
            now = self.clock.now()
            actor, user = await _target(self.uow, cmd.actor_id, cmd.user_id, now, own=True)
            user.deactivate(now)
            await _ensure_may_leave(self.uow, user, now)
            ended = await revoke_sessions(self.uow, user.id, now, RevokeReason.USER_INACTIVE)
            cancelled = await cancel_queued(self.uow, USER_DEACTIVATED, user_id=user.id)
            await self.uow.audit.add(audit.user_deactivated(
                user, actor.id, now, sessions_ended=len(ended),
                notifications_cancelled=cancelled))
            await self.uow.commit()
        await deny_current_tokens(self.revocations, ended)
        return user


class ReactivateUser:
    """Admin only; an active or erased account is a ``Conflict``."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, cmd: UserLifecycleCommand) -> User:
        async with self.uow:
            now = self.clock.now()
            actor, user = await _target(self.uow, cmd.actor_id, cmd.user_id, now)
            user.reactivate()
            await self.uow.audit.add(audit.user_reactivated(user, actor.id, now))
            await self.uow.commit()
        return user


class EraseUser:
    """Admin only, once deactivated (an active account is a ``Conflict``)."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, cmd: UserLifecycleCommand) -> User:
        async with self.uow:
            now = self.clock.now()
            actor, user = await _target(self.uow, cmd.actor_id, cmd.user_id, now)
            user.erase(now)
            records = await self.uow.records.erase_user(user.id, user.email.value)
            await self.uow.audit.add(audit.user_erased(user, actor.id, now, records))
            await self.uow.commit()
        return user

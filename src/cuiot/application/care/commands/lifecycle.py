"""A cared person's lifecycle: deactivated (monitoring stops at once), reactivated, and
their personal data erased on request.

Who: whoever manages the person (the account holder, the legal representative in
force; ``access.may_manage``) or an admin. Someone who only sees the person gets
``Forbidden``; anyone else, and anyone but those once the person is deactivated (admins
alone see them then), is told the person does not exist.

- **Deactivate**: nothing the person's devices send opens an alert any more (the safety
  path refuses their messages: ``cared_person_deactivated``); their open alerts are
  resolved, so no escalation fires; what the outbox still held for them is cancelled;
  they vanish from everyone's lists and count for no package limit.
- **Reactivate**: back as they were, with their devices and history. It adds to the
  account what adding a person adds, so it passes the same gates: a subscription in
  force (the account's only active person excepted) and room in the package for their
  users, devices, storage and place.
- **Erase**: only once deactivated, for good (an erased person is never reactivated):
  names become a placeholder; birth date, responder information, emergency contacts,
  thresholds and what the stored records hold of them are erased. Ids stay, and with
  them the invoices (which name a subscription and amounts, no person).

Each is written to the audit log in its unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from cuiot.application.billing import limits
from cuiot.application.shared.access import load_actor, may_access, may_manage
from cuiot.application.shared.lifecycle import PERSON_DEACTIVATED, cancel_queued, close_alerts_of
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain import audit_entries as audit
from cuiot.domain.care import CaredPerson
from cuiot.domain.errors import Forbidden, NotFound
from cuiot.domain.subscriptions import GatedAction
from cuiot.domain.users import User


@dataclass(frozen=True, slots=True)
class CaredPersonCommand:
    actor_id: UUID
    cared_person_id: UUID


async def managed_person(uow: UnitOfWork, actor: User, cared_person_id: UUID, now: datetime,
                         today: date) -> CaredPerson:
    """The person, if ``actor`` manages them or is an admin (see the module)."""
    person = await uow.cared_persons.get(cared_person_id)
    if person is None:
        raise NotFound("cared person", cared_person_id)
    if actor.is_admin(now) or await may_manage(uow, actor, person, today):
        return person
    if await may_access(uow, actor, person, now, today):
        raise Forbidden("only the account holder, the legal representative or an admin may "
                        "deactivate, reactivate or erase a cared person")
    raise NotFound("cared person", cared_person_id)


class _LifecycleUseCase:
    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def _person(self, cmd: CaredPersonCommand) -> tuple[User, CaredPerson]:
        actor = await load_actor(self.uow, cmd.actor_id)
        person = await managed_person(self.uow, actor, cmd.cared_person_id, self.clock.now(),
                                      self.clock.today())
        return actor, person


class DeactivateCaredPerson(_LifecycleUseCase):
    """Monitoring stops at once (see the module). Twice is a ``Conflict``."""

    async def __call__(self, cmd: CaredPersonCommand) -> CaredPerson:
        async with self.uow:
            actor, person = await self._person(cmd)
            now = self.clock.now()
            person.deactivate(now)
            closed = await close_alerts_of(self.uow, person, actor.id, now)
            cancelled = await cancel_queued(self.uow, PERSON_DEACTIVATED,
                                            cared_person_id=person.id)
            await self.uow.audit.add(audit.cared_person_deactivated(
                person, actor.id, now, alerts_closed=len(closed),
                notifications_cancelled=cancelled))
            await self.uow.commit()
        return person


class ReactivateCaredPerson(_LifecycleUseCase):
    """Watched over again; gated as adding a person is (see the module)."""

    async def __call__(self, cmd: CaredPersonCommand) -> CaredPerson:
        async with self.uow:
            actor, person = await self._person(cmd)
            now, today = self.clock.now(), self.clock.today()
            person.ensure_may_reactivate()
            await limits.ensure_subscribed(
                self.uow, actor, GatedAction.REACTIVATE_CARED_PERSON,
                account_id=person.account_id, institution_id=person.institution_id,
                now=now, today=today)
            await limits.ensure_room_for(self.uow, person)
            person.reactivate()
            await self.uow.audit.add(audit.cared_person_reactivated(person, actor.id, now))
            await self.uow.commit()
        return person


class EraseCaredPerson(_LifecycleUseCase):
    """Personal data erased, once deactivated (an active person is a ``Conflict``)."""

    async def __call__(self, cmd: CaredPersonCommand) -> CaredPerson:
        async with self.uow:
            actor, person = await self._person(cmd)
            now = self.clock.now()
            person.erase(now)
            records = await self.uow.records.erase_cared_person(person.id)
            await self.uow.audit.add(audit.cared_person_erased(person, actor.id, now, records))
            await self.uow.commit()
        return person

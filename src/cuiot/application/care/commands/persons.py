"""Adding a cared person to one's account. (Seeing and listing them are queries.)"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from cuiot.application.billing import limits
from cuiot.application.care.commands.institutions import staffed_institution
from cuiot.application.shared.access import load_actor
from cuiot.application.shared.ports import Clock, IdGenerator
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.capacity import ensure_may_contract_for
from cuiot.domain.care import CaredPerson, CareType, EmergencyContact
from cuiot.domain.errors import Conflict, ValidationFailed
from cuiot.domain.policy import Policy
from cuiot.domain.subscriptions import GatedAction
from cuiot.domain.users import CapacityStatus, User, check_date_of_birth
from cuiot.domain.values import parse_choice

ContactInput = Mapping[str, str | None]


def emergency_contacts_from(raw: Iterable[ContactInput]) -> list[EmergencyContact]:
    """Contacts given as ``{"name": …, "email"?: …, "phone"?: …}``."""
    contacts = []
    for item in raw:
        unknown = set(item) - {"name", "email", "phone"}
        if unknown:
            raise ValidationFailed(f"unknown emergency contact fields {sorted(unknown)}",
                                   field="emergency_contacts")
        contacts.append(EmergencyContact(item.get("name") or "", item.get("email"),
                                         item.get("phone")))
    return contacts


@dataclass(frozen=True)
class AddCaredPersonCommand:
    actor_id: UUID
    first_name: str
    last_name: str
    date_of_birth: date | None = None
    care_type: str = CareType.DELEGATED.value
    capacity_status: str = CapacityStatus.FULL.value
    institution_id: UUID | None = None
    emergency_contacts: tuple[ContactInput, ...] = ()
    thresholds: Mapping[str, Any] = field(default_factory=dict)


class AddCaredPerson:
    """The actor's account holds the new cared person. In self care the person is the
    actor, who must be able to contract; with an institution, the actor must work there.
    The account (or the institution) needs a subscription in force, and room in it."""

    def __init__(self, uow: UnitOfWork, clock: Clock, ids: IdGenerator, policy: Policy) -> None:
        self.uow, self.clock, self.ids, self.policy = uow, clock, ids, policy

    async def __call__(self, cmd: AddCaredPersonCommand) -> CaredPerson:
        care_type = parse_choice(CareType, cmd.care_type, "care_type")
        status = parse_choice(CapacityStatus, cmd.capacity_status, "capacity_status")
        contacts = emergency_contacts_from(cmd.emergency_contacts)
        async with self.uow:
            actor = await load_actor(self.uow, cmd.actor_id)
            if cmd.institution_id is not None:
                await staffed_institution(self.uow, actor, cmd.institution_id, self.clock.now())
            cared = CaredPerson(
                id=self.ids.new_id(), account_id=actor.id, first_name=cmd.first_name.strip(),
                last_name=cmd.last_name.strip(), date_of_birth=cmd.date_of_birth,
                created_at=self.clock.now(), care_type=care_type, capacity_status=status,
                institution_id=cmd.institution_id, emergency_contacts=contacts,
                thresholds=dict(cmd.thresholds))
            if care_type is CareType.SELF_CARE:
                await self._be_own_cared_person(cared, actor)
            check_date_of_birth(cared.date_of_birth, self.clock.today())
            await limits.ensure_subscribed(
                self.uow, actor, GatedAction.ADD_CARED_PERSON, account_id=actor.id,
                institution_id=cmd.institution_id, now=self.clock.now(),
                today=self.clock.today())
            await limits.ensure_within_limits(
                self.uow, account_id=actor.id, institution_id=cmd.institution_id,
                adding={"patients": 1}, policy=self.policy)
            await self.uow.cared_persons.add(cared)
            await self.uow.commit()
        return cared

    async def _be_own_cared_person(self, cared: CaredPerson, actor: User) -> None:
        """The person is the actor: their date of birth unless another is given, and a
        capacity a court declared on their account is not overridden by the form."""
        if await self.uow.cared_persons.get_for_user(actor.id) is not None:
            raise Conflict("this user is already in self care", user_id=str(actor.id))
        cared.user_id = actor.id
        cared.date_of_birth = cared.date_of_birth or actor.date_of_birth
        if actor.capacity_status is not CapacityStatus.FULL:
            cared.capacity_status = actor.capacity_status
        ensure_may_contract_for(actor, cared, [], self.clock.today(), self.policy)

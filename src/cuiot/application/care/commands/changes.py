"""Changing a cared person: anyone with access may fix the names; changing the care
(care type, capacity, date of birth, thresholds, emergency contacts, institution, and
what a responder needs: address, conditions, medications, allergies, mobility notes,
doctor) needs the right to contract for the person, the same rule as buying a package."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from typing import Any
from uuid import UUID

from cuiot.application.billing import limits
from cuiot.application.care.commands.institutions import staffed_institution
from cuiot.application.care.commands.persons import ContactInput, emergency_contacts_from
from cuiot.application.shared.access import accessible_cared_person, load_actor
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.capacity import ensure_lawful_care, ensure_may_contract_for
from cuiot.domain.care import CaredPerson, CareType, ResponderInfo
from cuiot.domain.policy import Policy
from cuiot.domain.users import CapacityStatus, User, check_date_of_birth
from cuiot.domain.values import parse_choice


@dataclass(frozen=True)
class UpdateCaredPersonCommand:
    """``None`` leaves a field as it is (an institution is changed, not left, here)."""

    actor_id: UUID
    cared_person_id: UUID
    first_name: str | None = None
    last_name: str | None = None
    date_of_birth: date | None = None
    care_type: str | None = None
    capacity_status: str | None = None
    thresholds: Mapping[str, Any] | None = None
    emergency_contacts: tuple[ContactInput, ...] | None = None
    institution_id: UUID | None = None
    responder: ResponderChanges | None = None

    def changes_care(self) -> bool:
        care = (self.date_of_birth, self.care_type, self.capacity_status, self.thresholds,
                self.emergency_contacts, self.institution_id, self.responder)
        return any(value is not None for value in care)


@dataclass(frozen=True)
class ResponderChanges:
    """What a responder needs (``ResponderInfo``): ``None`` leaves a field as it is; blank
    text or an empty list clears it."""

    address: str | None = None
    conditions: tuple[str, ...] | None = None
    medications: tuple[str, ...] | None = None
    allergies: tuple[str, ...] | None = None
    mobility_notes: str | None = None
    doctor_name: str | None = None
    doctor_phone: str | None = None

    def applied_to(self, info: ResponderInfo) -> ResponderInfo:
        return info.updated(**{f.name: getattr(self, f.name) for f in fields(self)})


class UpdateCaredPerson:
    def __init__(self, uow: UnitOfWork, clock: Clock, policy: Policy) -> None:
        self.uow, self.clock, self.policy = uow, clock, policy

    async def __call__(self, cmd: UpdateCaredPersonCommand) -> CaredPerson:
        today = self.clock.today()
        check_date_of_birth(cmd.date_of_birth, today)
        async with self.uow:
            actor = await load_actor(self.uow, cmd.actor_id)
            cared = await accessible_cared_person(self.uow, actor, cmd.cared_person_id,
                                                  self.clock.now(), today)
            cared.rename(cmd.first_name, cmd.last_name)
            if cmd.changes_care():
                await self._change_care(actor, cared, cmd)
            await self.uow.commit()
        return cared

    async def _change_care(self, actor: User, cared: CaredPerson,
                           cmd: UpdateCaredPersonCommand) -> None:
        today = self.clock.today()
        representations = await self.uow.representations.list_for_cared_person(cared.id)
        ensure_may_contract_for(actor, cared, representations, today, self.policy)
        if cmd.institution_id not in (None, cared.institution_id):
            await staffed_institution(self.uow, actor, cmd.institution_id, self.clock.now())
            await limits.ensure_within_limits(
                self.uow, account_id=cared.account_id, institution_id=cmd.institution_id,
                adding={"patients": 1}, policy=self.policy)
        cared.change_care(
            care_type=_choice(CareType, cmd.care_type, "care_type"),
            capacity_status=_choice(CapacityStatus, cmd.capacity_status, "capacity_status"),
            date_of_birth=cmd.date_of_birth,
            thresholds=dict(cmd.thresholds) if cmd.thresholds is not None else None,
            emergency_contacts=(emergency_contacts_from(cmd.emergency_contacts)
                                if cmd.emergency_contacts is not None else None),
            institution_id=cmd.institution_id,
            responder_info=(cmd.responder.applied_to(cared.responder_info)
                            if cmd.responder is not None else None))
        ensure_lawful_care(cared, today, self.policy)


def _choice(choices: Any, value: str | None, field_name: str) -> Any:
    return None if value is None else parse_choice(choices, value, field_name)

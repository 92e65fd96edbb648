"""Legal capacity: who may contract care (DOMAIN.md section 1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from cuiot.domain.care import CareType, LegalRepresentation
from cuiot.domain.errors import LegalCapacityDenied
from cuiot.domain.policy import Policy
from cuiot.domain.users import CapacityStatus


class Refusal(StrEnum):
    MINOR = "minor"
    RESTRICTED_CAPACITY = "restricted_capacity"
    INCAPACITATED = "incapacitated"
    MISSING_DATE_OF_BIRTH = "missing_date_of_birth"
    NO_ACTIVE_REPRESENTATIVE = "no_active_representative"
    REPRESENTATIVE_CANNOT_CONTRACT = "representative_cannot_contract"
    NOT_THE_REPRESENTATIVE = "not_the_representative"


_STATUS_REFUSAL = {
    CapacityStatus.RESTRICTED: Refusal.RESTRICTED_CAPACITY,
    CapacityStatus.INCAPACITATED: Refusal.INCAPACITATED,
}


class Person(Protocol):
    """What the law asks of anyone: a ``User`` or a ``CaredPerson`` (or a read of one)."""

    @property
    def date_of_birth(self) -> date | None: ...

    @property
    def capacity_status(self) -> CapacityStatus: ...


class Contractor(Person, Protocol):
    """Who asks to contract: a ``User``."""

    @property
    def id(self) -> UUID: ...


class CareRecord(Person, Protocol):
    """The person contracted for: a ``CaredPerson``."""

    @property
    def care_type(self) -> CareType: ...

    @property
    def user_id(self) -> UUID | None: ...

    @property
    def account_id(self) -> UUID: ...


def age_on(date_of_birth: date, today: date) -> int:
    """Whole years; someone born on 29 February ages on 1 March in a common year."""
    before_birthday = (today.month, today.day) < (date_of_birth.month, date_of_birth.day)
    return today.year - date_of_birth.year - before_birthday


@dataclass(frozen=True, slots=True)
class Capacity:
    """What the law needs to know of a person to say whether they can contract."""

    date_of_birth: date | None
    status: CapacityStatus

    @classmethod
    def of(cls, person: Person) -> Capacity:
        return cls(person.date_of_birth, person.capacity_status)

    def refusal(self, today: date, policy: Policy) -> Refusal | None:
        """Why this person cannot contract today, or None when they can."""
        if self.date_of_birth is None:
            return Refusal.MISSING_DATE_OF_BIRTH
        if age_on(self.date_of_birth, today) < policy.age_of_majority:
            return Refusal.MINOR
        return _STATUS_REFUSAL.get(self.status)

    def can_contract(self, today: date, policy: Policy) -> bool:
        return self.refusal(today, policy) is None

    def age(self, today: date) -> int | None:
        """Whole years on ``today``; None without a date of birth."""
        return None if self.date_of_birth is None else age_on(self.date_of_birth, today)


def ensure_can_contract(capacity: Capacity, today: date, policy: Policy) -> None:
    reason = capacity.refusal(today, policy)
    if reason is not None:
        raise LegalCapacityDenied(reason.value)


def ensure_lawful_care(cared_person: CareRecord, today: date, policy: Policy) -> None:
    """A person in self care contracts for themselves, so they must be able to contract."""
    if cared_person.care_type is CareType.SELF_CARE:
        ensure_can_contract(Capacity.of(cared_person), today, policy)


def active_representation(
    representations: list[LegalRepresentation], today: date
) -> LegalRepresentation | None:
    """The one representation in force today (the newest verified one wins)."""
    active = [r for r in representations if r.is_active(today)]
    return max(active, key=lambda r: (r.valid_from, r.created_at), default=None)


def ensure_may_contract_for(
    actor: Contractor,
    cared_person: CareRecord,
    representations: list[LegalRepresentation],
    today: date,
    policy: Policy,
) -> None:
    """May ``actor`` buy a package for, or change the care of, ``cared_person`` today?

    Self care: the person themselves, able to contract. Delegated: the active
    representative, who must be able to contract.
    """
    ensure_may_contract(actor, cared_person, representative_id_of(representations, today),
                        today, policy)


def ensure_may_contract(
    actor: Contractor,
    cared_person: CareRecord,
    representative_id: UUID | None,
    today: date,
    policy: Policy,
) -> None:
    """``ensure_may_contract_for`` once the representative in force today is known
    (``representative_id``, None when there is none)."""
    if cared_person.care_type is CareType.SELF_CARE:
        ensure_can_contract(Capacity.of(cared_person), today, policy)
        if actor.id not in {cared_person.user_id, cared_person.account_id}:
            raise LegalCapacityDenied(Refusal.NOT_THE_REPRESENTATIVE.value,
                                      "only the person may contract their own self care")
        return
    if representative_id is None:
        raise LegalCapacityDenied(Refusal.NO_ACTIVE_REPRESENTATIVE.value)
    if representative_id != actor.id:
        raise LegalCapacityDenied(Refusal.NOT_THE_REPRESENTATIVE.value)
    cause = Capacity.of(actor).refusal(today, policy)
    if cause is not None:
        raise LegalCapacityDenied(Refusal.REPRESENTATIVE_CANNOT_CONTRACT.value, cause=cause.value)


def representative_id_of(representations: list[LegalRepresentation], today: date) -> UUID | None:
    current = active_representation(representations, today)
    return current.representative_id if current else None

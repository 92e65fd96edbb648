"""Asking whether someone can contract, and whether the viewer may contract for a cared
person (the very rule subscribing applies): reads that end in the domain's verdict."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from cuiot.application.care.ports import CareViews, PersonCapacity
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.queries import Viewer
from cuiot.domain.capacity import Capacity, ensure_may_contract
from cuiot.domain.errors import LegalCapacityDenied, NotFound, ValidationFailed
from cuiot.domain.policy import Policy
from cuiot.domain.users import CapacityStatus
from cuiot.domain.values import parse_choice


@dataclass(frozen=True, slots=True)
class CapacityVerdict:
    can_contract: bool
    age: int | None
    reason: str | None


@dataclass(frozen=True)
class CheckLegalCapacityQuery:
    """Either a date of birth and a status, or a ``user_id``, or a ``cared_person_id``.
    ``on_date`` defaults to today."""

    viewer: Viewer
    date_of_birth: date | None = None
    capacity_status: str = CapacityStatus.FULL.value
    on_date: date | None = None
    user_id: UUID | None = None
    cared_person_id: UUID | None = None


class CheckLegalCapacity:
    def __init__(self, views: CareViews, clock: Clock, policy: Policy) -> None:
        self.views, self.clock, self.policy = views, clock, policy

    async def __call__(self, query: CheckLegalCapacityQuery) -> CapacityVerdict:
        if query.user_id is not None and query.cared_person_id is not None:
            raise ValidationFailed("ask about a user or a cared person, not both",
                                   field="user_id")
        status = parse_choice(CapacityStatus, query.capacity_status, "capacity_status")
        on_date = query.on_date or self.clock.today()
        person = await self._person(query)
        capacity = Capacity.of(person) if person else Capacity(query.date_of_birth, status)
        reason = capacity.refusal(on_date, self.policy)
        return CapacityVerdict(reason is None, capacity.age(on_date),
                               reason.value if reason else None)

    async def _person(self, query: CheckLegalCapacityQuery) -> PersonCapacity | None:
        viewer = query.viewer
        if query.cared_person_id is not None:
            found = await self.views.capacity_of_cared_person(viewer, self.clock.today(),
                                                              query.cared_person_id)
            if found is None:
                raise NotFound("cared person", query.cared_person_id)
            return found
        if query.user_id is None:
            return None
        mine = query.user_id == viewer.user_id or viewer.is_admin
        found = await self.views.capacity_of_user(query.user_id) if mine else None
        if found is None:
            raise NotFound("user", query.user_id)
        return found


@dataclass(frozen=True, slots=True)
class ContractingRight:
    allowed: bool
    reason: str | None = None
    cause: str | None = None  # why a representative cannot contract (minor, …)


@dataclass(frozen=True)
class CheckContractingRightQuery:
    viewer: Viewer
    cared_person_id: UUID
    on_date: date | None = None


class CheckContractingRight:
    """May the viewer buy a package for, or change the care of, this person on that day?"""

    def __init__(self, views: CareViews, clock: Clock, policy: Policy) -> None:
        self.views, self.clock, self.policy = views, clock, policy

    async def __call__(self, query: CheckContractingRightQuery) -> ContractingRight:
        today = self.clock.today()
        on_date = query.on_date or today
        facts = await self.views.contracting_facts(query.viewer, today,
                                                   query.cared_person_id, on_date)
        if facts is None:
            raise NotFound("cared person", query.cared_person_id)
        try:
            ensure_may_contract(facts.actor, facts.cared_person, facts.representative_id,
                                on_date, self.policy)
        except LegalCapacityDenied as denied:
            return ContractingRight(False, denied.reason, denied.details.get("cause"))
        return ContractingRight(True)

"""Ports of care: the repositories the commands use, and the views the reads use with
the read models they return."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol
from uuid import UUID

from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.access_removal import AccessRevoked
from cuiot.domain.care import (
    CaredPerson,
    CaregiverAssignment,
    CareType,
    EmergencyContact,
    Institution,
    LegalRepresentation,
    Relationship,
    ResponderInfo,
)
from cuiot.domain.users import CapacityStatus


class CaredPersonRepository(Protocol):
    async def get(self, cared_person_id: UUID) -> CaredPerson | None: ...

    async def get_many(self, cared_person_ids: Iterable[UUID]) -> dict[UUID, CaredPerson]:
        """Those of ``cared_person_ids`` that exist, in one query."""
        ...

    async def add(self, cared_person: CaredPerson) -> None: ...

    async def list_for_account(self, account_id: UUID) -> list[CaredPerson]:
        """Cared persons held by this user's account."""
        ...

    async def list_for_institution(self, institution_id: UUID) -> list[CaredPerson]: ...

    async def get_for_user(self, user_id: UUID) -> CaredPerson | None:
        """The cared person who is this user themselves (``user_id``, self care), if any."""
        ...


class RepresentationRepository(Protocol):
    async def get(self, representation_id: UUID) -> LegalRepresentation | None: ...

    async def add(self, representation: LegalRepresentation) -> None: ...

    async def list_for_cared_person(self, cared_person_id: UUID) -> list[LegalRepresentation]: ...

    async def list_for_cared_persons(
        self, cared_person_ids: Iterable[UUID]) -> list[LegalRepresentation]: ...


class AccessChangeLog(Protocol):
    """Access taken away, written with the removal's commit. The live stream hears of it
    at once, in every process: an open socket of the user looks again at what they may
    see before it forwards another alert."""

    async def add(self, change: AccessRevoked) -> None: ...


class InstitutionRepository(Protocol):
    async def get(self, institution_id: UUID) -> Institution | None: ...

    async def get_many(self, institution_ids: Iterable[UUID]) -> dict[UUID, Institution]:
        """Those of ``institution_ids`` that exist, in one query."""
        ...

    async def add(self, institution: Institution) -> None: ...


@dataclass(frozen=True, slots=True)
class CaredPersonView:
    """A cared person as reads show it (the same names as ``CaredPerson``'s)."""

    id: UUID
    account_id: UUID
    user_id: UUID | None
    first_name: str
    last_name: str
    date_of_birth: date | None
    care_type: CareType
    capacity_status: CapacityStatus
    institution_id: UUID | None
    emergency_contacts: tuple[EmergencyContact, ...]
    thresholds: Mapping[str, Any]
    last_activity_at: datetime | None
    created_at: datetime
    member_ids: frozenset[UUID] = frozenset()
    caregivers: tuple[CaregiverAssignment, ...] = ()  # the primary first
    responder_info: ResponderInfo = field(default_factory=ResponderInfo)
    deactivated_at: datetime | None = None
    erased_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CaregiverInvitationView:
    """A pending invitation as the invited caregiver sees it: whom they are asked to care
    for and whose account asks; nothing more of the person until they accept."""

    cared_person_id: UUID
    first_name: str
    last_name: str
    account_holder: str  # the account holder's full name
    primary: bool


@dataclass(frozen=True, slots=True)
class InstitutionView:
    id: UUID
    name: str
    admin_id: UUID
    email: str | None
    phone: str | None
    created_at: datetime
    staff_ids: frozenset[UUID] = frozenset()  # on-call staff too
    on_call_ids: frozenset[UUID] = frozenset()


@dataclass(frozen=True, slots=True)
class RepresentationView:
    id: UUID
    cared_person_id: UUID
    representative_id: UUID
    relationship: Relationship
    document_ref: str
    valid_from: date
    valid_until: date | None
    verified: bool
    verified_by: UUID | None
    verified_at: datetime | None
    created_at: datetime
    ended_at: datetime | None = None
    ended_by: UUID | None = None


@dataclass(frozen=True, slots=True)
class InForce:
    """The representation in force of a cared person the viewer sees (None: none is)."""

    representation: RepresentationView | None


@dataclass(frozen=True, slots=True)
class PersonCapacity:
    """What the law asks of a user or a cared person (``Capacity.of`` takes it)."""

    date_of_birth: date | None
    capacity_status: CapacityStatus


@dataclass(frozen=True, slots=True)
class ActorCapacity(PersonCapacity):
    id: UUID = field(kw_only=True)


@dataclass(frozen=True, slots=True)
class CareRecordView(PersonCapacity):
    """A cared person as the right to contract sees them."""

    care_type: CareType = field(kw_only=True)
    user_id: UUID | None = field(kw_only=True)
    account_id: UUID = field(kw_only=True)


@dataclass(frozen=True, slots=True)
class ContractingFacts:
    """Who asks, for whom, and who represents that person on the day in question."""

    actor: ActorCapacity
    cared_person: CareRecordView
    representative_id: UUID | None


class CareViews(Protocol):
    """Reads of care, each one SQL statement with the access rule in it. A person or an
    institution the viewer may not see is None, as one that does not exist."""

    async def cared_persons(self, viewer: Viewer, today: date,
                            window: Window) -> list[CaredPersonView]:
        """Those the viewer sees, oldest first: ``window.limit + 1`` from its offset."""
        ...

    async def cared_person(self, viewer: Viewer, today: date,
                           cared_person_id: UUID) -> CaredPersonView | None: ...

    async def caregiver_invitations(self, caregiver_id: UUID,
                                    window: Window) -> list[CaregiverInvitationView]:
        """The caregiver's pending invitations, oldest person first: ``window.limit + 1``
        from its offset."""
        ...

    async def institution(self, viewer: Viewer, institution_id: UUID) -> InstitutionView | None:
        """Seen by its admin, its staff and platform admins."""
        ...

    async def representation_in_force(self, viewer: Viewer, today: date,
                                      cared_person_id: UUID) -> InForce | None: ...

    async def capacity_of_user(self, user_id: UUID) -> PersonCapacity | None: ...

    async def capacity_of_cared_person(self, viewer: Viewer, today: date,
                                       cared_person_id: UUID) -> PersonCapacity | None: ...

    async def contracting_facts(self, viewer: Viewer, today: date, cared_person_id: UUID,
                                on_date: date) -> ContractingFacts | None:
        """The person seen ``today``; the representative in force on ``on_date``."""
        ...


class DeactivatedPersonViews(Protocol):
    async def deactivated_cared_persons(self, viewer: Viewer, today: date,
                                        window: Window) -> list[CaredPersonView]:
        """The deactivated persons the viewer manages (the account holder, the
        representative in force; admins: every one), oldest first: ``window.limit + 1``
        from its offset. One SQL statement."""
        ...

"""Cared persons, who may see them, who cares for them, and who legally represents them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from cuiot.domain.errors import Conflict, InvalidStateTransition, NotFound, ValidationFailed
from cuiot.domain.users import CapacityStatus, check_name
from cuiot.domain.values import EmailAddress


class CareType(StrEnum):
    SELF_CARE = "self_care"
    DELEGATED = "delegated"


class Relationship(StrEnum):
    PARENT = "parent"
    CHILD = "child"
    SPOUSE = "spouse"
    SIBLING = "sibling"
    GUARDIAN = "guardian"
    COURT_APPOINTED = "court_appointed"
    OTHER = "other"


class AssignmentStatus(StrEnum):
    PENDING = "pending"  # invited: the caregiver has not said yes
    ACCEPTED = "accepted"


@dataclass(frozen=True, slots=True)
class CaregiverAssignment:
    """A caregiver named for a cared person. Nobody is made someone's caregiver without
    their consent: an assignment starts ``pending`` and gives nothing (no access, no
    alerts, no reviews) until the caregiver accepts it. ``primary``: the primary
    caregiver, or for a pending one, once they accept."""

    caregiver_id: UUID
    primary: bool = False
    status: AssignmentStatus = AssignmentStatus.PENDING

    @property
    def accepted(self) -> bool:
        return self.status == AssignmentStatus.ACCEPTED


@dataclass(frozen=True, slots=True)
class EmergencyContact:
    name: str
    email: str | None = None
    phone: str | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationFailed("an emergency contact needs a name", field="emergency_contacts")
        if self.email is not None:
            object.__setattr__(self, "email", EmailAddress(self.email).value)


TEXT_MAX_CHARS = 300  # an address, one condition, medication or allergy
NOTES_MAX_CHARS = 1000
MAX_ITEMS = 30
_DOCTOR_PHONE = re.compile(r"^\+?[\d\s().-]{6,40}$")


def _text(value: str | None, name: str, most: int = TEXT_MAX_CHARS) -> str | None:
    """Trimmed text; blank is none (how a field is cleared)."""
    text = (value or "").strip()
    if len(text) > most:
        raise ValidationFailed(f"{name} has at most {most} characters", field=name)
    return text or None


def _items(values: tuple[str, ...] | list[str], name: str) -> tuple[str, ...]:
    items = tuple(t for t in (_text(v, name) for v in values) if t)
    if len(items) > MAX_ITEMS:
        raise ValidationFailed(f"{name} has at most {MAX_ITEMS} entries", field=name)
    return items


@dataclass(frozen=True, slots=True)
class ResponderInfo:
    """What whoever answers an alert needs to act: where the person is and, when the
    family wrote them down, their conditions, medications, allergies, how they move and
    who their doctor is. Shown to those who see the person (the API, the console, the
    acknowledgement page); never written into an SMS or a push, which carry a link."""

    address: str | None = None
    conditions: tuple[str, ...] = ()
    medications: tuple[str, ...] = ()
    allergies: tuple[str, ...] = ()
    mobility_notes: str | None = None
    doctor_name: str | None = None
    doctor_phone: str | None = None

    def __post_init__(self) -> None:
        put = object.__setattr__
        put(self, "address", _text(self.address, "address"))
        for name in ("conditions", "medications", "allergies"):
            put(self, name, _items(getattr(self, name), name))
        put(self, "mobility_notes", _text(self.mobility_notes, "mobility_notes",
                                          NOTES_MAX_CHARS))
        put(self, "doctor_name", _text(self.doctor_name, "doctor_name", 100))
        put(self, "doctor_phone", _text(self.doctor_phone, "doctor_phone", 40))
        if self.doctor_phone and not _DOCTOR_PHONE.match(self.doctor_phone):
            raise ValidationFailed("not a phone number", field="doctor_phone")
        if self.doctor_phone and not self.doctor_name:
            raise ValidationFailed("a doctor's phone needs the doctor's name",
                                   field="doctor_name")

    def updated(self, **changes: Any) -> ResponderInfo:
        """The given fields changed (``None`` leaves one as it is; blank text or an empty
        list clears it)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


@dataclass(eq=False)
class CaredPerson:
    """A person watched over. ``account_id`` is the user whose account holds them."""

    id: UUID
    account_id: UUID
    first_name: str
    last_name: str
    date_of_birth: date | None
    created_at: datetime
    care_type: CareType = CareType.DELEGATED
    capacity_status: CapacityStatus = CapacityStatus.FULL
    user_id: UUID | None = None  # the person's own login, for self_care
    institution_id: UUID | None = None
    member_ids: set[UUID] = field(default_factory=set)
    caregivers: list[CaregiverAssignment] = field(default_factory=list)
    emergency_contacts: list[EmergencyContact] = field(default_factory=list)
    thresholds: dict[str, Any] = field(default_factory=dict)
    last_activity_at: datetime | None = None
    responder_info: ResponderInfo = field(default_factory=ResponderInfo)
    deactivated_at: datetime | None = None  # monitoring stopped (``lifecycle.py``)
    erased_at: datetime | None = None  # personal data erased on request

    def __post_init__(self) -> None:
        if not self.first_name.strip() or not self.last_name.strip():
            raise ValidationFailed("first and last name are required", field="name")

    @property
    def is_active(self) -> bool:
        """Watched over: not deactivated (``deactivate``)."""
        return self.deactivated_at is None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def has_member(self, user_id: UUID) -> bool:
        """Users given access by the account: the account holder, members, the person."""
        return user_id in {self.account_id, self.user_id, *self.member_ids}

    def assignment_of(self, caregiver_id: UUID) -> CaregiverAssignment | None:
        """The caregiver's assignment, pending or accepted, if there is one."""
        return next((a for a in self.caregivers if a.caregiver_id == caregiver_id), None)

    def is_cared_for_by(self, caregiver_id: UUID) -> bool:
        """Whether ``caregiver_id`` accepted to care for the person (an invitation alone
        counts for nothing)."""
        found = self.assignment_of(caregiver_id)
        return found is not None and found.accepted

    @property
    def caregiver_ids(self) -> list[UUID]:
        """The caregivers who accepted."""
        return [a.caregiver_id for a in self.caregivers if a.accepted]

    def has_access(self, user_id: UUID) -> bool:
        """Direct access (members and caregivers who accepted). Representatives and
        institution staff are added by the application, which knows those records."""
        return self.has_member(user_id) or self.is_cared_for_by(user_id)

    def counts_user(self, user_id: UUID) -> bool:
        """Whether ``user_id`` is one of the users of the person's account: one with
        access, or a caregiver invited (a pending invitation holds its place)."""
        return self.has_member(user_id) or self.assignment_of(user_id) is not None

    @property
    def primary_caregiver_id(self) -> UUID | None:
        return next((a.caregiver_id for a in self.caregivers if a.primary and a.accepted), None)

    def add_member(self, user_id: UUID) -> None:
        if self.has_member(user_id):
            raise Conflict("user already has access to this cared person", user_id=str(user_id))
        self.member_ids.add(user_id)

    def remove_member(self, user_id: UUID) -> None:
        """Take a member's access away. The account holder and the person themselves are
        no members: their access is the account's own, never removed this way."""
        if user_id in (self.account_id, self.user_id):
            raise Conflict("the account holder and the person themselves are not removed "
                           "as members", user_id=str(user_id), reason="not_a_member_kind")
        if user_id not in self.member_ids:
            raise NotFound("member", user_id)
        self.member_ids.discard(user_id)

    def assign_caregiver(self, caregiver_id: UUID, primary: bool = False) -> CaregiverAssignment:
        """Invite a caregiver: the assignment is pending until they accept it."""
        found = self.assignment_of(caregiver_id)
        if found is not None:
            raise Conflict("caregiver already assigned", caregiver_id=str(caregiver_id),
                           status=found.status.value)
        assignment = CaregiverAssignment(caregiver_id, primary)
        self.caregivers.append(assignment)
        return assignment

    def accept_caregiving(self, caregiver_id: UUID) -> CaregiverAssignment:
        """The caregiver accepts their invitation; an accepted primary replaces the
        primary there was."""
        index, invitation = self._invitation(caregiver_id, "accept")
        accepted = replace(invitation, status=AssignmentStatus.ACCEPTED)
        for i, other in enumerate(list(self.caregivers)):
            if accepted.primary and other.primary and other.accepted:
                self.caregivers[i] = replace(other, primary=False)
        self.caregivers[index] = accepted
        return accepted

    def decline_caregiving(self, caregiver_id: UUID) -> None:
        """The caregiver declines their invitation: it ends (they may be invited again)."""
        index, _ = self._invitation(caregiver_id, "decline")
        del self.caregivers[index]

    def remove_caregiver(self, caregiver_id: UUID) -> CaregiverAssignment:
        """End an assignment, pending or accepted (they may be invited again). Without
        its primary the person has no primary caregiver until another caregiver accepts
        an invitation as primary: nobody is made primary without saying yes."""
        for index, assignment in enumerate(self.caregivers):
            if assignment.caregiver_id == caregiver_id:
                del self.caregivers[index]
                return assignment
        raise NotFound("caregiver assignment", caregiver_id)

    def _invitation(self, caregiver_id: UUID, action: str) -> tuple[int, CaregiverAssignment]:
        """The caregiver's pending assignment and its place in ``caregivers``."""
        for index, assignment in enumerate(self.caregivers):
            if assignment.caregiver_id == caregiver_id:
                if assignment.accepted:
                    raise InvalidStateTransition("caregiver assignment",
                                                 assignment.status.value, action)
                return index, assignment
        raise NotFound("caregiver invitation", caregiver_id)

    def record_activity(self, at: datetime) -> None:
        if self.last_activity_at is None or at > self.last_activity_at:
            self.last_activity_at = at

    def rename(self, first_name: str | None = None, last_name: str | None = None) -> None:
        """Change the names; ``None`` leaves one as it is. Anyone with access may."""
        first = self.first_name if first_name is None else first_name
        last = self.last_name if last_name is None else last_name
        check_name(first, last)
        self.first_name, self.last_name = first.strip(), last.strip()

    def change_care(
        self,
        *,
        care_type: CareType | None = None,
        capacity_status: CapacityStatus | None = None,
        date_of_birth: date | None = None,
        thresholds: dict[str, Any] | None = None,
        emergency_contacts: list[EmergencyContact] | None = None,
        institution_id: UUID | None = None,
        responder_info: ResponderInfo | None = None,
    ) -> None:
        """Change the care; ``None`` leaves a field as it is. Whether the caller may (the
        right to contract) and whether the result is lawful are checked by the caller."""
        if care_type is CareType.SELF_CARE and self.user_id is None:
            raise ValidationFailed("self care needs the person's own user account",
                                   field="care_type")
        self.care_type = care_type or self.care_type
        self.capacity_status = capacity_status or self.capacity_status
        self.date_of_birth = date_of_birth or self.date_of_birth
        self.thresholds = dict(thresholds) if thresholds is not None else self.thresholds
        if emergency_contacts is not None:
            self.emergency_contacts = list(emergency_contacts)
        self.institution_id = institution_id or self.institution_id
        self.responder_info = responder_info or self.responder_info

    def deactivate(self, at: datetime) -> None:
        """Monitoring stops: nothing the person's devices send opens an alert, nobody
        sees them but admins, and they count for no package limit. Closing their open
        alerts and what was queued for them is the application's (``lifecycle.py``)."""
        if not self.is_active:
            raise InvalidStateTransition("cared person", "deactivated", "deactivate")
        self.deactivated_at = at

    def ensure_may_reactivate(self) -> None:
        """Only a deactivated person comes back, and not once erased (checked before the
        gates reactivating passes)."""
        if self.erased_at is not None:
            raise InvalidStateTransition("cared person", "erased", "reactivate")
        if self.is_active:
            raise InvalidStateTransition("cared person", "active", "reactivate")

    def reactivate(self) -> None:
        """Watched over again, as they were; an erased person has nothing to come back
        with."""
        self.ensure_may_reactivate()
        self.deactivated_at = None

    def erase(self, at: datetime) -> None:
        """Personal data erased on request, once deactivated: a neutral name, no birth
        date, responder information, emergency contacts, thresholds or last activity.
        The id stays (invoices, alerts and the audit log point at it)."""
        if self.is_active:
            raise InvalidStateTransition("cared person", "active", "erase")
        if self.erased_at is not None:
            raise InvalidStateTransition("cared person", "erased", "erase")
        self.first_name, self.last_name = ERASED_NAME
        self.date_of_birth, self.last_activity_at = None, None
        self.responder_info, self.emergency_contacts, self.thresholds = ResponderInfo(), [], {}
        self.erased_at = at


ERASED_NAME = ("Erased", "person")  # what an erased person is called from then on


@dataclass(eq=False)
class LegalRepresentation:
    """A user's legal power to contract for a delegated cared person."""

    id: UUID
    cared_person_id: UUID
    representative_id: UUID
    relationship: Relationship
    document_ref: str
    valid_from: date
    created_at: datetime
    valid_until: date | None = None
    verified: bool = False
    verified_by: UUID | None = None
    verified_at: datetime | None = None
    ended_at: datetime | None = None  # ended at once, by whom: in force on no day after
    ended_by: UUID | None = None

    def __post_init__(self) -> None:
        if not self.document_ref.strip():
            raise ValidationFailed("a representation needs a document reference",
                                   field="document_ref")
        if self.valid_until is not None and self.valid_until < self.valid_from:
            raise ValidationFailed("valid_until is before valid_from", field="valid_until")

    def is_active(self, today: date) -> bool:
        """Verified, not ended, and ``today`` within its dates (both days included)."""
        within = self.valid_from <= today and (
            self.valid_until is None or today <= self.valid_until)
        return self.verified and self.ended_at is None and within

    def verify(self, admin_id: UUID, now: datetime) -> None:
        if self.ended_at is not None:
            raise InvalidStateTransition("legal representation", "ended", "verify")
        if self.verified:
            raise Conflict("representation already verified", representation_id=str(self.id))
        self.verified, self.verified_by, self.verified_at = True, admin_id, now

    def end(self, by: UUID, now: datetime) -> None:
        """End it at once: from ``now`` on it gives no power nor access (not at the end
        of the day, as ``valid_until`` would). Ending twice is refused."""
        if self.ended_at is not None:
            raise InvalidStateTransition("legal representation", "ended", "end")
        self.ended_at, self.ended_by = now, by


@dataclass(eq=False)
class Institution:
    id: UUID
    name: str
    admin_id: UUID
    created_at: datetime
    staff_ids: set[UUID] = field(default_factory=set)
    on_call_ids: set[UUID] = field(default_factory=set)
    email: str | None = None
    phone: str | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationFailed("an institution needs a name", field="name")

    def is_staff(self, user_id: UUID) -> bool:
        return user_id == self.admin_id or user_id in self.staff_ids or user_id in self.on_call_ids

    def is_admin(self, user_id: UUID) -> bool:
        return user_id == self.admin_id

    def add_staff(self, user_id: UUID, on_call: bool = False) -> None:
        """Make ``user_id`` staff; on-call staff are notified at escalation level 3."""
        if self.is_staff(user_id):
            raise Conflict("user is already staff of this institution", user_id=str(user_id))
        self.staff_ids.add(user_id)
        if on_call:
            self.on_call_ids.add(user_id)

    def remove_staff(self, user_id: UUID) -> bool:
        """Take a member of staff off, on call or not; whether they were on call. The
        institution's admin is not staff this way, and is not removed."""
        if self.is_admin(user_id):
            raise Conflict("the institution's admin is not removed from its staff",
                           user_id=str(user_id), reason="institution_admin")
        if not self.is_staff(user_id):
            raise NotFound("staff member", user_id)
        on_call = user_id in self.on_call_ids
        self.on_call_ids.discard(user_id)
        self.staff_ids.discard(user_id)
        return on_call

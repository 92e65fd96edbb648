"""Cared persons, legal capacity and institutions: request bodies and responses.

Text never holds a NUL character (PostgreSQL cannot store one): such input is a 422."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, Field, StrictBool, StrictFloat, StringConstraints
from pydantic_core import PydanticCustomError

from cuiot.application.care.commands.changes import ResponderChanges
from cuiot.application.care.ports import (
    CaredPersonView,
    CaregiverInvitationView,
    InstitutionView,
    RepresentationView,
)
from cuiot.application.care.queries.capacity import CapacityVerdict, ContractingRight
from cuiot.domain.care import CaredPerson, CaregiverAssignment, Institution, LegalRepresentation
from cuiot.domain.classification import Thresholds
from cuiot.entrypoints.http.schemas import Strict

NO_NUL = r"^[^\x00]*$"
Name = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=NO_NUL)]
Email = Annotated[str, StringConstraints(max_length=254, pattern=NO_NUL)]
Phone = Annotated[str, StringConstraints(max_length=40, pattern=NO_NUL)]
CareText = Annotated[str, StringConstraints(max_length=300, pattern=NO_NUL)]
CareNotes = Annotated[str, StringConstraints(max_length=1000, pattern=NO_NUL)]
CareList = Annotated[list[CareText], Field(max_length=30)]
DoctorName = Annotated[str, StringConstraints(max_length=100, pattern=NO_NUL)]
RESPONDER_FIELDS = ("address", "conditions", "medications", "allergies", "mobility_notes",
                    "doctor_name", "doctor_phone")
CLEARS = "; empty clears it"


def _iso_text(value: object) -> object:
    if not isinstance(value, str):  # pydantic would read a number as seconds since 1970
        raise PydanticCustomError("date_type", "a date is written YYYY-MM-DD")
    return value


Day = Annotated[date, BeforeValidator(_iso_text)]
CareTypeName = Literal["self_care", "delegated"]
CapacityName = Literal["full", "restricted", "incapacitated"]
RelationshipName = Literal["parent", "child", "spouse", "sibling", "guardian",
                           "court_appointed", "other"]
ThresholdName = Literal[Thresholds.names()]  # type: ignore[valid-type]
ThresholdValue = Annotated[StrictFloat, Field(ge=0, le=100_000, allow_inf_nan=False)]
ThresholdMap = dict[ThresholdName, ThresholdValue]  # type: ignore[valid-type]


class ContactIn(Strict):
    name: Name = Field(examples=["Vecina Marta"])
    email: Email | None = Field(default=None, examples=["marta@example.com"])
    phone: Phone | None = Field(default=None, examples=["+54 11 5555-0102"])


def _command_fields(body: BaseModel) -> dict[str, Any]:
    """The fields the caller sent, as a command takes them (contacts as a tuple)."""
    fields = body.model_dump(exclude_unset=True)
    if fields.get("emergency_contacts") is not None:
        fields["emergency_contacts"] = tuple(fields["emergency_contacts"])
    return fields


class CaredPersonIn(Strict):
    first_name: Name = Field(examples=["Rosa"])
    last_name: Name = Field(examples=["Gómez"])
    date_of_birth: Day | None = Field(default=None, examples=["1940-04-03"],
                                       description="Self care: the caller's when left out")
    care_type: CareTypeName = Field(default="delegated", examples=["delegated"])
    capacity_status: CapacityName = Field(default="full", examples=["full"])
    institution_id: UUID | None = Field(default=None, examples=[None],
                                        description="An institution the caller works for")
    emergency_contacts: list[ContactIn] = Field(default_factory=list, max_length=10,
                                                examples=[[{"name": "Vecina Marta",
                                                            "phone": "+54 11 5555-0102"}]])
    thresholds: ThresholdMap = Field(default_factory=dict, examples=[{"pulse_high_above": 110}],
                                     description="The person's own alert thresholds")

    def command_fields(self) -> dict[str, Any]:
        return _command_fields(self)


class CaredPersonPatch(Strict):
    """Names: anyone who sees the person. The rest changes the care: only whoever may
    contract for the person. Left out or null: unchanged."""

    first_name: Name | None = Field(default=None, examples=["Rosa María"])
    last_name: Name | None = Field(default=None, examples=["Gómez"])
    date_of_birth: Day | None = Field(default=None, examples=["1940-04-03"])
    care_type: CareTypeName | None = Field(default=None, examples=["delegated"])
    capacity_status: CapacityName | None = Field(default=None, examples=["restricted"])
    institution_id: UUID | None = Field(default=None, examples=[None])
    emergency_contacts: list[ContactIn] | None = Field(
        default=None, max_length=10, examples=[[{"name": "Hijo", "email": "hijo@example.com"}]])
    thresholds: ThresholdMap | None = Field(default=None, examples=[{"pulse_low_below": 45}])
    # What a responder needs: shown to those who see the person, never sent by SMS or push.
    address: CareText | None = Field(default=None, examples=["Av. Rivadavia 1234, 3º B, CABA"],
                                     description="Where the person lives" + CLEARS)
    conditions: CareList | None = Field(default=None, examples=[["diabetes tipo 2"]],
                                        description="Health conditions" + CLEARS)
    medications: CareList | None = Field(default=None, examples=[["metformina 850 mg"]],
                                         description="Medications taken" + CLEARS)
    allergies: CareList | None = Field(default=None, examples=[["penicilina"]],
                                       description="Allergies" + CLEARS)
    mobility_notes: CareNotes | None = Field(default=None, examples=["Usa andador; la llave "
                                                                     "está con la vecina"],
                                             description="How the person moves" + CLEARS)
    doctor_name: DoctorName | None = Field(default=None, examples=["Dra. Laura Paz"],
                                           description="The person's doctor" + CLEARS)
    doctor_phone: Phone | None = Field(default=None, examples=["+54 11 4555-0000"],
                                       description="Needs the doctor's name" + CLEARS)

    def command_fields(self) -> dict[str, Any]:
        fields = _command_fields(self)
        changes = {name: fields.pop(name) for name in RESPONDER_FIELDS if name in fields}
        changes = {k: tuple(v) if isinstance(v, list) else v for k, v in changes.items()
                   if v is not None}
        if changes:
            fields["responder"] = ResponderChanges(**changes)
        return fields


class MemberIn(Strict):
    email: Email = Field(examples=["marta@example.com"], description="A registered user")


class CaregiverIn(Strict):
    caregiver_id: UUID = Field(examples=["6f1c2a3e-8d4b-4c1e-9a7f-2b3c4d5e6f70"],
                               description="A user holding the caregiver role")
    primary: StrictBool = Field(default=False, examples=[True],
                                description="Primary caregiver once they accept (the "
                                            "primary there was then stops being it)")


class CaregiverOut(BaseModel):
    caregiver_id: UUID
    primary: bool
    status: str = Field(examples=["accepted"],
                        description="pending (invited: no access, no alerts) or accepted")

    @classmethod
    def of(cls, assignment: CaregiverAssignment) -> CaregiverOut:
        return cls(caregiver_id=assignment.caregiver_id, primary=assignment.primary,
                   status=assignment.status.value)


class CaregiverAssignmentOut(BaseModel):
    """One caregiver's assignment to one cared person."""

    cared_person_id: UUID = Field(examples=["0b6f8e3c-1d2a-4e5f-8a9b-7c6d5e4f3a21"])
    caregiver_id: UUID = Field(examples=["6f1c2a3e-8d4b-4c1e-9a7f-2b3c4d5e6f70"])
    primary: bool = Field(examples=[True])
    status: str = Field(examples=["pending"],
                        description="pending (invited: no access, no alerts) or accepted")

    @classmethod
    def of(cls, cared_person_id: UUID, assignment: CaregiverAssignment) -> CaregiverAssignmentOut:
        return cls(cared_person_id=cared_person_id, caregiver_id=assignment.caregiver_id,
                   primary=assignment.primary, status=assignment.status.value)


class CaregiverInvitationOut(BaseModel):
    """An invitation to care for someone, as the invited caregiver sees it."""

    cared_person_id: UUID = Field(examples=["0b6f8e3c-1d2a-4e5f-8a9b-7c6d5e4f3a21"])
    first_name: str = Field(examples=["Rosa"])
    last_name: str = Field(examples=["Gómez"])
    account_holder: str = Field(examples=["Laura Gómez"],
                                description="Whose account holds the person")
    primary: bool = Field(examples=[True],
                          description="Asked to be the primary caregiver")

    @classmethod
    def of(cls, invitation: CaregiverInvitationView) -> CaregiverInvitationOut:
        return cls(cared_person_id=invitation.cared_person_id,
                   first_name=invitation.first_name, last_name=invitation.last_name,
                   account_holder=invitation.account_holder, primary=invitation.primary)


class ContactOut(BaseModel):
    name: str
    email: str | None
    phone: str | None


class CaredPersonOut(BaseModel):
    id: UUID
    account_id: UUID = Field(description="The user whose account holds the person")
    user_id: UUID | None = Field(description="The person's own login (self care)")
    first_name: str
    last_name: str
    date_of_birth: date | None
    care_type: str = Field(examples=["delegated"])
    capacity_status: str = Field(examples=["full"])
    institution_id: UUID | None
    member_ids: list[UUID]
    caregivers: list[CaregiverOut]
    emergency_contacts: list[ContactOut]
    thresholds: dict[str, Any]
    last_activity_at: datetime | None
    created_at: datetime
    address: str | None = Field(examples=["Av. Rivadavia 1234, 3º B, CABA"])
    conditions: list[str] = Field(examples=[["diabetes tipo 2"]])
    medications: list[str] = Field(examples=[["metformina 850 mg"]])
    allergies: list[str] = Field(examples=[["penicilina"]])
    mobility_notes: str | None = Field(examples=["Usa andador"])
    doctor_name: str | None = Field(examples=["Dra. Laura Paz"])
    doctor_phone: str | None = Field(examples=["+54 11 4555-0000"])
    deactivated_at: datetime | None = Field(
        None, description="When monitoring stopped (seen then by its managers and admins)")
    erased_at: datetime | None = Field(
        None, description="When its personal data was erased on request")

    @classmethod
    def of(cls, cp: CaredPerson | CaredPersonView) -> CaredPersonOut:
        info = cp.responder_info
        return cls(
            id=cp.id, account_id=cp.account_id, user_id=cp.user_id, first_name=cp.first_name,
            last_name=cp.last_name, date_of_birth=cp.date_of_birth,
            care_type=cp.care_type.value, capacity_status=cp.capacity_status.value,
            institution_id=cp.institution_id, member_ids=sorted(cp.member_ids, key=str),
            caregivers=[CaregiverOut.of(a) for a in cp.caregivers],
            emergency_contacts=[ContactOut(name=c.name, email=c.email, phone=c.phone)
                                for c in cp.emergency_contacts],
            thresholds=dict(cp.thresholds), last_activity_at=cp.last_activity_at,
            created_at=cp.created_at, address=info.address, conditions=list(info.conditions),
            medications=list(info.medications), allergies=list(info.allergies),
            mobility_notes=info.mobility_notes, doctor_name=info.doctor_name,
            doctor_phone=info.doctor_phone, deactivated_at=cp.deactivated_at,
            erased_at=cp.erased_at)


class InstitutionIn(Strict):
    name: Name = Field(examples=["Hogar Sol"])
    email: Email | None = Field(default=None, examples=["info@hogarsol.com"])
    phone: Phone | None = Field(default=None, examples=["+54 11 5555-0200"])


class StaffIn(Strict):
    email: Email = Field(examples=["enfermera@example.com"], description="A registered user")
    on_call: StrictBool = Field(default=False, examples=[True],
                                description="Notified when an alert reaches level 3")


class InstitutionOut(BaseModel):
    id: UUID
    name: str
    admin_id: UUID
    email: str | None
    phone: str | None
    staff_ids: list[UUID] = Field(description="Every staff member, on call or not")
    on_call_ids: list[UUID] = Field(description="Staff notified at escalation level 3")
    created_at: datetime

    @classmethod
    def of(cls, institution: Institution | InstitutionView) -> InstitutionOut:
        return cls(id=institution.id, name=institution.name, admin_id=institution.admin_id,
                   email=institution.email, phone=institution.phone,
                   staff_ids=sorted(institution.staff_ids | institution.on_call_ids, key=str),
                   on_call_ids=sorted(institution.on_call_ids, key=str),
                   created_at=institution.created_at)


class CapacityCheckIn(Strict):
    """Ask about a user (``user_id``), a cared person (``cared_person_id``), or anyone
    (``date_of_birth`` and ``capacity_status``)."""

    user_id: UUID | None = Field(default=None, examples=[None],
                                 description="Yourself, or anyone for an admin")
    cared_person_id: UUID | None = Field(default=None, examples=[None],
                                         description="A person you see")
    date_of_birth: Day | None = Field(default=None, examples=["2008-03-01"])
    capacity_status: CapacityName = Field(default="full", examples=["full"])
    on_date: Day | None = Field(default=None, examples=["2026-03-01"],
                                 description="The day in question; today when left out")


class ContractingRightOut(BaseModel):
    allowed: bool
    reason: str | None = Field(examples=["no_active_representative"])
    cause: str | None = Field(examples=[None],
                              description="Why the representative cannot contract")

    @classmethod
    def of(cls, right: ContractingRight) -> ContractingRightOut:
        return cls(allowed=right.allowed, reason=right.reason, cause=right.cause)


class CapacityOut(BaseModel):
    can_contract: bool = Field(description="Whether the person asked about can contract")
    age: int | None = Field(examples=[17])
    reason: str | None = Field(examples=["minor"])
    contracting_right: ContractingRightOut | None = Field(
        description="With a cared person: whether you may buy a package for, or change the "
                    "care of, them on that day (self care: the person; delegated: the active "
                    "representative)")

    @classmethod
    def of(cls, verdict: CapacityVerdict, right: ContractingRight | None) -> CapacityOut:
        return cls(can_contract=verdict.can_contract, age=verdict.age, reason=verdict.reason,
                   contracting_right=None if right is None else ContractingRightOut.of(right))


class RepresentationIn(Strict):
    cared_person_id: UUID = Field(examples=["0b6f8e3c-1d2a-4e5f-8a9b-7c6d5e4f3a21"])
    relationship: RelationshipName = Field(examples=["child"])
    document_ref: str = Field(min_length=1, max_length=200, pattern=NO_NUL,
                              examples=["Poder general, escritura 1234/2025"])
    valid_from: Day = Field(examples=["2026-01-01"])
    valid_until: Day | None = Field(default=None, examples=[None])


class RepresentationOut(BaseModel):
    id: UUID
    cared_person_id: UUID
    representative_id: UUID
    relationship: str = Field(examples=["child"])
    document_ref: str
    valid_from: date
    valid_until: date | None
    verified: bool
    verified_by: UUID | None
    verified_at: datetime | None
    created_at: datetime
    ended_at: datetime | None = Field(
        examples=[None], description="When it was ended: from then on it is in force no more")
    ended_by: UUID | None = Field(examples=[None], description="Who ended it")

    @classmethod
    def of(cls, rep: LegalRepresentation | RepresentationView) -> RepresentationOut:
        return cls(id=rep.id, cared_person_id=rep.cared_person_id,
                   representative_id=rep.representative_id,
                   relationship=rep.relationship.value, document_ref=rep.document_ref,
                   valid_from=rep.valid_from, valid_until=rep.valid_until,
                   verified=rep.verified, verified_by=rep.verified_by,
                   verified_at=rep.verified_at, created_at=rep.created_at,
                   ended_at=rep.ended_at, ended_by=rep.ended_by)


class RepresentativeOut(BaseModel):
    representative: RepresentationOut | None = Field(
        description="The representation in force today; null when there is none")

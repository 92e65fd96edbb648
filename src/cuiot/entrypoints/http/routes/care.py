"""/cared-persons, /legal-capacity and /institutions: who is watched over, who sees and
cares for them, who may contract for them, and the institutions that look after them.

Whoever may not see a cared person or an institution gets a 404, never a 403."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, status

from cuiot.application import care
from cuiot.entrypoints.http.deps import PageParams, Principal, use
from cuiot.entrypoints.http.schemas.care import (
    CapacityCheckIn,
    CapacityOut,
    CaredPersonIn,
    CaredPersonOut,
    CaredPersonPatch,
    CaregiverIn,
    InstitutionIn,
    InstitutionOut,
    MemberIn,
    RepresentationIn,
    RepresentationOut,
    RepresentativeOut,
    StaffIn,
)
from cuiot.entrypoints.http.schemas.common import Page

cared_persons = APIRouter(prefix="/cared-persons", tags=["cared persons"])
legal_capacity = APIRouter(prefix="/legal-capacity", tags=["legal capacity"])
institutions = APIRouter(prefix="/institutions", tags=["institutions"])
CREATED = status.HTTP_201_CREATED

AddPerson = Annotated[care.AddCaredPerson, Depends(use(care.AddCaredPerson))]
ListPersons = Annotated[care.ListCaredPersons, Depends(use(care.ListCaredPersons))]
GetPerson = Annotated[care.GetCaredPerson, Depends(use(care.GetCaredPerson))]
UpdatePerson = Annotated[care.UpdateCaredPerson, Depends(use(care.UpdateCaredPerson))]
AddMember = Annotated[care.AddMember, Depends(use(care.AddMember))]
AssignCaregiver = Annotated[care.AssignCaregiver, Depends(use(care.AssignCaregiver))]
CheckCapacity = Annotated[care.CheckLegalCapacity, Depends(use(care.CheckLegalCapacity))]
CheckRight = Annotated[care.CheckContractingRight, Depends(use(care.CheckContractingRight))]
RequestRep = Annotated[care.RequestRepresentation, Depends(use(care.RequestRepresentation))]
VerifyRep = Annotated[care.VerifyRepresentation, Depends(use(care.VerifyRepresentation))]
GetRep = Annotated[care.GetRepresentative, Depends(use(care.GetRepresentative))]
CreateInst = Annotated[care.CreateInstitution, Depends(use(care.CreateInstitution))]
GetInst = Annotated[care.GetInstitution, Depends(use(care.GetInstitution))]
AddStaff = Annotated[care.AddInstitutionStaff, Depends(use(care.AddInstitutionStaff))]


@cared_persons.post("", status_code=CREATED, response_model=CaredPersonOut,
                    summary="Add a cared person to the caller's account")
async def add_cared_person(body: CaredPersonIn, principal: Principal,
                           add: AddPerson) -> CaredPersonOut:
    cared = await add(care.AddCaredPersonCommand(principal.user_id, **body.command_fields()))
    return CaredPersonOut.of(cared)


@cared_persons.get("", response_model=Page[CaredPersonOut],
                   summary="The cared persons the caller sees, oldest first")
async def list_cared_persons(principal: Principal, page: PageParams,
                             list_: ListPersons) -> Page[CaredPersonOut]:
    found = await list_(care.ListCaredPersonsCommand(principal.user_id, page.offset,
                                                     page.limit + 1))
    return Page.of([CaredPersonOut.of(cp) for cp in found], page.offset, page.limit)


@cared_persons.get("/{cared_person_id}", response_model=CaredPersonOut,
                   summary="A cared person the caller sees")
async def get_cared_person(cared_person_id: UUID, principal: Principal,
                           get: GetPerson) -> CaredPersonOut:
    cared = await get(care.GetCaredPersonCommand(principal.user_id, cared_person_id))
    return CaredPersonOut.of(cared)


@cared_persons.patch("/{cared_person_id}", response_model=CaredPersonOut,
                     summary="Rename a cared person (anyone who sees them), or change their "
                             "care (whoever may contract for them)")
async def update_cared_person(cared_person_id: UUID, body: CaredPersonPatch,
                              principal: Principal, update: UpdatePerson) -> CaredPersonOut:
    cared = await update(care.UpdateCaredPersonCommand(principal.user_id, cared_person_id,
                                                       **body.command_fields()))
    return CaredPersonOut.of(cared)


@cared_persons.post("/{cared_person_id}/members", status_code=CREATED,
                    response_model=CaredPersonOut,
                    summary="Give a registered user, by email, access to a cared person")
async def add_member(cared_person_id: UUID, body: MemberIn, principal: Principal,
                     add: AddMember) -> CaredPersonOut:
    cared = await add(care.AddMemberCommand(principal.user_id, cared_person_id, body.email))
    return CaredPersonOut.of(cared)


@cared_persons.post("/{cared_person_id}/caregivers", status_code=CREATED,
                    response_model=CaredPersonOut,
                    summary="Assign a caregiver (a new primary replaces the old one)")
async def assign_caregiver(cared_person_id: UUID, body: CaregiverIn, principal: Principal,
                           assign: AssignCaregiver) -> CaredPersonOut:
    cared = await assign(care.AssignCaregiverCommand(principal.user_id, cared_person_id,
                                                     body.caregiver_id, body.primary))
    return CaredPersonOut.of(cared)


@legal_capacity.post("/verify", response_model=CapacityOut,
                     summary="Can this person contract? With a cared person, also: may the "
                             "caller contract for them?")
async def verify_capacity(body: CapacityCheckIn, principal: Principal, check: CheckCapacity,
                          right: CheckRight) -> CapacityOut:
    verdict = await check(care.CheckLegalCapacityCommand(principal.user_id, **body.model_dump()))
    contracting = None
    if body.cared_person_id is not None:
        contracting = await right(care.CheckContractingRightCommand(
            principal.user_id, body.cared_person_id, body.on_date))
    return CapacityOut.of(verdict, contracting)


@legal_capacity.post("/validate-representative", status_code=CREATED,
                     response_model=RepresentationOut,
                     summary="Ask to be a cared person's legal representative (in force once "
                             "an admin verifies it)")
async def request_representation(body: RepresentationIn, principal: Principal,
                                 request: RequestRep) -> RepresentationOut:
    representation = await request(care.RequestRepresentationCommand(
        principal.user_id, **body.model_dump()))
    return RepresentationOut.of(representation)


@legal_capacity.post("/representations/{representation_id}/verify",
                     response_model=RepresentationOut,
                     summary="Verify a representation's document (admins)")
async def verify_representation(representation_id: UUID, principal: Principal,
                                verify: VerifyRep) -> RepresentationOut:
    representation = await verify(care.VerifyRepresentationCommand(principal.user_id,
                                                                    representation_id))
    return RepresentationOut.of(representation)


@legal_capacity.get("/representative/{cared_person_id}", response_model=RepresentativeOut,
                    summary="The representation in force today (null when there is none)")
async def get_representative(cared_person_id: UUID, principal: Principal,
                             get: GetRep) -> RepresentativeOut:
    current = await get(care.GetRepresentativeCommand(principal.user_id, cared_person_id))
    return RepresentativeOut(
        representative=None if current is None else RepresentationOut.of(current))


@institutions.post("", status_code=CREATED, response_model=InstitutionOut,
                   summary="Create an institution; the caller becomes its admin")
async def create_institution(body: InstitutionIn, principal: Principal,
                             create: CreateInst) -> InstitutionOut:
    institution = await create(care.CreateInstitutionCommand(principal.user_id,
                                                             **body.model_dump()))
    return InstitutionOut.of(institution)


@institutions.get("/{institution_id}", response_model=InstitutionOut,
                  summary="An institution the caller works for")
async def get_institution(institution_id: UUID, principal: Principal,
                          get: GetInst) -> InstitutionOut:
    institution = await get(care.GetInstitutionCommand(principal.user_id, institution_id))
    return InstitutionOut.of(institution)


@institutions.post("/{institution_id}/staff", status_code=CREATED, response_model=InstitutionOut,
                   summary="Add a registered user, by email, as staff (the institution's admin)")
async def add_staff(institution_id: UUID, body: StaffIn, principal: Principal,
                    add: AddStaff) -> InstitutionOut:
    institution = await add(care.AddInstitutionStaffCommand(principal.user_id, institution_id,
                                                            body.email, body.on_call))
    return InstitutionOut.of(institution)

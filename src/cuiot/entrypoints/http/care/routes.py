"""/cared-persons, /legal-capacity and /institutions: who is watched over, who sees and
cares for them, who may contract for them, and the institutions that look after them.
/caregiver-invitations: a caregiver's invitations to care for someone, which they accept
or decline at /cared-persons/{id}/caregivers/{their id}/accept or /decline.
DELETE on a member, a caregiver or a member of staff, and POST
/legal-capacity/representations/{id}/end, take access back at once.

Whoever may not see a cared person or an institution gets a 404, never a 403."""

from __future__ import annotations

from typing import Annotated, TypeVar
from uuid import UUID

from fastapi import APIRouter, Depends, Response, status

from cuiot.adapters.persistence.views.care import SqlCareViews
from cuiot.application.care.commands.caregiving import (
    AcceptCaregiving,
    AnswerInvitationCommand,
    DeclineCaregiving,
)
from cuiot.application.care.commands.changes import UpdateCaredPerson, UpdateCaredPersonCommand
from cuiot.application.care.commands.institutions import (
    AddInstitutionStaff,
    AddInstitutionStaffCommand,
    CheckInstitutionAdmin,
    CheckInstitutionAdminCommand,
    CreateInstitution,
    CreateInstitutionCommand,
)
from cuiot.application.care.commands.members import (
    AddMember,
    AddMemberCommand,
    AssignCaregiver,
    AssignCaregiverCommand,
    CheckPersonManager,
    CheckPersonManagerCommand,
)
from cuiot.application.care.commands.persons import AddCaredPerson, AddCaredPersonCommand
from cuiot.application.care.commands.removals import (
    RemoveCaregiver,
    RemoveCaregiverCommand,
    RemoveMember,
    RemoveMemberCommand,
    RemoveStaff,
    RemoveStaffCommand,
)
from cuiot.application.care.commands.representation import (
    RequestRepresentation,
    RequestRepresentationCommand,
    VerifyRepresentation,
    VerifyRepresentationCommand,
)
from cuiot.application.care.commands.representation_end import (
    EndRepresentation,
    EndRepresentationCommand,
)
from cuiot.application.care.queries.capacity import (
    CheckContractingRight,
    CheckContractingRightQuery,
    CheckLegalCapacity,
    CheckLegalCapacityQuery,
)
from cuiot.application.care.queries.institutions import GetInstitution, GetInstitutionQuery
from cuiot.application.care.queries.invitations import (
    ListCaregiverInvitations,
    ListCaregiverInvitationsQuery,
)
from cuiot.application.care.queries.persons import (
    GetCaredPerson,
    GetCaredPersonQuery,
    ListCaredPersons,
    ListCaredPersonsQuery,
)
from cuiot.application.care.queries.representation import (
    GetRepresentative,
    GetRepresentativeQuery,
)
from cuiot.application.identity.queries.authenticate import Principal as AuthPrincipal
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.subscriptions import GatedAction
from cuiot.entrypoints.http.care.schemas import (
    CapacityCheckIn,
    CapacityOut,
    CaredPersonIn,
    CaredPersonOut,
    CaredPersonPatch,
    CaregiverAssignmentOut,
    CaregiverIn,
    CaregiverInvitationOut,
    InstitutionIn,
    InstitutionOut,
    MemberIn,
    RepresentationIn,
    RepresentationOut,
    RepresentativeOut,
    StaffIn,
)
from cuiot.entrypoints.http.deps import (
    AdminPrincipal,
    PageParams,
    Principal,
    query,
    use,
)
from cuiot.entrypoints.http.schemas import Page, subscription_required

T = TypeVar("T")


def viewer_of(principal: AuthPrincipal) -> Viewer:
    return Viewer.of(principal.user_id, principal.roles)


cared_persons = APIRouter(prefix="/cared-persons", tags=["cared persons"])
legal_capacity = APIRouter(prefix="/legal-capacity", tags=["legal capacity"])
institutions = APIRouter(prefix="/institutions", tags=["institutions"])
invitations = APIRouter(prefix="/caregiver-invitations", tags=["cared persons"])
CREATED = status.HTTP_201_CREATED

AddPerson = Annotated[AddCaredPerson, Depends(use(AddCaredPerson))]
ListPersons = Annotated[ListCaredPersons, Depends(query(ListCaredPersons, SqlCareViews))]
GetPerson = Annotated[GetCaredPerson, Depends(query(GetCaredPerson, SqlCareViews))]
UpdatePerson = Annotated[UpdateCaredPerson, Depends(use(UpdateCaredPerson))]
AddMemberUseCase = Annotated[AddMember, Depends(use(AddMember))]
AssignCaregiverUseCase = Annotated[AssignCaregiver, Depends(use(AssignCaregiver))]
Accept = Annotated[AcceptCaregiving, Depends(use(AcceptCaregiving))]
Decline = Annotated[DeclineCaregiving, Depends(use(DeclineCaregiving))]
ListInvitations = Annotated[ListCaregiverInvitations,
                            Depends(query(ListCaregiverInvitations, SqlCareViews))]
CheckCapacity = Annotated[CheckLegalCapacity, Depends(query(CheckLegalCapacity, SqlCareViews))]
CheckRight = Annotated[CheckContractingRight, Depends(query(CheckContractingRight, SqlCareViews))]
RequestRep = Annotated[RequestRepresentation, Depends(use(RequestRepresentation))]
VerifyRep = Annotated[VerifyRepresentation, Depends(use(VerifyRepresentation))]
GetRep = Annotated[GetRepresentative, Depends(query(GetRepresentative, SqlCareViews))]
CreateInst = Annotated[CreateInstitution, Depends(use(CreateInstitution))]
GetInst = Annotated[GetInstitution, Depends(query(GetInstitution, SqlCareViews))]
AddStaff = Annotated[AddInstitutionStaff, Depends(use(AddInstitutionStaff))]
RemoveMemberUseCase = Annotated[RemoveMember, Depends(use(RemoveMember))]
RemoveCaregiverUseCase = Annotated[RemoveCaregiver, Depends(use(RemoveCaregiver))]
RemoveStaffUseCase = Annotated[RemoveStaff, Depends(use(RemoveStaff))]
EndRep = Annotated[EndRepresentation, Depends(use(EndRepresentation))]
NO_CONTENT = status.HTTP_204_NO_CONTENT
AT_ONCE = (" From this moment they no longer find the person (404), are told of none of "
           "their alerts (their notifications still queued are given up, their "
           "acknowledgement links expire) and their live stream sends none of them, unless "
           "they see the person another way. 404 for a person the caller does not see; 403 "
           "for one they see but may not decide for.")


async def managed_person(cared_person_id: UUID, principal: Principal,
                         check: Annotated[CheckPersonManager, Depends(use(CheckPersonManager))],
                         ) -> UUID:
    """The person, once the caller decides who sees them: FastAPI solves this before it
    reads the body, so someone else's person is 404 (and one the caller only sees, 403)
    whatever the body says."""
    await check(CheckPersonManagerCommand(principal.user_id, cared_person_id))
    return cared_person_id


async def run_institution(institution_id: UUID, principal: Principal,
                          check: Annotated[CheckInstitutionAdmin,
                                           Depends(use(CheckInstitutionAdmin))]) -> UUID:
    """The institution, once the caller runs it (before the body, as ``managed_person``)."""
    await check(CheckInstitutionAdminCommand(principal.user_id, institution_id))
    return institution_id


ManagedPerson = Annotated[UUID, Depends(managed_person)]
RunInstitution = Annotated[UUID, Depends(run_institution)]


@cared_persons.post("", status_code=CREATED, response_model=CaredPersonOut,
                    responses=subscription_required(GatedAction.ADD_CARED_PERSON),
                    summary="Add a cared person to the caller's account (with a subscription "
                            "in force)")
async def add_cared_person(body: CaredPersonIn, principal: Principal,
                           add: AddPerson) -> CaredPersonOut:
    cared = await add(AddCaredPersonCommand(principal.user_id, **body.command_fields()))
    return CaredPersonOut.of(cared)


@cared_persons.get("", response_model=Page[CaredPersonOut],
                   summary="The cared persons the caller sees, oldest first")
async def list_cared_persons(principal: Principal, page: PageParams,
                             list_: ListPersons) -> Page[CaredPersonOut]:
    found = await list_(ListCaredPersonsQuery(viewer_of(principal),
                                              Window(page.offset, page.limit)))
    return Page.of([CaredPersonOut.of(cp) for cp in found], page.offset, page.limit)


@cared_persons.get("/{cared_person_id}", response_model=CaredPersonOut,
                   summary="A cared person the caller sees")
async def get_cared_person(cared_person_id: UUID, principal: Principal,
                           get: GetPerson) -> CaredPersonOut:
    cared = await get(GetCaredPersonQuery(viewer_of(principal), cared_person_id))
    return CaredPersonOut.of(cared)


@cared_persons.patch("/{cared_person_id}", response_model=CaredPersonOut,
                     summary="Rename a cared person (anyone who sees them), or change their "
                             "care (whoever may contract for them)")
async def update_cared_person(cared_person_id: UUID, body: CaredPersonPatch,
                              principal: Principal, update: UpdatePerson) -> CaredPersonOut:
    cared = await update(UpdateCaredPersonCommand(principal.user_id, cared_person_id,
                                                       **body.command_fields()))
    return CaredPersonOut.of(cared)


@cared_persons.post("/{cared_person_id}/members", status_code=CREATED,
                    response_model=CaredPersonOut,
                    responses=subscription_required(GatedAction.INVITE_USER),
                    summary="Give a registered user, by email, access to a cared person")
async def add_member(cared_person_id: ManagedPerson, body: MemberIn, principal: Principal,
                     add: AddMemberUseCase) -> CaredPersonOut:
    cared = await add(AddMemberCommand(principal.user_id, cared_person_id, body.email))
    return CaredPersonOut.of(cared)


@cared_persons.delete("/{cared_person_id}/members/{user_id}", status_code=NO_CONTENT,
                      response_class=Response,
                      summary="Take a member's access away (whoever manages the person, or an "
                              "admin), or leave (the member themselves)",
                      description="The account holder and the person themselves are no members: "
                                  "409." + AT_ONCE)
async def remove_member(cared_person_id: UUID, user_id: UUID, principal: Principal,
                        remove: RemoveMemberUseCase) -> Response:
    await remove(RemoveMemberCommand(principal.user_id, cared_person_id, user_id))
    return Response(status_code=NO_CONTENT)


@cared_persons.post("/{cared_person_id}/caregivers", status_code=CREATED,
                    response_model=CaregiverAssignmentOut,
                    responses=subscription_required(GatedAction.INVITE_USER),
                    summary="Assign a caregiver: a pending invitation, which gives nothing "
                            "until the caregiver accepts it")
async def assign_caregiver(cared_person_id: ManagedPerson, body: CaregiverIn, principal: Principal,
                           assign: AssignCaregiverUseCase) -> CaregiverAssignmentOut:
    assignment = await assign(AssignCaregiverCommand(principal.user_id, cared_person_id,
                                                      body.caregiver_id, body.primary))
    return CaregiverAssignmentOut.of(cared_person_id, assignment)


@cared_persons.post("/{cared_person_id}/caregivers/{caregiver_id}/accept",
                    response_model=CaregiverAssignmentOut,
                    summary="Accept your invitation to care for this person (the invited "
                            "caregiver only): you see them and get their alerts from now on")
async def accept_caregiving(cared_person_id: UUID, caregiver_id: UUID, principal: Principal,
                            accept: Accept) -> CaregiverAssignmentOut:
    accepted = await accept(AnswerInvitationCommand(principal.user_id, cared_person_id,
                                                    caregiver_id))
    return CaregiverAssignmentOut.of(cared_person_id, accepted)


@cared_persons.post("/{cared_person_id}/caregivers/{caregiver_id}/decline",
                    status_code=status.HTTP_204_NO_CONTENT, response_class=Response,
                    summary="Decline your invitation to care for this person (the invited "
                            "caregiver only): it ends")
async def decline_caregiving(cared_person_id: UUID, caregiver_id: UUID, principal: Principal,
                             decline: Decline) -> Response:
    await decline(AnswerInvitationCommand(principal.user_id, cared_person_id, caregiver_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@cared_persons.delete("/{cared_person_id}/caregivers/{caregiver_id}", status_code=NO_CONTENT,
                      response_class=Response,
                      summary="End a caregiver's assignment, pending or accepted (whoever "
                              "manages the person, or an admin), or step down (the caregiver "
                              "themselves)",
                      description="Without its primary caregiver the person has none until "
                                  "another caregiver accepts an invitation as primary."
                                  + AT_ONCE)
async def remove_caregiver(cared_person_id: UUID, caregiver_id: UUID, principal: Principal,
                           remove: RemoveCaregiverUseCase) -> Response:
    await remove(RemoveCaregiverCommand(principal.user_id, cared_person_id, caregiver_id))
    return Response(status_code=NO_CONTENT)


@invitations.get("", response_model=Page[CaregiverInvitationOut],
                 summary="Your pending invitations to care for someone, oldest person first")
async def list_caregiver_invitations(principal: Principal, page: PageParams,
                                     list_: ListInvitations) -> Page[CaregiverInvitationOut]:
    found = await list_(ListCaregiverInvitationsQuery(viewer_of(principal),
                                                      Window(page.offset, page.limit)))
    return Page.of([CaregiverInvitationOut.of(i) for i in found], page.offset, page.limit)


@legal_capacity.post("/verify", response_model=CapacityOut,
                     summary="Can this person contract? With a cared person, also: may the "
                             "caller contract for them?")
async def verify_capacity(body: CapacityCheckIn, principal: Principal, check: CheckCapacity,
                          right: CheckRight) -> CapacityOut:
    viewer = viewer_of(principal)
    verdict = await check(CheckLegalCapacityQuery(viewer, **body.model_dump()))
    contracting = None
    if body.cared_person_id is not None:
        contracting = await right(CheckContractingRightQuery(
            viewer, body.cared_person_id, body.on_date))
    return CapacityOut.of(verdict, contracting)


@legal_capacity.post("/validate-representative", status_code=CREATED,
                     response_model=RepresentationOut,
                     summary="Ask to be a cared person's legal representative (in force once "
                             "an admin verifies it)")
async def request_representation(body: RepresentationIn, principal: Principal,
                                 request: RequestRep) -> RepresentationOut:
    representation = await request(RequestRepresentationCommand(
        principal.user_id, **body.model_dump()))
    return RepresentationOut.of(representation)


@legal_capacity.post("/representations/{representation_id}/verify",
                     response_model=RepresentationOut,
                     summary="Verify a representation's document (admins)")
async def verify_representation(representation_id: UUID, principal: AdminPrincipal,
                                verify: VerifyRep) -> RepresentationOut:
    representation = await verify(VerifyRepresentationCommand(principal.user_id,
                                                                    representation_id))
    return RepresentationOut.of(representation)


@legal_capacity.post("/representations/{representation_id}/end",
                     response_model=RepresentationOut,
                     summary="End a legal representation at once (the representative, the "
                             "account holder or an admin)",
                     description="In force no more from this moment, not at the end of the "
                                 "day: no right to contract for the person, and no access nor "
                                 "alerts for the representative unless they see the person "
                                 "another way. 404 for one the caller neither holds nor sees "
                                 "the person of; 403 for one they see but may not end; 409 "
                                 "when it has ended already.")
async def end_representation(representation_id: UUID, principal: Principal,
                             end: EndRep) -> RepresentationOut:
    return RepresentationOut.of(await end(EndRepresentationCommand(principal.user_id,
                                                                   representation_id)))


@legal_capacity.get("/representative/{cared_person_id}", response_model=RepresentativeOut,
                    summary="The representation in force today (null when there is none)")
async def get_representative(cared_person_id: UUID, principal: Principal,
                             get: GetRep) -> RepresentativeOut:
    current = await get(GetRepresentativeQuery(viewer_of(principal), cared_person_id))
    return RepresentativeOut(
        representative=None if current is None else RepresentationOut.of(current))


@institutions.post("", status_code=CREATED, response_model=InstitutionOut,
                   summary="Create an institution; the caller becomes its admin")
async def create_institution(body: InstitutionIn, principal: Principal,
                             create: CreateInst) -> InstitutionOut:
    institution = await create(CreateInstitutionCommand(principal.user_id,
                                                             **body.model_dump()))
    return InstitutionOut.of(institution)


@institutions.get("/{institution_id}", response_model=InstitutionOut,
                  summary="An institution the caller works for")
async def get_institution(institution_id: UUID, principal: Principal,
                          get: GetInst) -> InstitutionOut:
    institution = await get(GetInstitutionQuery(viewer_of(principal), institution_id))
    return InstitutionOut.of(institution)


@institutions.post("/{institution_id}/staff", status_code=CREATED, response_model=InstitutionOut,
                   responses=subscription_required(GatedAction.INVITE_USER),
                   summary="Add a registered user, by email, as staff (the institution's admin)")
async def add_staff(institution_id: RunInstitution, body: StaffIn, principal: Principal,
                    add: AddStaff) -> InstitutionOut:
    institution = await add(AddInstitutionStaffCommand(principal.user_id, institution_id,
                                                            body.email, body.on_call))
    return InstitutionOut.of(institution)


@institutions.delete("/{institution_id}/staff/{user_id}", status_code=NO_CONTENT,
                     response_class=Response,
                     summary="Remove a member of staff, on call or not (the institution's "
                             "admin, or an admin)",
                     description="They no longer see the institution's cared persons nor are "
                                 "told of their alerts (on call: level 3), unless they see a "
                                 "person another way. The institution's admin is not removed "
                                 "this way: 409. 404 for an institution the caller does not "
                                 "work for; 403 for its staff who are not its admin.")
async def remove_staff(institution_id: UUID, user_id: UUID, principal: Principal,
                       remove: RemoveStaffUseCase) -> Response:
    await remove(RemoveStaffCommand(principal.user_id, institution_id, user_id))
    return Response(status_code=NO_CONTENT)

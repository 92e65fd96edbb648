"""Use cases of care (DOMAIN.md section 1), gathered from the ``care_*`` modules so that
callers import them from one place."""

from cuiot.application.care_capacity import (
    CapacityVerdict,
    CheckContractingRight,
    CheckContractingRightCommand,
    CheckLegalCapacity,
    CheckLegalCapacityCommand,
    ContractingRight,
    DeclareCapacityStatus,
    DeclareCapacityStatusCommand,
)
from cuiot.application.care_changes import UpdateCaredPerson, UpdateCaredPersonCommand
from cuiot.application.care_institutions import (
    AddInstitutionStaff,
    AddInstitutionStaffCommand,
    CreateInstitution,
    CreateInstitutionCommand,
    GetInstitution,
    GetInstitutionCommand,
    staffed_institution,
    visible_institution,
)
from cuiot.application.care_members import (
    AddMember,
    AddMemberCommand,
    AssignCaregiver,
    AssignCaregiverCommand,
)
from cuiot.application.care_persons import (
    AddCaredPerson,
    AddCaredPersonCommand,
    GetCaredPerson,
    GetCaredPersonCommand,
    ListCaredPersons,
    ListCaredPersonsCommand,
    emergency_contacts_from,
)
from cuiot.application.care_representation import (
    GetRepresentative,
    GetRepresentativeCommand,
    RequestRepresentation,
    RequestRepresentationCommand,
    VerifyRepresentation,
    VerifyRepresentationCommand,
)

__all__ = [
    "AddCaredPerson", "AddCaredPersonCommand", "AddInstitutionStaff",
    "AddInstitutionStaffCommand", "AddMember", "AddMemberCommand", "AssignCaregiver",
    "AssignCaregiverCommand", "CapacityVerdict", "CheckContractingRight",
    "CheckContractingRightCommand", "CheckLegalCapacity", "CheckLegalCapacityCommand",
    "ContractingRight", "CreateInstitution", "CreateInstitutionCommand",
    "DeclareCapacityStatus", "DeclareCapacityStatusCommand", "GetCaredPerson",
    "GetCaredPersonCommand", "GetInstitution", "GetInstitutionCommand",
    "GetRepresentative", "GetRepresentativeCommand",
    "ListCaredPersons", "ListCaredPersonsCommand", "RequestRepresentation",
    "RequestRepresentationCommand", "UpdateCaredPerson", "UpdateCaredPersonCommand",
    "VerifyRepresentation", "VerifyRepresentationCommand", "emergency_contacts_from",
    "staffed_institution", "visible_institution",
]

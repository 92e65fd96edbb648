"""Giving a user access to a cared person, and assigning caregivers."""

from __future__ import annotations

import pytest

from cuiot.application.billing import limits
from cuiot.application.care.commands.caregiving import AcceptCaregiving, AnswerInvitationCommand
from cuiot.application.care.commands.institutions import (
    AddInstitutionStaff,
    AddInstitutionStaffCommand,
    CreateInstitution,
    CreateInstitutionCommand,
)
from cuiot.application.care.commands.members import (
    AddMember,
    AddMemberCommand,
    AssignCaregiver,
    AssignCaregiverCommand,
)
from cuiot.domain.care import AssignmentStatus, CaregiverAssignment
from cuiot.domain.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PackageLimitExceeded,
    ValidationFailed,
)
from cuiot.domain.users import Role
from tests.support.care import Bench, LimitsRecorder


@pytest.fixture
def bench(uow, clock, ids, policy, hasher) -> Bench:
    return Bench(uow, clock, ids, policy, hasher)


async def test_the_account_holder_gives_a_user_access_by_email(bench: Bench) -> None:
    laura, pedro = await bench.user("Laura"), await bench.user("Pedro")
    rosa = await bench.delegated(laura)
    await bench.call(AddMember, AddMemberCommand(laura.id, rosa.id, "PEDRO@example.com"))
    assert bench.fresh(rosa).has_access(pedro.id)
    with pytest.raises(Conflict):
        await bench.member(laura, rosa, pedro)


async def test_the_active_representative_gives_access_too(bench: Bench) -> None:
    laura, marta, pedro = [await bench.user(n) for n in ("Laura", "Marta", "Pedro")]
    admin = await bench.admin()
    rosa = await bench.delegated(laura)
    await bench.member(laura, rosa, marta)
    await bench.representation(marta, rosa, verified_by=admin)
    await bench.member(marta, rosa, pedro)
    assert bench.fresh(rosa).has_access(pedro.id)


async def test_a_member_does_not_give_access_and_a_stranger_does_not_find_the_person(
        bench: Bench) -> None:
    laura, pedro, juan = [await bench.user(n) for n in ("Laura", "Pedro", "Juan")]
    rosa = await bench.delegated(laura)
    await bench.member(laura, rosa, pedro)
    with pytest.raises(Forbidden):
        await bench.member(pedro, rosa, juan)
    with pytest.raises(NotFound):
        await bench.member(juan, rosa, juan)
    with pytest.raises(NotFound):
        await bench.call(AddMember, AddMemberCommand(laura.id, rosa.id,
                                                               "nobody@example.com"))


async def test_a_new_user_of_the_account_passes_the_user_limit_gate(
        bench: Bench, monkeypatch: pytest.MonkeyPatch) -> None:
    laura, pedro = await bench.user("Laura"), await bench.user("Pedro")
    rosa, juan = await bench.delegated(laura), await bench.delegated(laura, "Juan")
    gate = LimitsRecorder()
    monkeypatch.setattr(limits, "ensure_within_limits", gate)
    await bench.member(laura, rosa, pedro)
    assert gate.calls == [{"account_id": laura.id, "institution_id": None,
                           "adding": {"users": 1}, "policy": bench.policy}]
    await bench.member(laura, juan, pedro)  # already counted for the account
    assert len(gate.calls) == 1


async def test_the_user_limit_refuses_a_new_member(bench: Bench,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    laura, pedro = await bench.user("Laura"), await bench.user("Pedro")
    rosa = await bench.delegated(laura)
    refusal = PackageLimitExceeded([{"dimension": "users", "used": 2, "limit": 2}])
    monkeypatch.setattr(limits, "ensure_within_limits", LimitsRecorder(refusal))
    with pytest.raises(PackageLimitExceeded):
        await bench.member(laura, rosa, pedro)
    assert not bench.fresh(rosa).has_access(pedro.id)


async def test_a_caregiver_is_invited_and_an_accepted_primary_replaces_the_old(
        bench: Bench) -> None:
    laura = await bench.user("Laura")
    eva = await bench.user("Eva", None, Role.CAREGIVER)
    luz = await bench.user("Luz", None, Role.CAREGIVER)
    rosa = await bench.delegated(laura)
    assign = bench.use_case(AssignCaregiver)
    invited = await assign(AssignCaregiverCommand(laura.id, rosa.id, eva.id, primary=True))
    assert invited == CaregiverAssignment(eva.id, True, AssignmentStatus.PENDING)
    assert not bench.fresh(rosa).has_access(eva.id)
    await bench.call(AcceptCaregiving, AnswerInvitationCommand(eva.id, rosa.id, eva.id))
    await assign(AssignCaregiverCommand(laura.id, rosa.id, luz.id, primary=True))
    assert bench.fresh(rosa).primary_caregiver_id == eva.id  # until Luz accepts
    await bench.call(AcceptCaregiving, AnswerInvitationCommand(luz.id, rosa.id, luz.id))
    rosa = bench.fresh(rosa)
    assert rosa.is_cared_for_by(eva.id) and rosa.primary_caregiver_id == luz.id
    with pytest.raises(Conflict):
        await assign(AssignCaregiverCommand(laura.id, rosa.id, eva.id))


async def test_only_a_caregiver_is_assigned_and_only_by_who_manages(bench: Bench) -> None:
    laura, pedro = await bench.user("Laura"), await bench.user("Pedro")
    eva = await bench.user("Eva", None, Role.CAREGIVER)
    rosa = await bench.delegated(laura)
    await bench.member(laura, rosa, pedro)
    assign = bench.use_case(AssignCaregiver)
    with pytest.raises(ValidationFailed):
        await assign(AssignCaregiverCommand(laura.id, rosa.id, pedro.id))
    with pytest.raises(Forbidden):
        await assign(AssignCaregiverCommand(pedro.id, rosa.id, eva.id))
    with pytest.raises(NotFound):
        await assign(AssignCaregiverCommand(laura.id, rosa.id, bench.ids.new_id()))
    assert not bench.fresh(rosa).caregivers


async def test_staff_already_count_for_their_institution(
        bench: Bench, monkeypatch: pytest.MonkeyPatch) -> None:
    director, nurse = await bench.user("Director"), await bench.user("Nurse")
    home = await bench.call(CreateInstitution,
                            CreateInstitutionCommand(director.id, "Hogar Sol"))
    await bench.subscribe_institution(home)
    await bench.call(AddInstitutionStaff, AddInstitutionStaffCommand(
        director.id, home.id, "nurse@example.com"))
    rosa = await bench.delegated(director, institution_id=home.id)
    gate = LimitsRecorder()
    monkeypatch.setattr(limits, "ensure_within_limits", gate)
    await bench.member(director, rosa, nurse)
    assert [(c["account_id"], c["institution_id"]) for c in gate.calls] == [(director.id, None)]


async def test_adding_staff_passes_the_institutions_user_limit(
        bench: Bench, monkeypatch: pytest.MonkeyPatch) -> None:
    director, nurse = await bench.user("Director"), await bench.user("Nurse")
    home = await bench.call(CreateInstitution,
                            CreateInstitutionCommand(director.id, "Hogar Sol"))
    await bench.subscribe_institution(home)
    refusal = PackageLimitExceeded([{"dimension": "users", "used": 100, "limit": 100}])
    gate = LimitsRecorder(refusal)
    monkeypatch.setattr(limits, "ensure_within_limits", gate)
    with pytest.raises(PackageLimitExceeded):
        await bench.call(AddInstitutionStaff, AddInstitutionStaffCommand(
            director.id, home.id, "nurse@example.com"))
    assert gate.calls[0]["institution_id"] == home.id
    assert not bench.fresh(home).is_staff(nurse.id)

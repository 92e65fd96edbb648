"""Adding cared persons and adding staff. (Seeing and listing them are reads:
``tests/integration/test_care_views.py``.)"""

from __future__ import annotations

from datetime import date

import pytest

from cuiot.application.billing import limits
from cuiot.application.care.commands.institutions import (
    AddInstitutionStaff,
    AddInstitutionStaffCommand,
    CreateInstitution,
    CreateInstitutionCommand,
)
from cuiot.domain.care import CareType, EmergencyContact
from cuiot.domain.errors import (
    Conflict,
    Forbidden,
    LegalCapacityDenied,
    NotFound,
    PackageLimitExceeded,
    ValidationFailed,
)
from cuiot.domain.users import CapacityStatus
from tests.support.care import Bench, LimitsRecorder


@pytest.fixture
def bench(uow, clock, ids, policy, hasher) -> Bench:
    return Bench(uow, clock, ids, policy, hasher)


async def test_a_cared_person_is_delegated_and_held_by_the_actor_by_default(bench: Bench) -> None:
    laura = await bench.user("Laura")
    rosa = await bench.delegated(laura, emergency_contacts=({"name": "Vecina", "phone": "5"},),
                                 thresholds={"blood_pressure": {"systolic_high": 150}})
    assert (rosa.account_id, rosa.user_id, rosa.care_type, rosa.capacity_status) == (
        laura.id, None, CareType.DELEGATED, CapacityStatus.FULL)
    assert rosa.emergency_contacts == [EmergencyContact("Vecina", phone="5")]
    assert rosa.thresholds == {"blood_pressure": {"systolic_high": 150}}
    assert await bench.uow.cared_persons.get(rosa.id) is rosa


@pytest.mark.parametrize("fields", [{"care_type": "alone"}, {"capacity_status": "partial"},
                                    {"dob": date(2026, 1, 16)},
                                    {"emergency_contacts": ({"name": "X", "fax": "1"},)}])
async def test_adding_a_cared_person_validates_its_fields(bench: Bench, fields: dict) -> None:
    laura = await bench.user("Laura")
    with pytest.raises(ValidationFailed):
        await bench.delegated(laura, **fields)


async def test_adding_a_cared_person_passes_the_patient_limit_gate(
        bench: Bench, monkeypatch: pytest.MonkeyPatch) -> None:
    gate = LimitsRecorder(PackageLimitExceeded([{"dimension": "patients", "used": 100,
                                                 "limit": 100}]))
    monkeypatch.setattr(limits, "ensure_within_limits", gate)
    laura = await bench.user("Laura")
    with pytest.raises(PackageLimitExceeded):
        await bench.delegated(laura)
    assert gate.calls[0]["adding"] == {"patients": 1}
    assert gate.calls[0]["account_id"] == laura.id
    assert not list(bench.uow.cared_persons.all())


async def test_a_capable_adult_is_their_own_cared_person(bench: Bench) -> None:
    elena = await bench.user("Elena", date(2008, 1, 15))
    self_care = await bench.self_care(elena)
    assert (self_care.user_id, self_care.account_id) == (elena.id, elena.id)
    assert self_care.date_of_birth == date(2008, 1, 15)
    with pytest.raises(Conflict):
        await bench.self_care(elena)


@pytest.mark.parametrize(("dob", "status", "reason"), [
    (date(2008, 1, 16), "full", "minor"),
    (date(1950, 5, 10), "restricted", "restricted_capacity"),
    (None, "full", "missing_date_of_birth"),
])
async def test_self_care_is_refused_to_whoever_cannot_contract(
        bench: Bench, dob: date | None, status: str, reason: str) -> None:
    elena = await bench.user("Elena", dob)
    with pytest.raises(LegalCapacityDenied) as caught:
        await bench.self_care(elena, capacity_status=status)
    assert caught.value.reason == reason


async def test_self_care_keeps_the_capacity_a_court_declared(bench: Bench) -> None:
    elena = await bench.user("Elena")
    elena.declare_capacity(CapacityStatus.INCAPACITATED)
    with pytest.raises(LegalCapacityDenied) as caught:
        await bench.self_care(elena, capacity_status="full")
    assert caught.value.reason == "incapacitated"


async def test_only_staff_add_a_cared_person_to_an_institution(bench: Bench) -> None:
    director, laura = await bench.user("Director"), await bench.user("Laura")
    home = await bench.call(CreateInstitution,
                            CreateInstitutionCommand(director.id, "Hogar Sol"))
    rosa = await bench.delegated(director, institution_id=home.id)
    assert rosa.institution_id == home.id
    with pytest.raises(NotFound):  # not hers to see: as if it did not exist
        await bench.delegated(laura, institution_id=home.id)
    with pytest.raises(NotFound):
        await bench.delegated(laura, institution_id=bench.ids.new_id())


async def test_only_the_institution_admin_adds_staff(bench: Bench) -> None:
    director, nurse = await bench.user("Director"), await bench.user("Nurse")
    home = await bench.call(CreateInstitution, CreateInstitutionCommand(
        director.id, "Hogar Sol", email="Info@Hogar.com"))
    assert home.email == "info@hogar.com"
    await bench.subscribe_institution(home)
    add = bench.use_case(AddInstitutionStaff)
    await add(AddInstitutionStaffCommand(director.id, home.id, "nurse@example.com"))
    with pytest.raises(Forbidden):
        await add(AddInstitutionStaffCommand(nurse.id, home.id, "director@example.com"))
    with pytest.raises(NotFound):
        await add(AddInstitutionStaffCommand(director.id, home.id, "who@example.com"))
    with pytest.raises(Conflict):
        await add(AddInstitutionStaffCommand(director.id, home.id, "nurse@example.com"))

"""Changing a cared person: names by anyone who sees them, the care by whoever may
contract for them."""

from __future__ import annotations

from datetime import date

import pytest

from cuiot.application.billing import limits
from cuiot.application.care.commands.changes import UpdateCaredPerson, UpdateCaredPersonCommand
from cuiot.application.care.commands.institutions import CreateInstitution, CreateInstitutionCommand
from cuiot.domain.care import CareType, EmergencyContact
from cuiot.domain.errors import (
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


async def update(bench: Bench, actor_id, cared_id, **fields) -> object:
    return await bench.call(UpdateCaredPerson,
                            UpdateCaredPersonCommand(actor_id, cared_id, **fields))


async def test_anyone_who_sees_the_person_fixes_the_names(bench: Bench) -> None:
    laura, pedro = await bench.user("Laura"), await bench.user("Pedro")
    rosa = await bench.delegated(laura)
    await bench.member(laura, rosa, pedro)
    await update(bench, pedro.id, rosa.id, first_name="Rosa María")
    assert rosa.full_name == "Rosa María Gómez"


async def test_a_stranger_does_not_find_the_person_to_change(bench: Bench) -> None:
    laura, pedro = await bench.user("Laura"), await bench.user("Pedro")
    rosa = await bench.delegated(laura)
    with pytest.raises(NotFound):
        await update(bench, pedro.id, rosa.id, first_name="X")


@pytest.mark.parametrize("change", [
    {"capacity_status": "restricted"}, {"care_type": "self_care"},
    {"thresholds": {"gas": {}}}, {"emergency_contacts": ()},
    {"date_of_birth": date(1941, 1, 1)},
])
async def test_changing_the_care_needs_the_right_to_contract(bench: Bench, change: dict) -> None:
    laura = await bench.user("Laura")
    rosa = await bench.delegated(laura)
    with pytest.raises(LegalCapacityDenied) as caught:
        await update(bench, laura.id, rosa.id, first_name="Rosita", **change)
    assert caught.value.reason == "no_active_representative"
    rosa = bench.fresh(rosa)
    assert (rosa.first_name, rosa.capacity_status) == ("Rosa", CapacityStatus.FULL)


async def test_the_representative_changes_the_care(bench: Bench) -> None:
    laura, admin = await bench.user("Laura"), await bench.admin()
    rosa = await bench.delegated(laura)
    await bench.representation(laura, rosa, verified_by=admin)
    await update(bench, laura.id, rosa.id, capacity_status="incapacitated",
                 thresholds={"inactivity_hours": 3},
                 emergency_contacts=({"name": "Vecina", "email": "v@x.com"},))
    assert rosa.capacity_status is CapacityStatus.INCAPACITATED
    assert rosa.thresholds == {"inactivity_hours": 3}
    assert rosa.emergency_contacts == [EmergencyContact("Vecina", email="v@x.com")]


async def test_someone_else_with_access_is_not_the_representative(bench: Bench) -> None:
    laura, pedro, admin = await bench.user("Laura"), await bench.user("Pedro"), await bench.admin()
    rosa = await bench.delegated(laura)
    await bench.member(laura, rosa, pedro)
    await bench.representation(laura, rosa, verified_by=admin)
    with pytest.raises(LegalCapacityDenied) as caught:
        await update(bench, pedro.id, rosa.id, capacity_status="restricted")
    assert caught.value.reason == "not_the_representative"


async def test_self_care_cannot_become_unlawful(bench: Bench) -> None:
    elena = await bench.user("Elena")
    me = await bench.self_care(elena)
    with pytest.raises(LegalCapacityDenied) as caught:
        await update(bench, elena.id, me.id, capacity_status="restricted")
    assert caught.value.reason == "restricted_capacity"
    assert bench.fresh(me).capacity_status is CapacityStatus.FULL
    await update(bench, elena.id, me.id, capacity_status="restricted", care_type="delegated")
    me = bench.fresh(me)
    assert (me.care_type, me.capacity_status) == (CareType.DELEGATED, "restricted")


async def test_delegated_care_becomes_self_care_only_for_a_person_with_an_account(
        bench: Bench) -> None:
    laura, admin = await bench.user("Laura"), await bench.admin()
    rosa = await bench.delegated(laura)
    await bench.representation(laura, rosa, verified_by=admin)
    with pytest.raises(ValidationFailed):
        await update(bench, laura.id, rosa.id, care_type="self_care")


async def test_moving_to_an_institution_needs_its_staff_and_its_limit(
        bench: Bench, monkeypatch: pytest.MonkeyPatch) -> None:
    director, admin = await bench.user("Director"), await bench.admin()
    other = await bench.user("Other")
    home = await bench.call(CreateInstitution,
                            CreateInstitutionCommand(director.id, "Hogar Sol"))
    rosa = await bench.delegated(director)
    await bench.representation(director, rosa, verified_by=admin)
    tito = await bench.delegated(other, "Tito")
    await bench.representation(other, tito, verified_by=admin)
    with pytest.raises(NotFound):  # not hers to see
        await update(bench, other.id, tito.id, institution_id=home.id)
    gate = LimitsRecorder(PackageLimitExceeded([{"dimension": "patients", "used": 1,
                                                 "limit": 1}]))
    monkeypatch.setattr(limits, "ensure_within_limits", gate)
    with pytest.raises(PackageLimitExceeded):
        await update(bench, director.id, rosa.id, institution_id=home.id)
    assert gate.calls[-1]["institution_id"] == home.id
    assert bench.fresh(rosa).institution_id is None
    gate.refuse = None
    await update(bench, director.id, rosa.id, institution_id=home.id)
    assert bench.fresh(rosa).institution_id == home.id

"""Asking for, verifying and finding a legal representation; checking capacity and the
right to contract through the use cases."""

from __future__ import annotations

from datetime import date

import pytest

from cuiot.application.care.commands.capacity import CapacityVerdict, CheckContractingRight, CheckContractingRightCommand, CheckLegalCapacity, CheckLegalCapacityCommand, ContractingRight, DeclareCapacityStatus, DeclareCapacityStatusCommand
from cuiot.application.care.commands.representation import GetRepresentative, GetRepresentativeCommand, RequestRepresentation, RequestRepresentationCommand, VerifyRepresentation, VerifyRepresentationCommand
from cuiot.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from cuiot.domain.users import CapacityStatus
from tests.support.care import Bench


@pytest.fixture
def bench(uow, clock, ids, policy, hasher) -> Bench:
    return Bench(uow, clock, ids, policy, hasher)


async def representative_of(bench: Bench, actor_id, cared_id):
    return await bench.call(GetRepresentative,
                            GetRepresentativeCommand(actor_id, cared_id))


async def test_a_request_is_unverified_until_an_admin_verifies_it(bench: Bench) -> None:
    laura, admin = await bench.user("Laura"), await bench.admin()
    rosa = await bench.delegated(laura)
    rep = await bench.representation(laura, rosa, valid_until=date(2027, 1, 1))
    assert (rep.verified, rep.relationship, rep.valid_until) == (False, "child", date(2027, 1, 1))
    assert await representative_of(bench, laura.id, rosa.id) is None
    verified = await bench.call(VerifyRepresentation,
                                VerifyRepresentationCommand(admin.id, rep.id))
    assert (verified.verified, verified.verified_by) == (True, admin.id)
    assert (await representative_of(bench, laura.id, rosa.id)).representative_id == laura.id


async def test_only_an_admin_verifies_and_only_once(bench: Bench) -> None:
    laura, admin = await bench.user("Laura"), await bench.admin()
    rosa = await bench.delegated(laura)
    rep = await bench.representation(laura, rosa)
    verify = bench.use_case(VerifyRepresentation)
    with pytest.raises(Forbidden):
        await verify(VerifyRepresentationCommand(laura.id, rep.id))
    await verify(VerifyRepresentationCommand(admin.id, rep.id))
    with pytest.raises(Conflict):
        await verify(VerifyRepresentationCommand(admin.id, rep.id))
    with pytest.raises(NotFound):
        await verify(VerifyRepresentationCommand(admin.id, bench.ids.new_id()))


async def test_a_request_needs_access_a_delegated_person_and_valid_fields(bench: Bench) -> None:
    laura, pedro = await bench.user("Laura"), await bench.user("Pedro")
    rosa, elena = await bench.delegated(laura), await bench.self_care(laura)
    request = bench.use_case(RequestRepresentation)
    with pytest.raises(NotFound):
        await bench.representation(pedro, rosa)
    with pytest.raises(Conflict):
        await bench.representation(laura, elena)
    for relationship, document in (("cousin", "poder"), ("child", " ")):
        with pytest.raises(ValidationFailed):
            await request(RequestRepresentationCommand(
                laura.id, rosa.id, relationship, document, date(2025, 1, 1)))
    with pytest.raises(ValidationFailed):
        await bench.representation(laura, rosa, valid_from=date(2025, 1, 2),
                                   valid_until=date(2025, 1, 1))


async def test_the_representative_is_shown_only_to_those_who_see_the_person(
        bench: Bench) -> None:
    laura, pedro = await bench.user("Laura"), await bench.user("Pedro")
    rosa = await bench.delegated(laura)
    with pytest.raises(NotFound):
        await representative_of(bench, pedro.id, rosa.id)


async def check(bench: Bench, actor_id, **fields) -> CapacityVerdict:
    return await bench.call(CheckLegalCapacity,
                            CheckLegalCapacityCommand(actor_id, **fields))


async def test_capacity_is_checked_for_given_data_on_a_given_day(bench: Bench) -> None:
    laura = await bench.user("Laura")
    dob = date(2008, 3, 16)
    assert await check(bench, laura.id, date_of_birth=dob, on_date=date(2026, 3, 15)) == \
        CapacityVerdict(False, 17, "minor")
    assert await check(bench, laura.id, date_of_birth=dob, on_date=date(2026, 3, 16)) == \
        CapacityVerdict(True, 18, None)
    assert await check(bench, laura.id, date_of_birth=date(1950, 1, 1),
                       capacity_status="incapacitated") == \
        CapacityVerdict(False, 76, "incapacitated")
    with pytest.raises(ValidationFailed):
        await check(bench, laura.id, capacity_status="weak")


async def test_capacity_of_a_user_is_for_themselves_and_admins(bench: Bench) -> None:
    laura, pedro, admin = await bench.user("Laura"), await bench.user("Pedro", None), \
        await bench.admin()
    assert await check(bench, laura.id, user_id=laura.id) == CapacityVerdict(True, 50, None)
    assert await check(bench, admin.id, user_id=pedro.id) == \
        CapacityVerdict(False, None, "missing_date_of_birth")
    with pytest.raises(NotFound):
        await check(bench, laura.id, user_id=pedro.id)


async def test_capacity_of_a_cared_person_needs_access(bench: Bench) -> None:
    laura, pedro = await bench.user("Laura"), await bench.user("Pedro")
    rosa = await bench.delegated(laura, capacity_status="restricted")
    assert await check(bench, laura.id, cared_person_id=rosa.id) == \
        CapacityVerdict(False, 85, "restricted_capacity")
    with pytest.raises(NotFound):
        await check(bench, pedro.id, cared_person_id=rosa.id)
    with pytest.raises(ValidationFailed):
        await check(bench, laura.id, cared_person_id=rosa.id, user_id=laura.id)


async def right(bench: Bench, actor_id, cared_id, on=None) -> ContractingRight:
    return await bench.call(CheckContractingRight,
                            CheckContractingRightCommand(actor_id, cared_id, on))


async def test_the_right_to_contract_follows_the_representation(bench: Bench) -> None:
    laura, marta, admin = await bench.user("Laura"), await bench.user("Marta", date(2008, 3, 16)), \
        await bench.admin()
    rosa = await bench.delegated(laura)
    assert await right(bench, laura.id, rosa.id) == \
        ContractingRight(False, "no_active_representative")
    await bench.member(laura, rosa, marta)
    await bench.representation(marta, rosa, verified_by=admin, valid_until=date(2026, 12, 31))
    assert await right(bench, laura.id, rosa.id) == \
        ContractingRight(False, "not_the_representative")
    assert await right(bench, marta.id, rosa.id) == \
        ContractingRight(False, "representative_cannot_contract", "minor")
    assert await right(bench, marta.id, rosa.id, date(2026, 3, 16)) == ContractingRight(True)
    assert await right(bench, marta.id, rosa.id, date(2027, 1, 1)) == \
        ContractingRight(False, "no_active_representative")


async def test_the_right_to_contract_needs_access(bench: Bench) -> None:
    laura, pedro = await bench.user("Laura"), await bench.user("Pedro")
    rosa = await bench.delegated(laura)
    with pytest.raises(NotFound):
        await right(bench, pedro.id, rosa.id)


async def test_an_admin_records_a_courts_declaration_on_the_user_and_their_self_care(
        bench: Bench) -> None:
    elena, admin = await bench.user("Elena"), await bench.admin()
    own = await bench.self_care(elena)
    declare = bench.use_case(DeclareCapacityStatus)
    with pytest.raises(Forbidden):
        await declare(DeclareCapacityStatusCommand(elena.id, elena.id, "full"))
    await declare(DeclareCapacityStatusCommand(admin.id, elena.id, "restricted"))
    assert bench.fresh(elena).capacity_status is CapacityStatus.RESTRICTED
    assert bench.fresh(own).capacity_status is CapacityStatus.RESTRICTED
    assert await right(bench, elena.id, own.id) == \
        ContractingRight(False, "restricted_capacity")
    with pytest.raises(NotFound):
        await declare(DeclareCapacityStatusCommand(admin.id, bench.ids.new_id(), "full"))

"""The reads of care over the real views, on SQLite and PostgreSQL: seeing and listing
cared persons, seeing an institution, the representation in force, and the capacity and
contracting-right checks. The scene is set through the use cases (``SqlBench``); each
read runs in a read transaction as a request does, its viewer's roles read as
authentication reads them. (These were use-case tests over the in-memory fakes; their
assertions are the same.)"""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.care import SqlCareViews
from cuiot.application.care.commands.capacity import (
    DeclareCapacityStatus,
    DeclareCapacityStatusCommand,
)
from cuiot.application.care.commands.institutions import (
    AddInstitutionStaff,
    AddInstitutionStaffCommand,
    CreateInstitution,
    CreateInstitutionCommand,
)
from cuiot.application.care.commands.representation import (
    VerifyRepresentation,
    VerifyRepresentationCommand,
)
from cuiot.application.care.ports import CaredPersonView
from cuiot.application.care.queries.capacity import (
    CapacityVerdict,
    CheckContractingRight,
    CheckContractingRightQuery,
    CheckLegalCapacity,
    CheckLegalCapacityQuery,
    ContractingRight,
)
from cuiot.application.care.queries.institutions import GetInstitution, GetInstitutionQuery
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
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.care import Institution
from cuiot.domain.errors import Forbidden, NotFound, ValidationFailed
from cuiot.domain.users import CapacityStatus, Role, User
from tests.support.care import SqlBench
from tests.support.statements import statements


@pytest.fixture
def bench(engine, sql_uow, clock, ids, policy, hasher) -> SqlBench:
    return SqlBench(sql_uow(), engine, clock, ids, policy, hasher)


async def seen(bench: SqlBench, actor_id: UUID, cared_id: UUID) -> CaredPersonView:
    return await bench.read(GetCaredPerson, lambda v: GetCaredPersonQuery(v, cared_id),
                            actor_id)


async def listing(bench: SqlBench, actor_id: UUID, offset: int = 0,
                  limit: int = 50) -> list[CaredPersonView]:
    """A page as the list shows it: the view reads one row more, which only tells the
    caller that more follow (checked in ``test_the_list_of_cared_persons_pages...``)."""
    found = await bench.read(
        ListCaredPersons, lambda v: ListCaredPersonsQuery(v, Window(offset, limit)), actor_id)
    return found[:limit]


async def listed(bench: SqlBench, actor_id: UUID) -> list:
    return [cp.id for cp in await listing(bench, actor_id)]


async def test_a_stranger_does_not_find_someone_elses_cared_person(bench: SqlBench) -> None:
    laura, pedro, admin = await bench.user("Laura"), await bench.user("Pedro"), await bench.admin()
    rosa = await bench.delegated(laura)
    assert (await seen(bench, laura.id, rosa.id)).id == rosa.id
    assert (await seen(bench, admin.id, rosa.id)).id == rosa.id
    with pytest.raises(NotFound):
        await seen(bench, pedro.id, rosa.id)


async def test_the_list_holds_only_the_persons_the_actor_may_see(bench: SqlBench) -> None:
    laura, pedro, admin = await bench.user("Laura"), await bench.user("Pedro"), await bench.admin()
    rosa, juan = await bench.delegated(laura), await bench.delegated(laura, "Juan")
    own = await bench.delegated(pedro, "Tito")
    await bench.member(laura, juan, pedro)
    assert await listed(bench, laura.id) == [rosa.id, juan.id]
    assert await listed(bench, pedro.id) == [juan.id, own.id]
    assert await listed(bench, admin.id) == []


async def test_a_represented_person_appears_in_the_representatives_list(
        bench: SqlBench) -> None:
    laura, marta, admin = await bench.user("Laura"), await bench.user("Marta"), await bench.admin()
    rosa = await bench.delegated(laura)
    await bench.member(laura, rosa, marta)
    await bench.representation(marta, rosa, verified_by=admin)
    # access now rests on the representation alone
    await bench.change(rosa, lambda stored: stored.member_ids.clear())
    assert await listed(bench, marta.id) == [rosa.id]


async def test_institution_staff_see_its_cared_persons(bench: SqlBench) -> None:
    director, nurse = await bench.user("Director"), await bench.user("Nurse")
    home = await bench.call(CreateInstitution,
                            CreateInstitutionCommand(director.id, "Hogar Sol"))
    await bench.subscribe_institution(home)  # adding staff needs one
    await bench.call(AddInstitutionStaff, AddInstitutionStaffCommand(
        director.id, home.id, "nurse@example.com", on_call=True))
    rosa = await bench.delegated(director, institution_id=home.id)
    assert await listed(bench, nurse.id) == [rosa.id]
    assert (await bench.stored(director)).has_role(Role.INSTITUTION_ADMIN, bench.clock.now())
    assert nurse.id in (await bench.stored(home)).on_call_ids


async def home_of(bench: SqlBench, director: User) -> Institution:
    return await bench.call(CreateInstitution,
                            CreateInstitutionCommand(director.id, "Hogar Sol"))


async def institution_seen(bench: SqlBench, actor_id: UUID, institution_id: UUID):
    return await bench.read(GetInstitution,
                            lambda v: GetInstitutionQuery(v, institution_id), actor_id)


async def test_staff_its_admin_and_platform_admins_see_an_institution(
        bench: SqlBench) -> None:
    director, nurse, admin = await bench.user("Director"), await bench.user("Nurse"), \
        await bench.admin()
    home = await home_of(bench, director)
    await bench.subscribe_institution(home)  # adding staff needs one
    await bench.call(AddInstitutionStaff, AddInstitutionStaffCommand(
        director.id, home.id, "nurse@example.com", on_call=True))
    for actor in (director, nurse, admin):
        seen = await institution_seen(bench, actor.id, home.id)
        assert seen.id == home.id and seen.on_call_ids == {nurse.id}


async def test_nobody_else_finds_an_institution(bench: SqlBench) -> None:
    director, laura = await bench.user("Director"), await bench.user("Laura")
    home = await home_of(bench, director)
    with pytest.raises(NotFound):
        await institution_seen(bench, laura.id, home.id)
    with pytest.raises(NotFound):
        await institution_seen(bench, director.id, bench.ids.new_id())


async def test_the_list_of_cared_persons_pages_oldest_first(bench: SqlBench) -> None:
    laura = await bench.user("Laura")
    added = [await bench.delegated(laura, name) for name in ("Rosa", "Juan", "Tito")]
    page = await listing(bench, laura.id, offset=1, limit=1)
    everyone = await listing(bench, laura.id)
    rest = await listing(bench, laura.id, offset=2, limit=5)
    assert [cp.id for cp in page] == [added[1].id]
    assert [cp.id for cp in everyone] == [cp.id for cp in added]
    assert [cp.id for cp in rest] == [added[2].id]
    read = await bench.read(ListCaredPersons,
                            lambda v: ListCaredPersonsQuery(v, Window(1, 1)), laura.id)
    assert [cp.id for cp in read] == [added[1].id, added[2].id]  # one more: more follow
    with pytest.raises(ValidationFailed):
        await listing(bench, laura.id, offset=-1)


async def test_a_person_is_read_with_members_caregivers_and_contacts(bench: SqlBench) -> None:
    laura, pedro = await bench.user("Laura"), await bench.user("Pedro")
    carla, tito = (await bench.user("Carla", date(1980, 1, 1), Role.CAREGIVER),
                   await bench.user("Tito", date(1980, 1, 1), Role.CAREGIVER))
    rosa = await bench.delegated(laura, emergency_contacts=({"name": "Vecina", "phone": "5"},),
                                 thresholds={"pulse_high_above": 110})
    await bench.member(laura, rosa, pedro)

    async def assign(stored, caregiver: User, primary: bool) -> None:
        stored.assign_caregiver(caregiver.id, primary=primary)
    await bench.change(rosa, lambda stored: assign(stored, tito, False))
    await bench.change(rosa, lambda stored: assign(stored, carla, True))
    view = await seen(bench, pedro.id, rosa.id)
    stored = await bench.stored(rosa)
    assert view.member_ids == stored.member_ids == {pedro.id}
    assert list(view.caregivers) == list(stored.caregivers)
    assert view.caregivers[0].caregiver_id == carla.id and view.caregivers[0].primary
    assert list(view.emergency_contacts) == stored.emergency_contacts
    assert view.thresholds == {"pulse_high_above": 110}
    assert (view.care_type, view.capacity_status) == (stored.care_type, stored.capacity_status)
    [listed_view] = await listing(bench, pedro.id)
    assert listed_view == view


async def representative_of(bench: SqlBench, actor_id, cared_id):
    return await bench.read(GetRepresentative,
                            lambda v: GetRepresentativeQuery(v, cared_id), actor_id)


async def test_a_request_is_unverified_until_an_admin_verifies_it(bench: SqlBench) -> None:
    laura, admin = await bench.user("Laura"), await bench.admin()
    rosa = await bench.delegated(laura)
    rep = await bench.representation(laura, rosa, valid_until=date(2027, 1, 1))
    assert (rep.verified, rep.relationship, rep.valid_until) == (False, "child", date(2027, 1, 1))
    assert await representative_of(bench, laura.id, rosa.id) is None
    verified = await bench.call(VerifyRepresentation,
                                VerifyRepresentationCommand(admin.id, rep.id))
    assert (verified.verified, verified.verified_by) == (True, admin.id)
    assert (await representative_of(bench, laura.id, rosa.id)).representative_id == laura.id


async def test_the_representative_is_shown_only_to_those_who_see_the_person(
        bench: SqlBench) -> None:
    laura, pedro = await bench.user("Laura"), await bench.user("Pedro")
    rosa = await bench.delegated(laura)
    with pytest.raises(NotFound):
        await representative_of(bench, pedro.id, rosa.id)


async def check(bench: SqlBench, actor_id, **fields) -> CapacityVerdict:
    return await bench.read(CheckLegalCapacity,
                            lambda v: CheckLegalCapacityQuery(v, **fields), actor_id)


async def test_capacity_is_checked_for_given_data_on_a_given_day(bench: SqlBench) -> None:
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


async def test_capacity_of_a_user_is_for_themselves_and_admins(bench: SqlBench) -> None:
    laura, pedro, admin = await bench.user("Laura"), await bench.user("Pedro", None), \
        await bench.admin()
    assert await check(bench, laura.id, user_id=laura.id) == CapacityVerdict(True, 50, None)
    assert await check(bench, admin.id, user_id=pedro.id) == \
        CapacityVerdict(False, None, "missing_date_of_birth")
    with pytest.raises(NotFound):
        await check(bench, laura.id, user_id=pedro.id)


async def test_capacity_of_a_cared_person_needs_access(bench: SqlBench) -> None:
    laura, pedro = await bench.user("Laura"), await bench.user("Pedro")
    rosa = await bench.delegated(laura, capacity_status="restricted")
    assert await check(bench, laura.id, cared_person_id=rosa.id) == \
        CapacityVerdict(False, 85, "restricted_capacity")
    with pytest.raises(NotFound):
        await check(bench, pedro.id, cared_person_id=rosa.id)
    with pytest.raises(ValidationFailed):
        await check(bench, laura.id, cared_person_id=rosa.id, user_id=laura.id)


async def right(bench: SqlBench, actor_id, cared_id, on=None) -> ContractingRight:
    return await bench.read(CheckContractingRight,
                            lambda v: CheckContractingRightQuery(v, cared_id, on), actor_id)


async def test_the_right_to_contract_follows_the_representation(bench: SqlBench) -> None:
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


async def test_the_right_to_contract_needs_access(bench: SqlBench) -> None:
    laura, pedro = await bench.user("Laura"), await bench.user("Pedro")
    rosa = await bench.delegated(laura)
    with pytest.raises(NotFound):
        await right(bench, pedro.id, rosa.id)


async def test_an_admin_records_a_courts_declaration_on_the_user_and_their_self_care(
        bench: SqlBench) -> None:
    elena, admin = await bench.user("Elena"), await bench.admin()
    own = await bench.self_care(elena)
    declare = bench.use_case(DeclareCapacityStatus)
    with pytest.raises(Forbidden):
        await declare(DeclareCapacityStatusCommand(elena.id, elena.id, "full"))
    await declare(DeclareCapacityStatusCommand(admin.id, elena.id, "restricted"))
    assert (await bench.stored(elena)).capacity_status is CapacityStatus.RESTRICTED
    assert (await bench.stored(own)).capacity_status is CapacityStatus.RESTRICTED
    assert await right(bench, elena.id, own.id) == \
        ContractingRight(False, "restricted_capacity")
    with pytest.raises(NotFound):
        await declare(DeclareCapacityStatusCommand(admin.id, bench.ids.new_id(), "full"))


async def test_each_read_is_one_statement(bench: SqlBench, engine) -> None:
    laura, pedro = await bench.user("Laura"), await bench.user("Pedro")
    carla = await bench.user("Carla", date(1980, 1, 1), Role.CAREGIVER)
    home = await home_of(bench, laura)
    await bench.subscribe_institution(home)  # adding staff needs one
    await bench.call(AddInstitutionStaff, AddInstitutionStaffCommand(
        laura.id, home.id, "pedro@example.com", on_call=True))
    rosa = await bench.delegated(laura, institution_id=home.id)
    await bench.delegated(laura, "Juan")
    await bench.member(laura, rosa, pedro)
    await bench.change(rosa, lambda stored: stored.assign_caregiver(carla.id, primary=True))
    await bench.representation(laura, rosa)
    viewer, today = Viewer(laura.id), bench.clock.today()
    reads = [
        lambda views: views.cared_persons(viewer, today, Window(0, 10)),
        lambda views: views.cared_person(viewer, today, rosa.id),
        lambda views: views.institution(viewer, home.id),
        lambda views: views.representation_in_force(viewer, today, rosa.id),
        lambda views: views.capacity_of_user(laura.id),
        lambda views: views.capacity_of_cared_person(viewer, today, rosa.id),
        lambda views: views.contracting_facts(viewer, today, rosa.id, today),
    ]
    async with ReadSide(engine).transaction() as conn:
        views = SqlCareViews(conn)
        for read in reads:
            with statements(engine) as seen:
                assert await read(views) is not None
            assert len(seen.queries()) == 1, seen.queries()
            assert "FOR UPDATE" not in seen.queries()[0]

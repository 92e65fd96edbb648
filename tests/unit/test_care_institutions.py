"""Seeing an institution, who may add its staff, and paging the list of cared persons."""

from __future__ import annotations

import pytest

from cuiot.application.care.commands.institutions import AddInstitutionStaff, AddInstitutionStaffCommand, CreateInstitution, CreateInstitutionCommand, GetInstitution, GetInstitutionCommand
from cuiot.application.care.commands.persons import ListCaredPersons, ListCaredPersonsCommand
from cuiot.domain.care import Institution
from cuiot.domain.errors import Forbidden, NotFound
from cuiot.domain.users import User
from tests.support.care import Bench


@pytest.fixture
def bench(uow, clock, ids, policy, hasher) -> Bench:
    return Bench(uow, clock, ids, policy, hasher)


async def home_of(bench: Bench, director: User) -> Institution:
    return await bench.call(CreateInstitution,
                            CreateInstitutionCommand(director.id, "Hogar Sol"))


async def test_staff_its_admin_and_platform_admins_see_an_institution(bench: Bench) -> None:
    director, nurse, admin = await bench.user("Director"), await bench.user("Nurse"), \
        await bench.admin()
    home = await home_of(bench, director)
    await bench.call(AddInstitutionStaff, AddInstitutionStaffCommand(
        director.id, home.id, "nurse@example.com", on_call=True))
    get = bench.use_case(GetInstitution)
    for actor in (director, nurse, admin):
        seen = await get(GetInstitutionCommand(actor.id, home.id))
        assert seen.id == home.id and seen.on_call_ids == {nurse.id}


async def test_nobody_else_finds_an_institution(bench: Bench) -> None:
    director, laura = await bench.user("Director"), await bench.user("Laura")
    home = await home_of(bench, director)
    get = bench.use_case(GetInstitution)
    with pytest.raises(NotFound):
        await get(GetInstitutionCommand(laura.id, home.id))
    with pytest.raises(NotFound):
        await get(GetInstitutionCommand(director.id, bench.ids.new_id()))


async def test_a_stranger_adding_staff_does_not_find_the_institution(bench: Bench) -> None:
    director, nurse, laura = (await bench.user("Director"), await bench.user("Nurse"),
                              await bench.user("Laura"))
    home = await home_of(bench, director)
    add = bench.use_case(AddInstitutionStaff)
    with pytest.raises(NotFound):
        await add(AddInstitutionStaffCommand(laura.id, home.id, "laura@example.com"))
    await add(AddInstitutionStaffCommand(director.id, home.id, "nurse@example.com"))
    with pytest.raises(Forbidden):  # staff see it, but only its admin adds staff
        await add(AddInstitutionStaffCommand(nurse.id, home.id, "laura@example.com"))
    assert bench.fresh(home).staff_ids == {nurse.id}


async def test_the_list_of_cared_persons_pages_oldest_first(bench: Bench) -> None:
    laura = await bench.user("Laura")
    added = [await bench.delegated(laura, name) for name in ("Rosa", "Juan", "Tito")]
    listing = bench.use_case(ListCaredPersons)
    page = await listing(ListCaredPersonsCommand(laura.id, offset=1, limit=1))
    everyone = await listing(ListCaredPersonsCommand(laura.id))
    rest = await listing(ListCaredPersonsCommand(laura.id, offset=2, limit=5))
    assert [cp.id for cp in page] == [added[1].id]
    assert [cp.id for cp in everyone] == [cp.id for cp in added]
    assert [cp.id for cp in rest] == [added[2].id]

"""Who may add an institution's staff. (Seeing one and paging the list of cared persons
are reads: ``tests/integration/test_care_views.py``.)"""

from __future__ import annotations

import pytest

from cuiot.application.care.commands.institutions import (
    AddInstitutionStaff,
    AddInstitutionStaffCommand,
    CreateInstitution,
    CreateInstitutionCommand,
)
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


async def test_a_stranger_adding_staff_does_not_find_the_institution(bench: Bench) -> None:
    director, nurse, laura = (await bench.user("Director"), await bench.user("Nurse"),
                              await bench.user("Laura"))
    home = await home_of(bench, director)
    await bench.subscribe_institution(home)
    add = bench.use_case(AddInstitutionStaff)
    with pytest.raises(NotFound):
        await add(AddInstitutionStaffCommand(laura.id, home.id, "laura@example.com"))
    await add(AddInstitutionStaffCommand(director.id, home.id, "nurse@example.com"))
    with pytest.raises(Forbidden):  # staff see it, but only its admin adds staff
        await add(AddInstitutionStaffCommand(nurse.id, home.id, "laura@example.com"))
    assert bench.fresh(home).staff_ids == {nurse.id}

"""Asking for and verifying a legal representation through the use cases. (Finding the
one in force and checking capacity and the right to contract are reads:
``tests/integration/test_care_views.py``.)"""

from __future__ import annotations

from datetime import date

import pytest

from cuiot.application.care.commands.representation import (
    RequestRepresentation,
    RequestRepresentationCommand,
    VerifyRepresentation,
    VerifyRepresentationCommand,
)
from cuiot.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tests.support.care import Bench


@pytest.fixture
def bench(uow, clock, ids, policy, hasher) -> Bench:
    return Bench(uow, clock, ids, policy, hasher)


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

"""A caregiver is assigned only once they accept: the assignment as the domain keeps it,
the invited caregiver's answer (accept, decline), and what a pending one does not give
(access, alerts on the ladder, reviews)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from cuiot.application.billing import limits
from cuiot.application.care.commands.caregiving import (
    AcceptCaregiving,
    AnswerInvitationCommand,
    DeclineCaregiving,
)
from cuiot.application.care.commands.members import AssignCaregiver, AssignCaregiverCommand
from cuiot.application.safety.commands.recipients import recipients_for
from cuiot.domain.care import AssignmentStatus, CaredPerson, CaregiverAssignment, CareType
from cuiot.domain.errors import (
    Forbidden,
    InvalidStateTransition,
    NotFound,
    PackageLimitExceeded,
)
from cuiot.domain.reviews import ReviewedKind, ensure_may_review
from cuiot.domain.users import Role, User
from tests.conftest import NOON_2026_01_15
from tests.support.alerts import SafetyBench
from tests.support.care import Bench, LimitsRecorder

HOLDER, CARLA, DIEGO = UUID(int=1), UUID(int=2), UUID(int=3)
PENDING, ACCEPTED = AssignmentStatus.PENDING, AssignmentStatus.ACCEPTED


def rosa(**fields: object) -> CaredPerson:
    return CaredPerson(UUID(int=9), HOLDER, "Rosa", "Gómez", date(1940, 4, 3),
                       NOON_2026_01_15, **fields)  # type: ignore[arg-type]


# --- the domain ------------------------------------------------------------------------

def test_an_assignment_starts_pending_and_gives_nothing() -> None:
    person = rosa()
    assert person.assign_caregiver(CARLA, primary=True) == CaregiverAssignment(CARLA, True,
                                                                               PENDING)
    assert not person.has_access(CARLA) and not person.is_cared_for_by(CARLA)
    assert person.caregiver_ids == [] and person.primary_caregiver_id is None
    assert person.counts_user(CARLA)  # the invitation holds its place on the package


def test_accepting_gives_access_and_only_then_replaces_the_primary() -> None:
    person = rosa()
    person.assign_caregiver(DIEGO, primary=True)
    person.accept_caregiving(DIEGO)
    person.assign_caregiver(CARLA, primary=True)
    assert person.primary_caregiver_id == DIEGO
    assert person.accept_caregiving(CARLA) == CaregiverAssignment(CARLA, True, ACCEPTED)
    assert person.primary_caregiver_id == CARLA and person.has_access(CARLA)
    assert sorted(person.caregiver_ids) == [CARLA, DIEGO]
    assert person.assignment_of(DIEGO) == CaregiverAssignment(DIEGO, False, ACCEPTED)


def test_declining_ends_the_invitation_and_the_caregiver_may_be_invited_again() -> None:
    person = rosa()
    person.assign_caregiver(CARLA)
    person.decline_caregiving(CARLA)
    assert person.caregivers == [] and not person.counts_user(CARLA)
    person.assign_caregiver(CARLA)
    assert person.assignment_of(CARLA) == CaregiverAssignment(CARLA)


def test_an_accepted_assignment_is_not_answered_again_and_no_one_answers_nothing() -> None:
    person = rosa()
    person.assign_caregiver(CARLA)
    person.accept_caregiving(CARLA)
    for answer in (person.accept_caregiving, person.decline_caregiving):
        with pytest.raises(InvalidStateTransition):
            answer(CARLA)
        with pytest.raises(NotFound):
            answer(DIEGO)
    assert person.is_cared_for_by(CARLA)


def test_a_caregiver_who_never_accepted_is_not_reviewed() -> None:
    person = rosa(care_type=CareType.SELF_CARE, user_id=HOLDER)
    person.assign_caregiver(CARLA)
    with pytest.raises(Forbidden) as refusal:
        ensure_may_review(HOLDER, person, None, ReviewedKind.CAREGIVER, CARLA)
    assert refusal.value.details["reason"] == "not_cared_for_by"
    person.accept_caregiving(CARLA)
    ensure_may_review(HOLDER, person, None, ReviewedKind.CAREGIVER, CARLA)


# --- answering, as the use cases do ----------------------------------------------------

@pytest.fixture
def bench(uow, clock, ids, policy, hasher) -> Bench:
    return Bench(uow, clock, ids, policy, hasher)


async def invited(bench: Bench) -> tuple[User, User, CaredPerson]:
    """Laura holds Rosa and has invited Carla to care for her."""
    laura = await bench.user("Laura")
    carla = await bench.user("Carla", None, Role.CAREGIVER)
    person = await bench.delegated(laura)
    await bench.call(AssignCaregiver, AssignCaregiverCommand(laura.id, person.id, carla.id))
    return laura, carla, person


async def test_only_the_invited_caregiver_answers(bench: Bench) -> None:
    laura, carla, person = await invited(bench)
    diego = await bench.user("Diego", None, Role.CAREGIVER)
    for use_case in (AcceptCaregiving, DeclineCaregiving):
        for cmd in (AnswerInvitationCommand(diego.id, person.id, carla.id),  # Carla's
                    AnswerInvitationCommand(diego.id, person.id, diego.id),  # none
                    AnswerInvitationCommand(laura.id, person.id, carla.id),  # the holder
                    AnswerInvitationCommand(carla.id, bench.ids.new_id(), carla.id)):
            with pytest.raises(NotFound):
                await bench.call(use_case, cmd)
    assert bench.fresh(person).assignment_of(carla.id) == CaregiverAssignment(carla.id)
    accepted = await bench.call(AcceptCaregiving,
                                AnswerInvitationCommand(carla.id, person.id, carla.id))
    assert accepted.accepted and bench.fresh(person).has_access(carla.id)


async def test_who_no_longer_holds_the_caregiver_role_cannot_accept(bench: Bench) -> None:
    _, carla, person = await invited(bench)
    carla.revoke_role(Role.CAREGIVER)
    with pytest.raises(Forbidden):
        await bench.call(AcceptCaregiving, AnswerInvitationCommand(carla.id, person.id, carla.id))
    await bench.call(DeclineCaregiving, AnswerInvitationCommand(carla.id, person.id, carla.id))
    assert bench.fresh(person).caregivers == []


async def test_a_pending_invitation_holds_its_place_and_accepting_needs_no_other(
        bench: Bench, monkeypatch: pytest.MonkeyPatch) -> None:
    laura, carla, person = await invited(bench)
    juan = await bench.delegated(laura, "Juan")
    full = PackageLimitExceeded([{"dimension": "users", "used": 2, "requested": 1,
                                  "limit": 2}])
    gate = LimitsRecorder(full)
    monkeypatch.setattr(limits, "ensure_within_limits", gate)
    await bench.call(AcceptCaregiving, AnswerInvitationCommand(carla.id, person.id, carla.id))
    await bench.call(AssignCaregiver, AssignCaregiverCommand(laura.id, juan.id, carla.id))
    assert gate.calls == []  # Carla is one of the account's users already
    assert bench.fresh(juan).assignment_of(carla.id) == CaregiverAssignment(carla.id)


# --- the escalation ladder -------------------------------------------------------------

@pytest.mark.parametrize("level", [1, 2, 3])
async def test_a_pending_caregiver_is_told_of_no_alert_at_any_level(level: int) -> None:
    bench = SafetyBench()
    ana, carla, diego = bench.user("Ana"), bench.user("Carla"), bench.user("Diego")
    elena = bench.person(ana)
    bench.caregiver(elena, carla, primary=True, status=PENDING)
    bench.caregiver(elena, diego, primary=True)
    now, today = bench.clock.now(), bench.clock.today()
    async with bench.uow as uow:
        told = await recipients_for(uow, bench.fresh(elena), level, now, today)
    assert carla not in told.users and diego in told.users

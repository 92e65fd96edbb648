"""Access that can be taken back (``domain/access_removal.py`` and the entities' rules): who
may remove whom; a member, a caregiver's assignment or a member of staff removed; a
legal representation ended at once; a queued notification given up and an open
acknowledgement link withdrawn; what the audit log records of each."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest

from cuiot.domain import audit_entries as audit
from cuiot.domain.access_removal import (
    GIVEN_UP,
    Remover,
    ensure_may_end_representation,
    ensure_may_remove_caregiver,
    ensure_may_remove_member,
    ensure_may_remove_staff,
)
from cuiot.domain.ack_links import AckLink, AlertRound, LinkState
from cuiot.domain.alerts import Alert
from cuiot.domain.audit import AuditAction, SubjectType
from cuiot.domain.capacity import representative_id_of
from cuiot.domain.care import (
    AssignmentStatus,
    CaredPerson,
    CareType,
    Institution,
    LegalRepresentation,
    Relationship,
)
from cuiot.domain.errors import Conflict, Forbidden, InvalidStateTransition, NotFound
from cuiot.domain.notifications import (
    ERASED,
    SECRET_KEYS,
    Channel,
    DeliveryStatus,
    Notification,
)
from cuiot.domain.policy import DEFAULT_POLICY
from cuiot.domain.sensor_events import Severity

NOW = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
TODAY = date(2026, 1, 15)
LAURA, ROSA_LOGIN, PEDRO, CARLA, DIEGO, MARTA, ADMIN, STRANGER = (UUID(int=n) for n in range(1, 9))


def rosa(**fields: object) -> CaredPerson:
    return CaredPerson(UUID(int=100), LAURA, "Rosa", "Gómez", date(1940, 4, 3), NOW,
                       **fields)  # type: ignore[arg-type]


def representation(who: UUID, **fields: object) -> LegalRepresentation:
    """``who`` represents Rosa, verified and in force since 2025 unless ``fields`` say."""
    given = {"valid_from": date(2025, 1, 1), "verified": True} | fields
    return LegalRepresentation(UUID(int=200 + who.int), UUID(int=100), who, Relationship.CHILD,
                               "poder 1234", created_at=NOW - timedelta(days=30),
                               **given)  # type: ignore[arg-type]


# --- members ---------------------------------------------------------------------------

def test_a_member_removed_has_no_access_left():
    person = rosa()
    person.add_member(PEDRO)
    person.remove_member(PEDRO)
    assert not person.has_access(PEDRO) and PEDRO not in person.member_ids


def test_the_holder_and_the_person_themselves_are_no_members_to_remove():
    person = rosa(user_id=ROSA_LOGIN, care_type=CareType.SELF_CARE)
    for who in (LAURA, ROSA_LOGIN):
        with pytest.raises(Conflict) as refused:
            person.remove_member(who)
        assert refused.value.details["reason"] == "not_a_member_kind"
        assert person.has_access(who)
    with pytest.raises(NotFound):
        person.remove_member(PEDRO)


# --- caregivers --------------------------------------------------------------------------

def test_an_assignment_ends_pending_or_accepted():
    person = rosa()
    person.assign_caregiver(CARLA)
    person.assign_caregiver(DIEGO)
    person.accept_caregiving(DIEGO)
    assert person.remove_caregiver(CARLA).status is AssignmentStatus.PENDING
    assert person.remove_caregiver(DIEGO).status is AssignmentStatus.ACCEPTED
    assert person.caregivers == [] and not person.has_access(DIEGO)
    with pytest.raises(NotFound):
        person.remove_caregiver(DIEGO)
    person.assign_caregiver(DIEGO)  # may be invited again
    assert person.assignment_of(DIEGO) is not None


def test_without_its_primary_a_person_has_none_until_another_accepts_as_primary():
    person = rosa()
    for who, primary in ((CARLA, True), (DIEGO, False), (MARTA, True)):
        person.assign_caregiver(who, primary=primary)
    person.accept_caregiving(CARLA)
    person.accept_caregiving(DIEGO)
    assert person.remove_caregiver(CARLA).primary
    assert person.primary_caregiver_id is None  # Diego is not made primary for it
    person.accept_caregiving(MARTA)
    assert person.primary_caregiver_id == MARTA


# --- staff ---------------------------------------------------------------------------------

def test_staff_on_call_or_not_are_removed_and_the_admin_is_not():
    home = Institution(UUID(int=300), "Hogar Sol", MARTA, NOW)
    home.add_staff(PEDRO)
    home.add_staff(CARLA, on_call=True)
    assert home.remove_staff(CARLA) is True and home.remove_staff(PEDRO) is False
    assert not home.is_staff(CARLA) and CARLA not in home.on_call_ids
    with pytest.raises(Conflict):
        home.remove_staff(MARTA)
    assert home.is_staff(MARTA)
    with pytest.raises(NotFound):
        home.remove_staff(PEDRO)


# --- legal representations -----------------------------------------------------------------

def test_a_representation_ended_is_in_force_no_more_from_that_moment():
    ended = representation(MARTA)
    assert ended.is_active(TODAY)
    ended.end(LAURA, NOW)
    assert (ended.ended_at, ended.ended_by) == (NOW, LAURA)
    assert not ended.is_active(TODAY) and not ended.is_active(TODAY + timedelta(days=1))
    with pytest.raises(InvalidStateTransition):
        ended.end(LAURA, NOW)
    with pytest.raises(InvalidStateTransition):
        representation(DIEGO, verified=False, ended_at=NOW).verify(ADMIN, NOW)


def test_once_the_one_in_force_ends_an_older_active_one_is_in_force():
    older, newer = representation(DIEGO), representation(MARTA, valid_from=date(2025, 6, 1))
    assert representative_id_of([older, newer], TODAY) == MARTA
    newer.end(MARTA, NOW)
    assert representative_id_of([older, newer], TODAY) == DIEGO


# --- who may remove whom ---------------------------------------------------------------------

MANAGER, ADMINISTRATOR = Remover(LAURA, manages=True), Remover(ADMIN, is_admin=True)


@pytest.mark.parametrize(("remover", "allowed"), [
    (MANAGER, True), (ADMINISTRATOR, True), (Remover(PEDRO), True),  # Pedro leaves
    (Remover(CARLA), False), (Remover(STRANGER), False)])
def test_who_removes_a_member(remover, allowed):
    check = ensure_may_remove_member
    if allowed:
        check(remover, PEDRO)
    else:
        with pytest.raises(Forbidden):
            check(remover, PEDRO)


@pytest.mark.parametrize(("remover", "allowed"), [
    (MANAGER, True), (ADMINISTRATOR, True), (Remover(CARLA), True),  # Carla steps down
    (Remover(PEDRO), False)])
def test_who_removes_a_caregiver(remover, allowed):
    if allowed:
        ensure_may_remove_caregiver(remover, CARLA)
    else:
        with pytest.raises(Forbidden):
            ensure_may_remove_caregiver(remover, CARLA)


@pytest.mark.parametrize(("remover", "allowed"), [
    (Remover(MARTA, manages=True), True), (ADMINISTRATOR, True),
    (Remover(PEDRO), False)])  # staff do not remove themselves: their institution does
def test_who_removes_staff(remover, allowed):
    if allowed:
        ensure_may_remove_staff(remover, PEDRO)
    else:
        with pytest.raises(Forbidden):
            ensure_may_remove_staff(remover, PEDRO)


@pytest.mark.parametrize(("remover", "allowed"), [
    (Remover(MARTA), True), (Remover(LAURA), True), (ADMINISTRATOR, True),
    (Remover(PEDRO, manages=True), False), (Remover(STRANGER), False)])
def test_who_ends_a_representation(remover, allowed):
    """Marta represents Rosa, of Laura's account; Pedro is another representative."""
    if allowed:
        ensure_may_end_representation(remover, representation(MARTA), LAURA)
    else:
        with pytest.raises(Forbidden):
            ensure_may_end_representation(remover, representation(MARTA), LAURA)


# --- what is told no more --------------------------------------------------------------------

def a_notice(status: DeliveryStatus = DeliveryStatus.PENDING) -> Notification:
    return Notification(id=UUID(int=400), channel=Channel.SMS, address="+541155550102",
                        subject="CUIOT", body="Confírmela: https://cuiot.test/ack/s3cret",
                        created_at=NOW, recipient_user_id=PEDRO, alert_id=UUID(int=9),
                        payload={"token": "s3cret", SECRET_KEYS: ["token"]}, status=status)


def test_a_queued_notification_given_up_fails_with_the_reason_and_keeps_no_secret():
    notice = a_notice()
    notice.give_up(GIVEN_UP)
    assert (notice.status, notice.last_error, notice.attempts) == (
        DeliveryStatus.FAILED, GIVEN_UP, 0)
    assert not notice.is_due(NOW) and notice.payload["token"] is None
    assert notice.body == f"Confírmela: https://cuiot.test/ack/{ERASED}"
    for done in (DeliveryStatus.SENT, DeliveryStatus.FAILED):
        with pytest.raises(InvalidStateTransition):
            a_notice(done).give_up(GIVEN_UP)


def test_a_link_withdrawn_is_expired_from_now_and_never_before_it_was_made():
    alert = Alert.open(id=UUID(int=9), cared_person_id=UUID(int=100), device_pk=UUID(int=3),
                       alert_type="blood_pressure", severity=Severity.CRITICAL, at=NOW,
                       policy=DEFAULT_POLICY)
    link = AckLink.issue(id=UUID(int=500), alert=alert, channel=Channel.EMAIL,
                         recipient="pedro@example.com", user_id=PEDRO, token="t0ken",
                         code=None, now=NOW)
    later = NOW + timedelta(seconds=30)
    assert link.state(AlertRound.of(alert), later) is LinkState.OPEN
    link.withdraw(later)
    assert link.state(AlertRound.of(alert), later) is LinkState.EXPIRED
    link.withdraw(NOW - timedelta(hours=1))
    assert link.expires_at == NOW


# --- the audit log ---------------------------------------------------------------------------

def test_each_removal_is_recorded_about_the_user_or_the_representation():
    person = rosa()
    entries = [
        audit.member_removed(PEDRO, person.id, PEDRO, NOW),
        audit.caregiver_removed(CARLA, person.id, status="accepted", primary=True, by=LAURA,
                                at=NOW),
        audit.staff_removed(PEDRO, UUID(int=300), True, MARTA, NOW),
        audit.representation_ended(representation(MARTA), LAURA, NOW),
    ]
    assert [(e.action, e.subject_type, e.subject_id) for e in entries] == [
        (AuditAction.MEMBER_REMOVED, SubjectType.USER, PEDRO),
        (AuditAction.CAREGIVER_REMOVED, SubjectType.USER, CARLA),
        (AuditAction.STAFF_REMOVED, SubjectType.USER, PEDRO),
        (AuditAction.REPRESENTATION_ENDED, SubjectType.REPRESENTATION, UUID(int=206))]
    assert entries[0].details == {"cared_person_id": str(person.id), "left": True}
    assert entries[1].details == {"cared_person_id": str(person.id), "status": "accepted",
                                  "primary": True, "stepped_down": False}
    assert entries[2].details == {"institution_id": str(UUID(int=300)), "on_call": True}
    assert entries[3].details == {"cared_person_id": str(person.id),
                                  "representative_id": str(MARTA), "relationship": "child",
                                  "verified": True}

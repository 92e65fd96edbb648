"""Taking access back through the use cases, on in-memory ports: who may remove a member,
a caregiver, a member of staff or end a representation (404 to whoever does not see the
person, 403 to whoever sees but may not), and what a removal does at once: queued
notifications given up, open acknowledgement links withdrawn, the live stream told, the
audit log written; none of it for someone who still sees the person another way."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest

from cuiot.application.care.commands.caregiving import AcceptCaregiving, AnswerInvitationCommand
from cuiot.application.care.commands.institutions import (
    AddInstitutionStaff,
    AddInstitutionStaffCommand,
    CreateInstitution,
    CreateInstitutionCommand,
)
from cuiot.application.care.commands.members import AssignCaregiver, AssignCaregiverCommand
from cuiot.application.care.commands.removals import (
    RemoveCaregiver,
    RemoveCaregiverCommand,
    RemoveMember,
    RemoveMemberCommand,
    RemoveStaff,
    RemoveStaffCommand,
)
from cuiot.application.care.commands.representation_end import (
    EndRepresentation,
    EndRepresentationCommand,
)
from cuiot.domain.access_removal import GIVEN_UP, AccessRevoked
from cuiot.domain.ack_links import AckLink
from cuiot.domain.alerts import Alert
from cuiot.domain.audit import AuditAction
from cuiot.domain.care import CaredPerson
from cuiot.domain.errors import Conflict, Forbidden, InvalidStateTransition, NotFound
from cuiot.domain.notifications import Channel, DeliveryStatus, Notification
from cuiot.domain.sensor_events import Severity
from cuiot.domain.users import Role, User
from tests.support.care import Bench


@pytest.fixture
def bench(uow, clock, ids, policy, hasher) -> Bench:
    return Bench(uow, clock, ids, policy, hasher)


class Told:
    """An open alert of a person, a notification about it queued for a user and the
    acknowledgement link it carries, straight into the store."""

    def __init__(self, bench: Bench, person: CaredPerson, user: User) -> None:
        store, now = bench.uow.store, bench.clock.now()
        alert = Alert.open(id=bench.ids.new_id(), cared_person_id=person.id,
                           device_pk=bench.ids.new_id(), alert_type="blood_pressure",
                           severity=Severity.CRITICAL, at=now, policy=bench.policy)
        self.notice = Notification(id=bench.ids.new_id(), channel=Channel.EMAIL,
                                   address=str(user.email), subject="CUIOT", body="alerta",
                                   created_at=now, recipient_user_id=user.id,
                                   alert_id=alert.id)
        self.link = AckLink.issue(id=bench.ids.new_id(), alert=alert, channel=Channel.EMAIL,
                                  recipient=str(user.email), user_id=user.id,
                                  token=f"t-{user.id}", code=None, now=now)
        store.alerts.items[alert.id] = alert
        store.notifications.items[self.notice.id] = self.notice
        store.ack_links.items[self.link.id] = self.link
        self.bench = bench

    def given_up(self) -> bool:
        notice = self.bench.fresh(self.notice)
        return notice.status is DeliveryStatus.FAILED and notice.last_error == GIVEN_UP

    def withdrawn(self) -> bool:
        return self.bench.fresh(self.link).expires_at <= self.bench.clock.now()


def revoked(bench: Bench) -> list[AccessRevoked]:
    return list(bench.uow.store.access_changes.items.values())


def entries(bench: Bench, action: AuditAction) -> list:
    return bench.uow.store.audit.entries(action)


async def family(bench: Bench) -> tuple[User, User, CaredPerson]:
    """Laura holds Rosa; Pedro is a member."""
    laura, pedro = await bench.user("Laura"), await bench.user("Pedro")
    rosa = await bench.delegated(laura)
    await bench.member(laura, rosa, pedro)
    return laura, pedro, rosa


async def caregiver(bench: Bench, holder: User, person: CaredPerson, name: str, *,
                    accept: bool = True, primary: bool = False) -> User:
    user = await bench.user(name)
    user.grant_role(Role.CAREGIVER, bench.clock.now())
    await bench.call(AssignCaregiver, AssignCaregiverCommand(holder.id, person.id, user.id,
                                                             primary))
    if accept:
        await bench.call(AcceptCaregiving, AnswerInvitationCommand(user.id, person.id, user.id))
    return user


# --- members ---------------------------------------------------------------------------

async def test_the_holder_removes_a_member_who_is_told_nothing_more(bench: Bench) -> None:
    laura, pedro, rosa = await family(bench)
    told, kept = Told(bench, rosa, pedro), Told(bench, rosa, laura)
    await bench.call(RemoveMember, RemoveMemberCommand(laura.id, rosa.id, pedro.id))
    assert not bench.fresh(rosa).has_access(pedro.id)
    assert told.given_up() and told.withdrawn()
    assert not kept.given_up() and not kept.withdrawn()
    assert revoked(bench) == [AccessRevoked(pedro.id, bench.clock.now())]
    [entry] = entries(bench, AuditAction.MEMBER_REMOVED)
    assert (entry.actor_id, entry.subject_id, entry.details) == (
        laura.id, pedro.id, {"cared_person_id": str(rosa.id), "left": False})


async def test_a_member_leaves_and_an_admin_or_the_representative_removes(bench: Bench) -> None:
    laura, pedro, rosa = await family(bench)
    marta, juan, admin = await bench.user("Marta"), await bench.user("Juan"), await bench.admin()
    await bench.member(laura, rosa, marta)
    await bench.member(laura, rosa, juan)
    await bench.representation(marta, rosa, verified_by=admin)
    await bench.call(RemoveMember, RemoveMemberCommand(pedro.id, rosa.id, pedro.id))
    await bench.call(RemoveMember, RemoveMemberCommand(admin.id, rosa.id, juan.id))
    await bench.call(RemoveMember, RemoveMemberCommand(marta.id, rosa.id, marta.id))
    assert bench.fresh(rosa).member_ids == set()
    assert bench.fresh(rosa).has_access(marta.id) is False  # sees Rosa as representative
    assert [e.details["left"] for e in entries(bench, AuditAction.MEMBER_REMOVED)] == [
        True, False, True]
    assert [r.user_id for r in revoked(bench)] == [pedro.id, juan.id]  # Marta still sees


async def test_a_member_may_not_remove_another_and_a_stranger_finds_nothing(
        bench: Bench) -> None:
    laura, pedro, rosa = await family(bench)
    juan, tito = await bench.user("Juan"), await bench.user("Tito")
    await bench.member(laura, rosa, juan)
    with pytest.raises(Forbidden):
        await bench.call(RemoveMember, RemoveMemberCommand(pedro.id, rosa.id, juan.id))
    with pytest.raises(Forbidden):  # authorization first: says nothing of the user named
        await bench.call(RemoveMember, RemoveMemberCommand(pedro.id, rosa.id, tito.id))
    with pytest.raises(NotFound) as missing:
        await bench.call(RemoveMember, RemoveMemberCommand(tito.id, rosa.id, pedro.id))
    assert missing.value.details["entity"] == "cared person"
    with pytest.raises(Conflict):
        await bench.call(RemoveMember, RemoveMemberCommand(laura.id, rosa.id, laura.id))
    with pytest.raises(NotFound):
        await bench.call(RemoveMember, RemoveMemberCommand(laura.id, rosa.id, tito.id))
    assert bench.fresh(rosa).member_ids == {pedro.id, juan.id}
    assert entries(bench, AuditAction.MEMBER_REMOVED) == [] and revoked(bench) == []


async def test_a_member_who_also_cares_for_the_person_keeps_being_told(bench: Bench) -> None:
    laura, _, rosa = await family(bench)
    carla = await caregiver(bench, laura, rosa, "Carla")
    await bench.member(laura, rosa, carla)
    told = Told(bench, rosa, carla)
    await bench.call(RemoveMember, RemoveMemberCommand(laura.id, rosa.id, carla.id))
    assert bench.fresh(rosa).has_access(carla.id)
    assert not told.given_up() and not told.withdrawn() and revoked(bench) == []
    assert len(entries(bench, AuditAction.MEMBER_REMOVED)) == 1


# --- caregivers -------------------------------------------------------------------------

async def test_the_holder_ends_an_assignment_and_the_primary_is_gone(bench: Bench) -> None:
    laura, _, rosa = await family(bench)
    carla = await caregiver(bench, laura, rosa, "Carla", primary=True)
    told = Told(bench, rosa, carla)
    await bench.call(RemoveCaregiver, RemoveCaregiverCommand(laura.id, rosa.id, carla.id))
    assert bench.fresh(rosa).caregivers == [] and bench.fresh(rosa).primary_caregiver_id is None
    assert told.given_up() and told.withdrawn()
    [entry] = entries(bench, AuditAction.CAREGIVER_REMOVED)
    assert entry.details == {"cared_person_id": str(rosa.id), "status": "accepted",
                             "primary": True, "stepped_down": False}


async def test_a_caregiver_steps_down_even_before_accepting(bench: Bench) -> None:
    laura, _, rosa = await family(bench)
    carla = await caregiver(bench, laura, rosa, "Carla")
    diego = await caregiver(bench, laura, rosa, "Diego", accept=False)
    for who in (carla, diego):
        await bench.call(RemoveCaregiver, RemoveCaregiverCommand(who.id, rosa.id, who.id))
    assert bench.fresh(rosa).caregivers == []
    assert [(e.details["status"], e.details["stepped_down"])
            for e in entries(bench, AuditAction.CAREGIVER_REMOVED)] == [
        ("accepted", True), ("pending", True)]
    with pytest.raises(NotFound):  # no assignment, no access: no such person for Diego
        await bench.call(RemoveCaregiver, RemoveCaregiverCommand(diego.id, rosa.id, diego.id))


async def test_a_member_may_not_end_an_assignment_nor_a_stranger_find_it(bench: Bench) -> None:
    laura, pedro, rosa = await family(bench)
    carla, admin = await caregiver(bench, laura, rosa, "Carla"), await bench.admin()
    with pytest.raises(Forbidden):
        await bench.call(RemoveCaregiver, RemoveCaregiverCommand(pedro.id, rosa.id, carla.id))
    stranger = await bench.user("Tito")
    with pytest.raises(NotFound):
        await bench.call(RemoveCaregiver, RemoveCaregiverCommand(stranger.id, rosa.id,
                                                                 carla.id))
    with pytest.raises(NotFound) as missing:
        await bench.call(RemoveCaregiver, RemoveCaregiverCommand(laura.id, rosa.id, pedro.id))
    assert missing.value.details["entity"] == "caregiver assignment"
    await bench.call(RemoveCaregiver, RemoveCaregiverCommand(admin.id, rosa.id, carla.id))
    assert bench.fresh(rosa).caregivers == []


# --- staff ------------------------------------------------------------------------------

async def institution(bench: Bench) -> tuple[User, User, User, CaredPerson, UUID]:
    """Marta runs Hogar Sol and holds Rosa, who lives there; Ines is on call, Tomas is
    staff."""
    marta, ines, tomas = [await bench.user(n) for n in ("Marta", "Ines", "Tomas")]
    home = await bench.call(CreateInstitution, CreateInstitutionCommand(marta.id, "Hogar Sol"))
    await bench.subscribe_institution(home)
    for who, on_call in ((ines, True), (tomas, False)):
        await bench.call(AddInstitutionStaff, AddInstitutionStaffCommand(
            marta.id, home.id, str(who.email), on_call))
    rosa = await bench.delegated(marta, institution_id=home.id)
    return marta, ines, tomas, rosa, home.id


async def test_the_institution_admin_removes_staff_on_call(bench: Bench) -> None:
    marta, ines, _, rosa, home = await institution(bench)
    told = Told(bench, rosa, ines)
    await bench.call(RemoveStaff, RemoveStaffCommand(marta.id, home, ines.id))
    stored = bench.uow.store.institutions.items[home]
    assert not stored.is_staff(ines.id) and ines.id not in stored.on_call_ids
    assert told.given_up() and told.withdrawn()
    [entry] = entries(bench, AuditAction.STAFF_REMOVED)
    assert (entry.subject_id, entry.details) == (
        ines.id, {"institution_id": str(home), "on_call": True})


async def test_staff_may_not_remove_staff_nor_the_admin_themselves(bench: Bench) -> None:
    marta, ines, tomas, _, home = await institution(bench)
    with pytest.raises(Forbidden):
        await bench.call(RemoveStaff, RemoveStaffCommand(tomas.id, home, ines.id))
    with pytest.raises(Forbidden):
        await bench.call(RemoveStaff, RemoveStaffCommand(tomas.id, home, tomas.id))
    with pytest.raises(NotFound):
        await bench.call(RemoveStaff, RemoveStaffCommand((await bench.user("Tito")).id,
                                                         home, ines.id))
    with pytest.raises(Conflict):
        await bench.call(RemoveStaff, RemoveStaffCommand(marta.id, home, marta.id))
    admin = await bench.admin()
    await bench.call(RemoveStaff, RemoveStaffCommand(admin.id, home, tomas.id))
    assert bench.uow.store.institutions.items[home].staff_ids == {ines.id}


# --- legal representations ----------------------------------------------------------------

async def test_the_holder_ends_a_representation_at_once(bench: Bench) -> None:
    laura, _, rosa = await family(bench)
    marta, admin = await bench.user("Marta"), await bench.admin()
    await bench.member(laura, rosa, marta)  # asking to represent needs seeing the person
    rep = await bench.representation(marta, rosa, verified_by=admin)
    await bench.call(RemoveMember, RemoveMemberCommand(laura.id, rosa.id, marta.id))
    assert revoked(bench) == []  # she sees Rosa as her representative
    told = Told(bench, rosa, marta)
    ended = await bench.call(EndRepresentation, EndRepresentationCommand(laura.id, rep.id))
    assert (ended.ended_at, ended.ended_by) == (bench.clock.now(), laura.id)
    assert not bench.fresh(rep).is_active(bench.clock.today())
    assert told.given_up() and told.withdrawn()
    assert revoked(bench) == [AccessRevoked(marta.id, bench.clock.now())]
    [entry] = entries(bench, AuditAction.REPRESENTATION_ENDED)
    assert (entry.actor_id, entry.subject_id) == (laura.id, rep.id)
    with pytest.raises(InvalidStateTransition):
        await bench.call(EndRepresentation, EndRepresentationCommand(laura.id, rep.id))


async def test_the_representative_or_an_admin_ends_it_and_a_member_may_not(
        bench: Bench) -> None:
    laura, pedro, rosa = await family(bench)
    marta, juan, admin = await bench.user("Marta"), await bench.user("Juan"), await bench.admin()
    await bench.member(laura, rosa, marta)
    first = await bench.representation(marta, rosa)  # not verified yet
    second = await bench.representation(pedro, rosa, verified_by=admin)
    with pytest.raises(Forbidden):
        await bench.call(EndRepresentation, EndRepresentationCommand(pedro.id, first.id))
    with pytest.raises(NotFound):
        await bench.call(EndRepresentation, EndRepresentationCommand(juan.id, first.id))
    await bench.call(EndRepresentation, EndRepresentationCommand(marta.id, first.id))
    bench.clock.advance(timedelta(minutes=1))
    await bench.call(EndRepresentation, EndRepresentationCommand(admin.id, second.id))
    assert not bench.fresh(second).is_active(bench.clock.today())
    assert bench.fresh(rosa).has_access(pedro.id)  # still a member: nothing taken
    assert revoked(bench) == []
    assert [e.actor_id for e in entries(bench, AuditAction.REPRESENTATION_ENDED)] == [
        marta.id, admin.id]

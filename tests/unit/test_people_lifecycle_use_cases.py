"""Deactivating, reactivating and erasing cared persons and users, on in-memory adapters:
who may, what stops at once (alerts, notifications, sessions), what the gates say on the
way back, what an erasure leaves."""

from __future__ import annotations

import pytest

from cuiot.application.care.commands.lifecycle import (
    CaredPersonCommand,
    DeactivateCaredPerson,
    EraseCaredPerson,
    ReactivateCaredPerson,
)
from cuiot.application.identity.commands.lifecycle import (
    DeactivateUser,
    EraseUser,
    ReactivateUser,
    UserLifecycleCommand,
)
from cuiot.application.identity.commands.users import RegisterUser, RegisterUserCommand
from cuiot.application.safety.commands.coverage import CheckCoverage
from cuiot.application.safety.commands.monitoring import (
    CheckDevicesOffline,
    CheckInactivity,
    RecordDeviceStatus,
    RecordDeviceStatusCommand,
)
from cuiot.application.shared.access import may_access
from cuiot.domain.alerts import AlertStatus
from cuiot.domain.audit import AuditAction
from cuiot.domain.auth import RevokeReason
from cuiot.domain.errors import (
    Conflict,
    Forbidden,
    InvalidStateTransition,
    MonitoringStopped,
    NotFound,
    PackageLimitExceeded,
    SubscriptionRequired,
    Unauthenticated,
)
from cuiot.domain.notifications import DeliveryStatus
from cuiot.domain.users import Role
from tests.support.alerts import BP_CRITICAL
from tests.support.lifecycle import LifecycleBench


@pytest.fixture
def bench() -> LifecycleBench:
    return LifecycleBench()


def on(person, actor) -> CaredPersonCommand:
    return CaredPersonCommand(actor.id, person.id)


def of(user, actor) -> UserLifecycleCommand:
    return UserLifecycleCommand(actor.id, user.id)


async def test_deactivating_resolves_open_alerts_and_cancels_what_was_queued(bench):
    ana = bench.user("Ana")
    elena = bench.person(ana)
    alert = await bench.critical_alert(elena)
    queued = bench.notifications(alert)
    assert queued and all(n.status is DeliveryStatus.PENDING for n in queued)
    await bench.call(DeactivateCaredPerson, on(elena, ana))
    closed = bench.fresh(alert)
    assert (closed.status, closed.resolved_by) == (AlertStatus.RESOLVED, ana.id)
    assert {(n.status, n.last_error) for n in bench.notifications(alert)} == {
        (DeliveryStatus.FAILED, "cancelled: cared_person_deactivated")}
    [resolved] = bench.audited(AuditAction.ALERT_RESOLVED)
    assert (resolved.subject_id, resolved.details["reason"]) == (
        alert.id, "cared_person_deactivated")
    [entry] = bench.audited(AuditAction.CARED_PERSON_DEACTIVATED)
    assert (entry.actor_id, entry.subject_id, entry.details["alerts_closed"],
            entry.details["notifications_cancelled"]) == (ana.id, elena.id, 1, len(queued))
    assert await bench.escalate() == 0  # nothing left to chase
    with pytest.raises(InvalidStateTransition):
        await bench.call(DeactivateCaredPerson, on(elena, ana))


async def test_nothing_a_deactivated_persons_devices_send_opens_an_alert(bench):
    ana = bench.user("Ana")
    elena = bench.person(ana)
    pressure = await bench.device(elena)
    motion = await bench.device(elena, "motion_sensor")
    await bench.reading(pressure, {"systolic": 120, "diastolic": 80, "pulse": 70})
    await bench.call(DeactivateCaredPerson, on(elena, ana))
    events_before = len(bench.events())
    with pytest.raises(MonitoringStopped):
        await bench.reading(pressure, BP_CRITICAL)
    with pytest.raises(MonitoringStopped):
        await bench.device_event(motion, "fall")
    with pytest.raises(MonitoringStopped):
        await bench.call(RecordDeviceStatus, RecordDeviceStatusCommand(pressure.device_id,
                                                                       "offline"))
    bench.advance(hours=6)  # silent and still for hours: neither offline nor inactive
    assert await bench.call(CheckDevicesOffline) == 1  # marked offline, nothing raised
    assert await bench.call(CheckInactivity) == 0
    assert await bench.call(CheckCoverage) == 0
    assert (bench.alerts(), len(bench.events())) == ([], events_before)


async def test_the_holder_the_representative_or_an_admin_may_a_viewer_is_refused(bench):
    ana, bruno, rita, zoe = (bench.user(n) for n in ("Ana", "Bruno", "Rita", "Zoe"))
    root = bench.user("Root", Role.ADMIN)
    elena = bench.person(ana, member_ids={bruno.id})
    bench.representative(elena, rita)
    with pytest.raises(Forbidden):
        await bench.call(DeactivateCaredPerson, on(elena, bruno))
    with pytest.raises(NotFound):
        await bench.call(DeactivateCaredPerson, on(elena, zoe))
    for manager in (rita, ana, root):
        await bench.call(DeactivateCaredPerson, on(elena, manager))
        await bench.call(ReactivateCaredPerson, on(elena, manager))
    await bench.call(DeactivateCaredPerson, on(elena, ana))
    async with bench.uow as uow:
        stored = await uow.cared_persons.get(elena.id)
        seen = {u.first_name for u in (ana, bruno, rita, root)
                if await may_access(uow, u, stored, bench.clock.now(), bench.clock.today())}
    assert seen == {"Root"}  # the managers no longer see her, yet may bring her back
    with pytest.raises(NotFound):  # the member no longer sees her at all
        await bench.call(ReactivateCaredPerson, on(elena, bruno))
    await bench.call(ReactivateCaredPerson, on(elena, rita))


async def test_coming_back_needs_room_in_the_package(bench):
    ana = bench.user("Ana")
    elena, rosa = bench.person(ana), bench.person(ana, "Rosa")
    await bench.device(elena)
    await bench.device(elena)
    bench.limit(ana, max_devices=3)
    await bench.call(DeactivateCaredPerson, on(elena, ana))
    await bench.device(rosa)  # Elena's two count for nothing now
    await bench.device(rosa)
    with pytest.raises(PackageLimitExceeded) as refused:
        await bench.call(ReactivateCaredPerson, on(elena, ana))
    assert refused.value.exceeded == [{"dimension": "devices", "used": 2, "requested": 2,
                                       "limit": 3}]
    assert not bench.fresh(elena).is_active


async def test_coming_back_needs_a_subscription_unless_alone(bench):
    ana = bench.user("Ana")
    elena = bench.person(ana, subscribed=False)
    await bench.call(DeactivateCaredPerson, on(elena, ana))
    await bench.call(ReactivateCaredPerson, on(elena, ana))  # the account's only person
    rosa = bench.person(ana, "Rosa", subscribed=False)
    await bench.call(DeactivateCaredPerson, on(rosa, ana))
    with pytest.raises(SubscriptionRequired) as refused:
        await bench.call(ReactivateCaredPerson, on(rosa, ana))
    assert refused.value.action == "reactivate_cared_person"
    [entry] = bench.audited(AuditAction.CARED_PERSON_REACTIVATED)
    assert entry.subject_id == elena.id


async def test_erasing_needs_a_deactivated_person_and_erases_what_was_stored(bench):
    ana = bench.user("Ana")
    elena = bench.person(ana)
    bench.contact(elena, "Juan", "juan@example.com")
    alert = await bench.critical_alert(elena)
    with pytest.raises(InvalidStateTransition):
        await bench.call(EraseCaredPerson, on(elena, ana))
    await bench.call(DeactivateCaredPerson, on(elena, ana))
    await bench.call(EraseCaredPerson, on(elena, ana))
    erased = bench.fresh(elena)
    assert (erased.full_name, erased.date_of_birth, erased.emergency_contacts) == (
        "Erased person", None, [])
    assert all(e.sensor_data == {} for e in bench.events())
    told = bench.notifications(alert)
    assert all("Elena" not in n.body + n.subject for n in told)
    assert "juan@example.com" not in {n.address for n in told}
    assert bench.fresh(alert).id == alert.id  # the alert and its id stay
    [entry] = bench.audited(AuditAction.CARED_PERSON_ERASED)
    assert entry.details["records"]["events"] == len(bench.events())
    with pytest.raises(InvalidStateTransition):
        await bench.call(ReactivateCaredPerson, on(elena, ana))


async def test_a_deactivated_user_is_out_at_once_every_token_and_session(bench):
    bea, root = bench.user("Bea"), bench.user("Root", Role.ADMIN)
    pair, other = await bench.login(bea), await bench.login(bea)
    await bench.authenticate(pair.access_token)
    await bench.call(DeactivateUser, of(bea, root))
    for token in (pair.access_token, other.access_token):
        with pytest.raises(Unauthenticated):
            await bench.authenticate(token)
    with pytest.raises(Unauthenticated):
        await bench.refresh(pair)
    with pytest.raises(Unauthenticated):
        await bench.login(bea)
    sessions = [f for f in bench.store.token_families.all() if f.user_id == bea.id]
    assert {f.revoke_reason for f in sessions} == {RevokeReason.USER_INACTIVE}
    assert all([await bench.revocations.is_revoked(f.current_jti) for f in sessions])
    [entry] = bench.audited(AuditAction.USER_DEACTIVATED)
    assert (entry.actor_id, entry.details) == (root.id, {
        "by_self": False, "sessions_ended": 2, "notifications_cancelled": 0})
    await bench.call(ReactivateUser, of(bea, root))
    await bench.authenticate((await bench.login(bea)).access_token)


async def test_a_deactivated_user_is_told_nothing_and_what_was_queued_is_cancelled(bench):
    ana, bea = bench.user("Ana"), bench.user("Bea")
    elena = bench.person(ana, member_ids={bea.id})
    bench.representative(elena, bea)  # level 1 tells Bea
    alert = await bench.critical_alert(elena)
    assert bench.told_users(alert, level=1) == {bea.id}
    await bench.call(DeactivateUser, of(bea, bea))  # by herself
    assert {n.status for n in bench.notifications(alert) if n.recipient_user_id == bea.id} == {
        DeliveryStatus.FAILED}
    bench.advance(minutes=3)
    assert await bench.escalate() == 1
    assert bea.id not in bench.told_users(alert, level=2)
    assert ana.id in bench.told_users(alert, level=2)


async def test_an_account_with_cared_persons_or_the_last_admin_is_not_deactivated(bench):
    ana, root = bench.user("Ana"), bench.user("Root", Role.ADMIN)
    elena = bench.person(ana)
    with pytest.raises(Conflict) as holds:
        await bench.call(DeactivateUser, of(ana, ana))
    assert holds.value.details["cared_person_ids"] == [str(elena.id)]
    await bench.call(DeactivateCaredPerson, on(elena, ana))
    await bench.call(DeactivateUser, of(ana, ana))  # nobody left watched over by her
    with pytest.raises(Conflict, match="last active admin"):
        await bench.call(DeactivateUser, of(root, root))
    other = bench.user("Otro", Role.ADMIN)
    await bench.call(DeactivateUser, of(root, other))


async def test_only_an_admin_acts_on_another_account(bench):
    ana, bea = bench.user("Ana"), bench.user("Bea")
    for use_case in (DeactivateUser, ReactivateUser, EraseUser):
        with pytest.raises(Forbidden):
            await bench.call(use_case, of(bea, ana))


async def test_an_erased_user_keeps_their_id_and_their_email_may_register_again(bench):
    ana, root = bench.user("Ana"), bench.user("Root", Role.ADMIN)
    elena = bench.person(bench.user("Eva"), member_ids={ana.id})
    bench.representative(elena, ana)
    alert = await bench.critical_alert(elena)
    with pytest.raises(InvalidStateTransition):
        await bench.call(EraseUser, of(ana, root))
    await bench.call(DeactivateUser, of(ana, root))
    await bench.call(EraseUser, of(ana, root))
    erased = bench.fresh(ana)
    assert (erased.id, erased.full_name, erased.is_active) == (ana.id, "Erased user", False)
    assert "ana@example.com" not in {n.address for n in bench.notifications(alert)}
    again = await bench.call(RegisterUser, RegisterUserCommand(
        "ana@example.com", "una clave larga", "Ana", "Nueva"))
    assert again.id != ana.id
    [entry] = bench.audited(AuditAction.USER_ERASED)
    assert (entry.subject_id, entry.actor_id) == (ana.id, root.id)

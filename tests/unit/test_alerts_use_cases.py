"""People acting on alerts: acknowledge, resolve; the dispatcher's mark-sent. (Listing
and getting them are queries over the views: tests/integration/test_safety_views.py.)"""

from __future__ import annotations

import pytest

from cuiot.application.safety.commands import alerts as uc
from cuiot.domain.alerts import AlertAcknowledged, AlertStatus
from cuiot.domain.errors import Conflict, NotFound
from cuiot.domain.users import Role
from tests.support.alerts import BP_CRITICAL, SafetyBench


@pytest.fixture
def bench() -> SafetyBench:
    return SafetyBench()


@pytest.fixture
async def scene(bench: SafetyBench):
    ana, bruno, carla, rita, eva = (bench.user(n) for n in ("Ana", "Bruno", "Carla", "Rita", "Eva"))
    person = bench.person(ana, member_ids={bruno.id})
    bench.caregiver(person, carla, primary=True)
    bench.representative(person, rita)
    bench.institution(person, bench.user("Director"), eva)
    device = await bench.device(person)
    await bench.reading(device, BP_CRITICAL)
    people = {u.first_name: u for u in (ana, bruno, carla, rita, eva)}
    return people, bench.alert(), person, device


@pytest.mark.parametrize("who", ["Ana", "Bruno", "Carla", "Rita", "Eva", "admin"])
async def test_anyone_with_access_or_an_admin_may_acknowledge(bench, scene, who) -> None:
    people, alert, *_ = scene
    actor = people.get(who) or bench.user("Root", Role.ADMIN)
    done = await bench.call(uc.AcknowledgeAlert, uc.AlertCommand(actor.id, alert.id))
    assert done.status is AlertStatus.ACKNOWLEDGED and done.acknowledged_by == actor.id
    assert any(isinstance(e, AlertAcknowledged) for e in bench.publisher.published)


async def test_someone_without_access_is_told_it_does_not_exist(bench, scene) -> None:
    _, alert, *_ = scene
    stranger = bench.user("Zoe")
    for use_case in (uc.AcknowledgeAlert, uc.ResolveAlert):
        with pytest.raises(NotFound):
            await bench.call(use_case, uc.AlertCommand(stranger.id, alert.id))
    assert bench.alert().status is AlertStatus.PENDING


async def test_acknowledging_twice_is_a_conflict(bench, scene) -> None:
    people, alert, *_ = scene
    await bench.call(uc.AcknowledgeAlert, uc.AlertCommand(people["Ana"].id, alert.id))
    with pytest.raises(Conflict):
        await bench.call(uc.AcknowledgeAlert, uc.AlertCommand(people["Bruno"].id, alert.id))
    assert bench.alert().acknowledged_by == people["Ana"].id


async def test_acknowledged_alerts_do_not_escalate(bench, scene) -> None:
    people, alert, *_ = scene
    await bench.call(uc.AcknowledgeAlert, uc.AlertCommand(people["Bruno"].id, alert.id))
    written = len(bench.notifications())
    bench.advance(hours=1)
    assert await bench.escalate() == 0
    assert len(bench.notifications()) == written and bench.alert().escalation_level == 1


async def test_resolving_then_resolving_again(bench, scene) -> None:
    people, alert, *_ = scene
    done = await bench.call(uc.ResolveAlert, uc.AlertCommand(people["Carla"].id, alert.id))
    assert done.status is AlertStatus.RESOLVED and done.acknowledged_by == people["Carla"].id
    with pytest.raises(Conflict):
        await bench.call(uc.ResolveAlert, uc.AlertCommand(people["Carla"].id, alert.id))


async def test_a_delivered_notification_marks_the_alert_sent_once(bench, scene) -> None:
    _, alert, *_ = scene
    mark = uc.MarkAlertNotificationSentCommand(alert.id)
    assert await bench.call(uc.MarkAlertNotificationSent, mark) is True
    assert await bench.call(uc.MarkAlertNotificationSent, mark) is False
    assert bench.alert().status is AlertStatus.SENT


async def test_the_dispatcher_helper_works_inside_its_own_unit_of_work(bench, scene) -> None:
    _, alert, *_ = scene
    async with bench.uow:
        assert await uc.mark_alert_sent(bench.uow, alert.id, bench.clock.now())
        assert not await uc.mark_alert_sent(bench.uow, bench.ids.new_id(), bench.clock.now())
        await bench.uow.commit()
    assert bench.alert().status is AlertStatus.SENT

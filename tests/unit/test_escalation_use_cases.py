"""EscalateDueAlerts and who each level tells, with the fallbacks."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cuiot.application.safety.commands.alerts import AcknowledgeAlert, AlertCommand
from cuiot.application.safety.commands.escalation import EscalateDueAlerts, EscalateDueAlertsCommand
from cuiot.domain.alerts import AlertStatus
from cuiot.domain.notifications import Channel
from cuiot.domain.responders import ChannelChoice, PushToken
from cuiot.domain.users import Role, RoleGrant
from tests.fakes.uow import InMemoryUnitOfWork
from tests.support.alerts import BP_CRITICAL, SafetyBench


@pytest.fixture
def bench() -> SafetyBench:
    return SafetyBench()


@pytest.fixture
def family(bench: SafetyBench):
    """Ana holds the account, Rita represents Elena, Carla is the primary caregiver and
    Diego another; Bruno is a member; Eva is on call at the home; Fer and Gus are
    emergency contacts."""
    names = ("Ana", "Bruno", "Carla", "Diego", "Rita", "Eva", "Director", "Root")
    people = {n: bench.user(n) for n in names[:-1]}
    people["Root"] = bench.user("Root", Role.ADMIN)
    person = bench.person(people["Ana"], member_ids={people["Bruno"].id})
    bench.caregiver(person, people["Carla"], primary=True)
    bench.caregiver(person, people["Diego"])
    bench.representative(person, people["Rita"])
    bench.institution(person, people["Director"], people["Eva"])
    bench.contact(person, "Fer", email="fer@example.com", phone="+54 11 5555-0001")
    bench.contact(person, "Gus", phone="+54 11 5555-0002")
    return person, people


def users(people, *names) -> set:
    return {people[n].id for n in names}


async def open_critical(bench: SafetyBench, person) -> None:
    await bench.reading(await bench.device(person), BP_CRITICAL)


async def step(bench: SafetyBench, minutes: float = 2) -> int:
    bench.advance(minutes=minutes)
    return await bench.escalate()


async def test_each_level_tells_its_people(bench, family) -> None:
    person, people = family
    await open_critical(bench, person)
    alert = bench.alert()
    assert bench.told_users(alert, 1) == users(people, "Rita", "Carla")
    assert await step(bench) == 1
    assert bench.told_users(alert, 2) == users(people, "Ana", "Bruno", "Carla", "Diego", "Rita")
    assert await step(bench) == 1
    assert bench.told_users(alert, 3) == users(people, "Eva")
    assert bench.told(alert, 3) == {
        ("email", "eva@example.com"),  # Eva registered no phone for push
        ("email", "fer@example.com"), ("sms", "+54 11 5555-0001"),  # Fer has both
        ("sms", "+54 11 5555-0002")}  # Gus has only a phone


async def test_every_user_gets_the_channels_they_chose(bench, family) -> None:
    person, people = family
    bench.fresh(people["Rita"]).register_push_token(
        PushToken(bench.ids.new_id(), "rita-phone-token", bench.clock.now()))
    bench.fresh(people["Carla"]).choose_channels(ChannelChoice(email=False, sms=True),
                                                 "+54 11 5555-0303")
    await open_critical(bench, person)
    rows = bench.notifications(bench.alert(), 1)
    assert sorted((n.channel, n.address, n.recipient_name) for n in rows) == sorted([
        (Channel.EMAIL, "rita@example.com", "Rita Pérez"),
        (Channel.PUSH, "rita-phone-token", "Rita Pérez"),
        (Channel.SMS, "+541155550303", "Carla Pérez")])
    assert all(n.kind == "alert" and n.payload["severity"] == "critical" for n in rows)


async def test_the_whole_ladder_ends_with_the_admins(bench, family) -> None:
    person, people = family
    await open_critical(bench, person)
    alert = bench.alert()
    moved = [await step(bench) for _ in range(6)]
    assert moved == [1, 1, 1, 1, 1, 1]
    assert (alert.status, alert.repeats_at_max_level) == (AlertStatus.UNHANDLED, 3)
    level3 = [n for n in bench.notifications(alert, 3) if n.payload["reason"] == "repeated"]
    assert len(level3) == 3 * 4  # Eva (1 row), Fer (2), Gus (1), three times
    admins = [n for n in bench.notifications(alert) if n.payload["reason"] == "unhandled"]
    assert {n.recipient_user_id for n in admins} == users(people, "Root")
    assert await step(bench, 60) == 0


async def test_a_self_caring_person_is_told_first(bench) -> None:
    marta = bench.user("Marta")
    await open_critical(bench, bench.self_caring(marta))
    assert bench.told_users(bench.alert(), 1) == {marta.id}


async def test_without_institution_or_contacts_level_three_tells_level_two_again(bench) -> None:
    ana, bruno = bench.user("Ana"), bench.user("Bruno")
    person = bench.person(ana, member_ids={bruno.id})
    await open_critical(bench, person)
    await step(bench)
    await step(bench)
    assert bench.told_users(bench.alert(), 3) == {ana.id, bruno.id}


async def test_an_on_call_less_institution_still_tells_the_contacts(bench) -> None:
    ana = bench.user("Ana")
    person = bench.person(ana)
    bench.institution(person, bench.user("Director"))
    bench.contact(person, "Fer", phone="+5411")
    await open_critical(bench, person)
    await step(bench)
    await step(bench)
    assert bench.told(bench.alert(), 3) == {("sms", "+5411")}


async def test_with_nobody_at_level_one_the_alert_still_reaches_the_admins(bench) -> None:
    """A delegated person with no representative nor caregiver: level 1 names nobody."""
    root = bench.user("Root", Role.ADMIN)
    expired = bench.user("Old")
    expired.roles = [RoleGrant(Role.ADMIN, bench.clock.now() - timedelta(days=9),
                               bench.clock.now() - timedelta(days=1))]
    gone = bench.user("Gone", Role.ADMIN)
    gone.is_active = False
    await open_critical(bench, bench.person(bench.user("Ana")))
    assert bench.told_users(bench.alert(), 1) == {root.id}


async def test_with_nobody_at_all_a_log_row_is_written(bench) -> None:
    await open_critical(bench, bench.person(bench.user("Ana")))
    (row,) = bench.notifications(bench.alert())
    assert row.channel is Channel.LOG


async def test_running_twice_at_the_same_instant_escalates_once(bench, family) -> None:
    await open_critical(bench, family[0])
    bench.advance(minutes=2)
    assert await bench.escalate() == 1
    assert await bench.escalate() == 0
    assert bench.alert().escalation_level == 2


async def test_escalation_survives_a_restart(bench, family) -> None:
    await open_critical(bench, family[0])
    bench.advance(minutes=2)
    restarted = EscalateDueAlerts(InMemoryUnitOfWork(bench.store), bench.clock, bench.ids,
                                  bench.policy)
    assert await restarted() == 1
    assert bench.alert().escalation_level == 2


async def test_a_batch_limit(bench, family) -> None:
    person = family[0]
    await open_critical(bench, person)
    await open_critical(bench, person)
    bench.advance(minutes=2)
    assert await bench.call(EscalateDueAlerts, EscalateDueAlertsCommand(limit=1)) == 1
    assert await bench.escalate() == 1


async def test_a_worse_event_after_acknowledgement_starts_over(bench, family) -> None:
    person, people = family
    device = await bench.device(person)
    await bench.reading(device, {"systolic": 150, "diastolic": 85, "pulse": 70})
    alert = bench.alert()
    await bench.call(AcknowledgeAlert, AlertCommand(people["Ana"].id, alert.id))
    before = len(bench.notifications(alert))
    await bench.reading(device, BP_CRITICAL)
    alert = bench.alert()
    assert (alert.status, alert.severity, alert.escalation_level) == (
        AlertStatus.PENDING, "critical", 1)
    reopened = bench.notifications(alert)[before:]
    assert {n.recipient_user_id for n in reopened} == users(people, "Rita", "Carla")
    assert {n.payload["reason"] for n in reopened} == {"reopened"}

"""Coverage on SQLite and PostgreSQL: the read (one statement over its view) and the
check (through the unit of work) agree on every cause, a stranger is told the person
does not exist, two checks at once open one alert, and migration 0008 goes down and up.

Elena (``family``, on Ana's account) has Rita as her representative and Carla as her
primary caregiver: her level 1 is reachable. Marta, on Zoe's account, has nobody."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from cuiot.adapters.persistence.database import create_engine
from cuiot.adapters.persistence.migrate import alembic_config, upgrade
from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.coverage import SqlCoverageViews
from cuiot.application.safety.commands.coverage import CheckCoverage, watches
from cuiot.application.safety.commands.escalation import Alerting
from cuiot.application.safety.queries.coverage import Coverage, CoverageQuery, ReadCoverage
from cuiot.domain.alerts import Alert
from cuiot.domain.care import AssignmentStatus, CaregiverAssignment, CareType
from cuiot.domain.coverage import assess
from cuiot.domain.devices import Device
from cuiot.domain.errors import NotFound
from cuiot.domain.notifications import Channel, DeliveryStatus, Notification
from cuiot.domain.sensor_events import Severity
from tests.integration.test_caregiver_consent import own_database  # noqa: F401
from tests.integration.test_safety_flows import Safety, family, run  # noqa: F401
from tests.integration.test_safety_persistence import a_person, a_user, store
from tests.support.alerts import alerts_of, viewer
from tests.support.databases import in_thread
from tests.support.statements import statements
from tests.support.subscriptions import subscribe


async def device(run: Safety, sql_uow, holder, person, kind: str, *, status: str = "online",
                 battery: int = 90) -> Device:
    """A device of ``kind``, heard from (or gone offline) with its battery at ``battery``
    (the account subscribed first: registering a device needs a subscription in force)."""
    await subscribe(sql_uow(), run.clock.now(), run.clock.today(), holder.id,
                    account_id=person.account_id)
    registered = await run.register(holder, person, f"{kind}-{uuid4().hex[:6]}", kind)
    async with sql_uow() as uow:
        stored = await uow.devices.get(registered.id)
        stored.mark_seen(run.clock.now(), run.ports["policy"])
        stored.report_battery(Decimal(battery))
        if status == "offline":
            stored.mark_offline()
        await uow.commit()
    return stored


async def told(sql_uow, clock, policy, person, device: Device, *outcomes: tuple[str, str],
               ago: timedelta = timedelta(hours=1)) -> None:
    """An alert of ``person`` told ``ago``, one notification per (channel, outcome)."""
    at = clock.now() - ago
    alert = Alert.open(id=uuid4(), cared_person_id=person.id, device_pk=device.id,
                       alert_type="panic_pressed", severity=Severity.CRITICAL, at=at,
                       policy=policy)
    rows = [Notification(id=uuid4(), channel=Channel(channel), address="x", subject="s",
                         body="b", created_at=at, alert_id=alert.id,
                         status=DeliveryStatus(status), sent_at=at if status == "sent" else None)
            for channel, status in outcomes]
    await store(sql_uow, alert, *rows)


async def read(engine, clock, policy, reader, person) -> Coverage:
    """The query over its view, in a read transaction of its own (as a request)."""
    async with ReadSide(engine).transaction() as conn:
        return await ReadCoverage(SqlCoverageViews(conn), clock=clock, policy=policy)(
            CoverageQuery(viewer(reader), person.id))


@pytest.fixture
def scene(run, sql_uow, family, clock, policy):
    return run, sql_uow, family, clock, policy


Scene = tuple[Any, Any, Any, Any, Any]
Case = Callable[[Scene], Awaitable[tuple[Any, str, list[str]]]]


async def all_well(s: Scene):
    run, sql_uow, (elena, people), *_ = s
    await device(run, sql_uow, people["Ana"], elena, "panic_button")
    await device(run, sql_uow, people["Ana"], elena, "blood_pressure", status="offline")
    return elena, "protected", []


async def offline_and_low(s: Scene):
    run, sql_uow, (elena, people), *_ = s
    await device(run, sql_uow, people["Ana"], elena, "gas_sensor", battery=15)
    await device(run, sql_uow, people["Ana"], elena, "panic_button", status="offline")
    return elena, "unprotected", ["battery_low", "device_offline"]


async def nobody_on_level_one(s: Scene):
    run, sql_uow, (_, people), *_ = s
    marta = a_person(people["Zoe"], "Marta", caregivers=[CaregiverAssignment(
        people["Carla"].id, primary=True, status=AssignmentStatus.PENDING)])
    await store(sql_uow, marta)
    await device(run, sql_uow, people["Zoe"], marta, "panic_button")
    return marta, "degraded", ["no_reachable_responder"]


async def primary_caregiver_only(s: Scene):
    _, sql_uow, (_, people), *_ = s
    marta = a_person(people["Zoe"], "Marta", caregivers=[CaregiverAssignment(
        people["Carla"].id, primary=True, status=AssignmentStatus.ACCEPTED)])
    await store(sql_uow, marta)
    return marta, "protected", []


async def caring_for_herself(s: Scene):
    _, sql_uow, (_, people), *_ = s
    zoe = people["Zoe"]
    await store(sql_uow, a_person(zoe, "Zoe", care_type=CareType.SELF_CARE, user_id=zoe.id))
    async with sql_uow() as uow:
        (herself,) = await uow.cared_persons.list_for_account(zoe.id)
    return herself, "protected", []


async def nothing_delivered(s: Scene):
    run, sql_uow, (elena, people), clock, policy = s
    button = await device(run, sql_uow, people["Ana"], elena, "panic_button")
    await told(sql_uow, clock, policy, elena, button, ("email", "failed"), ("log", "sent"),
               ("push", "pending"))
    return elena, "unprotected", ["no_delivery"]


async def something_delivered(s: Scene):
    run, sql_uow, (elena, people), clock, policy = s
    button = await device(run, sql_uow, people["Ana"], elena, "panic_button")
    await told(sql_uow, clock, policy, elena, button, ("email", "failed"), ("sms", "sent"))
    return elena, "protected", []


async def failed_long_ago(s: Scene):
    run, sql_uow, (elena, people), clock, policy = s
    button = await device(run, sql_uow, people["Ana"], elena, "panic_button")
    await told(sql_uow, clock, policy, elena, button, ("email", "failed"), ago=timedelta(hours=25))
    return elena, "protected", []


async def failed_for_someone_else(s: Scene):
    run, sql_uow, (elena, people), clock, policy = s
    marta = a_person(people["Ana"], "Marta", care_type=CareType.SELF_CARE,
                     user_id=people["Ana"].id)
    await store(sql_uow, marta)
    other = await device(run, sql_uow, people["Ana"], marta, "panic_button")
    await told(sql_uow, clock, policy, marta, other, ("email", "failed"))
    return elena, "protected", []


CASES = [all_well, offline_and_low, nobody_on_level_one, primary_caregiver_only,
         caring_for_herself, nothing_delivered, something_delivered, failed_long_ago,
         failed_for_someone_else]


@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
async def test_the_read_and_the_check_agree_on_every_cause(scene, engine, case: Case) -> None:
    run, sql_uow, (_, people), clock, policy = scene
    person, state, codes = await case(scene)
    owner = people["Zoe"] if person.account_id == people["Zoe"].id else people["Ana"]
    with statements(engine) as seen:
        found = await read(engine, clock, policy, owner, person)
    assert len(seen.queries()) == 1
    assert (found.state, [r.code for r in found.reasons], found.evaluated_at) == (
        state, codes, clock.now())
    async with sql_uow() as uow:  # what the check gathers through the unit of work
        alerting = Alerting(uow, run.ports["ids"], policy, clock.now(), clock.today())
        (watch,) = await watches(alerting, [await uow.cared_persons.get(person.id)])
    checked = assess(watch.inputs, policy)
    assert [(r.code.value, r.message, r.subject_id, r.subject_name)
            for r in checked.reasons] == [
        (r.code, r.message, r.subject_id, r.subject_name) for r in found.reasons]
    await run(CheckCoverage)
    async with sql_uow() as uow:
        kept = await uow.coverage.get(person.id)
    assert kept.state.value == state


async def test_a_stranger_is_told_the_person_does_not_exist(scene, engine) -> None:
    _, _, (elena, people), clock, policy = scene
    with pytest.raises(NotFound):
        await read(engine, clock, policy, people["Zoe"], elena)
    for who in ("Bruno", "Carla", "Rita", "Root"):  # a member, caregiver, representative, admin
        assert (await read(engine, clock, policy, people[who], elena)).state == "protected"


async def test_two_checks_at_once_keep_one_state_and_open_one_alert(scene) -> None:
    run, sql_uow, (elena, people), *_ = scene
    button = await device(run, sql_uow, people["Ana"], elena, "panic_button", status="offline")
    lapsed = await asyncio.gather(run(CheckCoverage), run(CheckCoverage))
    assert sorted(lapsed) == [0, 1]
    async with sql_uow() as uow:
        (alert,) = await alerts_of(uow, elena.id)
        kept = await uow.coverage.get(elena.id)
    assert (alert.alert_type, alert.severity, alert.device_pk) == (
        "coverage_lapsed", Severity.HIGH, button.id)
    assert kept.state.value == "unprotected"


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


async def test_0008_goes_down_and_up_again(own_database: str, clock, ids, rng, policy) -> None:
    engine = create_engine(own_database)
    try:
        uow = lambda: SqlAlchemyUnitOfWork(engine)  # noqa: E731
        ana = a_user("Ana")
        elena = a_person(ana)
        await store(uow, ana, elena)
        run = Safety(uow, engine, clock, ids, rng, policy)
        await device(run, uow, ana, elena, "panic_button", status="offline")
        assert await run(CheckCoverage) == 1  # nobody on level 1, a device offline
        await engine.dispose()
        in_thread(downgrade, own_database, "0007")
        async with engine.connect() as conn:
            types = (await conn.execute(text("SELECT event_type FROM events"))).scalars().all()
            assert "coverage_lapsed" not in types
        await engine.dispose()
        in_thread(upgrade, own_database)
        async with SqlAlchemyUnitOfWork(engine) as fresh:
            assert await fresh.coverage.get(elena.id) is None  # the table was made again
        assert await run(CheckCoverage) == 1  # judged again, from protected
        with pytest.raises(IntegrityError):  # the event types are still checked
            async with engine.begin() as conn:
                await conn.execute(text("UPDATE events SET event_type = 'coverage_gone'"))
    finally:
        await engine.dispose()

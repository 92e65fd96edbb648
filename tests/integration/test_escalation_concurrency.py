"""Several workers on one PostgreSQL: due alerts are shared out with row locks
(``FOR UPDATE SKIP LOCKED``) so each escalates exactly once; an alert being changed
is never overwritten by another change; a message two consumers take at once is stored
once. SQLite is skipped: it lets one writer in at a time (BEGIN IMMEDIATE), so two
units of work are never inside the same rows together there."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest

from cuiot.application.safety.commands.alerts import AcknowledgeAlert, AlertCommand
from cuiot.application.safety.commands.escalation import EscalateDueAlerts, EscalateDueAlertsCommand
from cuiot.application.safety.commands.ingest import IngestReading, IngestReadingCommand
from cuiot.domain.alerts import AlertStatus
from cuiot.domain.care import AssignmentStatus, CaregiverAssignment
from cuiot.domain.errors import Conflict
from cuiot.domain.users import Role
from tests.integration.test_safety_persistence import (
    BP,
    NOW,
    a_device,
    a_person,
    a_user,
    an_alert,
    an_event,
    store,
)
from tests.integration.test_safety_persistence import ids as ids_of
from tests.support.alerts import alerts_of, events_of_device, outbox_of


@pytest.fixture(autouse=True)
def postgres_only(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers (BEGIN IMMEDIATE): no two workers at once")


@pytest.fixture
async def family(sql_uow):
    """Ana holds the account of Elena, whom Carla cares for (primary): two users at
    levels 1 and 2, each told by email and push."""
    ana, carla = a_user("Ana", Role.FAMILY), a_user("Carla", Role.CAREGIVER)
    elena = a_person(ana, caregivers=[CaregiverAssignment(carla.id, primary=True,
                                                          status=AssignmentStatus.ACCEPTED)])
    device = a_device(elena)
    await store(sql_uow, ana, carla, elena, device)
    return ana, elena, device


async def due_alerts(sql_uow, device, count: int):
    """``count`` critical alerts opened 3 minutes ago (timeout 2): all due now."""
    opened = [an_alert(device, at=NOW - timedelta(minutes=3, seconds=n),
                       alert_type=f"t{n}") for n in range(count)]
    await store(sql_uow, *opened)
    return opened


async def test_two_workers_never_get_the_same_due_alert(sql_uow, family):
    *_, device = family
    opened = await due_alerts(sql_uow, device, 4)
    async with sql_uow() as first, sql_uow() as second:
        held = await first.alerts.list_due_for_escalation(NOW, limit=2)
        others = await second.alerts.list_due_for_escalation(NOW)
        assert ids_of(held) == ids_of(opened[::-1][:2])  # the most overdue first
        assert ids_of(others) == ids_of(opened[::-1][2:])  # not blocked, and never the same
        async with sql_uow() as third:
            assert await third.alerts.list_due_for_escalation(NOW) == []
    async with sql_uow() as after:  # released at the end of the units of work
        assert len(await after.alerts.list_due_for_escalation(NOW)) == 4


async def test_concurrent_escalation_runs_escalate_each_alert_once(
        sql_uow, family, clock, ids, policy):
    *_, device = family
    opened = await due_alerts(sql_uow, device, 10)

    def worker() -> EscalateDueAlerts:
        return EscalateDueAlerts(sql_uow(), clock, ids, policy)

    rounds = [await asyncio.gather(*(worker()(EscalateDueAlertsCommand(limit=3))
                                     for _ in range(3))) for _ in range(3)]
    assert sum(map(sum, rounds)) == 10 and rounds[-1] == [0, 0, 0]
    async with sql_uow() as uow:
        for alert in opened:
            rows = await outbox_of(uow, alert.id)
            assert Counter(n.escalation_level for n in rows) == {2: 2}  # 2 users × email
            assert (await uow.alerts.get(alert.id)).escalation_level == 2


async def test_an_acknowledgement_waits_for_an_escalation_and_keeps_it(
        sql_uow, family, clock, policy):
    ana, _, device = family
    [alert] = await due_alerts(sql_uow, device, 1)
    async with sql_uow() as escalating:
        [held] = await escalating.alerts.list_due_for_escalation(NOW)
        assert held.escalate(NOW, policy) == 2
        await escalating.flush()
        acknowledging = asyncio.create_task(
            AcknowledgeAlert(sql_uow(), clock)(AlertCommand(ana.id, alert.id)))
        await asyncio.sleep(0.3)
        assert not acknowledging.done()  # it waits for the row
        await escalating.commit()
    acknowledged = await acknowledging
    assert (acknowledged.status, acknowledged.escalation_level) == (AlertStatus.ACKNOWLEDGED, 2)
    async with sql_uow() as uow:
        stored = await uow.alerts.get(alert.id)
    assert (stored.status, stored.escalation_level) == (AlertStatus.ACKNOWLEDGED, 2)


async def test_a_message_taken_by_two_consumers_is_stored_once(sql_uow, family):
    *_, device = family
    async with sql_uow() as first, sql_uow() as second:
        await first.events.add(an_event(device, msg_id="m-1"))
        await first.flush()
        await second.events.add(an_event(device, msg_id="m-1"))
        duplicate = asyncio.create_task(second.commit())  # waits on the first's row
        await asyncio.sleep(0.2)
        assert not duplicate.done()
        await first.commit()
        with pytest.raises(Conflict):
            await duplicate
    async with sql_uow() as uow:
        assert len(await events_of_device(uow, device.id)) == 1


async def test_two_serious_readings_at_once_join_one_alert(sql_uow, family, clock, ids,
                                                          policy):
    *_, device = family

    def reading(msg_id: str):
        return IngestReading(sql_uow(), clock, ids, policy)(IngestReadingCommand(
            device_id=device.device_id, msg_id=msg_id, type="blood_pressure", data=BP))

    await asyncio.gather(reading("m-1"), reading("m-2"))
    async with sql_uow() as uow:
        [alert] = await alerts_of(uow)
        assert alert.occurrences == 2
        assert len(await events_of_device(uow, device.id)) == 2

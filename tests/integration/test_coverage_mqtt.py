"""Coverage through MQTT, against a real Mosquitto, on SQLite and PostgreSQL: a panic
button that stops its heartbeats, or vanishes leaving its last will, leaves Elena
unprotected, with a ``coverage_lapsed`` alert told to her level 1 at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from prometheus_client import CollectorRegistry

from cuiot.adapters.mqtt.client import BrokerAddress
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.coverage import SqlCoverageViews
from cuiot.application.safety.queries.coverage import CoverageQuery, ReadCoverage
from cuiot.domain.coverage import CoverageState
from cuiot.domain.devices import DeviceStatus
from cuiot.domain.sensor_events import Severity
from cuiot.entrypoints.cli.simulate import SimulatedDevice
from cuiot.entrypoints.scheduler import Scheduler
from tests.integration.test_mqtt_consumer import (  # noqa: F401
    eventually,
    start_consumer,
    telemetry,
)
from tests.integration.test_safety_flows import Safety, family, run  # noqa: F401
from tests.support.alerts import alerts_of, outbox_of, viewer
from tests.support.mosquitto import Mosquitto, Publisher, mosquitto  # noqa: F401

HEARTBEAT_S = 60
TS = "2026-01-15T14:59:30Z"


async def coverage_of(engine, clock, policy, elena, reader):
    async with ReadSide(engine).transaction() as conn:
        return await ReadCoverage(SqlCoverageViews(conn), clock=clock, policy=policy)(
            CoverageQuery(viewer(reader), elena.id))


async def kept_state(sql_uow, elena) -> CoverageState | None:
    async with sql_uow() as uow:
        kept = await uow.coverage.get(elena.id)
    return None if kept is None else kept.state


async def lapsed_alert(sql_uow, elena):
    async with sql_uow() as uow:
        (alert,) = [a for a in await alerts_of(uow, elena.id)
                    if a.alert_type == "coverage_lapsed"]
        rows = await outbox_of(uow, alert.id)
    return alert, rows


@pytest.fixture
async def button(run, family, sql_uow):
    elena, people = family
    return await run.register(people["Ana"], elena, "panic-1", "panic_button")


async def online(sql_uow, device) -> bool:
    async with sql_uow() as uow:
        return (await uow.devices.get(device.id)).status is DeviceStatus.ONLINE


async def test_a_panic_button_whose_heartbeats_stop_leaves_the_person_unprotected(
        mosquitto, start_consumer, family, button, sql_uow, engine, clock, ids, policy):
    elena, people = family
    scheduler = Scheduler(sql_uow, clock, ids, policy, engine=engine,
                          metrics_registry=CollectorRegistry())
    await start_consumer()
    with Publisher(mosquitto.url) as device:
        device.publish("cuiot/devices/panic-1/status",
                       {"status": "online", "ts": TS, "heartbeat_s": HEARTBEAT_S}, retain=True)
        device.publish(telemetry("panic-1"), {"msg_id": "b-1", "ts": TS, "type": "panic_button",
                                              "data": {}, "battery_level": 90})
        device.wait_all_acknowledged()
    await eventually(lambda: online(sql_uow, button))
    await scheduler.tick()
    assert await kept_state(sql_uow, elena) is CoverageState.PROTECTED
    clock.advance(timedelta(seconds=3 * HEARTBEAT_S - 1))  # silent, one second short
    await scheduler.tick()
    assert await kept_state(sql_uow, elena) is CoverageState.PROTECTED
    clock.advance(timedelta(seconds=1))  # three heartbeats missed
    await scheduler.tick()
    assert await kept_state(sql_uow, elena) is CoverageState.UNPROTECTED
    alert, rows = await lapsed_alert(sql_uow, elena)
    assert (alert.severity, alert.device_pk, alert.escalation_level) == (
        Severity.HIGH, button.id, 1)
    assert {n.recipient_user_id for n in rows} == {people["Rita"].id, people["Carla"].id}
    read = await coverage_of(engine, clock, policy, elena, people["Ana"])
    assert read.state == "unprotected"
    assert [(r.code, r.subject_id) for r in read.reasons] == [("device_offline", button.id)]


async def test_a_panic_button_gone_with_its_last_will_leaves_the_person_unprotected_at_once(
        mosquitto, start_consumer, family, button, sql_uow):
    elena, _ = family
    await start_consumer()
    device = SimulatedDevice(BrokerAddress.parse(mosquitto.url), "panic-1")
    device.connect()
    try:
        device.send("status", {"status": "online", "ts": TS, "heartbeat_s": HEARTBEAT_S})
        await eventually(lambda: online(sql_uow, button))
    finally:
        device.drop()  # no DISCONNECT: the broker publishes its offline will

    async def unprotected() -> bool:
        return await kept_state(sql_uow, elena) is CoverageState.UNPROTECTED

    await eventually(unprotected)  # no scheduler runs: the will alone did it
    alert, _ = await lapsed_alert(sql_uow, elena)
    assert (alert.alert_type, alert.severity) == ("coverage_lapsed", Severity.HIGH)

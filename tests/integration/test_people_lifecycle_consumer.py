"""The MQTT consumer against a real Mosquitto, on SQLite and PostgreSQL, once a cared
person is deactivated: what their devices send (readings, device events, statuses) is
refused as ``cared_person_deactivated``, kept with its payload, acknowledged and
counted; no alert is opened, nothing is stored as theirs, and the consumer goes on with
the messages behind (another person's device still raises its alert)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry
from sqlalchemy import select

from cuiot.adapters.persistence.orm.safety import events
from cuiot.application.care.commands.lifecycle import CaredPersonCommand, DeactivateCaredPerson
from cuiot.domain.sensor_events import SensorEvent
from tests.integration.test_mqtt_consumer import (  # noqa: F401
    CRITICAL,
    _count_is,
    _stored,
    eventually,
    reading,
    sample,
    start_consumer,
    telemetry,
)
from tests.integration.test_safety_flows import Safety, family, run  # noqa: F401
from tests.integration.test_safety_persistence import a_person, store
from tests.support.alerts import alerts_of
from tests.support.mosquitto import Publisher, mosquitto  # noqa: F401

REFUSED = ("SELECT count(*) FROM rejected_messages "
           "WHERE reason = 'cared_person_deactivated' AND device_id = 'bp-elena'")


async def test_a_deactivated_persons_messages_are_refused_and_the_consumer_goes_on(
        mosquitto, start_consumer, run, family, sql_uow, engine):
    elena, people = family
    rosa = a_person(people["Ana"], "Rosa")
    await store(sql_uow, rosa)
    await run.register(people["Ana"], elena, "bp-elena")
    await run.register(people["Ana"], rosa, "bp-rosa")
    await run(DeactivateCaredPerson, CaredPersonCommand(people["Ana"].id, elena.id))
    registry = CollectorRegistry()
    await start_consumer(metrics_registry=registry)
    with Publisher(mosquitto.url) as publisher:
        publisher.publish(telemetry("bp-elena"), reading("e-1", CRITICAL))
        publisher.publish("cuiot/devices/bp-elena/events", {"msg_id": "e-2", "event": "fall"})
        publisher.publish("cuiot/devices/bp-elena/status", {"status": "offline"})
        publisher.publish(telemetry("bp-rosa"), reading("r-1", CRITICAL))
        publisher.wait_all_acknowledged()
    await eventually(lambda: _stored(engine, "r-1"))
    await eventually(lambda: _count_is(engine, REFUSED, 3))
    async with sql_uow() as uow:
        assert await alerts_of(uow, elena.id) == []
        assert (await uow.session.scalars(select(SensorEvent).where(
            events.c.cared_person_id == elena.id))).all() == []
        assert len(await alerts_of(uow, rosa.id)) == 1
    assert sample(registry, "cuiot_mqtt_messages_rejected_total",
                  reason="cared_person_deactivated") == 3
    with Publisher(mosquitto.url) as publisher:  # still consuming
        publisher.publish(telemetry("bp-rosa"), reading("r-2"))
        publisher.wait_all_acknowledged()
    await eventually(lambda: _stored(engine, "r-2"))

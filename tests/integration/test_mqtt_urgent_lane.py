"""A panic press, a fall or a critical reading never waits behind other devices'
messages: on a real Mosquitto, on SQLite and PostgreSQL, a panic press published behind
a backlog is stored before the backlog has drained, and nothing is lost or doubled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from tests.fakes.system import FixedClock
from tests.integration.test_mqtt_consumer import (  # noqa: F401
    count,
    eventually,
    reading,
    start_consumer,
    telemetry,
)
from tests.integration.test_safety_flows import Safety, family, run  # noqa: F401
from tests.integration.test_safety_persistence import NOW
from tests.support.mosquitto import Publisher, mosquitto  # noqa: F401

BACKLOG = 400


class TickingClock(FixedClock):
    """Every reading of the time is a millisecond later: batches get distinct times."""

    def now(self):
        self.set(super().now() + timedelta(milliseconds=1))
        return super().now()


@pytest.fixture
def clock() -> TickingClock:
    return TickingClock(NOW)


async def test_a_panic_press_overtakes_a_backlog_of_other_devices(
        mosquitto, start_consumer, run, family, engine):
    elena, people = family
    await run.register(people["Ana"], elena, "bp-1")
    await run.register(people["Ana"], elena, "panic-1", "panic_button")
    consumer = await start_consumer("cuiot-urgent", batch_size=25)
    await consumer.stop()  # its session keeps what comes next
    with Publisher(mosquitto.url) as publisher:
        for i in range(BACKLOG):
            publisher.publish(telemetry("bp-1"), reading(f"n-{i}"))
        publisher.publish("cuiot/devices/panic-1/events", {"msg_id": "p-1", "event": "pressed"})
        publisher.wait_all_acknowledged()
    await start_consumer("cuiot-urgent", batch_size=25)
    await eventually(lambda: _all_stored(engine))

    async with engine.connect() as conn:
        panic_at = (await conn.execute(text(
            "SELECT received_at FROM events WHERE msg_id = 'p-1'"))).scalar_one()
        later = (await conn.execute(text(
            "SELECT count(*) FROM events WHERE msg_id LIKE 'n-%' AND received_at > :at"),
            {"at": panic_at})).scalar_one()
    assert later > 0, "the panic press waited for the whole backlog"
    assert await count(engine, "SELECT count(*) FROM device_messages") == BACKLOG + 1
    assert await count(engine, "SELECT count(*) FROM alerts") == 1


async def _all_stored(engine) -> bool:
    return await count(engine, "SELECT count(*) FROM events") >= BACKLOG + 1

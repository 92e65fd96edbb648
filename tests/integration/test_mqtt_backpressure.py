"""However far behind the consumer falls, it holds at most ``in_flight`` messages that
wait for a batch; the broker keeps the rest. Mosquitto (2.0.11 here) stops at the
consumer's Receive Maximum only until the first acknowledgement, then sends everything
it holds: without the consumer's own backpressure a worker behind a backlog grew by
gigabytes (the soak benchmark). On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncEngine

from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from tests.integration.test_mqtt_consumer import (  # noqa: F401
    count,
    eventually,
    reading,
    start_consumer,
    telemetry,
)
from tests.integration.test_safety_flows import family, run  # noqa: F401
from tests.support.mosquitto import Publisher, mosquitto  # noqa: F401

IN_FLIGHT, MESSAGES = 20, 400


class SlowCommits(SqlAlchemyUnitOfWork):
    """Each commit takes a little longer: a backlog forms behind the consumer."""

    async def _commit(self) -> None:
        await asyncio.sleep(0.02)
        await super()._commit()


async def test_a_backlog_stays_with_the_broker(mosquitto, start_consumer, run, family,
                                               engine: AsyncEngine, publisher):
    elena, people = family
    await run.register(people["Ana"], elena, "bp-1")
    with Publisher(mosquitto.url) as devices:
        consumer = await start_consumer(uow_factory=lambda: SlowCommits(engine, publisher),
                                        in_flight=IN_FLIGHT, batch_size=IN_FLIGHT)
        for n in range(MESSAGES):
            devices.publish(telemetry("bp-1"), reading(f"m-{n}"))
        devices.wait_all_acknowledged()
        held: list[int] = []

        async def all_stored() -> bool:
            held.append(consumer.held)
            return await count(engine, "SELECT count(*) FROM device_messages") == MESSAGES

        await eventually(all_stored, timeout=60)
    assert max(held) <= IN_FLIGHT, f"held up to {max(held)} messages"
    assert max(held) >= IN_FLIGHT // 2  # it was behind: the bound was reached, not avoided
    assert await count(engine, "SELECT count(DISTINCT msg_id) FROM events") == MESSAGES

"""Nothing accepted is lost, nothing is stored twice: the consumer killed mid-stream
(SIGKILL, in a process of its own), the broker restarted mid-stream, the database down
for a while. Each test counts rows afterwards.

Run as a module, this file is the consumer process the first test kills:
``python -m tests.integration.test_mqtt_recovery BROKER_URL DATABASE_URL CLIENT_ID DELAY``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any
from uuid import uuid4

from prometheus_client import CollectorRegistry

from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from tests.integration.test_mqtt_consumer import (  # noqa: F401
    count,
    eventually,
    reading,
    start_consumer,
    telemetry,
)
from tests.integration.test_safety_flows import Safety, family, run  # noqa: F401
from tests.support.mosquitto import Publisher, mosquitto  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
ALL_STORED_ONCE = "SELECT count(*) FROM (SELECT DISTINCT msg_id FROM device_messages) AS m"


class SlowUnitOfWork(SqlAlchemyUnitOfWork):
    """Each commit takes ``delay`` seconds longer: messages pile up unacknowledged."""

    delay = 0.0

    async def _commit(self) -> None:
        await asyncio.sleep(self.delay)
        await super()._commit()


class FlakyUnitOfWork(SqlAlchemyUnitOfWork):
    """While ``down`` is set, the database cannot be reached."""

    down = threading.Event()

    async def _begin(self) -> None:
        if self.down.is_set():
            raise ConnectionRefusedError("database down (test)")
        await super()._begin()


async def register_devices(run: Safety, family: Any, n: int) -> list[str]:
    elena, people = family
    for i in range(n):
        await run.register(people["Ana"], elena, f"bp-{i}")
    return [f"bp-{i}" for i in range(n)]


async def assert_each_stored_once(engine: Any, expected: int) -> None:
    assert await count(engine, "SELECT count(*) FROM events") == expected
    assert await count(engine, "SELECT count(*) FROM device_messages") == expected
    assert await count(engine, ALL_STORED_ONCE) == expected
    assert await count(engine, "SELECT count(*) FROM rejected_messages") == 0


async def test_a_consumer_killed_mid_stream_loses_nothing(
        mosquitto, start_consumer, run, family, engine, database_url):
    # The killed consumer takes 0.25 s a message (three devices side by side: about 12 a
    # second), so it is killed with most of the 60 messages still unacknowledged.
    devices, per_device = await register_devices(run, family, 3), 20
    total, client_id = len(devices) * per_device, f"consumer-{uuid4().hex[:8]}"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.integration.test_mqtt_recovery", mosquitto.url,
        database_url, client_id, "0.25", cwd=ROOT, stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert await asyncio.wait_for(process.stdout.readline(), 30) == b"subscribed\n"
        with Publisher(mosquitto.url) as publisher:
            for n in range(per_device):
                for device in devices:
                    publisher.publish(telemetry(device), reading(f"{device}-{n}"))
            publisher.wait_all_acknowledged()
        await eventually(lambda: _at_least(engine, 15))
    finally:
        process.kill()  # SIGKILL: no clean disconnect, nothing more acknowledged
        await process.wait()
    stored_when_killed = await count(engine, "SELECT count(*) FROM device_messages")
    assert stored_when_killed < total

    await start_consumer(client_id)  # the same session: the broker sends what is left
    await eventually(lambda: _at_least(engine, total), timeout=30)
    await asyncio.sleep(0.3)  # redeliveries still arriving would show up as extra rows
    await assert_each_stored_once(engine, total)


async def test_a_broker_restart_mid_stream_loses_nothing(mosquitto, start_consumer, run, family,
                                                        engine):
    devices, per_device = await register_devices(run, family, 3), 40
    total = len(devices) * per_device
    await start_consumer()
    with Publisher(mosquitto.url) as publisher:
        def publish_all() -> None:
            for n in range(per_device):
                for device in devices:
                    publisher.publish(telemetry(device), reading(f"{device}-{n}"))
                time.sleep(0.03)

        publishing = asyncio.create_task(asyncio.to_thread(publish_all))
        await eventually(lambda: _at_least(engine, 20))
        await asyncio.to_thread(mosquitto.restart)
        await publishing
        assert not publishing.exception()
        await asyncio.to_thread(publisher.wait_all_acknowledged, 30)
    await eventually(lambda: _at_least(engine, total), timeout=30)
    await asyncio.sleep(0.3)
    await assert_each_stored_once(engine, total)


async def test_while_the_database_is_down_nothing_is_acknowledged(
        mosquitto, start_consumer, run, family, engine):
    devices = await register_devices(run, family, 2)
    def flaky() -> FlakyUnitOfWork:
        return FlakyUnitOfWork(engine)

    FlakyUnitOfWork.down.set()
    try:
        registry, client_id = CollectorRegistry(), f"consumer-{uuid4().hex[:8]}"
        first = await start_consumer(client_id, uow_factory=flaky, metrics_registry=registry,
                                     stop_grace_s=0.2)
        with Publisher(mosquitto.url) as publisher:
            for device in devices:
                publisher.publish(telemetry(device), reading(f"{device}-down"))
            publisher.wait_all_acknowledged()
        await eventually(lambda: _retried(registry, 4))
        await first.stop()  # still failing: stopped without acknowledging them
        assert await count(engine, "SELECT count(*) FROM device_messages") == 0
    finally:
        FlakyUnitOfWork.down.clear()
    await start_consumer(client_id, uow_factory=flaky)
    await eventually(lambda: _at_least(engine, len(devices)))
    await asyncio.sleep(0.3)
    await assert_each_stored_once(engine, len(devices))


async def _at_least(engine: Any, expected: int) -> bool:
    return await count(engine, "SELECT count(*) FROM device_messages") >= expected


async def _retried(registry: CollectorRegistry, times: int) -> bool:
    return (registry.get_sample_value("cuiot_mqtt_processing_retries_total") or 0) >= times


# -- the consumer process that the first test kills ------------------------------------------

async def _consume(broker_url: str, database_url: str, client_id: str, delay: float) -> None:
    from cuiot.adapters.mqtt.consumer import PahoMqttConsumer
    from cuiot.adapters.persistence.database import create_engine
    from cuiot.adapters.system import SystemClock, Uuid4IdGenerator
    from cuiot.domain.policy import DEFAULT_POLICY

    engine = create_engine(database_url)
    SlowUnitOfWork.delay = delay
    consumer = PahoMqttConsumer(
        broker_url, uow_factory=lambda: SlowUnitOfWork(engine), clock=SystemClock("UTC"),
        ids=Uuid4IdGenerator(), policy=DEFAULT_POLICY, metrics_registry=CollectorRegistry(),
        client_id=client_id, in_flight=20)
    await consumer.start()
    await asyncio.wait_for(consumer.subscribed.wait(), 20)
    print("subscribed", flush=True)
    await asyncio.Event().wait()  # until killed


if __name__ == "__main__":
    url, db, client, slow = sys.argv[1:5]
    asyncio.run(_consume(url, db, client, float(slow)))

"""The MQTT consumer against a real Mosquitto and a real paho publisher, on SQLite and
PostgreSQL: readings and events become events, alerts and notification rows; a message
seen twice is stored once; bad messages are kept with their raw payload and never hold
back the good ones behind them; statuses reach the device."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from uuid import uuid4

import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from cuiot.adapters.mqtt.consumer import PahoMqttConsumer
from cuiot.adapters.mqtt.processing import Backoff
from cuiot.adapters.persistence.database import READ_ONLY
from cuiot.domain.devices import DeviceStatus
from cuiot.domain.rejections import RejectedMessage
from cuiot.domain.sensor_events import Severity
from tests.fakes.uow import InMemoryUnitOfWork
from tests.integration.test_safety_flows import Safety, family, run  # noqa: F401
from tests.support.alerts import alerts_of, events_of_device, outbox_of
from tests.support.mosquitto import Mosquitto, Publisher, mosquitto  # noqa: F401

TS = "2026-01-15T14:59:30Z"
CRITICAL = {"systolic": 190, "diastolic": 100, "pulse": 80}
NORMAL = {"systolic": 120, "diastolic": 80, "pulse": 72}
IMPOSSIBLE = {"systolic": 80, "diastolic": 90, "pulse": 70}

StartConsumer = Callable[..., Awaitable[PahoMqttConsumer]]


def reading(msg_id: str, data: dict[str, Any] = NORMAL, **extra: Any) -> dict[str, Any]:
    return {"msg_id": msg_id, "ts": TS, "type": "blood_pressure", "data": data, **extra}


def telemetry(device_id: str) -> str:
    return f"cuiot/devices/{device_id}/telemetry"


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 20.0) -> None:
    async def poll() -> None:
        while not await check():
            await asyncio.sleep(0.05)

    await asyncio.wait_for(poll(), timeout)


async def count(engine: AsyncEngine, sql: str, **params: Any) -> int:
    """A read that never queues behind a consumer's write transaction (SQLite)."""
    async with engine.connect() as conn:
        await conn.execution_options(**READ_ONLY)
        return int((await conn.execute(text(sql), params)).scalar_one())


def sample(registry: CollectorRegistry, name: str, **labels: str) -> float:
    return registry.get_sample_value(name, labels) or 0.0


@pytest.fixture
async def start_consumer(mosquitto: Mosquitto, sql_uow, clock, ids, policy
                         ) -> AsyncIterator[StartConsumer]:
    """Starts consumers on this test's broker, waits until they are subscribed, and stops
    them at the end."""
    started: list[PahoMqttConsumer] = []

    async def start(client_id: str | None = None, **options: Any) -> PahoMqttConsumer:
        options.setdefault("uow_factory", sql_uow)
        options.setdefault("metrics_registry", CollectorRegistry())
        options.setdefault("stop_grace_s", 5.0)
        consumer = PahoMqttConsumer(
            mosquitto.url, clock=clock, ids=ids, policy=policy,
            client_id=client_id or f"consumer-{uuid4().hex[:8]}",
            backoff=Backoff(first_s=0.05, most_s=0.5), reconnect_delay_s=(1, 2), **options)
        started.append(consumer)
        await consumer.start()
        await asyncio.wait_for(consumer.subscribed.wait(), 10)
        return consumer

    yield start
    for consumer in started:
        await consumer.stop()


async def test_a_critical_reading_reaches_an_alert_and_its_notifications(
        mosquitto, start_consumer, run, family, sql_uow, engine):
    elena, people = family
    device = await run.register(people["Ana"], elena, "bp-1")
    registry = CollectorRegistry()
    await start_consumer(metrics_registry=registry)
    with Publisher(mosquitto.url) as publisher:
        publisher.publish(telemetry("bp-1"), reading("m-1", CRITICAL, battery_level=85))
        publisher.wait_all_acknowledged()
    await eventually(lambda: _stored(engine, "m-1"))
    async with sql_uow() as uow:
        [event] = await events_of_device(uow, device.id)
        [alert] = await alerts_of(uow, elena.id)
        notifications = await outbox_of(uow, alert.id)
        stored = await uow.devices.get(device.id)
    assert (event.severity, event.alert_id, event.msg_id) == (Severity.CRITICAL, alert.id, "m-1")
    assert (alert.severity, alert.alert_type) == (Severity.CRITICAL, "blood_pressure")
    assert {n.address for n in notifications} >= {"rita@example.com", "carla@example.com"}
    assert stored.battery_level == 85 and stored.status is DeviceStatus.ONLINE
    assert sample(registry, "cuiot_mqtt_messages_accepted_total", kind="telemetry") == 1
    assert sample(registry, "cuiot_mqtt_ingest_lag_seconds_count") == 1


async def test_the_same_msg_id_twice_is_stored_once(mosquitto, start_consumer, run, family,
                                                   engine):
    elena, people = family
    await run.register(people["Ana"], elena, "bp-1")
    registry = CollectorRegistry()
    await start_consumer(metrics_registry=registry)
    with Publisher(mosquitto.url) as publisher:
        for _ in range(2):
            publisher.publish(telemetry("bp-1"), reading("m-1", CRITICAL))
        publisher.publish(telemetry("bp-1"), reading("m-2"))
        publisher.wait_all_acknowledged()
    await eventually(lambda: _stored(engine, "m-2"))
    assert await count(engine, "SELECT count(*) FROM events") == 2
    assert await count(engine, "SELECT count(*) FROM device_messages") == 2
    assert sample(registry, "cuiot_mqtt_messages_duplicate_total", kind="telemetry") == 1
    assert sample(registry, "cuiot_mqtt_messages_accepted_total", kind="telemetry") == 2


async def test_bad_messages_are_kept_and_never_hold_back_the_good_ones(
        mosquitto, start_consumer, run, family, sql_uow, engine):
    elena, people = family
    await run.register(people["Ana"], elena, "bp-1")
    await run.register(people["Ana"], elena, "panic-1", "panic_button")
    registry = CollectorRegistry()
    await start_consumer(metrics_registry=registry)
    bad = [
        (telemetry("bp-1"), b"{not json", "invalid_json"),
        (telemetry("bp-1"), json.dumps({"type": "blood_pressure", "data": NORMAL}).encode(),
         "invalid_schema"),
        (telemetry("ghost-1"), json.dumps(reading("x-1")).encode(), "unknown_device"),
        (telemetry("bp-1"), json.dumps(reading("x-2", IMPOSSIBLE)).encode(), "invalid_reading"),
        ("cuiot/devices/panic-1/events", json.dumps(
            {"msg_id": "x-3", "event": "explode"}).encode(), "invalid_reading"),
        ("cuiot/devices/bp-1/status", b'{"status": "asleep"}', "invalid_reading"),
        ("cuiot/devices/bp-1/commands/reply", json.dumps(
            {"command_id": str(uuid4()), "ok": True}).encode(), "unknown_device_command"),
    ]
    with Publisher(mosquitto.url) as publisher:
        for n, (topic, payload, _reason) in enumerate(bad):
            publisher.publish(topic, payload)
            publisher.publish(telemetry("bp-1"), reading(f"good-{n}"))
        publisher.publish("cuiot/devices/panic-1/events", {"msg_id": "p-1", "event": "pressed"})
        publisher.wait_all_acknowledged()
    await eventually(lambda: _stored(engine, "p-1"))
    await eventually(lambda: _stored(engine, f"good-{len(bad) - 1}"))
    assert await count(engine, "SELECT count(*) FROM device_messages") == len(bad) + 1
    await eventually(lambda: _count_is(engine, "SELECT count(*) FROM rejected_messages",
                                       len(bad)))
    async with sql_uow() as uow:
        kept = (await uow.session.scalars(select(RejectedMessage))).all()
    assert sorted((m.topic, m.payload.encode(), m.reason) for m in kept) == sorted(bad)
    assert {m.source for m in kept} == {"mqtt"}
    assert sample(registry, "cuiot_mqtt_messages_rejected_total", reason="invalid_reading") == 3
    assert sample(registry, "cuiot_mqtt_messages_accepted_total", kind="telemetry") == len(bad)


async def test_statuses_and_device_events_reach_the_device(mosquitto, start_consumer, run,
                                                         family, sql_uow):
    elena, people = family
    device = await run.register(people["Ana"], elena, "bp-1")
    await start_consumer()
    with Publisher(mosquitto.url) as publisher:
        publisher.publish("cuiot/devices/bp-1/status",
                          {"status": "online", "ts": TS, "heartbeat_s": 60}, retain=True)
        publisher.publish("cuiot/devices/bp-1/status", {"status": "offline", "ts": TS})
        publisher.wait_all_acknowledged()

    async def offline() -> bool:
        async with sql_uow() as uow:
            return (await uow.devices.get(device.id)).status is DeviceStatus.OFFLINE

    await eventually(offline)
    async with sql_uow() as uow:
        stored = await uow.devices.get(device.id)
        [alert] = await alerts_of(uow, elena.id)
    assert stored.config == {"heartbeat_s": 60}
    assert (alert.alert_type, alert.severity) == ("device_offline", Severity.MEDIUM)


async def test_two_consumers_of_a_shared_subscription_split_the_messages(
        mosquitto, start_consumer, run, family, engine):
    elena, people = family
    devices = [f"bp-{n}" for n in range(4)]
    for device in devices:
        await run.register(people["Ana"], elena, device)
    registries = [CollectorRegistry(), CollectorRegistry()]
    for registry in registries:
        await start_consumer(shared_group="cuiot", metrics_registry=registry)
    with Publisher(mosquitto.url) as publisher:
        for n in range(10):
            for device in devices:
                publisher.publish(telemetry(device), reading(f"{device}-{n}"))
        publisher.wait_all_acknowledged()
    total = 10 * len(devices)
    await eventually(lambda: _count_is(engine, "SELECT count(*) FROM device_messages", total))
    await asyncio.sleep(0.3)
    shares = [sample(r, "cuiot_mqtt_messages_accepted_total", kind="telemetry")
              for r in registries]
    assert min(shares) > 0 and sum(shares) == total
    assert await count(engine, "SELECT count(*) FROM events") == total
    assert await count(engine, "SELECT count(DISTINCT msg_id) FROM device_messages") == total


async def test_a_consumer_waits_for_a_broker_not_up_yet_and_stops_promptly(mosquitto, clock,
                                                                           ids, policy):
    mosquitto.stop()
    consumer = PahoMqttConsumer(mosquitto.url, uow_factory=InMemoryUnitOfWork, clock=clock,
                                ids=ids, policy=policy, metrics_registry=CollectorRegistry(),
                                client_id=f"consumer-{uuid4().hex[:8]}", reconnect_delay_s=(1, 1))
    await consumer.start()
    await consumer.start()  # once is enough
    await asyncio.sleep(0.3)
    assert not consumer.subscribed.is_set()
    await asyncio.to_thread(mosquitto.start)
    await asyncio.wait_for(consumer.subscribed.wait(), 10)
    await asyncio.wait_for(consumer.stop(), 5)
    await consumer.stop()  # and stopping twice is harmless
    assert not consumer.subscribed.is_set()


async def _stored(engine: AsyncEngine, msg_id: str) -> bool:
    return await count(engine, "SELECT count(*) FROM device_messages WHERE msg_id = :m",
                       m=msg_id) == 1


async def _count_is(engine: AsyncEngine, sql: str, expected: int) -> bool:
    return await count(engine, sql) == expected

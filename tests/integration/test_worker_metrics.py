"""``cuiot worker`` as a process serves its own Prometheus metrics on
CUIOT_WORKER_METRICS_PORT: what its consumer ingested and rejected (an oversized payload
among them, refused by CUIOT_MAX_MQTT_PAYLOAD_BYTES), the escalations its scheduler made
and the notifications its dispatcher delivered; and the port closes when it stops. A
port that is taken stops it in one line."""

from __future__ import annotations

import asyncio
import signal
import socket
from datetime import UTC, datetime, timedelta

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.test_mqtt_consumer import reading, telemetry
from tests.integration.test_safety_persistence import (
    a_device,
    a_notification,
    a_person,
    a_user,
    an_alert,
    store,
)
from tests.integration.test_scheduler_worker import WorkerProcess
from tests.support.mosquitto import Publisher, mosquitto  # noqa: F401
from tests.support.servers import free_port, port_answers

LIMIT = 1024  # CUIOT_MAX_MQTT_PAYLOAD_BYTES for this worker


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(found: dict, name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


def counted_all(found: dict) -> bool:
    return (value(found, "cuiot_mqtt_messages_accepted_total", kind="telemetry") == 1
            and value(found, "cuiot_mqtt_messages_rejected_total", reason="invalid_json") == 1
            and value(found, "cuiot_mqtt_messages_rejected_total",
                      reason="payload_too_large") == 1
            and value(found, "cuiot_scheduler_job_handled_total", job="escalation") >= 1
            and value(found, "cuiot_notifications_delivered_total", channel="email",
                      status="sent") >= 1)


async def test_the_worker_serves_its_ingest_escalation_and_delivery_counters(
        sql_uow, database_url, mosquitto):
    ana = a_user("Ana")
    elena = a_person(ana)
    device = a_device(elena)
    now = datetime.now(UTC)
    overdue = an_alert(device, at=now - timedelta(minutes=3))  # critical: due after 2 min
    await store(sql_uow, ana, elena, device, overdue, a_notification(overdue, at=now))
    port = free_port()
    worker = WorkerProcess(database_url, "worker", CUIOT_MQTT_URL=mosquitto.url,
                           CUIOT_WORKER_METRICS_PORT=str(port),
                           CUIOT_MAX_MQTT_PAYLOAD_BYTES=str(LIMIT))
    url = f"http://127.0.0.1:{port}/metrics"
    try:
        worker.wait_for_line(f"metrics at {url}")
        worker.wait_for_line("scheduler started")
        found: dict = {}
        async with httpx.AsyncClient() as client:
            with Publisher(mosquitto.url) as publisher:
                # Until the consumer has subscribed, a message finds nobody: the same
                # reading again (stored once) until one was counted (30 s at most).
                for _ in range(150):
                    publisher.publish(telemetry("bp-1"), reading("m-1"))
                    await asyncio.sleep(0.2)
                    found = samples((await client.get(url)).text)
                    if value(found, "cuiot_mqtt_messages_accepted_total", kind="telemetry"):
                        break
                publisher.publish(telemetry("bp-1"), b"{oops")
                publisher.publish(telemetry("bp-1"), reading("m-2", note="x" * LIMIT))
                publisher.wait_all_acknowledged()
            for _ in range(300):  # 30 s at most
                if counted_all(found := samples((await client.get(url)).text)):
                    break
                await asyncio.sleep(0.1)
        assert counted_all(found), "\n".join(f"{k[0]} {sorted(k[1])} {v}"
                                             for k, v in found.items() if "_total" in k[0])
        assert value(found, "cuiot_scheduler_last_tick_timestamp_seconds") > 0
        worker.process.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(worker.process.wait, 20) == 0
        assert not port_answers("127.0.0.1", port)
    finally:
        worker.stop()


async def test_a_metrics_port_that_is_taken_stops_the_worker_in_one_line(database_url):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        worker = WorkerProcess(database_url, "worker", "--no-mqtt",
                               CUIOT_WORKER_METRICS_PORT=str(port))
        try:
            worker.wait_for_line(f"cannot serve metrics on 127.0.0.1:{port}")
            assert await asyncio.to_thread(worker.process.wait, 30) == 1
            assert "Traceback" not in "".join(worker.seen)
        finally:
            worker.stop()

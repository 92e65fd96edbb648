"""Every alert change reaches the live stream and the metrics, whatever made it (issue
12). A server runs with a WebSocket open; the change is made over HTTP, by the
console's acknowledge form, by confirming a notification's acknowledgement link, by
``cuiot alerts ack``/``resolve`` in a process of their own, by the scheduler's escalation
and by a worker's MQTT consumer (on a container of their own, as ``cuiot worker`` runs
them: nothing in memory shared with the server). Each arrives on the socket within a
bounded wait and is counted in the server's /metrics — without Redis and with it, on
SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from dependency_injector import providers
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select
from websockets.asyncio.client import ClientConnection

from cuiot.adapters.mqtt.consumer import PahoMqttConsumer
from cuiot.adapters.persistence.orm.safety import notifications
from cuiot.entrypoints.container import Container, build_container, dispose_engines
from cuiot.entrypoints.scheduler import Scheduler
from cuiot.entrypoints.settings import Settings
from tests.e2e.conftest import settings_for
from tests.e2e.console.forms import post_form, sign_in
from tests.e2e.test_ack_links import NONCE
from tests.e2e.test_ws_alerts import BP_CRITICAL, Worker, receive, running_worker
from tests.fakes.system import FixedClock
from tests.support.mosquitto import Mosquitto, Publisher, mosquitto  # noqa: F401
from tests.support.redis_server import redis_prefix, redis_url  # noqa: F401

WAIT = 10.0  # seconds, at most, for a change to arrive (it takes well under one)


@pytest.fixture(params=["without_redis", "with_redis"])
def live_settings(request: pytest.FixtureRequest, database_url: str) -> Settings:
    if request.param == "without_redis":
        return settings_for(database_url)
    prefix = f"{request.getfixturevalue('redis_prefix')}{uuid4().hex[:8]}:"
    return settings_for(database_url, redis_url=request.getfixturevalue("redis_url"),
                        redis_prefix=prefix)


@pytest.fixture
async def server(live_settings: Settings) -> AsyncIterator[Worker]:
    async with running_worker(live_settings) as running:
        yield running


@pytest.fixture
async def elsewhere(live_settings: Settings) -> AsyncIterator[Container]:
    """Another process's container: its own engine, bells, publisher and Redis client."""
    container = build_container(live_settings)
    yield container
    if live_settings.redis_url:
        await container.redis().aclose()
    await dispose_engines(container)


async def watching(server: Worker) -> tuple[str, UUID]:
    """Ana's token and an open alert of her mother's, opened before anyone watches."""
    token, *_ = await server.family("ana@example.com", "bp-elena")
    return token, await server.reading("bp-elena", "m-1")


async def ready(ws: ClientConnection) -> None:
    assert (await receive(ws, WAIT))["type"] == "ready"


async def the_change(ws: ClientConnection, change: str, alert_id: UUID | None = None) -> dict:
    """The first message of that change (of that alert), within ``WAIT``; other
    messages (the alert's opening, read after the socket opened) are passed over."""
    async with asyncio.timeout(WAIT):
        while True:
            message = await receive(ws, WAIT)
            if message["type"] == "alert" and message["change"] == change and (
                    alert_id is None or message["alert"]["id"] == str(alert_id)):
                return message


async def counted(server: Worker, change: str, status: str) -> float:
    """``cuiot_alert_changes_total`` of the server's /metrics, once it counted one."""
    labels = {"change": change, "severity": "critical", "status": status}
    async with asyncio.timeout(WAIT):
        while True:
            text = (await server.api.client.get("/metrics")).text
            found = [s.value for family in text_string_to_metric_families(text)
                     for s in family.samples
                     if s.name == "cuiot_alert_changes_total" and s.labels == labels]
            if found:
                return found[0]
            await asyncio.sleep(0.05)


async def test_an_acknowledgement_over_http(server):
    token, alert_id = await watching(server)
    async with server.socket(token) as ws:
        await ready(ws)
        response = await server.api.client.post(f"/api/v1/alerts/{alert_id}/acknowledge",
                                                headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.text
        seen = await the_change(ws, "acknowledged", alert_id)
    assert seen["alert"]["status"] == "acknowledged"
    assert await counted(server, "acknowledged", "acknowledged") == 1


def same_site(server: Worker) -> str:
    """The ``Origin`` a browser on the server's own pages names."""
    return str(server.api.client.base_url).rstrip("/")


async def test_an_acknowledgement_on_the_console(server):
    token, alert_id = await watching(server)
    await sign_in(server.api.client, "ana@example.com")
    async with server.socket(token) as ws:
        await ready(ws)
        done = await post_form(server.api.client, f"/console/alertas/{alert_id}/atender",
                               origin=same_site(server))
        assert done.status_code == 303, done.text
        seen = await the_change(ws, "acknowledged", alert_id)
    assert seen["alert"]["status"] == "acknowledged"
    assert await counted(server, "acknowledged", "acknowledged") == 1


async def link_token(server: Worker, alert_id: UUID) -> str:
    """The secret of a link the alert's notifications carry, from its outbox row (where
    it stays until the notification is delivered)."""
    async with server.container.engine().connect() as conn:
        payloads = (await conn.execute(select(notifications.c.payload).where(
            notifications.c.alert_id == alert_id))).scalars().all()
    tokens = [payload["token"] for payload in payloads if "token" in payload]
    assert tokens, payloads
    return str(tokens[0])


async def test_an_acknowledgement_by_the_notification_s_link(server):
    await server.api.admin()  # level 1 names nobody: the admin is emailed, with a link
    token, alert_id = await watching(server)
    secret = await link_token(server, alert_id)
    link = f"/ack/{secret}"
    async with server.socket(token) as ws:
        await ready(ws)
        page = await server.api.client.get(link)
        assert page.status_code == 200, page.text
        nonce = NONCE.search(page.text)
        assert nonce, page.text[:500]
        done = await server.api.client.post(
            link, data={"token": secret, "nonce": nonce.group(1)},
            headers={"origin": same_site(server)})
        assert done.status_code == 200 and "Alerta confirmada" in done.text, done.text
        seen = await the_change(ws, "acknowledged", alert_id)
    assert seen["alert"]["status"] == "acknowledged"
    assert await counted(server, "acknowledged", "acknowledged") == 1


def cli_env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CUIOT_")}
    env |= {"CUIOT_DATABASE_URL": settings.database_url, "CUIOT_LOG_FORMAT": "json",
            "CUIOT_JWT_SECRET": settings.jwt_secret or ""}
    if settings.redis_url:
        env |= {"CUIOT_REDIS_URL": settings.redis_url,
                "CUIOT_REDIS_PREFIX": settings.redis_prefix}
    return env


async def cuiot(settings: Settings, *args: str) -> dict:
    """Run ``cuiot <args> --json`` in a process of its own; its JSON output."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "cuiot.entrypoints.cli", *args, "--json", env=cli_env(settings),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 0, err.decode()
    return json.loads(out)


@pytest.mark.parametrize(("command", "change", "status"), [
    ("ack", "acknowledged", "acknowledged"), ("resolve", "resolved", "resolved")])
async def test_cuiot_alerts_ack_and_resolve_from_another_process(server, live_settings, command,
                                                                change, status):
    await server.api.admin()
    token, alert_id = await watching(server)
    async with server.socket(token) as ws:
        await ready(ws)
        await cuiot(live_settings, "alerts", command, str(alert_id))
        seen = await the_change(ws, change, alert_id)
    assert seen["alert"]["status"] == status
    assert await counted(server, change, status) == 1


async def test_an_escalation_by_the_scheduler_of_another_process(server, elsewhere):
    token, alert_id = await watching(server)
    elsewhere.clock.override(providers.Object(FixedClock(datetime.now(UTC) + timedelta(hours=1))))
    async with server.socket(token) as ws:
        await ready(ws)
        assert (await Scheduler.from_container(elsewhere).tick())["escalation"] == "ok"
        seen = await the_change(ws, "escalated", alert_id)
    assert seen["alert"]["escalation_level"] == 2
    assert await counted(server, "escalated", "pending") == 1


def publish_critical_reading(url: str, device_id: str) -> None:
    with Publisher(url) as publisher:
        publisher.publish(f"cuiot/devices/{device_id}/telemetry", {
            "msg_id": "m-1", "ts": datetime.now(UTC).isoformat(), "type": "blood_pressure",
            "data": BP_CRITICAL})
        publisher.wait_all_acknowledged()


async def test_an_alert_opened_by_the_mqtt_consumer_of_a_worker(server, elsewhere, mosquitto):
    token, *_ = await server.family("ana@example.com", "bp-elena")
    consumer = PahoMqttConsumer(
        mosquitto.url, uow_factory=lambda: elsewhere.uow(), clock=elsewhere.clock(),
        ids=elsewhere.ids(), policy=elsewhere.policy(),
        metrics_registry=elsewhere.metrics_registry(), client_id=f"worker-{uuid4().hex[:8]}")
    await consumer.start()
    try:
        await asyncio.wait_for(consumer.subscribed.wait(), WAIT)
        async with server.socket(token) as ws:
            await ready(ws)
            await asyncio.to_thread(publish_critical_reading, mosquitto.url, "bp-elena")
            seen = await the_change(ws, "opened")
    finally:
        await consumer.stop()
    assert (seen["alert"]["device_id"], seen["alert"]["status"]) == ("bp-elena", "pending")
    assert await counted(server, "opened", "pending") == 1

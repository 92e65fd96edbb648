"""``cuiot devices simulate`` finds the broker as ``cuiot serve`` does (CUIOT_MQTT_URL,
else the embedded broker on CUIOT_MQTT_EMBEDDED_PORT), names it, and stops in one line
when no broker answers there; with MQTT off, the device-command route answers 503 in the
contract's shape and stores nothing (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from click.testing import Result
from sqlalchemy import func, select
from typer.testing import CliRunner

from cuiot.adapters.mqtt.embedded import EmbeddedBroker
from cuiot.adapters.persistence.orm.safety import device_commands
from cuiot.entrypoints.cli import app
from cuiot.entrypoints.cli.runtime import set_container
from cuiot.entrypoints.container import build_container
from cuiot.entrypoints.settings import Settings
from tests.e2e import conftest as e2e
from tests.e2e.conftest import Api
from tests.e2e.test_serve_on_a_busy_machine import silent_listener
from tests.integration.test_device_commands_mqtt import MqttProbe, a_home
from tests.support.servers import free_port

api = e2e.api  # the HTTP app on a real database
PANIC = ["devices", "simulate", "--scenario", "panic", "--rounds", "0", "--speed", "1000"]


@pytest.fixture
def mqtt_settings() -> Iterator[Any]:
    """Point the CLI at a container with these MQTT settings."""

    def use(**values: Any) -> None:
        set_container(build_container(Settings(**({"mqtt_url": None} | values))))

    yield use
    set_container(None)


def simulate(*args: str) -> Result:
    return CliRunner().invoke(app, [*PANIC, *args])


def one_line_refusal(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    return result.stderr


@pytest.fixture
async def embedded() -> AsyncIterator[EmbeddedBroker]:
    broker = EmbeddedBroker(free_port())
    await broker.start()
    yield broker
    await broker.stop()


async def test_it_publishes_to_the_embedded_port_and_says_so(mqtt_settings, embedded) -> None:
    mqtt_settings(mqtt_embedded_port=embedded.port)
    async with MqttProbe(embedded.url, "cuiot/devices/+/events") as backend:
        result = await asyncio.to_thread(simulate)  # the broker runs on this loop
        assert result.exit_code == 0, result.output
        [(topic, _payload, _retained)] = await backend.drain()
    assert topic == "cuiot/devices/panic-rosa-01/events"
    assert result.stderr == (f"publishing to {embedded.url} (embedded broker, "
                             f"CUIOT_MQTT_EMBEDDED_PORT={embedded.port})\n")


def test_nothing_listening_at_the_embedded_port_is_one_line(mqtt_settings) -> None:
    port = free_port()
    mqtt_settings(mqtt_embedded_port=port)
    refusal = one_line_refusal(simulate())
    assert f"cannot reach the MQTT broker at mqtt://127.0.0.1:{port}" in refusal
    assert "CUIOT_MQTT_EMBEDDED_PORT" in refusal


def test_a_port_where_no_broker_answers_is_one_line(mqtt_settings) -> None:
    with silent_listener() as taken:  # something else holds the port, never speaking MQTT
        mqtt_settings(mqtt_embedded_port=taken.port)
        refusal = one_line_refusal(simulate())
    assert f"no MQTT broker answered at mqtt://127.0.0.1:{taken.port}" in refusal


def test_the_password_in_cuiot_mqtt_url_is_never_printed(mqtt_settings) -> None:
    port = free_port()
    mqtt_settings(mqtt_url=f"mqtt://cuiot:s3cret@127.0.0.1:{port}")
    refusal = one_line_refusal(simulate())
    assert f"mqtt://127.0.0.1:{port}" in refusal and "s3cret" not in refusal


def test_with_mqtt_off_it_needs_a_url(mqtt_settings) -> None:
    mqtt_settings(mqtt_url="off")
    assert "MQTT is off (CUIOT_MQTT_URL=off)" in one_line_refusal(simulate())


@pytest.fixture
def api_settings(database_url: str) -> Settings:
    return e2e.settings_for(database_url, mqtt_url="off")


async def test_with_mqtt_off_a_command_answers_503_and_stores_nothing(api: Api) -> None:
    home = await a_home(api)
    sent = await api.client.post(home["url"], headers=home["ana"], json={"command": "reboot"})
    assert sent.status_code == 503
    assert sent.json() == {"error": "mqtt_unavailable",
                           "message": "MQTT is off in this server: commands cannot reach devices",
                           "details": {"reason": "mqtt_off"}}
    async with api.container.engine().connect() as conn:
        assert await conn.scalar(select(func.count()).select_from(device_commands)) == 0
    schema = (await api.client.get("/openapi.json")).json()
    documented = schema["paths"]["/api/v1/devices/{device_pk}/commands"]["post"]["responses"]
    assert documented["503"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"}

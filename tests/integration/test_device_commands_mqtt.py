"""A command's whole trip on SQLite and PostgreSQL with a real broker: posted over HTTP,
published by the paho gateway, received by a paho client playing the device on its own
topic, answered on ``…/commands/reply``, recorded (the reply consumer is called here
directly), and read back over HTTP; unanswered, it times out.

The broker is a throwaway Mosquitto (tests/support/mosquitto.py), shared by the tests
of this module, each with device ids of its own.
"""

from __future__ import annotations

import asyncio
import json
import queue
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from typing import Any, Self
from uuid import uuid4

import pytest
from dependency_injector import providers

from cuiot.adapters.mqtt.client import BrokerAddress
from cuiot.adapters.mqtt.gateway import PahoDeviceCommandGateway, mqtt311_client
from cuiot.application.safety.commands.device_commands import (
    ExpireDeviceCommands,
    RecordCommandReply,
    RecordCommandReplyCommand,
)
from cuiot.entrypoints.container import use_case
from tests.e2e import conftest as e2e
from tests.e2e.conftest import Api
from tests.fakes.system import FixedClock
from tests.support.mosquitto import throwaway_mosquitto
from tests.support.servers import free_port
from tests.support.subscriptions import subscribe_account

WAIT_S = 10.0
api, api_settings = e2e.api, e2e.api_settings  # the HTTP app on a real database


class MqttProbe:
    """A paho client that subscribes to some topics and hands over what arrives."""

    def __init__(self, url: str, *topics: str) -> None:
        self.address, self.topics = BrokerAddress.parse(url), topics
        self.client = mqtt311_client(self.address, f"probe-{uuid4().hex[:10]}")
        self.received: queue.Queue[tuple[str, Any, bool]] = queue.Queue()
        self._subscribed = threading.Event()
        self.client.on_message = lambda _c, _u, m: self.received.put(
            (m.topic, json.loads(m.payload) if m.payload else None, bool(m.retain)))
        self.client.on_subscribe = lambda *_args: self._subscribed.set()

    async def __aenter__(self) -> Self:
        await asyncio.to_thread(self.client.connect, self.address.host, self.address.port)
        self.client.loop_start()
        if self.topics:
            self.client.subscribe([(topic, 1) for topic in self.topics])
            assert await asyncio.to_thread(self._subscribed.wait, WAIT_S), "no SUBACK"
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self.client.disconnect()
        await asyncio.to_thread(self.client.loop_stop)

    async def next(self, timeout: float = WAIT_S) -> tuple[str, Any, bool]:
        return await asyncio.to_thread(self.received.get, True, timeout)

    async def nothing_within(self, seconds: float) -> bool:
        return not await self.drain(seconds)

    async def drain(self, quiet: float = 0.5) -> list[tuple[str, Any, bool]]:
        """Every message until none came for ``quiet`` seconds."""
        messages = []
        while True:
            try:
                messages.append(await asyncio.to_thread(self.received.get, True, quiet))
            except queue.Empty:
                return messages

    async def publish(self, topic: str, payload: dict[str, Any]) -> None:
        info = self.client.publish(topic, json.dumps(payload), qos=1)
        await asyncio.to_thread(info.wait_for_publish, WAIT_S)
        assert info.is_published()


@pytest.fixture(scope="module")
def broker_url() -> Iterator[str]:
    """A Mosquitto of this module's own (never restarted: each test has its devices)."""
    with throwaway_mosquitto() as broker:
        yield broker.url


async def wired(api: Api, gateway: Any) -> None:
    """The container hands ``gateway`` to the use cases that take ``command_gateway``."""
    if not isinstance(getattr(api.container, "command_gateway", None), providers.Provider):
        api.container.set_provider("command_gateway", providers.Object(None))
    api.container.command_gateway.override(providers.Object(gateway))


@pytest.fixture
async def gateway(api: Api, broker_url: str) -> AsyncIterator[PahoDeviceCommandGateway]:
    gateway = PahoDeviceCommandGateway(broker_url)
    await gateway.start()
    assert gateway.connected
    await wired(api, gateway)
    yield gateway
    api.container.command_gateway.reset_override()
    await gateway.stop()


async def a_home(api: Api) -> dict[str, Any]:
    """Ana's mother Elena with a blood-pressure meter of a fresh MQTT id; Bruno may see
    it, Zoe may not."""
    ana = await api.user("ana@example.com")
    await subscribe_account(api.container, await api.user_id(ana))  # to invite and register
    bruno, zoe = await api.user("bruno@example.com"), await api.user("zoe@example.com")
    person = await api.client.post("/api/v1/cared-persons", headers=ana, json={
        "first_name": "Elena", "last_name": "Gómez", "date_of_birth": "1940-03-01"})
    assert person.status_code == 201, person.text
    member = await api.client.post(f"/api/v1/cared-persons/{person.json()['id']}/members",
                                   headers=ana, json={"email": "bruno@example.com"})
    assert member.status_code == 201, member.text
    device_id = f"bp-{uuid4().hex[:12]}"
    device = await api.client.post("/api/v1/devices", headers=ana, json={
        "device_id": device_id, "name": "Tensiómetro", "device_type": "blood_pressure",
        "cared_person_id": person.json()["id"]})
    assert device.status_code == 201, device.text
    return {"ana": ana, "bruno": bruno, "zoe": zoe, "device_id": device_id,
            "url": f"/api/v1/devices/{device.json()['id']}/commands"}


async def record_replies(api: Api, backend: MqttProbe, count: int = 1) -> None:
    """What the reply consumer does: each reply on the broker → RecordCommandReply."""
    for _ in range(count):
        topic, reply, _retained = await backend.next()
        device_id = topic.split("/")[2]
        await use_case(api.container, RecordCommandReply)(RecordCommandReplyCommand(
            device_id, reply["command_id"], reply["ok"], reply["result"]))


async def test_the_device_gets_the_command_answers_and_the_answer_is_shown(api, gateway,
                                                                           broker_url):
    home = await a_home(api)
    root = f"cuiot/devices/{home['device_id']}"
    async with MqttProbe(broker_url, f"{root}/commands") as device, \
            MqttProbe(broker_url, f"{root}/commands/reply") as backend:
        sent = await api.client.post(home["url"], headers=home["ana"], json={
            "command": "set_interval", "params": {"seconds": 60}})
        assert sent.status_code == 202, sent.text
        body = sent.json()
        assert body["status"] == "sent" and body["sent_at"] and body["result"] == {}
        topic, message, _ = await device.next()
        assert topic == f"{root}/commands"
        assert message == {"command_id": body["command_id"], "command": "set_interval",
                           "params": {"seconds": 60}}
        await device.publish(f"{root}/commands/reply", {
            "command_id": message["command_id"], "ok": True, "result": {"interval": 60}})
        await record_replies(api, backend)
    shown = await api.client.get(f"{home['url']}/{body['command_id']}", headers=home["bruno"])
    assert shown.status_code == 200, shown.text
    done = shown.json()
    assert (done["status"], done["result"], done["reply_ok"], done["replied_late"]) == (
        "completed", {"interval": 60}, True, False)
    assert done["completed_at"] and done["timeout_at"] > done["created_at"]


async def test_without_a_reply_it_times_out_and_a_late_reply_does_not_change_that(
        api, gateway, broker_url):
    home = await a_home(api)
    root = f"cuiot/devices/{home['device_id']}"
    async with MqttProbe(broker_url, f"{root}/commands") as device, \
            MqttProbe(broker_url, f"{root}/commands/reply") as backend:
        body = (await api.client.post(home["url"], headers=home["ana"],
                                      json={"command": "reboot"})).json()
        deadline = datetime.fromisoformat(body["timeout_at"])
        _, message, _ = await device.next()  # the device got it, and stays silent
        expire = ExpireDeviceCommands(api.container.uow(), FixedClock(deadline))
        early = ExpireDeviceCommands(api.container.uow(),
                                     FixedClock(deadline - timedelta(milliseconds=1)))
        assert await early() == 0
        assert await expire() == 1
        timed_out = (await api.client.get(f"{home['url']}/{body['command_id']}",
                                          headers=home["ana"])).json()
        assert timed_out["status"] == "timed_out" and timed_out["reply_ok"] is None
        await device.publish(f"{root}/commands/reply", {
            "command_id": message["command_id"], "ok": True, "result": {"rebooted": True}})
        await record_replies(api, backend)
    late = (await api.client.get(f"{home['url']}/{body['command_id']}",
                                 headers=home["ana"])).json()
    assert (late["status"], late["result"], late["replied_late"]) == (
        "timed_out", {"rebooted": True}, True)


async def test_who_may_send_and_what_is_refused(api, gateway, broker_url):
    home = await a_home(api)
    url = home["url"]
    async with MqttProbe(broker_url, f"cuiot/devices/{home['device_id']}/commands") as device:
        member = await api.client.post(url, headers=home["bruno"], json={"command": "reboot"})
        stranger = await api.client.post(url, headers=home["zoe"], json={"command": "reboot"})
        assert (member.status_code, member.json()["error"]) == (403, "forbidden")
        assert (stranger.status_code, stranger.json()["error"]) == (404, "not_found")
        for bad in ({"command": "re boot"}, {"command": ""}, {"command": "x", "params": [1]},
                    {"command": "x", "extra": 1}, {"params": {}}):
            refused = await api.client.post(url, headers=home["ana"], json=bad)
            assert refused.status_code == 422, (bad, refused.text)
        assert await device.nothing_within(0.5)  # nothing refused reached the device
    sent = (await api.client.post(url, headers=home["ana"], json={"command": "reboot"})).json()
    for headers, path in ((home["zoe"], f"{url}/{sent['command_id']}"),
                          (home["ana"], f"{url}/{uuid4()}"),
                          (home["ana"],
                           f"/api/v1/devices/{uuid4()}/commands/{sent['command_id']}")):
        missing = await api.client.get(path, headers=headers)
        assert (missing.status_code, missing.json()["error"]) == (404, "not_found")


async def test_a_command_fails_at_once_when_the_broker_cannot_be_reached(api):
    unreachable = PahoDeviceCommandGateway(f"mqtt://127.0.0.1:{free_port()}",
                                           connect_timeout=0.2)
    await unreachable.start()
    await wired(api, unreachable)
    try:
        home = await a_home(api)
        sent = await api.client.post(home["url"], headers=home["ana"], json={"command": "reboot"})
    finally:
        api.container.command_gateway.reset_override()
        await unreachable.stop()
    assert sent.status_code == 202, sent.text
    assert sent.json()["status"] == "failed"
    assert sent.json()["result"]["error"] == "not_delivered"

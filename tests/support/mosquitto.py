"""A throwaway Mosquitto for the MQTT integration tests, and a real paho publisher.

``throwaway_mosquitto()`` starts Debian's ``mosquitto`` (installed when missing) on a
free loopback port with a config of its own in a temp dir: anonymous access,
persistence in that dir (so a restart keeps sessions, subscriptions and queued
messages), no cap on queued messages (``max_queued_messages 0``), the default in-flight
window. ``stop()``/``start()``/``restart()`` touch only that process; the machine's
Mosquitto on 1883 is never used. The ``mosquitto`` fixture gives each test its own.

``Publisher`` is a device side: QoS 1 with a persistent session of its own, so what it
publishes while the broker is down leaves when the broker is back.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Self

import pytest
from paho.mqtt.client import MQTTMessageInfo

from cuiot.adapters.mqtt.client import BrokerAddress, connect_persistent, new_client
from tests.support.servers import _apt_install, free_port, port_answers, wait_for

HOST = "127.0.0.1"


def _mosquitto_binary() -> str:
    found = shutil.which("mosquitto") or shutil.which("mosquitto", path="/usr/sbin")
    if found is None:
        _apt_install("mosquitto")
        found = shutil.which("mosquitto", path="/usr/sbin:/usr/bin") or "/usr/sbin/mosquitto"
    return found


class Mosquitto:
    """One broker process of our own; its port and persistence survive restarts."""

    def __init__(self, root: Path, extra_config: Sequence[str] = ()) -> None:
        self.root, self.port, self.binary = root, free_port(), _mosquitto_binary()
        self.process: subprocess.Popen[bytes] | None = None
        self.config = root / "mosquitto.conf"
        self.config.write_text("\n".join([
            f"listener {self.port} {HOST}", "allow_anonymous true",
            "persistence true", f"persistence_location {root}/", "autosave_interval 1",
            "max_queued_messages 0", f"log_dest file {root}/mosquitto.log",
            "log_type error", "log_type warning", "log_type notice", "log_type information",
            "user root" if os.geteuid() == 0 else "", *extra_config, ""]))

    @property
    def url(self) -> str:
        return f"mqtt://{HOST}:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen([self.binary, "-c", str(self.config)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not wait_for(lambda: port_answers(HOST, self.port), timeout=15):
            raise RuntimeError(f"mosquitto did not answer on {self.port}: {self.log()[-2000:]}")

    def stop(self) -> None:
        """A clean shutdown: Mosquitto writes its persistence file on the way out."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def log(self) -> str:
        path = self.root / "mosquitto.log"
        return path.read_text(errors="replace") if path.exists() else ""


@contextlib.contextmanager
def throwaway_mosquitto(extra_config: Sequence[str] = ()) -> Iterator[Mosquitto]:
    """``extra_config``: more mosquitto.conf lines, e.g. ``max_inflight_messages 1000``
    for a benchmark; the tests keep the defaults."""
    root = Path(tempfile.mkdtemp(prefix="cuiot-mosquitto-"))
    if os.geteuid() == 0:
        with contextlib.suppress(KeyError):  # if it drops to its own user anyway
            user = pwd.getpwnam("mosquitto")
            os.chown(root, user.pw_uid, user.pw_gid)
    broker = Mosquitto(root, extra_config)
    broker.start()
    try:
        yield broker
    finally:
        broker.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def mosquitto() -> Iterator[Mosquitto]:
    """A broker of this test's own."""
    with throwaway_mosquitto() as broker:
        yield broker


class Publisher:
    """A device side speaking QoS 1 with a persistent session; ``publish`` queues while
    the broker is away and the message leaves when it is back."""

    def __init__(self, url: str, client_id: str | None = None) -> None:
        self.address = BrokerAddress.parse(url)
        self.client = new_client(self.address, client_id or f"publisher-{uuid.uuid4().hex[:8]}")
        self.client.max_queued_messages_set(0)
        self.client.reconnect_delay_set(1, 2)
        self.client.on_publish = self._on_publish
        self.sent: list[int] = []  # mids, in publishing order
        self.acknowledged: set[int] = set()  # by the broker (PUBACK)

    def __enter__(self) -> Self:
        connect_persistent(self.client, self.address, expiry_seconds=3600)
        self.client.loop_start()
        if not wait_for(self.client.is_connected, timeout=10):
            raise RuntimeError(f"publisher could not connect to {self.address}")
        return self

    def __exit__(self, *_exc: object) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def publish(self, topic: str, payload: bytes | str | dict[str, Any], *, qos: int = 1,
                retain: bool = False) -> MQTTMessageInfo:
        if isinstance(payload, dict):
            payload = json.dumps(payload)
        info = self.client.publish(topic, payload, qos=qos, retain=retain)
        if qos > 0:
            self.sent.append(info.mid)
        return info

    def _on_publish(self, _client: Any, _userdata: Any, mid: int, _reason: Any,
                    _properties: Any) -> None:
        self.acknowledged.add(mid)

    def wait_all_acknowledged(self, timeout: float = 20.0) -> None:
        """Every QoS 1 message published so far was taken by the broker (PUBACK), even
        those queued here while it was away."""
        if not wait_for(lambda: self.acknowledged.issuperset(self.sent), timeout=timeout):
            missing = sorted(set(self.sent) - self.acknowledged)
            raise TimeoutError(f"{len(missing)} messages not acknowledged by the broker")

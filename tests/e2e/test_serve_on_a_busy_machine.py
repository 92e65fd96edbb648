"""The first hour on a machine where port 1883 is already taken (a Mosquitto of the
developer's own): the README's walk-through runs as written once the embedded broker is
given another port; ``serve``, ``worker`` and ``devices simulate`` name the broker they
use; ``--no-mqtt`` connects nowhere; a busy HTTP port is one line before anything starts.

The taken port is a socket of the test's own that accepts connections and never answers,
so nothing depends on what the machine's own 1883 holds."""

from __future__ import annotations

import contextlib
import json
import queue
import re
import select
import shlex
import signal
import socket
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.test_serve_process import CUIOT, _answers, _env
from tests.support.servers import free_port, wait_for

README = Path(__file__).resolve().parents[2] / "README.md"
DEMO_ALERTS = {"blood_pressure", "fall", "panic_pressed", "gas_sensor"}  # --scenario all


class SilentListener:
    """A port something else holds: connections are accepted (by the kernel) and never
    answered."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen()
        self.port: int = self.socket.getsockname()[1]

    def was_connected(self) -> bool:
        """Whether anyone connected (a connection waits in the backlog, never accepted)."""
        return bool(select.select([self.socket], [], [], 0)[0])


@contextlib.contextmanager
def silent_listener() -> Iterator[SilentListener]:
    listener = SilentListener()
    try:
        yield listener
    finally:
        listener.socket.close()


def cuiot(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CUIOT, *args], env=env, capture_output=True, text=True, timeout=180)


def one_line_refusal(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    return done.stderr


@dataclass
class Served:
    base: str
    process: subprocess.Popen[str]
    output: str = ""


@contextlib.contextmanager
def serving(env: dict[str, str], *args: str) -> Iterator[Served]:
    """``cuiot serve`` on a free HTTP port until the block ends (then SIGTERM)."""
    http_port = free_port()
    process = subprocess.Popen([*CUIOT, "serve", "--port", str(http_port), *args], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    served = Served(f"http://127.0.0.1:{http_port}", process)
    try:
        wait_for(lambda: process.poll() is not None or _answers(f"{served.base}/health"),
                 timeout=60)
        assert process.poll() is None and _answers(f"{served.base}/health"), "serve did not start"
        yield served
    finally:
        process.send_signal(signal.SIGTERM)
        served.output, _ = process.communicate(timeout=60)
        print(served.output)  # shown when the test fails
    assert process.returncode == 0 and "Traceback" not in served.output, served.output[-3000:]


def readme_demo() -> list[list[str]]:
    """The demo's commands as the README writes them: its block that seeds the demo."""
    blocks = re.findall(r"```bash\n(.*?)```", README.read_text(), re.S)
    [block] = [b for b in blocks if "cuiot seed --demo" in b]
    return [shlex.split(line.split("#")[0])[1:] for line in block.splitlines()
            if line.startswith(".venv/bin/cuiot ")]


def alerts(env: dict[str, str]) -> list[dict[str, Any]]:
    listed = cuiot(env, "alerts", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    found = json.loads(listed.stdout)
    return list(found["items"] if isinstance(found, dict) else found)


def test_the_readme_walk_through_runs_while_the_default_broker_port_is_taken(tmp_path):
    database = f"sqlite+aiosqlite:///{tmp_path / 'cuiot.db'}"
    seed_demo, simulate, list_alerts, acknowledge = readme_demo()
    assert (seed_demo, simulate[:2], list_alerts, acknowledge[:2]) == (
        ["seed", "--demo"], ["devices", "simulate"], ["alerts", "list"], ["alerts", "ack"])
    with silent_listener() as taken:
        busy = _env(database, taken.port)  # the embedded broker's port is someone else's
        for step in (["db", "upgrade"], ["seed"]):  # what ./scripts/run does before serving
            assert cuiot(busy, *step).returncode == 0
        http_port = str(free_port())
        assert "CUIOT_MQTT_EMBEDDED_PORT" in one_line_refusal(
            cuiot(busy, "serve", "--port", http_port))
        # a terminal without the README's export: the simulator does not publish elsewhere
        assert f"no MQTT broker answered at mqtt://127.0.0.1:{taken.port}" in one_line_refusal(
            cuiot(busy, *simulate))

        broker_port = free_port()  # the README's note: export CUIOT_MQTT_EMBEDDED_PORT
        env = _env(database, broker_port)
        with serving(env) as served:
            assert cuiot(env, *seed_demo).returncode == 0
            simulated = cuiot(env, *simulate)
            assert simulated.returncode == 0, simulated.stderr
            assert wait_for(lambda: DEMO_ALERTS <= {a["alert_type"] for a in alerts(env)},
                            timeout=60), alerts(env)
            listed = cuiot(env, *list_alerts)
            assert listed.returncode == 0 and "nothing to show" not in listed.stdout
            alert_id = alerts(env)[0]["id"]
            acked = cuiot(env, *(alert_id if arg == "<alert-id>" else arg for arg in acknowledge))
            assert acked.returncode == 0, acked.stderr
    uses = (f"mqtt://127.0.0.1:{broker_port} "
            f"(embedded broker, CUIOT_MQTT_EMBEDDED_PORT={broker_port})")
    assert f"MQTT {uses}" in served.output.splitlines()[0]
    assert simulated.stderr == f"publishing to {uses}\n"


def test_a_busy_http_port_is_one_line_before_the_broker_starts(database_url):
    with silent_listener() as http:
        refused = cuiot(_env(database_url, free_port()), "serve", "--port", str(http.port))
    refusal = one_line_refusal(refused)
    assert f"127.0.0.1:{http.port} is already in use" in refusal and "--port" in refusal
    assert refused.stdout == ""


def test_serve_without_mqtt_connects_nowhere_and_device_commands_answer_503(database_url):
    with silent_listener() as broker:
        env = _env(database_url, broker.port)
        demo = json.loads(cuiot(env, "seed", "--demo", "--json").stdout)
        with serving(env, "--no-mqtt") as served:
            token = httpx.post(f"{served.base}/api/v1/auth/login", json={
                "email": demo["family_login"], "password": demo["family_password"],
            }).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            device = httpx.get(f"{served.base}/api/v1/devices", headers=headers).json()["items"][0]
            sent = httpx.post(f"{served.base}/api/v1/devices/{device['id']}/commands",
                              headers=headers, json={"command": "reboot"})
        assert not broker.was_connected()
    assert (sent.status_code, sent.json()["error"]) == (503, "mqtt_unavailable")
    assert set(sent.json()) == {"error", "message", "details"}
    assert "MQTT off" in served.output.splitlines()[0]


def run_worker(env: dict[str, str], *args: str) -> str:
    """``cuiot worker`` until its scheduler has started (its MQTT clients start before
    it), then SIGTERM; everything it printed."""
    process = subprocess.Popen([*CUIOT, "worker", *args], env=env | {"PYTHONUNBUFFERED": "1"},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(line) for line in process.stdout or ()])
    reader.start()
    seen: list[str] = []
    try:
        while not any("scheduler started" in line for line in seen):
            seen.append(lines.get(timeout=60))
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        reader.join(timeout=10)
    seen.extend(lines.queue)
    assert process.returncode == 0, "".join(seen)[-3000:]
    return "".join(seen)


def test_the_worker_names_its_broker_and_without_mqtt_connects_nowhere(database_url):
    with silent_listener() as broker:
        env = _env(database_url, free_port()) | {
            "CUIOT_MQTT_URL": f"mqtt://cuiot:s3cret@127.0.0.1:{broker.port}"}
        off = run_worker(env, "--no-mqtt")
        assert not broker.was_connected()
        on = run_worker(env)
        assert broker.was_connected()
    assert "CUIOT worker running · MQTT off" in off
    assert f"MQTT mqtt://127.0.0.1:{broker.port} (CUIOT_MQTT_URL)" in on
    assert "s3cret" not in on

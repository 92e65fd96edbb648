"""``cuiot serve`` as a new user runs it: one process with the API, an embedded MQTT
broker, the consumer, the scheduler and the dispatcher. A panic button pressed over real
MQTT becomes an alert the family sees over HTTP; SIGTERM stops everything cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import httpx
import paho.mqtt.client as mqtt

from tests.support.servers import free_port, wait_for

CUIOT = [sys.executable, "-m", "cuiot.entrypoints.cli"]


def _env(database_url: str, broker_port: int) -> dict[str, str]:
    """No CUIOT_MQTT_URL: the embedded broker, on a port of this test's own."""
    inherited = {k: v for k, v in os.environ.items() if k != "CUIOT_MQTT_URL"}
    return inherited | {"CUIOT_DATABASE_URL": database_url, "CUIOT_BCRYPT_ROUNDS": "4",
                        "CUIOT_JWT_SECRET": "serve-test-" + "s" * 40, "CUIOT_LOG_FORMAT": "json",
                        "CUIOT_MQTT_EMBEDDED_PORT": str(broker_port),
                        "CUIOT_ESCALATION_TIMEOUTS": "critical=2,high=4,medium=6"}


def test_serve_runs_the_whole_pipeline_and_stops_cleanly(database_url, tmp_path):
    broker_port, http_port = free_port(), free_port()
    env = _env(database_url, broker_port)
    seeded = subprocess.run([*CUIOT, "seed", "--demo", "--json"], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert seeded.returncode == 0, seeded.stderr
    demo = json.loads(seeded.stdout)
    server = subprocess.Popen([*CUIOT, "serve", "--port", str(http_port)], env=env, cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{http_port}"
    try:
        assert wait_for(lambda: _answers(f"{base}/health"), timeout=30), "serve did not start"
        _press_panic_button(broker_port)
        token = httpx.post(f"{base}/api/v1/auth/login", json={
            "email": demo["family_login"], "password": demo["family_password"],
        }).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}

        def alert_sent() -> bool:
            items = httpx.get(f"{base}/api/v1/alerts", headers=headers).json()["items"]
            return any(a["alert_type"] == "panic_pressed" and a["status"] == "sent" for a in items)

        assert wait_for(alert_sent, timeout=20), "no alert reached the family"

        def escalated() -> bool:
            items = httpx.get(f"{base}/api/v1/alerts", headers=headers).json()["items"]
            return items[0]["escalation_level"] >= 2
        assert wait_for(escalated, timeout=20), "the alert did not escalate"
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=30)
    assert server.returncode == 0, output[-3000:]
    assert "scheduler stopped" in output and "Traceback" not in output


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _press_panic_button(port: int) -> None:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="test-panic",
                         protocol=mqtt.MQTTv311)
    client.connect("127.0.0.1", port)
    client.loop_start()
    try:
        payload = json.dumps({"msg_id": f"press-{time.time_ns()}", "event": "pressed", "data": {}})
        client.publish("cuiot/devices/panic-rosa-01/events", payload, qos=1).wait_for_publish(10)
    finally:
        client.loop_stop()
        client.disconnect()

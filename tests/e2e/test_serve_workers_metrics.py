"""``cuiot serve --workers 2``: ``/metrics`` answers the sum over every process
(prometheus-client's multiprocess mode), whichever worker the request reaches. Each
worker counting alone would show only its own share of the requests."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import httpx

from tests.support.servers import free_port, wait_for

CUIOT = [sys.executable, "-m", "cuiot.entrypoints.cli"]
REQUESTS = 40
HEALTH = re.compile(r'^cuiot_http_requests_total\{method="GET",route="/api/v1/health",'
                    r'status="200"\} (\S+)$', re.MULTILINE)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def test_metrics_add_up_every_worker(database_url, tmp_path):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CUIOT_") and k != "PROMETHEUS_MULTIPROC_DIR"} | {
        "CUIOT_DATABASE_URL": database_url, "CUIOT_JWT_SECRET": "metrics-" + "s" * 40,
        "CUIOT_LOG_FORMAT": "json", "CUIOT_RATE_LIMIT_PER_MINUTE": "100000"}
    upgraded = subprocess.run([*CUIOT, "db", "upgrade"], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)
    assert upgraded.returncode == 0, upgraded.stderr
    port = free_port()
    server = subprocess.Popen([*CUIOT, "serve", "--workers", "2", "--no-mqtt", "--port",
                               str(port)], env=env, cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        if not wait_for(lambda: _answers(f"{base}/api/v1/health"), timeout=60):
            server.send_signal(signal.SIGTERM)
            raise AssertionError("serve did not answer:\n" + server.communicate(timeout=60)[0])
        for _ in range(REQUESTS):  # new connections: the kernel hands them to either worker
            assert httpx.get(f"{base}/api/v1/health").status_code == 200
        seen = set()
        for _ in range(10):
            text = httpx.get(f"{base}/metrics").text
            seen.add(float(HEALTH.search(text).group(1)))
        # Every answer counts every health request (one from the wait above at least).
        assert min(seen) >= REQUESTS + 1, seen
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=60)
    assert "Traceback" not in output, output[-3000:]

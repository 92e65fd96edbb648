"""The worker's metrics server: off unless CUIOT_WORKER_METRICS_PORT names a port, and
then prometheus-client's own server over the registry it is given, closed at stop."""

from __future__ import annotations

import httpx
from prometheus_client import CollectorRegistry, Counter

from cuiot.entrypoints.settings import Settings
from cuiot.entrypoints.worker_metrics import PrometheusMetricsServer, metrics_server
from tests.support.servers import free_port, port_answers


def test_off_unless_a_port_is_set():
    registry = CollectorRegistry()
    assert metrics_server(Settings(), registry) is None
    assert metrics_server(Settings(worker_metrics_port=0), registry) is None
    server = metrics_server(Settings(worker_metrics_port=9464,
                                     worker_metrics_host="0.0.0.0"), registry)
    assert server is not None and server.url == "http://0.0.0.0:9464/metrics"
    assert PrometheusMetricsServer(registry, 9464, "::").url == "http://[::]:9464/metrics"


async def test_it_serves_the_registry_until_stopped():
    registry = CollectorRegistry()
    Counter("cuiot_test_things", "Things", registry=registry).inc(3)
    server = PrometheusMetricsServer(registry, free_port())
    await server.start()
    try:
        async with httpx.AsyncClient() as client:
            answer = await client.get(server.url)
        assert answer.status_code == 200 and "cuiot_test_things_total 3.0" in answer.text
    finally:
        await server.stop()
    assert not port_answers("127.0.0.1", server.port)
    await server.stop()  # twice is harmless

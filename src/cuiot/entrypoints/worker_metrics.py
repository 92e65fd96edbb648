"""The worker's Prometheus metrics on a port of its own (CUIOT_WORKER_METRICS_PORT).

``cuiot serve`` counts its pipeline in the API's own ``/metrics``; ``cuiot worker`` has
no HTTP, so without this its counters — messages accepted and rejected, scheduler jobs
(escalations among them), deliveries — would vanish exactly where the load is. It is
prometheus-client's own server (``start_http_server``: a WSGI server on a daemon
thread) over the container's registry, answering ``GET /metrics``."""

from __future__ import annotations

import asyncio
import logging
import threading
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, start_http_server

from cuiot.entrypoints.settings import Settings

logger = logging.getLogger("cuiot.worker")


class MetricsPortError(Exception):
    """The metrics port cannot be listened on (taken, or an address not of this host)."""


class PrometheusMetricsServer:
    """Runner: serves ``registry`` at ``http://host:port/metrics`` from ``start()`` until
    ``stop()``."""

    def __init__(self, registry: CollectorRegistry, port: int, host: str = "127.0.0.1") -> None:
        self.registry, self.port, self.host = registry, port, host
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/metrics"

    async def start(self) -> None:
        if self._server is not None:
            return
        try:
            self._server, self._thread = start_http_server(self.port, self.host, self.registry)
        except OSError as error:
            raise MetricsPortError(
                f"cannot serve metrics on {self.host}:{self.port}: "
                f"{error.strerror or error} (CUIOT_WORKER_METRICS_PORT, "
                "CUIOT_WORKER_METRICS_HOST)") from None
        logger.info("metrics at %s", self.url)

    async def stop(self) -> None:
        server, thread, self._server, self._thread = self._server, self._thread, None, None
        if server is None:
            return
        await asyncio.to_thread(server.shutdown)
        server.server_close()
        if thread is not None:
            await asyncio.to_thread(thread.join, 5)


def metrics_server(settings: Settings, registry: CollectorRegistry
                   ) -> PrometheusMetricsServer | None:
    """The worker's metrics server, or None when CUIOT_WORKER_METRICS_PORT is unset or 0."""
    if not settings.worker_metrics_port:
        return None
    return PrometheusMetricsServer(registry, settings.worker_metrics_port,
                                   settings.worker_metrics_host)

"""Prometheus metrics of the HTTP API (and, later, the device pipeline) in one registry.

Under ``cuiot serve --workers N`` every process writes its figures to the directory
named by ``PROMETHEUS_MULTIPROC_DIR`` (prometheus-client's multiprocess mode, which
``serve`` sets up), and ``/metrics`` answers their sum, whichever worker it reaches:
counters and histograms add up across the HTTP workers and the pipeline beside them;
gauges are shown per process (``pid`` label)."""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"


class HttpMetrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.requests = Counter("cuiot_http_requests_total", "HTTP requests by route and status",
                                ["method", "route", "status"], registry=self.registry)
        self.duration = Histogram("cuiot_http_request_duration_seconds",
                                  "HTTP request duration by route", ["method", "route"],
                                  registry=self.registry)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.duration.labels(method, route).observe(seconds)

    def render(self) -> tuple[bytes, str]:
        directory = os.environ.get(MULTIPROCESS_DIR)
        if not directory:
            return generate_latest(self.registry), CONTENT_TYPE_LATEST
        every_process = CollectorRegistry()
        multiprocess.MultiProcessCollector(every_process, path=directory)  # type: ignore[no-untyped-call]
        return generate_latest(every_process), CONTENT_TYPE_LATEST

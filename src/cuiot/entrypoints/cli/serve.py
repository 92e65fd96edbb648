"""``cuiot serve``: the HTTP API, the MQTT consumer, the scheduler and the dispatcher in
one process — with an embedded MQTT broker when CUIOT_MQTT_URL is unset, so a new user
has the whole pipeline with nothing installed."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

import typer

from cuiot.adapters.mqtt.embedded import EmbeddedBroker, EmbeddedBrokerError
from cuiot.adapters.persistence.migrate import is_up_to_date
from cuiot.entrypoints.cli.broker import broker_label, embedded_port, without_mqtt
from cuiot.entrypoints.cli.output import console, fail
from cuiot.entrypoints.cli.runtime import container, run, run_loop
from cuiot.entrypoints.http.metrics import MULTIPROCESS_DIR
from cuiot.entrypoints.logs import configure_logging

if TYPE_CHECKING:
    import uvicorn


def ensure_schema_is_current() -> None:
    if not run(lambda c: is_up_to_date(c.engine())):
        fail("the database schema is missing or outdated: run 'cuiot db upgrade' first")


def ensure_port_free(host: str, port: int) -> None:
    """Bind ``host:port`` once, as uvicorn will, before anything starts: a busy port then
    costs one line instead of a broker and a pipeline started for nothing."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                fail(f"HTTP port {host}:{port} is already in use: pick another with --port")
            fail(f"cannot listen on {host}:{port}: {error.strerror or error} (see --host, --port)")


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(1, min=1, max=64,
                                help="HTTP worker processes (the pipeline then runs beside them)."),
    no_mqtt: bool = typer.Option(False, "--no-mqtt",
                                 help="No MQTT at all (as CUIOT_MQTT_URL=off): no broker, no "
                                      "consumer, and device commands answer 503."),
) -> None:
    """Run CUIOT: the API (docs at /docs) and the safety pipeline."""
    ensure_schema_is_current()
    c = container()
    if no_mqtt:
        without_mqtt(c)
    settings = c.settings()
    configure_logging(settings.log_format)
    ensure_port_free(host, port)
    where = settings.database_url.split("@")[-1]
    console.print(f"CUIOT on http://{host}:{port} (docs at /docs) · database {where} · "
                  f"MQTT {broker_label(settings)}")
    if workers > 1:
        _serve_with_workers(host, port, workers)
    else:
        run_loop(_serve(host, port))


async def _serve(host: str, port: int) -> None:
    import uvicorn

    from cuiot.entrypoints.http.app import create_app
    from cuiot.entrypoints.pipeline import pipeline_runners

    c = container()
    broker_port = embedded_port(c.settings())
    broker = EmbeddedBroker(port=broker_port) if broker_port is not None else None
    try:
        if broker is not None:
            await broker.start()
    except EmbeddedBrokerError as error:
        fail(str(error))
    try:
        app = create_app(c, pipeline_runners(c))
        config = uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False,
                                proxy_headers=True)
        await quiet_server(config).serve()
    finally:
        if broker is not None:
            await broker.stop()


def _serve_with_workers(host: str, port: int, workers: int) -> None:
    """N HTTP workers (uvicorn) and, beside them, one ``cuiot worker`` for the pipeline.
    Each reads every alert change from the journal (entrypoints/live.py); they share
    rate limits and revocations through CUIOT_REDIS_URL. Outbox rows an HTTP worker
    writes wake the pipeline's dispatcher through PostgreSQL NOTIFY (or Redis on
    SQLite); without either, its tick delivers them."""
    import uvicorn

    settings = container().settings()
    if not settings.redis_url:
        console.print("[yellow]warning:[/yellow] several workers without CUIOT_REDIS_URL keep "
                      "rate limits and token revocations per process")
    if settings.mqtt_url == "off":  # --no-mqtt reaches the processes started here
        os.environ["CUIOT_MQTT_URL"] = "off"
    embedded = embedded_port(settings) is not None
    # /metrics sums every process's figures (entrypoints/http/metrics.py): a directory
    # they all write to, set before they start (prometheus-client reads it at import).
    own_metrics_dir = None
    if not os.environ.get(MULTIPROCESS_DIR):
        own_metrics_dir = tempfile.mkdtemp(prefix="cuiot-metrics-")
        os.environ[MULTIPROCESS_DIR] = own_metrics_dir
    pipeline = subprocess.Popen([sys.executable, "-m", "cuiot.entrypoints.cli", "worker",
                                 *(["--embedded-broker"] if embedded else [])])
    try:
        uvicorn.run("cuiot.entrypoints.http.asgi:create_app", factory=True, host=host,
                    port=port, workers=workers, log_config=None, access_log=False,
                    proxy_headers=True)
    finally:
        pipeline.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            pipeline.wait(30)
        if own_metrics_dir is not None:
            shutil.rmtree(own_metrics_dir, ignore_errors=True)


def quiet_server(config: uvicorn.Config) -> uvicorn.Server:
    """uvicorn's server, shutting down gracefully on SIGINT/SIGTERM without raising the
    signal again afterwards (which would end the process before the broker stopped)."""
    import uvicorn

    class _Server(uvicorn.Server):
        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            if threading.current_thread() is not threading.main_thread():
                yield
                return
            previous = {s: signal.signal(s, self.handle_exit)
                        for s in (signal.SIGINT, signal.SIGTERM)}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)

    return _Server(config)

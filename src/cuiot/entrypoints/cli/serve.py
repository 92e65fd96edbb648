"""``cuiot serve``: the HTTP API, the MQTT consumer, the scheduler and the dispatcher in
one process — with an embedded MQTT broker when CUIOT_MQTT_URL is unset, so a new user
has the whole pipeline with nothing installed."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

import typer

from cuiot.adapters.mqtt.embedded import EmbeddedBroker, EmbeddedBrokerError
from cuiot.adapters.persistence.migrate import is_up_to_date
from cuiot.entrypoints.cli.output import console, fail
from cuiot.entrypoints.cli.runtime import container, run, run_loop
from cuiot.entrypoints.logs import configure_logging

if TYPE_CHECKING:
    import uvicorn


def ensure_schema_is_current() -> None:
    if not run(lambda c: is_up_to_date(c.engine())):
        fail("the database schema is missing or outdated: run 'cuiot db upgrade' first")


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(1, min=1, max=64,
                                help="HTTP worker processes (the pipeline then runs beside them)."),
    no_mqtt: bool = typer.Option(False, "--no-mqtt", help="Neither consume MQTT nor run a broker."),
) -> None:
    """Run CUIOT: the API (docs at /docs) and the safety pipeline."""
    ensure_schema_is_current()
    c = container()
    settings = c.settings()
    configure_logging(settings.log_format)
    mqtt = not no_mqtt and settings.mqtt_url != "off"
    embedded = mqtt and settings.mqtt_url is None
    where = settings.database_url.split("@")[-1]
    broker = (f"embedded broker on 127.0.0.1:{settings.mqtt_embedded_port}" if embedded
              else (settings.mqtt_url or "").split("@")[-1] if mqtt else "MQTT off")
    console.print(f"CUIOT on http://{host}:{port} (docs at /docs) · database {where} · {broker}")
    if workers > 1:
        _serve_with_workers(host, port, workers, mqtt)
    else:
        run_loop(_serve(host, port, mqtt, embedded))


async def _serve(host: str, port: int, mqtt: bool, embedded: bool) -> None:
    import uvicorn

    from cuiot.entrypoints.http.app import create_app
    from cuiot.entrypoints.pipeline import pipeline_runners

    c = container()
    broker = EmbeddedBroker(port=c.settings().mqtt_embedded_port) if embedded else None
    try:
        if broker is not None:
            await broker.start()
    except EmbeddedBrokerError as error:
        fail(str(error))
    try:
        app = create_app(c, pipeline_runners(c, mqtt=mqtt))
        config = uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False,
                                proxy_headers=True)
        await quiet_server(config).serve()
    finally:
        if broker is not None:
            await broker.stop()


def _serve_with_workers(host: str, port: int, workers: int, mqtt: bool) -> None:
    """N HTTP workers (uvicorn) and, beside them, one ``cuiot worker`` for the pipeline.
    Their live alerts meet through Redis: set CUIOT_REDIS_URL. Outbox rows an HTTP
    worker writes wake the pipeline's dispatcher through PostgreSQL NOTIFY (or Redis on
    SQLite); without either, its tick delivers them."""
    import uvicorn

    if not container().settings().redis_url:
        console.print("[yellow]warning:[/yellow] several workers without CUIOT_REDIS_URL keep "
                      "rate limits and live alerts per process")
    embedded = mqtt and not container().settings().mqtt_url
    pipeline = subprocess.Popen([sys.executable, "-m", "cuiot.entrypoints.cli", "worker",
                                 *(["--embedded-broker"] if embedded else []),
                                 *([] if mqtt else ["--no-mqtt"])])
    try:
        uvicorn.run("cuiot.entrypoints.http.asgi:create_app", factory=True, host=host,
                    port=port, workers=workers, log_config=None, access_log=False,
                    proxy_headers=True)
    finally:
        pipeline.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            pipeline.wait(30)


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

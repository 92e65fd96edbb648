"""``cuiot worker``: the background work without HTTP, until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

import typer

from cuiot.adapters.mqtt.embedded import EmbeddedBroker, EmbeddedBrokerError
from cuiot.entrypoints.cli.broker import broker_label, embedded_port, without_mqtt
from cuiot.entrypoints.cli.output import console, fail
from cuiot.entrypoints.cli.runtime import container, run_loop
from cuiot.entrypoints.cli.serve import ensure_schema_is_current
from cuiot.entrypoints.container import Container, dispose_engines
from cuiot.entrypoints.logs import configure_logging
from cuiot.entrypoints.pipeline import Runner, pipeline_runners
from cuiot.entrypoints.worker_metrics import (
    MetricsPortError,
    PrometheusMetricsServer,
    metrics_server,
)

logger = logging.getLogger("cuiot.worker")


def worker_runners(c: Container, *, embedded_broker: bool = False) -> list[Runner]:
    """What a worker runs, started in this order and stopped in the reverse one. Its
    alert changes (escalations, MQTT alerts) reach the API's WebSockets and metrics
    through the journal its commits write (entrypoints/live.py): nothing to run here.
    Without CUIOT_MQTT_URL the worker consumes from the embedded broker of ``cuiot serve``
    — or runs it itself with ``--embedded-broker``. Its metrics are served first (with
    CUIOT_WORKER_METRICS_PORT), so a port that is taken stops it before anything runs."""
    runners: list[Runner] = []
    metrics = metrics_server(c.settings(), c.metrics_registry())
    if metrics is not None:
        runners.append(metrics)
    broker_port = embedded_port(c.settings()) if embedded_broker else None
    if broker_port is not None:
        runners.append(EmbeddedBroker(port=broker_port))
    gateway = c.command_gateway()
    if gateway is not None:
        runners.append(gateway)
    runners.extend(pipeline_runners(c))
    return runners


async def run_until_signalled(c: Container, runners: list[Runner],
                              stop: asyncio.Event | None = None) -> None:
    """Start ``runners``, wait for SIGINT/SIGTERM (or ``stop``), stop them gracefully."""
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for sig in signals:
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, stop.set)
    started: list[Runner] = []
    try:
        for runner in runners:
            await runner.start()
            started.append(runner)
        await stop.wait()
    finally:
        for runner in reversed(started):
            try:
                await runner.stop()
            except Exception:
                logger.exception("stopping %s failed", type(runner).__name__)
        for sig in signals:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.remove_signal_handler(sig)
        if c.settings().redis_url:
            await c.redis().aclose()
        await dispose_engines(c)


def worker(
    no_mqtt: bool = typer.Option(False, "--no-mqtt",
                                 help="No MQTT at all (as CUIOT_MQTT_URL=off)."),
    embedded_broker: bool = typer.Option(
        False, "--embedded-broker", hidden=True,
        help="Run the embedded broker here (cuiot serve --workers)."),
) -> None:
    """Run the safety pipeline without HTTP: the MQTT consumer, the scheduler (escalation,
    device and inactivity checks, daily billing and referral expiry) and the outbox
    dispatcher, until Ctrl-C or SIGTERM."""
    ensure_schema_is_current()
    c = container()
    if no_mqtt:
        without_mqtt(c)
    configure_logging(c.settings().log_format)
    runners = worker_runners(c, embedded_broker=embedded_broker)
    metrics = next((r for r in runners if isinstance(r, PrometheusMetricsServer)), None)
    console.print(f"CUIOT worker running · MQTT {broker_label(c.settings())}"
                  f"{f' · metrics at {metrics.url}' if metrics else ''}; Ctrl-C to stop")
    try:
        run_loop(run_until_signalled(c, runners))
    except (EmbeddedBrokerError, MetricsPortError) as error:
        fail(str(error))

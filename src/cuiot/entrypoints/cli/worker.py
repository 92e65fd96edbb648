"""``cuiot worker``: the background work without HTTP, until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

import typer

from cuiot.adapters.mqtt.embedded import EmbeddedBroker, EmbeddedBrokerError
from cuiot.entrypoints.alert_metrics import AlertMetrics
from cuiot.entrypoints.cli.output import console, fail
from cuiot.entrypoints.cli.runtime import container, run_loop
from cuiot.entrypoints.cli.serve import ensure_schema_is_current
from cuiot.entrypoints.container import Container, dispose_engines
from cuiot.entrypoints.live import LiveAlerts
from cuiot.entrypoints.logs import configure_logging
from cuiot.entrypoints.pipeline import Runner, pipeline_runners

logger = logging.getLogger("cuiot.worker")


def worker_runners(c: Container, *, mqtt: bool = True,
                   embedded_broker: bool = False) -> list[Runner]:
    """What a worker runs, started in this order and stopped in the reverse one. The
    live bridge only matters with Redis: it carries this worker's alert changes (its
    escalations, MQTT alerts) to the WebSockets of the API workers. Without
    CUIOT_MQTT_URL the worker consumes from the embedded broker of ``cuiot serve`` — or
    runs it itself with ``--embedded-broker``."""
    runners: list[Runner] = [AlertMetrics(c.publisher(), c.metrics_registry())]
    if embedded_broker and mqtt:
        runners.append(EmbeddedBroker(port=c.settings().mqtt_embedded_port))
    if c.settings().redis_url:
        runners.append(LiveAlerts.from_container(c))
    gateway = c.command_gateway() if mqtt else None
    if gateway is not None:
        runners.append(gateway)
    runners.extend(pipeline_runners(c, mqtt=mqtt))
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
    no_mqtt: bool = typer.Option(False, "--no-mqtt", help="Do not consume MQTT."),
    embedded_broker: bool = typer.Option(
        False, "--embedded-broker", hidden=True,
        help="Run the embedded broker here (cuiot serve --workers)."),
) -> None:
    """Run the safety pipeline without HTTP: the MQTT consumer, the scheduler (escalation,
    device and inactivity checks, daily billing and referral expiry) and the outbox
    dispatcher, until Ctrl-C or SIGTERM."""
    ensure_schema_is_current()
    c = container()
    configure_logging(c.settings().log_format)
    console.print("CUIOT worker running; Ctrl-C to stop")
    try:
        run_loop(run_until_signalled(
            c, worker_runners(c, mqtt=not no_mqtt, embedded_broker=embedded_broker)))
    except EmbeddedBrokerError as error:
        fail(str(error))

"""The safety pipeline's runners, started and stopped together: the MQTT consumer, the
scheduler (escalation, periodic checks, daily jobs) and the outbox dispatcher.

``cuiot serve`` runs them inside the API process (so alerts raised by MQTT reach that
process's WebSockets without Redis); ``cuiot worker`` runs them alone.

The dispatcher wakes when a commit writes outbox rows: in this process through the
container's bell, from other processes (API workers, the CLI) through the outbox
listener — PostgreSQL LISTEN, or Redis on SQLite — started before it.
"""

from __future__ import annotations

import logging
from typing import Protocol

from cuiot.adapters.mqtt.consumer import PahoMqttConsumer
from cuiot.adapters.notifications.dispatcher import OutboxDispatcher
from cuiot.adapters.notifications.router import ChannelRouter
from cuiot.adapters.notifications.signal_postgres import PostgresOutboxListener
from cuiot.entrypoints.container import Container, mqtt_target
from cuiot.entrypoints.scheduler import Scheduler

logger = logging.getLogger("cuiot.pipeline")


class Runner(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def pipeline_runners(c: Container, *, mqtt5: bool | None = None) -> list[Runner]:
    """Consumer (on ``mqtt_target``, unless MQTT is off), scheduler and dispatcher, in
    start order. ``mqtt5`` defaults to True for an external broker and False for the
    embedded one (amqtt speaks MQTT 3.1.1 only)."""
    s = c.settings()
    runners: list[Runner] = []
    target = mqtt_target(s)
    if target is not None:
        external = s.mqtt_url is not None
        runners.append(PahoMqttConsumer(
            target, uow_factory=lambda: c.uow(), clock=c.clock(), ids=c.ids(), policy=c.policy(),
            metrics_registry=c.metrics_registry(), client_id=s.mqtt_client_id,
            shared_group=s.mqtt_shared_group if external else None,  # MQTT 5 only
            mqtt5=external if mqtt5 is None else mqtt5,
            max_payload_bytes=s.max_mqtt_payload_bytes))
    runners.append(Scheduler.from_container(c))
    fcm = s.push_provider == "fcm"
    router = ChannelRouter(smtp_url=s.smtp_url, webhook_secret=s.webhook_secret,
                           sms_webhook_url=s.sms_webhook_url,
                           push_webhook_url=None if fcm else s.push_webhook_url,
                           fcm_url=s.fcm_url if fcm else None,
                           fcm_token=s.fcm_token if fcm else None,
                           timeout_seconds=s.notification_timeout_seconds)
    runners.extend(outbox_listeners(c))
    runners.append(OutboxDispatcher(lambda: c.uow(), c.clock(), c.policy(), router,
                                    c.metrics_registry(),
                                    tick_seconds=s.dispatch_tick_seconds,
                                    signal=c.outbox_bell()))
    return runners


def outbox_listeners(c: Container) -> list[Runner]:
    """What rings this process's bell when another process writes outbox rows."""
    transport = c.outbox_transport()
    if transport == "postgresql":
        return [PostgresOutboxListener(c.engine(), c.outbox_bell())]
    if transport == "redis":
        return [c.outbox_signal()]
    return []

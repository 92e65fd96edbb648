"""``PahoMqttConsumer``: the runner that takes device messages from the broker into the
use cases (see ``processing``), each acknowledged only once it is committed.

- A persistent session: a stable client id, ``clean_start=False`` and a session expiry,
  QoS 1 subscriptions (shared among consumers with ``shared_group``) and manual acks, so
  that what arrives while the consumer is down, or is not yet acknowledged when it
  stops, is delivered again. paho reconnects by itself, with backoff.
- paho calls back on its own thread: every message is handed to the asyncio loop at
  once. One device's messages are handled one after the other in arrival order;
  different devices' side by side.
- Acknowledgements leave in arrival order (Mosquitto sends at most
  ``max_inflight_messages`` unacknowledged), and only on the connection the message
  came by: after a reconnect the broker sends again what was not acknowledged, and
  ``msg_id`` makes the repeat harmless.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from paho.mqtt.client import Client, MQTTMessage
from paho.mqtt.subscribeoptions import SubscribeOptions
from prometheus_client import CollectorRegistry

from cuiot.adapters.mqtt.client import BrokerAddress, connect_persistent, new_client
from cuiot.adapters.mqtt.envelope import subscriptions
from cuiot.adapters.mqtt.processing import (
    DEFAULT_BACKOFF,
    Backoff,
    MessageProcessor,
    MqttMetrics,
    Received,
    device_of,
)
from cuiot.application.ports.common import Clock, IdGenerator
from cuiot.application.uow import UnitOfWork
from cuiot.domain.policy import Policy

logger = logging.getLogger("cuiot.mqtt")


@dataclass(eq=False)
class Delivery:
    """A message as it came by the ``connection``-th connection."""

    message: Received
    mid: int
    qos: int
    connection: int
    done: bool = False

    @property
    def device(self) -> str:
        return device_of(self.message.topic) or self.message.topic


class PahoMqttConsumer:
    def __init__(self, url: str, *, uow_factory: Callable[[], UnitOfWork], clock: Clock,
                 ids: IdGenerator, policy: Policy, metrics_registry: CollectorRegistry,
                 client_id: str = "cuiot-consumer", shared_group: str | None = None,
                 session_expiry: timedelta = timedelta(days=1), backoff: Backoff = DEFAULT_BACKOFF,
                 reconnect_delay_s: tuple[int, int] = (1, 30), stop_grace_s: float = 10.0,
                 in_flight: int = 100, mqtt5: bool = True) -> None:
        self.address = BrokerAddress.parse(url)
        self.client_id, self.shared_group = client_id, shared_group
        self.clock, self.session_expiry, self.mqtt5 = clock, session_expiry, mqtt5
        self.reconnect_delay_s, self.stop_grace_s = reconnect_delay_s, stop_grace_s
        self.in_flight = in_flight  # messages handed to us and not yet acknowledged, at most
        self.processor = MessageProcessor(uow_factory, clock, ids, policy,
                                          MqttMetrics(metrics_registry), backoff)
        self.subscribed = asyncio.Event()  # set while the subscriptions are in place
        self._client: Client | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._connection = 0  # counts successful connects (paho's thread)
        self._unacked: deque[Delivery] = deque()
        self._tails: dict[str, asyncio.Task[None]] = {}  # each device's last message
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopping = False

    async def start(self) -> None:
        """Returns at once; the network loop connects (and reconnects) on its own."""
        if self._client is not None:
            return
        self._loop, self._stopping = asyncio.get_running_loop(), False
        client = new_client(self.address, self.client_id, manual_ack=True, mqtt5=self.mqtt5)
        client.on_connect, client.on_disconnect = self._on_connect, self._on_disconnect
        client.on_subscribe, client.on_message = self._on_subscribe, self._on_message
        client.reconnect_delay_set(*self.reconnect_delay_s)
        connect_persistent(client, self.address, int(self.session_expiry.total_seconds()),
                           receive_maximum=self.in_flight)
        client.loop_start()
        self._client = client
        logger.info("MQTT consumer %s connecting to %s", self.client_id, self.address)

    async def stop(self) -> None:
        """Lets the messages being handled finish (``stop_grace_s`` at most), acknowledges
        them, and disconnects; the rest is delivered again at the next start."""
        client = self._client
        if client is None or self._stopping:
            return
        self._stopping = True
        pending = set(self._tasks)
        if pending:
            _, late = await asyncio.wait(pending, timeout=self.stop_grace_s)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        self._flush_acks()
        self._unacked.clear()
        client.disconnect()
        await asyncio.to_thread(client.loop_stop)
        self._client = None
        self.subscribed.clear()
        logger.info("MQTT consumer %s stopped", self.client_id)

    # paho's thread ------------------------------------------------------------------

    def _on_connect(self, client: Client, _userdata: Any, flags: Any, reason_code: Any,
                    _properties: Any) -> None:
        if reason_code.is_failure:
            logger.warning("broker %s refused %s: %s", self.address, self.client_id, reason_code)
            return
        self._connection += 1
        self._to_loop(self._connected, self._connection, flags.session_present)
        # MQTT 5: a retained status is sent once, when the subscription is new.
        options = SubscribeOptions(qos=1, retainHandling=SubscribeOptions.RETAIN_SEND_IF_NEW_SUB)
        client.subscribe([(topic, options if self.mqtt5 else 1)
                          for topic in subscriptions(self.shared_group)])

    def _on_subscribe(self, _client: Client, _userdata: Any, _mid: int, reason_codes: list[Any],
                      _properties: Any) -> None:
        refused = [str(code) for code in reason_codes if code.is_failure]
        if refused:
            logger.error("broker %s refused the subscriptions: %s", self.address, refused)
        else:
            self._to_loop(self.subscribed.set)

    def _on_disconnect(self, _client: Client, _userdata: Any, _flags: Any, reason_code: Any,
                       _properties: Any) -> None:
        self._to_loop(self.subscribed.clear)
        if not self._stopping:
            logger.warning("lost broker %s (%s); reconnecting", self.address, reason_code)

    def _on_message(self, _client: Client, _userdata: Any, message: MQTTMessage) -> None:
        try:
            topic = message.topic
        except UnicodeDecodeError:
            topic = repr(message._topic)[:200]
        received = Received(topic, message.payload, self.clock.now(), bool(message.retain))
        self._to_loop(self._arrived, Delivery(received, message.mid, message.qos,
                                              self._connection))

    def _to_loop(self, callback: Callable[..., Any], *args: Any) -> None:
        try:
            self._loop.call_soon_threadsafe(callback, *args)  # type: ignore[union-attr]
        except RuntimeError:  # the loop is closed: nothing was acknowledged, nothing lost
            logger.warning("MQTT message arrived after the event loop closed")

    # the asyncio loop ---------------------------------------------------------------

    def _connected(self, connection: int, session_present: bool) -> None:
        logger.info("MQTT consumer %s connected to %s (session %s)", self.client_id,
                    self.address, "resumed" if session_present else "new")
        # Older connections' messages are no longer ours to acknowledge: they come again.
        self._unacked = deque(d for d in self._unacked if d.connection == connection)

    def _arrived(self, delivery: Delivery) -> None:
        if self._stopping:
            return  # not acknowledged: delivered again at the next start
        if delivery.qos > 0:
            self._unacked.append(delivery)
        device = delivery.device
        task = asyncio.create_task(self._in_order(self._tails.get(device), delivery))
        self._tails[device] = task
        self._tasks.add(task)
        task.add_done_callback(partial(self._forget, device))

    def _forget(self, device: str, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if self._tails.get(device) is task:
            del self._tails[device]

    async def _in_order(self, previous: asyncio.Task[None] | None, delivery: Delivery) -> None:
        if previous is not None:
            await asyncio.wait([previous])
        await self.processor.process(delivery.message)
        delivery.done = True
        self._flush_acks()

    def _flush_acks(self) -> None:
        while self._unacked and self._unacked[0].done:
            delivery = self._unacked.popleft()
            if self._client is not None and delivery.connection == self._connection:
                self._client.ack(delivery.mid, delivery.qos)

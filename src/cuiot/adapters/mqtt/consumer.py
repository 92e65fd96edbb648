"""``PahoMqttConsumer``: the runner that takes device messages from the broker into the
use cases (see ``processing``), each acknowledged only once it is committed.

- A persistent session: a stable client id, ``clean_start=False`` and a session expiry,
  QoS 1 subscriptions (shared among consumers with ``shared_group``) and manual acks, so
  that what arrives while the consumer is down, or is not yet acknowledged when it
  stops, is delivered again. paho reconnects by itself, with backoff.
- paho calls back on its own thread: every message is handed to the asyncio loop at
  once, decoded there, and queued.
- Batches: one loop takes what has arrived — up to ``batch_size`` messages, or what came
  within ``batch_window_s`` of the first — and stores it in one unit of work
  (``MessageProcessor.process_batch``), then acknowledges the whole batch. While a batch
  commits the next one gathers, so a backlog drains in full batches. A critical message
  (a fall, a panic press, a reading high or critical) closes the batch at once.
- Batches are handled one after the other, each in arrival order: every device's
  messages keep their order.
- Acknowledgements leave in arrival order, and only on the connection the message came
  by: after a reconnect the broker sends again what was not acknowledged, and ``msg_id``
  makes the repeat harmless. ``in_flight`` (MQTT 5 receive maximum) lets the broker send
  enough unacknowledged messages to fill a batch while the previous one commits.
- Backpressure: at most ``in_flight`` messages wait here for a batch, however far
  behind the consumer is. Receive Maximum should stop the broker by itself, but
  Mosquitto 2.0.11 sends everything it holds once the first acknowledgement comes; so
  past that many, paho's thread waits for the next batch to be taken, stops reading
  the socket meanwhile, and the broker keeps the rest in the session.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from paho.mqtt.client import Client, MQTTMessage
from paho.mqtt.subscribeoptions import SubscribeOptions
from prometheus_client import CollectorRegistry

from cuiot.adapters.mqtt.client import BrokerAddress, connect_persistent, new_client
from cuiot.adapters.mqtt.envelope import DEFAULT_MAX_PAYLOAD_BYTES, subscriptions
from cuiot.adapters.mqtt.processing import (
    DEFAULT_BACKOFF,
    Backoff,
    Incoming,
    MessageProcessor,
    MqttMetrics,
    Received,
)
from cuiot.application.shared.ports import Clock, IdGenerator
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.policy import Policy

logger = logging.getLogger("cuiot.mqtt")


@dataclass(eq=False)
class Delivery:
    """A message as it came by the ``connection``-th connection."""

    message: Incoming
    mid: int
    qos: int
    connection: int
    urgent: bool = False
    done: bool = False


class PahoMqttConsumer:
    def __init__(self, url: str, *, uow_factory: Callable[[], UnitOfWork], clock: Clock,
                 ids: IdGenerator, policy: Policy, metrics_registry: CollectorRegistry,
                 client_id: str = "cuiot-consumer", shared_group: str | None = None,
                 session_expiry: timedelta = timedelta(days=1), backoff: Backoff = DEFAULT_BACKOFF,
                 reconnect_delay_s: tuple[int, int] = (1, 30), stop_grace_s: float = 10.0,
                 in_flight: int = 1000, batch_size: int = 500, batch_window_s: float = 0.005,
                 mqtt5: bool = True,
                 max_payload_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES) -> None:
        self.address = BrokerAddress.parse(url)
        self.client_id, self.shared_group = client_id, shared_group
        self.clock, self.session_expiry, self.mqtt5 = clock, session_expiry, mqtt5
        self.reconnect_delay_s, self.stop_grace_s = reconnect_delay_s, stop_grace_s
        self.in_flight = in_flight  # messages handed to us and not yet acknowledged, at most
        self.batch_size, self.batch_window_s = batch_size, batch_window_s
        self.processor = MessageProcessor(uow_factory, clock, ids, policy,
                                          MqttMetrics(metrics_registry), backoff,
                                          max_payload_bytes)
        self.subscribed = asyncio.Event()  # set while the subscriptions are in place
        self._client: Client | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._connection = 0  # counts successful connects (paho's thread)
        self._unacked: deque[Delivery] = deque()
        self._landed: deque[tuple[Received, int, int, int]] = deque()  # from paho's thread
        self._wake_scheduled = False
        self._inbox: deque[Delivery] = deque()  # arrived, not yet taken into a batch
        self._room = threading.Event()  # set when a batch was taken: paho's thread may go on
        self._arrival = asyncio.Event()  # the inbox is not empty
        self._close = asyncio.Event()  # the inbox holds a full batch or an urgent message
        self._batches: asyncio.Task[None] | None = None
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
        self._batches = asyncio.create_task(self._take_batches(), name="cuiot-mqtt-batches")
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
        self._room.set()  # paho's thread waits no longer
        self._arrival.set()  # the batch loop ends after the batch in hand
        batches, self._batches = self._batches, None
        if batches is not None:
            _, late = await asyncio.wait([batches], timeout=self.stop_grace_s)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        self._flush_acks()
        self._unacked.clear()
        self._inbox.clear()
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
        topics = subscriptions(self.shared_group)
        if self.mqtt5:
            client.subscribe([(topic, options) for topic in topics])
        else:
            client.subscribe([(topic, 1) for topic in topics])

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
        self._wait_for_room()
        received = Received(topic, bytes(message.payload), self.clock.now(), bool(message.retain))
        # One wake-up of the loop carries every message that arrives until it runs: the
        # append comes before the check, and the loop clears the flag before it drains.
        self._landed.append((received, message.mid, message.qos, self._connection))
        if not self._wake_scheduled:
            self._wake_scheduled = True
            self._to_loop(self._take_landed)

    @property
    def held(self) -> int:
        """Messages received and not yet taken into a batch (either thread may ask)."""
        return len(self._landed) + len(self._inbox)

    def _wait_for_room(self) -> None:
        """Past ``in_flight`` held messages, wait until a batch is taken (or we stop)."""
        while self.held >= self.in_flight and not self._stopping:
            self._room.clear()
            if self.held < self.in_flight:
                return
            self._room.wait(0.1)

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

    def _take_landed(self) -> None:
        self._wake_scheduled = False
        while self._landed:
            self._arrived(*self._landed.popleft())

    def _arrived(self, received: Received, mid: int, qos: int, connection: int) -> None:
        if self._stopping:
            return  # not acknowledged: delivered again at the next start
        incoming = self.processor.read(received)
        delivery = Delivery(incoming, mid, qos, connection, self.processor.closes_batch(incoming))
        if qos > 0:
            self._unacked.append(delivery)
        self._inbox.append(delivery)
        self._arrival.set()
        if delivery.urgent or len(self._inbox) >= self.batch_size:
            self._close.set()

    async def _take_batches(self) -> None:
        while True:
            await self._arrival.wait()
            if self._stopping:
                return
            if not self._close.is_set():  # give a few more messages the chance to join
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._close.wait(), self.batch_window_s)
            batch = self._next_batch()
            self._room.set()
            self._reset_signals()
            await self.processor.process_batch([delivery.message for delivery in batch])
            for delivery in batch:
                delivery.done = True
            self._flush_acks()

    def _next_batch(self) -> list[Delivery]:
        """The oldest ``batch_size`` messages; but when urgent ones wait, those first,
        each with the messages of its device that came before it (and only those, so
        every device's messages keep their order), ahead of everyone else's."""
        last_urgent = {d.message.device: i for i, d in enumerate(self._inbox) if d.urgent}
        if not last_urgent:
            return [self._inbox.popleft() for _ in range(min(self.batch_size, len(self._inbox)))]
        first: list[Delivery] = []
        rest: deque[Delivery] = deque()
        for i, delivery in enumerate(self._inbox):
            ahead = i <= last_urgent.get(delivery.message.device, -1)
            (first if ahead else rest).append(delivery)
        self._inbox = rest
        return first

    def _reset_signals(self) -> None:
        """After a batch was taken: what is left decides whether to wait."""
        if not self._inbox:
            self._arrival.clear()
        if len(self._inbox) < self.batch_size and not any(d.urgent for d in self._inbox):
            self._close.clear()

    def _flush_acks(self) -> None:
        while self._unacked and self._unacked[0].done:
            delivery = self._unacked.popleft()
            if self._client is not None and delivery.connection == self._connection:
                self._client.ack(delivery.mid, delivery.qos)

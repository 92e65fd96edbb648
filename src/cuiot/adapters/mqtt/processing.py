"""Device messages, from their bytes to a commit: decode, run their use case, count
them, and try again while the failure is not the messages' fault.

``MessageProcessor.process_batch`` stores readings and device events many at a time
(``IngestBatch``: one unit of work, bulk statements); a status, a command reply or a
message that cannot be read goes through ``process``, one at a time, in its place in
arrival order, so each device's messages keep their order. A batch the database gave up
on for a concurrent transaction's sake (a deadlock, a serialization failure) is tried
again whole, up to ``Backoff.attempts`` times; one that fails for another reason than an
outage is retried message by message, so one bad row cannot sink its neighbours.

``MessageProcessor.process`` returns only once the message is handled for good —
stored, found to be a duplicate, or kept as rejected — so its caller may acknowledge it.
A failure that is an outage (the database or the network to it) is retried with backoff
for as long as it lasts; any other is retried ``Backoff.attempts`` times and then kept
as rejected with reason ``processing_error``, so that one message never holds back the
ones behind it for good.
"""

from __future__ import annotations

import asyncio
import collections
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from sqlalchemy.exc import DBAPIError

from cuiot.adapters.mqtt.envelope import (
    DEFAULT_MAX_PAYLOAD_BYTES,
    EVENTS,
    REPLY,
    STATUS,
    TELEMETRY,
    Envelope,
    Refused,
    decode,
    parse_topic,
)
from cuiot.adapters.persistence.errors import is_outage
from cuiot.application.safety.commands.device_messages import (
    REJECTED,
    DeviceMessageCommand,
    IngestEventMessage,
    IngestTelemetryMessage,
    MessageOutcome,
    RecordReplyMessage,
    RecordStatusMessage,
    RejectDeviceMessage,
    RejectDeviceMessageCommand,
)
from cuiot.application.safety.commands.ingest import (
    DUPLICATE,
    IngestDeviceEventCommand,
    IngestReadingCommand,
)
from cuiot.application.safety.commands.ingest_batch import IngestBatch, Item, closes_batch
from cuiot.application.shared.ports import Clock, IdGenerator
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.classification import Thresholds
from cuiot.domain.policy import Policy

logger = logging.getLogger("cuiot.mqtt")
PROCESSING_ERROR = "processing_error"
DeviceUseCase = Callable[[DeviceMessageCommand[Any]], Awaitable[MessageOutcome]]
USE_CASES: dict[str, Callable[[UnitOfWork, Clock, IdGenerator, Policy], DeviceUseCase]] = {
    TELEMETRY: IngestTelemetryMessage, EVENTS: IngestEventMessage,
    STATUS: RecordStatusMessage, REPLY: RecordReplyMessage}
LABELS = {TELEMETRY: "telemetry", EVENTS: "event", STATUS: "status", REPLY: "command_reply"}
LAG_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600)


class MqttMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.accepted = Counter("cuiot_mqtt_messages_accepted", "Device messages stored, by kind",
                                ["kind"], registry=registry)
        self.duplicates = Counter("cuiot_mqtt_messages_duplicate",
                                  "Device messages seen before (redeliveries), by kind",
                                  ["kind"], registry=registry)
        self.rejected = Counter("cuiot_mqtt_messages_rejected",
                                "Device messages refused and kept, by reason", ["reason"],
                                registry=registry)
        self.retries = Counter("cuiot_mqtt_processing_retries",
                               "Attempts that failed without the message's fault",
                               registry=registry)
        self.lag = Histogram("cuiot_mqtt_ingest_lag_seconds",
                             "Receive time minus the time the device gave its message",
                             buckets=LAG_BUCKETS, registry=registry)


@dataclass(frozen=True, slots=True)
class Backoff:
    first_s: float = 0.5
    most_s: float = 30.0
    attempts: int = 5  # before a failure that is not an outage is given up on

    def delay(self, attempt: int) -> float:
        return float(min(self.most_s, self.first_s * 2.0 ** (attempt - 1)))


DEFAULT_BACKOFF = Backoff()


CONFLICTS = frozenset({"40001", "40P01"})  # PostgreSQL: serialization failure, deadlock


def is_conflict(error: BaseException) -> bool:
    """The database gave up on the transaction for another's sake: the same work, tried
    again, goes through."""
    return isinstance(error, DBAPIError) and getattr(error.orig, "sqlstate", None) in CONFLICTS


def device_of(topic: str) -> str | None:
    try:
        return parse_topic(topic)[0]
    except Refused:
        return None


@dataclass(frozen=True, slots=True)
class Received:
    topic: str
    payload: bytes
    received_at: datetime
    retain: bool = False


BATCHED = (TELEMETRY, EVENTS)  # the kinds ``IngestBatch`` stores


@dataclass(frozen=True, slots=True)
class Incoming:
    """A received message as decoded on arrival (``envelope``), or why it could not be."""

    received: Received
    envelope: Envelope | None
    refused: Refused | None = None

    @property
    def reading(self) -> IngestReadingCommand | IngestDeviceEventCommand | None:
        """What ``IngestBatch`` stores (a reading or a device event); None otherwise."""
        body = None if self.envelope is None else self.envelope.body
        return body if isinstance(body, (IngestReadingCommand, IngestDeviceEventCommand)) \
            else None

    @property
    def batched(self) -> bool:
        return self.reading is not None

    @property
    def device(self) -> str:
        """Whose message this is: what must stay in order with it."""
        if self.envelope is not None:
            return self.envelope.device_id
        return device_of(self.received.topic) or self.received.topic


class MessageProcessor:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock, ids: IdGenerator,
                 policy: Policy, metrics: MqttMetrics, backoff: Backoff = DEFAULT_BACKOFF,
                 max_payload_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES) -> None:
        self.uow_factory, self.clock, self.ids, self.policy = uow_factory, clock, ids, policy
        self.metrics, self.backoff = metrics, backoff
        self.max_payload_bytes = max_payload_bytes  # larger payloads are refused unread
        self._thresholds = Thresholds.from_policy(policy)  # what closes a batch at once

    def read(self, message: Received) -> Incoming:
        try:
            return Incoming(message, decode(message.topic, message.payload,
                                            self.max_payload_bytes))
        except Refused as refused:
            return Incoming(message, None, refused)

    def closes_batch(self, incoming: Incoming) -> bool:
        """Must this message be handled at once, without waiting for others?"""
        reading = incoming.reading
        return reading is not None and closes_batch(reading, self._thresholds)

    async def process_batch(self, messages: list[Incoming]) -> list[MessageOutcome]:
        """Every message handled for good (committed) when this returns, in order."""
        outcomes: list[MessageOutcome] = []
        run: list[Incoming] = []
        for incoming in messages:
            if incoming.batched:
                run.append(incoming)
                continue
            outcomes += await self._store_run(run)
            run = []
            outcomes.append(await self.process(incoming.received))
        outcomes += await self._store_run(run)
        return outcomes

    async def _store_run(self, run: list[Incoming]) -> list[MessageOutcome]:
        if not run:
            return []
        items: list[Item] = []
        for i in run:
            if isinstance(i.reading, IngestReadingCommand):
                items.append(DeviceMessageCommand(i.received.topic, i.received.payload, i.reading))
            elif isinstance(i.reading, IngestDeviceEventCommand):
                items.append(DeviceMessageCommand(i.received.topic, i.received.payload, i.reading))
        attempt = 0
        while True:
            attempt += 1
            try:
                outcomes = await IngestBatch(self.uow_factory(), self.clock, self.ids,
                                             self.policy)(items)
            except Exception as failure:
                self.metrics.retries.inc()
                if is_conflict(failure) and attempt < self.backoff.attempts:
                    logger.info("batch of %d messages met a concurrent one (%r): again",
                                len(run), failure)
                    continue
                if not is_outage(failure):
                    logger.warning("a batch of %d messages failed (%r): one by one", len(run),
                                   failure)
                    return [await self.process(i.received) for i in run]
                delay = self.backoff.delay(attempt)
                logger.warning("batch of %d not committed (attempt %d: %r); again in %.1f s",
                               len(run), attempt, failure, delay)
                await asyncio.sleep(delay)
                continue
            self._count_batch(run, outcomes)
            return outcomes

    async def process(self, message: Received) -> MessageOutcome:
        """Handled for good (committed) when this returns."""
        attempt, error = 0, None
        while True:
            attempt += 1
            try:
                if error is not None and attempt > self.backoff.attempts and not is_outage(error):
                    return await self._reject(message, PROCESSING_ERROR, repr(error),
                                              device_of(message.topic))
                return await self._handle(message)
            except Exception as failure:
                error, delay = failure, self.backoff.delay(attempt)
                self.metrics.retries.inc()
                logger.warning("message on %s not committed (attempt %d: %r); again in %.1f s",
                               message.topic, attempt, failure, delay)
                await asyncio.sleep(delay)

    async def _handle(self, message: Received) -> MessageOutcome:
        try:
            envelope = decode(message.topic, message.payload, self.max_payload_bytes)
        except Refused as refused:
            return await self._reject(message, refused.reason, refused.detail, refused.device_id)
        use_case = USE_CASES[envelope.kind](self.uow_factory(), self.clock, self.ids, self.policy)
        outcome = await use_case(DeviceMessageCommand(message.topic, message.payload,
                                                      envelope.body))
        self._count(message, envelope, outcome)
        return outcome

    async def _reject(self, message: Received, reason: str, detail: str,
                      device_id: str | None = None) -> MessageOutcome:
        use_case = RejectDeviceMessage(self.uow_factory(), self.clock, self.ids, self.policy)
        outcome = await use_case(RejectDeviceMessageCommand(
            message.topic, message.payload, reason, detail, device_id))
        self._count_rejected(message, outcome)
        return outcome

    def _count(self, message: Received, envelope: Envelope, outcome: MessageOutcome) -> None:
        kind = LABELS[envelope.kind]
        if outcome.outcome == REJECTED:
            self._count_rejected(message, outcome)
        elif outcome.outcome == DUPLICATE:
            self.metrics.duplicates.labels(kind).inc()
        else:
            self.metrics.accepted.labels(kind).inc()
            self._observe_lag(message, envelope)

    def _count_batch(self, run: list[Incoming], outcomes: list[MessageOutcome]) -> None:
        """As ``_count`` for each message, with one increment per counter and kind."""
        tally: collections.Counter[tuple[str, str]] = collections.Counter()
        for incoming, outcome in zip(run, outcomes, strict=True):
            if outcome.outcome == REJECTED or incoming.envelope is None:
                self._count_rejected(incoming.received, outcome)
                continue
            kind = LABELS[incoming.envelope.kind]
            tally[outcome.outcome, kind] += 1
            if outcome.outcome != DUPLICATE:
                self._observe_lag(incoming.received, incoming.envelope)
        for (result, kind), n in tally.items():
            counter = self.metrics.duplicates if result == DUPLICATE else self.metrics.accepted
            counter.labels(kind).inc(n)

    def _observe_lag(self, message: Received, envelope: Envelope) -> None:
        if envelope.ts is not None and envelope.ts.tzinfo and not message.retain:
            self.metrics.lag.observe(max((message.received_at - envelope.ts).total_seconds(), 0.0))

    def _count_rejected(self, message: Received, outcome: MessageOutcome) -> None:
        self.metrics.rejected.labels(outcome.reason).inc()
        logger.warning("rejected a message on %s: %s (%s)", message.topic, outcome.reason,
                       outcome.detail[:200])

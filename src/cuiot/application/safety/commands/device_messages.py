"""Device messages as they arrive over MQTT, each kind through its use case.

- ``IngestTelemetryMessage``: ``…/telemetry`` → ``IngestReading``;
- ``IngestEventMessage``: ``…/events`` → ``IngestDeviceEvent``;
- ``RecordStatusMessage``: ``…/status`` (also the device's last will) → ``RecordDeviceStatus``;
- ``RecordReplyMessage``: ``…/commands/reply`` → ``device_commands.RecordCommandReply``
  (looked up when a reply comes: without it a reply is kept as ``unsupported``);
- ``RejectDeviceMessage``: a message that could not even be read (bad JSON, wrong shape).

A message the rules refuse — an impossible reading or status (``InvalidReading``), a
value that cannot exist (``ValidationFailed``), an unknown or removed device
(``NotFound``) — is kept as a ``RejectedMessage`` with its raw payload, in a unit of work
of its own, and the outcome names the reason: it is handled, never raised. Anything else
(the database down, a conflict with a concurrent writer) propagates: the message was not
handled and must be tried again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from cuiot.application.safety.commands.device_commands import (
    RecordCommandReply,
    RecordCommandReplyCommand,
)
from cuiot.application.safety.commands.escalation import SafetyUseCase
from cuiot.application.safety.commands.ingest import IngestDeviceEvent, IngestReading
from cuiot.application.safety.commands.monitoring import (
    RecordDeviceStatus,
    RecordDeviceStatusCommand,
)
from cuiot.application.safety.commands.readings import (
    REFUSALS,
    REJECTED,
    SOURCE,
    STORED,
    DeviceMessageCommand,
    IngestDeviceEventCommand,
    IngestReadingCommand,
    MessageOutcome,
    refusal_reason,
)
from cuiot.application.shared.ports import Clock, IdGenerator
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.rejections import RejectedMessage

__all__ = ["REFUSALS", "REJECTED", "SOURCE", "CommandReply", "DeviceMessageCommand",
           "IngestEventMessage", "IngestTelemetryMessage", "MessageBody", "MessageOutcome",
           "RecordReplyMessage", "RecordStatusMessage", "RejectDeviceMessage",
           "RejectDeviceMessageCommand", "keep_rejected", "refusal_reason"]


@dataclass(frozen=True, slots=True)
class CommandReply:
    """A device's answer to a command (``…/commands/reply``)."""

    device_id: str
    command_id: str
    ok: bool
    result: dict[str, Any] = field(default_factory=dict)


MessageBody = (IngestReadingCommand | IngestDeviceEventCommand | RecordDeviceStatusCommand
               | CommandReply)
B = TypeVar("B", IngestReadingCommand, IngestDeviceEventCommand, RecordDeviceStatusCommand,
            CommandReply)


@dataclass(frozen=True, slots=True)
class RejectDeviceMessageCommand:
    topic: str
    raw: bytes
    reason: str  # invalid_json, invalid_schema, unknown_topic, …
    detail: str
    device_id: str | None = None
    source: str = SOURCE


async def keep_rejected(uow: UnitOfWork, ids: IdGenerator, clock: Clock, *, raw: bytes,
                        source: str, topic: str, reason: str, detail: str,
                        device_id: str | None = None) -> RejectedMessage:
    """Keep a refused device message (HTTP or MQTT) in a unit of work of its own: the
    refused message's own was rolled back."""
    message = RejectedMessage.of_bytes(raw, id=ids.new_id(), received_at=clock.now(),
                                       source=source, topic=topic, reason=reason,
                                       detail=detail, device_id=device_id)
    async with uow:
        await uow.rejected_messages.add(message)
        await uow.commit()
    return message


class _DeviceMessageUseCase(SafetyUseCase, Generic[B]):
    async def __call__(self, cmd: DeviceMessageCommand[B]) -> MessageOutcome:
        try:
            return MessageOutcome(await self._handle(cmd.body))
        except REFUSALS as error:
            return await self._reject(cmd, refusal_reason(error), error.message)

    async def _handle(self, body: B) -> str:
        raise NotImplementedError

    async def _reject(self, cmd: DeviceMessageCommand[B], reason: str,
                      detail: str) -> MessageOutcome:
        await keep_rejected(self.uow, self.ids, self.clock, raw=cmd.raw, source=cmd.source,
                            topic=cmd.topic, reason=reason, detail=detail,
                            device_id=cmd.body.device_id)
        return MessageOutcome(REJECTED, reason, detail)


class IngestTelemetryMessage(_DeviceMessageUseCase[IngestReadingCommand]):
    async def _handle(self, body: IngestReadingCommand) -> str:
        return (await IngestReading(self.uow, self.clock, self.ids, self.policy)(body)).outcome


class IngestEventMessage(_DeviceMessageUseCase[IngestDeviceEventCommand]):
    async def _handle(self, body: IngestDeviceEventCommand) -> str:
        ingest = IngestDeviceEvent(self.uow, self.clock, self.ids, self.policy)
        return (await ingest(body)).outcome


class RecordStatusMessage(_DeviceMessageUseCase[RecordDeviceStatusCommand]):
    """A status repeated (a redelivery, the retained copy) changes nothing more."""

    async def _handle(self, body: RecordDeviceStatusCommand) -> str:
        await RecordDeviceStatus(self.uow, self.clock, self.ids, self.policy)(body)
        return STORED


class RecordReplyMessage(_DeviceMessageUseCase[CommandReply]):
    async def _handle(self, body: CommandReply) -> str:
        await RecordCommandReply(self.uow, self.clock)(RecordCommandReplyCommand(
            device_id=body.device_id, command_id=body.command_id, ok=body.ok,
            result=dict(body.result)))
        return STORED


class RejectDeviceMessage(SafetyUseCase):
    async def __call__(self, cmd: RejectDeviceMessageCommand) -> MessageOutcome:
        await keep_rejected(self.uow, self.ids, self.clock, raw=cmd.raw, source=cmd.source,
                            topic=cmd.topic, reason=cmd.reason, detail=cmd.detail,
                            device_id=cmd.device_id)
        return MessageOutcome(REJECTED, cmd.reason, cmd.detail)

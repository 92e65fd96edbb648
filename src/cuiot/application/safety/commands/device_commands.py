"""Commands to devices: send one, record the device's reply, expire the unanswered
(reading one back: ``queries/device_commands.py``).

Sending needs the same rights as changing the device (``UpdateDevice``). The command is
stored and committed first, and only then published, so that a device answering at once
always finds it; a command the broker refuses fails at once. A reply after the timeout
is kept but the command stays ``timed_out`` (see ``domain/device_commands.py``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from cuiot.application.safety.commands.devices import _DeviceUseCase
from cuiot.application.safety.ports import CommandNotDelivered, DeviceCommandGateway
from cuiot.application.shared.access import load_actor
from cuiot.application.shared.ports import Clock, IdGenerator
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.device_commands import DeviceCommand
from cuiot.domain.errors import NotFound
from cuiot.domain.policy import Policy

logger = logging.getLogger("cuiot.devices")


@dataclass(frozen=True, slots=True)
class SendDeviceCommandCommand:
    actor_id: UUID
    device_pk: UUID
    command: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RecordCommandReplyCommand:
    """A device's reply, as the MQTT topic ``…/{device_id}/commands/reply`` carries it."""

    device_id: str
    command_id: str
    ok: bool
    result: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ExpireDeviceCommandsCommand:
    limit: int = 500  # commands handled per run


class SendDeviceCommand(_DeviceUseCase):
    def __init__(self, uow: UnitOfWork, clock: Clock, ids: IdGenerator, policy: Policy,
                 command_gateway: DeviceCommandGateway | None = None) -> None:
        super().__init__(uow, clock, policy)
        self.ids, self.gateway = ids, command_gateway  # None: MQTT is off

    async def __call__(self, cmd: SendDeviceCommandCommand) -> DeviceCommand:
        async with self.uow:
            actor = await load_actor(self.uow, cmd.actor_id)
            device = await self._device(actor, cmd.device_pk, manage=True)
            command = DeviceCommand.issue(
                id=self.ids.new_id(), device=device, command=cmd.command, params=cmd.params,
                requested_by=actor.id, now=self.clock.now(), policy=self.policy)
            await self.uow.device_commands.add(command)
            await self.uow.commit()
        return await self._settle(command.id, await self._publish(device.device_id, command))

    async def _publish(self, device_id: str, command: DeviceCommand) -> str | None:
        """None once the broker has it; otherwise why it could not be given."""
        try:
            if self.gateway is None:
                raise CommandNotDelivered("MQTT is off: commands cannot reach devices")
            await self.gateway.publish(device_id, str(command.id), command.command,
                                       command.params)
        except CommandNotDelivered as error:
            logger.warning("command %s to %s not delivered: %s", command.id, device_id,
                           error.reason)
            return error.reason
        return None

    async def _settle(self, command_id: UUID, not_delivered: str | None) -> DeviceCommand:
        """Sent, or failed for the reason given (a reply may have come first: kept)."""
        async with self.uow:
            command = await self.uow.device_commands.get(command_id)
            if command is None:
                raise NotFound("device command", command_id)
            if not_delivered is None:
                command.mark_sent(self.clock.now())
            else:
                command.mark_not_delivered(self.clock.now(), not_delivered)
            await self.uow.commit()
        return command


class RecordCommandReply:
    """A device answered. A reply naming an unknown command, or another device's, is
    ``NotFound``. Returns the command as it now stands."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, cmd: RecordCommandReplyCommand) -> DeviceCommand:
        async with self.uow:
            device = await self.uow.devices.get_by_device_id(cmd.device_id)
            command_id = _uuid(cmd.command_id)
            command = await self.uow.device_commands.get(command_id) if command_id else None
            if device is None or command is None or command.device_pk != device.id:
                raise NotFound("device command", cmd.command_id)
            if command.record_reply(cmd.ok, cmd.result, self.clock.now()):
                await self.uow.commit()
        return command


class ExpireDeviceCommands:
    """The scheduler's job: commands unanswered past their deadline time out. Returns
    how many did."""

    def __init__(self, uow: UnitOfWork, clock: Clock) -> None:
        self.uow, self.clock = uow, clock

    async def __call__(self, cmd: ExpireDeviceCommandsCommand | None = None) -> int:
        cmd = cmd or ExpireDeviceCommandsCommand()
        async with self.uow:
            now = self.clock.now()
            expired = [c.expire(now) for c in await self.uow.device_commands.list_expired(
                now, cmd.limit)]
            await self.uow.commit()
        return sum(expired)


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(value)
    except (ValueError, TypeError, AttributeError):
        return None

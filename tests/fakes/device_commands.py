"""Device commands in memory, and a gateway that records what it would publish."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cuiot.application.safety.ports import CommandNotDelivered
from cuiot.domain.device_commands import DeviceCommand
from tests.fakes.base import InMemoryRepository


class InMemoryDeviceCommandRepository(InMemoryRepository[DeviceCommand]):
    entity = "device command"

    async def list_expired(self, now: datetime, limit: int = 100) -> list[DeviceCommand]:
        due = self._where(lambda c: c.is_expired(now))
        return sorted(due, key=lambda c: (c.timeout_at, c.id))[:limit]


@dataclass(frozen=True, slots=True)
class PublishedCommand:
    device_id: str
    command_id: str
    command: str
    params: dict[str, Any]


class RecordingDeviceCommandGateway:
    """Keeps every command it is given. ``refuse`` makes it fail as a broker that is
    down would; ``then`` runs after each publish (a device that answers at once)."""

    def __init__(self, refuse: str | None = None,
                 then: Callable[[PublishedCommand], Awaitable[None]] | None = None) -> None:
        self.published: list[PublishedCommand] = []
        self.refuse, self.then = refuse, then

    async def publish(self, device_id: str, command_id: str, command: str,
                      params: dict[str, Any]) -> None:
        if self.refuse is not None:
            raise CommandNotDelivered(self.refuse)
        sent = PublishedCommand(device_id, command_id, command, dict(params))
        self.published.append(sent)
        if self.then is not None:
            await self.then(sent)

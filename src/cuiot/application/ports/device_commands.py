"""Repository port of the commands sent to devices."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID

from cuiot.domain.device_commands import DeviceCommand


class DeviceCommandRepository(Protocol):
    async def add(self, command: DeviceCommand) -> None: ...

    async def get(self, command_id: UUID) -> DeviceCommand | None:
        """The command, held for this unit of work (a reply, the sender and the expiry
        job never overwrite each other's change)."""
        ...

    async def list_expired(self, now: datetime, limit: int = 100) -> list[DeviceCommand]:
        """Pending or sent commands whose ``timeout_at`` is at or before ``now``, oldest
        deadline first; rows another worker holds are skipped."""
        ...

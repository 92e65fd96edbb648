"""The port commands leave through on their way to a device (MQTT in production)."""

from __future__ import annotations

from typing import Any, Protocol


class CommandNotDelivered(Exception):
    """The broker could not be given the command; ``reason`` says why in one line."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DeviceCommandGateway(Protocol):
    async def publish(self, device_id: str, command_id: str, command: str,
                      params: dict[str, Any]) -> None:
        """Hand the command to the broker for the device whose MQTT id is ``device_id``
        (returns once the broker has it), or raise ``CommandNotDelivered``."""
        ...

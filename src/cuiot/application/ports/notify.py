"""The port the dispatcher delivers outbox rows through, whatever the channel."""

from __future__ import annotations

from typing import Protocol

from cuiot.domain.notifications import Notification


class DeliveryFailed(Exception):
    """A channel could not deliver a notification; ``reason`` says why in one line,
    never with a secret or the message's contents."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ChannelSender(Protocol):
    async def send(self, notification: Notification) -> None:
        """Deliver it now, or raise ``DeliveryFailed`` with the reason."""
        ...

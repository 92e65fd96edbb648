"""The ports of the outbox: the channel senders the dispatcher delivers rows through,
and the signal that wakes it when rows are written."""

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


class OutboxSignal(Protocol):
    """Wakes the outbox dispatchers. The unit of work rings it once a commit that wrote
    notification rows has succeeded, so their first delivery does not wait for the
    dispatcher's next tick (which stays, for retries and for a ring that was missed)."""

    async def ring(self) -> None:
        """New rows are due. Best effort: a ring that is lost (or raises, which the unit
        of work logs) only delays their delivery to the dispatcher's next tick."""
        ...

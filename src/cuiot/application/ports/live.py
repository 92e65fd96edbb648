"""The live alert stream: every change of an alert, as the JSON clients see it, handed
to whoever listens right now (WebSocket connections). Best effort by design: the outbox,
not this stream, is what makes sure somebody is told."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Protocol, Self

AlertChange = dict[str, Any]  # {"change": "opened", "alert": {...the alert's JSON...}}


class AlertSubscription(Protocol):
    """What one listener receives, in publication order, until it is closed; iterating
    ends once it is closed (or dropped for falling too far behind)."""

    def __aiter__(self) -> AsyncIterator[AlertChange]: ...

    async def close(self) -> None: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, *exc_info: object) -> None: ...


class AlertStream(Protocol):
    async def publish(self, alert_change: AlertChange) -> None:
        """Hand a change to every subscription, in this process or (shared) in all."""
        ...

    async def subscribe(self) -> AlertSubscription:
        """A new subscription, already receiving when this returns."""
        ...

    async def close(self) -> None:
        """Stop: every subscription ends. Idempotent."""
        ...

"""The real clock, ids and in-process event publishing."""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from cuiot.domain.events import DomainEvent

logger = logging.getLogger(__name__)
Subscriber = Callable[[DomainEvent], Awaitable[None]]


class SystemClock:
    def __init__(self, tz: str) -> None:
        self._tz = ZoneInfo(tz)

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return datetime.now(self._tz).date()


class Uuid4IdGenerator:
    def new_id(self) -> uuid.UUID:
        return uuid.uuid4()


class SecretsRandomSource:
    def choose(self, alphabet: str, length: int) -> str:
        return "".join(secrets.choice(alphabet) for _ in range(length))

    def token(self, nbytes: int = 32) -> str:
        return secrets.token_urlsafe(nbytes)


class InProcessEventPublisher:
    """Hands each event to every subscriber in this process (the live alert stream,
    metrics). A failing subscriber never stops the others."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        self._subscribers.append(subscriber)
        return lambda: self._subscribers.remove(subscriber)

    async def publish(self, event: DomainEvent) -> None:
        for subscriber in list(self._subscribers):
            try:
                await subscriber(event)
            except Exception:
                logger.exception("event subscriber failed")

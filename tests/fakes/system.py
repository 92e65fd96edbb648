"""In-memory stand-ins for time, ids, randomness, hashing and publishing."""

from __future__ import annotations

import itertools
import random
import secrets
import string
from datetime import UTC, date, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from cuiot.domain.events import DomainEvent


class FixedClock:
    """A clock that moves only when told to."""

    def __init__(self, now: datetime, tz: str = "America/Argentina/Buenos_Aires") -> None:
        if now.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = now.astimezone(UTC)
        self._tz = ZoneInfo(tz)

    def now(self) -> datetime:
        return self._now

    def today(self) -> date:
        return self._now.astimezone(self._tz).date()

    def set(self, now: datetime) -> None:
        self._now = now.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._now += delta


class SequentialIdGenerator:
    """UUIDs 00000000-…-000000000001, …002, … so test output reads in order."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def new_id(self) -> UUID:
        return UUID(int=next(self._counter))


class SeededRandomSource:
    """Deterministic randomness for tests."""

    def __init__(self, seed: int = 0) -> None:
        self._random = random.Random(seed)

    def choose(self, alphabet: str, length: int) -> str:
        return "".join(self._random.choice(alphabet) for _ in range(length))

    def token(self, nbytes: int = 32) -> str:
        chars = string.ascii_letters + string.digits
        return "".join(self._random.choice(chars) for _ in range(nbytes))


class PlainPasswordHasher:
    """A reversible 'hash' for tests only: fast, and obviously not for production."""

    async def hash(self, password: str) -> str:
        return f"plain${password}"

    async def verify(self, password: str, hashed: str) -> bool:
        return secrets.compare_digest(hashed, f"plain${password}")


class RecordingEventPublisher:
    def __init__(self) -> None:
        self.published: list[DomainEvent] = []

    async def publish(self, event: DomainEvent) -> None:
        self.published.append(event)

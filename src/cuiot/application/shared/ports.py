"""Ports for time, identity, randomness, secrets and publishing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from cuiot.domain.events import DomainEvent


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...

    def today(self) -> date:
        """Today in the accounts' local time zone."""
        ...


class IdGenerator(Protocol):
    def new_id(self) -> UUID: ...


class RandomSource(Protocol):
    def choose(self, alphabet: str, length: int) -> str:
        """``length`` characters drawn from ``alphabet`` by a secure generator."""
        ...

    def token(self, nbytes: int = 32) -> str:
        """A URL-safe secret (api keys, reset tokens)."""
        ...


class PasswordHasher(Protocol):
    async def hash(self, password: str) -> str: ...

    async def verify(self, password: str, hashed: str) -> bool: ...


class EventPublisher(Protocol):
    async def publish(self, event: DomainEvent) -> None: ...

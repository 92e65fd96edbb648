"""Domain events: facts in the past tense that aggregates record and the unit of work
hands on after commit (live stream, metrics)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, kw_only=True)
class DomainEvent:
    occurred_at: datetime


class Aggregate:
    """Mixin for entities that record domain events. The events are not persisted."""

    def record(self, event: DomainEvent) -> None:
        self.__dict__.setdefault("_pending_events", []).append(event)

    def pull_events(self) -> list[DomainEvent]:
        events: list[DomainEvent] = self.__dict__.pop("_pending_events", [])
        return events

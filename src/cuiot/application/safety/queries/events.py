"""Reads of sensor events: those of every person one may see (or of one of them), and
those of one device. Anyone with access to the cared person may see them; a person or
device one may not see is told not to exist."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from cuiot.application.safety.ports import EventFilter, EventView, EventViews
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.errors import NotFound, ValidationFailed
from cuiot.domain.sensor_events import Severity


@dataclass(frozen=True, slots=True)
class ListEventsQuery:
    viewer: Viewer
    cared_person_id: UUID | None = None
    severity: str | None = None
    since: datetime | None = None
    window: Window = field(default_factory=Window)


@dataclass(frozen=True, slots=True)
class ListDeviceEventsQuery:
    viewer: Viewer
    device_pk: UUID
    window: Window = field(default_factory=Window)


class ListEvents:
    """Newest first (``limit + 1`` read, see ``Window``)."""

    def __init__(self, events: EventViews, clock: Clock) -> None:
        self.events, self.clock = events, clock

    async def __call__(self, query: ListEventsQuery) -> list[EventView]:
        only = EventFilter(query.cared_person_id, parse_severity(query.severity), query.since)
        today = self.clock.today()
        found = await self.events.page(query.viewer, today, only, query.window)
        person = query.cared_person_id
        if not found and person is not None and not await self.events.may_see_person(
                query.viewer, person, today):
            raise NotFound("cared person", person)
        return found


class ListDeviceEvents:
    """A device's events, newest first (``limit + 1`` read, see ``Window``)."""

    def __init__(self, events: EventViews, clock: Clock) -> None:
        self.events, self.clock = events, clock

    async def __call__(self, query: ListDeviceEventsQuery) -> list[EventView]:
        today = self.clock.today()
        found = await self.events.of_device(query.viewer, today, query.device_pk, query.window)
        if not found and not await self.events.may_see_device(query.viewer, query.device_pk,
                                                              today):
            raise NotFound("device", query.device_pk)
        return found


def parse_severity(value: str | None) -> Severity | None:
    try:
        return None if value is None else Severity(value)
    except ValueError:
        raise ValidationFailed(f"unknown severity {value!r}", field="severity") from None

"""Reads of deactivated cared persons: those their managers may bring back or have erased
(``commands/lifecycle.py``). They vanish from every other list."""

from __future__ import annotations

from dataclasses import dataclass, field

from cuiot.application.care.ports import CaredPersonView, DeactivatedPersonViews
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.errors import ValidationFailed


@dataclass(frozen=True, slots=True)
class ListDeactivatedCaredPersonsQuery:
    viewer: Viewer
    window: Window = field(default_factory=Window)


class ListDeactivatedCaredPersons:
    """The deactivated persons the viewer manages (admins: every one), oldest first
    (``limit + 1`` read, see ``Window``)."""

    def __init__(self, views: DeactivatedPersonViews, clock: Clock) -> None:
        self.views, self.clock = views, clock

    async def __call__(self, query: ListDeactivatedCaredPersonsQuery) -> list[CaredPersonView]:
        if query.window.offset < 0 or query.window.limit < 1:
            raise ValidationFailed("offset must be 0 or more and limit 1 or more",
                                   field="limit")
        return await self.views.deactivated_cared_persons(query.viewer, self.clock.today(),
                                                          query.window)

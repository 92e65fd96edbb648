"""Reads of cared persons: the list of those the viewer sees, and one of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from cuiot.application.care.ports import CaredPersonView, CareViews
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.errors import NotFound, ValidationFailed


@dataclass(frozen=True, slots=True)
class ListCaredPersonsQuery:
    viewer: Viewer
    window: Window = field(default_factory=Window)


class ListCaredPersons:
    """The cared persons the viewer may see, oldest first (``limit + 1`` read, see
    ``Window``). Admins see their own here, not everyone's."""

    def __init__(self, views: CareViews, clock: Clock) -> None:
        self.views, self.clock = views, clock

    async def __call__(self, query: ListCaredPersonsQuery) -> list[CaredPersonView]:
        if query.window.offset < 0 or query.window.limit < 1:
            raise ValidationFailed("offset must be 0 or more and limit 1 or more",
                                   field="limit")
        own = Viewer(query.viewer.user_id)
        return await self.views.cared_persons(own, self.clock.today(), query.window)


@dataclass(frozen=True, slots=True)
class GetCaredPersonQuery:
    viewer: Viewer
    cared_person_id: UUID


class GetCaredPerson:
    """Someone else's cared person is not found, never forbidden."""

    def __init__(self, views: CareViews, clock: Clock) -> None:
        self.views, self.clock = views, clock

    async def __call__(self, query: GetCaredPersonQuery) -> CaredPersonView:
        found = await self.views.cared_person(query.viewer, self.clock.today(),
                                              query.cared_person_id)
        if found is None:
            raise NotFound("cared person", query.cared_person_id)
        return found

"""Read of the legal representation in force."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from cuiot.application.care.ports import CareViews, RepresentationView
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.queries import Viewer
from cuiot.domain.errors import NotFound


@dataclass(frozen=True, slots=True)
class GetRepresentativeQuery:
    viewer: Viewer
    cared_person_id: UUID


class GetRepresentative:
    """The representation in force today for a person the viewer sees, or None."""

    def __init__(self, views: CareViews, clock: Clock) -> None:
        self.views, self.clock = views, clock

    async def __call__(self, query: GetRepresentativeQuery) -> RepresentationView | None:
        found = await self.views.representation_in_force(query.viewer, self.clock.today(),
                                                         query.cared_person_id)
        if found is None:
            raise NotFound("cared person", query.cared_person_id)
        return found.representation

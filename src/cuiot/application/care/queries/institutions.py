"""Reads of institutions."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from cuiot.application.care.ports import CareViews, InstitutionView
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.queries import Viewer
from cuiot.domain.errors import NotFound


@dataclass(frozen=True, slots=True)
class GetInstitutionQuery:
    viewer: Viewer
    institution_id: UUID


class GetInstitution:
    """Its staff, its admin and platform admins see an institution; nobody else finds it."""

    def __init__(self, views: CareViews, clock: Clock) -> None:
        self.views, self.clock = views, clock

    async def __call__(self, query: GetInstitutionQuery) -> InstitutionView:
        found = await self.views.institution(query.viewer, query.institution_id)
        if found is None:
            raise NotFound("institution", query.institution_id)
        return found

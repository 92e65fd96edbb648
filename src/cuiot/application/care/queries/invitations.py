"""Reads of a caregiver's invitations: those they have not answered yet."""

from __future__ import annotations

from dataclasses import dataclass, field

from cuiot.application.care.ports import CaregiverInvitationView, CareViews
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.errors import ValidationFailed


@dataclass(frozen=True, slots=True)
class ListCaregiverInvitationsQuery:
    viewer: Viewer
    window: Window = field(default_factory=Window)


class ListCaregiverInvitations:
    """The viewer's own pending invitations to care for someone (admins too see only
    their own), oldest person first (``limit + 1`` read, see ``Window``)."""

    def __init__(self, views: CareViews, clock: Clock) -> None:
        self.views, self.clock = views, clock

    async def __call__(self, query: ListCaregiverInvitationsQuery
                       ) -> list[CaregiverInvitationView]:
        if query.window.offset < 0 or query.window.limit < 1:
            raise ValidationFailed("offset must be 0 or more and limit 1 or more",
                                   field="limit")
        return await self.views.caregiver_invitations(query.viewer.user_id, query.window)

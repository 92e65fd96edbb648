"""Device messages refused at the door, for inspection by an admin: the newest first
(of a device, for a reason, within a time range), and how many of each reason."""

from __future__ import annotations

from dataclasses import dataclass, field

from cuiot.application.safety.ports import (
    RejectedMessageFilter,
    RejectedMessageView,
    RejectedMessageViews,
)
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.errors import Forbidden, ValidationFailed


@dataclass(frozen=True, slots=True)
class ListRejectedMessagesQuery:
    viewer: Viewer
    window: Window = field(default_factory=Window)
    only: RejectedMessageFilter = field(default_factory=RejectedMessageFilter)


@dataclass(frozen=True, slots=True)
class CountRejectedMessagesQuery:
    viewer: Viewer


def _only_admins(viewer: Viewer) -> None:
    if not viewer.is_admin:
        raise Forbidden("only an admin may see the messages devices had refused")


class ListRejectedMessages:
    """Newest first (``limit + 1`` read, see ``Window``); each payload cut to its first
    ``LISTED_PAYLOAD_CHARS`` characters."""

    def __init__(self, rejected: RejectedMessageViews, clock: Clock) -> None:
        self.rejected, self.clock = rejected, clock

    async def __call__(self, query: ListRejectedMessagesQuery) -> list[RejectedMessageView]:
        _only_admins(query.viewer)
        only = query.only
        if only.since is not None and only.until is not None and only.until < only.since:
            raise ValidationFailed("until must not come before since", field="until")
        return await self.rejected.page(only, query.window)


class CountRejectedMessages:
    """Reason → how many were refused for it."""

    def __init__(self, rejected: RejectedMessageViews, clock: Clock) -> None:
        self.rejected, self.clock = rejected, clock

    async def __call__(self, query: CountRejectedMessagesQuery) -> dict[str, int]:
        _only_admins(query.viewer)
        return await self.rejected.count_by_reason()

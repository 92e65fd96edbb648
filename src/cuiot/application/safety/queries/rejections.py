"""Device messages refused at the door, for inspection by an admin: the newest first,
and how many of each reason."""

from __future__ import annotations

from dataclasses import dataclass, field

from cuiot.application.safety.ports import RejectedMessageView, RejectedMessageViews
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.errors import Forbidden


@dataclass(frozen=True, slots=True)
class ListRejectedMessagesQuery:
    viewer: Viewer
    window: Window = field(default_factory=Window)


@dataclass(frozen=True, slots=True)
class CountRejectedMessagesQuery:
    viewer: Viewer


def _only_admins(viewer: Viewer) -> None:
    if not viewer.is_admin:
        raise Forbidden("only an admin may see the messages devices had refused")


class ListRejectedMessages:
    """Newest first (``limit + 1`` read, see ``Window``)."""

    def __init__(self, rejected: RejectedMessageViews, clock: Clock) -> None:
        self.rejected, self.clock = rejected, clock

    async def __call__(self, query: ListRejectedMessagesQuery) -> list[RejectedMessageView]:
        _only_admins(query.viewer)
        return await self.rejected.page(query.window)


class CountRejectedMessages:
    """Reason → how many were refused for it."""

    def __init__(self, rejected: RejectedMessageViews, clock: Clock) -> None:
        self.rejected, self.clock = rejected, clock

    async def __call__(self, query: CountRejectedMessagesQuery) -> dict[str, int]:
        _only_admins(query.viewer)
        return await self.rejected.count_by_reason()

"""One's subscriptions, and those of the institutions one administers."""

from __future__ import annotations

from dataclasses import dataclass

from cuiot.application.billing.ports import SubscriptionView, SubscriptionViews
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.queries import Viewer, Window


@dataclass(frozen=True, slots=True)
class ListSubscriptionsQuery:
    viewer: Viewer
    window: Window | None = None  # None: all of them


class ListSubscriptions:
    """Those the viewer pays for or whose account they hold, then those of the
    institutions they administer (an admin's role does not widen it)."""

    def __init__(self, subscriptions: SubscriptionViews, clock: Clock) -> None:
        self.subscriptions, self.clock = subscriptions, clock

    async def __call__(self, query: ListSubscriptionsQuery) -> list[SubscriptionView]:
        return await self.subscriptions.page(query.viewer, query.window)

"""Who acknowledged each of some alerts, by name: the console shows a person, not an id.

Only alerts the viewer may see are answered (the access rule joined in, as every alert
read). A user is named by their account; someone who acknowledged from a notification's
link without one (an emergency contact), as that notification named them. An alert
nobody acknowledged has no name here, nor one whose notification named nobody."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol
from uuid import UUID

from cuiot.application.shared.ports import Clock
from cuiot.application.shared.queries import Viewer


class AcknowledgerViews(Protocol):
    async def names(self, viewer: Viewer, today: date,
                    alert_ids: Collection[UUID]) -> Mapping[UUID, str]:
        """Alert id → the name of whoever acknowledged it."""
        ...


@dataclass(frozen=True, slots=True)
class AcknowledgersQuery:
    viewer: Viewer
    alert_ids: tuple[UUID, ...]


class ReadAcknowledgers:
    def __init__(self, acknowledgers: AcknowledgerViews, clock: Clock) -> None:
        self.acknowledgers, self.clock = acknowledgers, clock

    async def __call__(self, query: AcknowledgersQuery) -> Mapping[UUID, str]:
        if not query.alert_ids:
            return {}
        return await self.acknowledgers.names(query.viewer, self.clock.today(),
                                              query.alert_ids)

"""An alert's deliveries: who was told, by which channel, at which address (masked), when,
and whether it got there (``pending``, ``sent`` or ``failed``, with the attempts made).
Whoever may see the alert may see them; anyone else is told the alert does not exist.

Called like every query, with ``DeliveryViews`` (the port in ``safety/ports.py``) bound
to the request's read transaction by the entrypoint::

    rows = await ListDeliveries(views, clock)(
        ListDeliveriesQuery(Viewer.of(user_id, roles), alert_id, Window(0, 200)))

``rows`` is a list of ``DeliveryView`` (oldest first, up to ``limit + 1`` of them: one
more than the page says there is another); ``NotFound`` when the viewer may not see the
alert. Over HTTP: ``GET /api/v1/alerts/{id}/notifications``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from uuid import UUID

from cuiot.application.safety.ports import DeliveryView, DeliveryViews
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.errors import NotFound
from cuiot.domain.responders import masked_address


@dataclass(frozen=True, slots=True)
class ListDeliveriesQuery:
    viewer: Viewer
    alert_id: UUID
    window: Window = field(default_factory=Window)


class ListDeliveries:
    def __init__(self, deliveries: DeliveryViews, clock: Clock) -> None:
        self.deliveries, self.clock = deliveries, clock

    async def __call__(self, query: ListDeliveriesQuery) -> list[DeliveryView]:
        found = await self.deliveries.of_alert(query.viewer, self.clock.today(),
                                               query.alert_id, query.window)
        if found is None:
            raise NotFound("alert", query.alert_id)
        return [replace(row, address=masked_address(row.channel, row.address))
                for row in found]

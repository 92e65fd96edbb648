"""Alert metrics for GET /metrics, counted from the domain events after each commit:
changes by kind, severity and resulting status, and escalations by level."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter

from cuiot.adapters.system import InProcessEventPublisher
from cuiot.domain.alerts import AlertChanged, AlertEscalated
from cuiot.domain.events import DomainEvent


class AlertMetrics:
    """Runner: ``start()`` subscribes to the publisher, ``stop()`` unsubscribes."""

    def __init__(self, publisher: InProcessEventPublisher, registry: CollectorRegistry) -> None:
        self.publisher = publisher
        self.changes = Counter("cuiot_alert_changes_total",
                               "Alert changes by kind, severity and the status they left",
                               ["change", "severity", "status"], registry=registry)
        self.escalations = Counter("cuiot_alert_escalations_total",
                                   "Escalations by the level notified", ["level"],
                                   registry=registry)
        self._unsubscribe: Callable[[], None] | None = None

    async def count(self, event: DomainEvent) -> None:
        if not isinstance(event, AlertChanged):
            return
        change = type(event).__name__.removeprefix("Alert").lower()
        self.changes.labels(change, event.severity.value, event.status.value).inc()
        if isinstance(event, AlertEscalated):
            self.escalations.labels(str(event.level)).inc()

    async def start(self) -> None:
        if self._unsubscribe is None:
            self._unsubscribe = self.publisher.subscribe(self.count)

    async def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

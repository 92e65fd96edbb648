"""Alert metrics for GET /metrics: changes by kind, severity and resulting status, and
escalations by level.

They are counted from the journal of alert changes as the live stream reads it
(``entrypoints/live.py``), not from this process's own commits: every process serving
/metrics counts every change once, whichever process made it (an API worker, ``cuiot
worker``, the CLI), from the moment it started."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter

from cuiot.adapters.live.journal import JournalEntry
from cuiot.application.safety.queries.live_alerts import CHANGE_NAMES
from cuiot.domain.alerts import AlertEscalated

ESCALATED = CHANGE_NAMES[AlertEscalated]


class AlertMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.changes = Counter("cuiot_alert_changes_total",
                               "Alert changes by kind, severity and the status they left",
                               ["change", "severity", "status"], registry=registry)
        self.escalations = Counter("cuiot_alert_escalations_total",
                                   "Escalations by the level notified", ["level"],
                                   registry=registry)

    def count(self, entry: JournalEntry) -> None:
        self.changes.labels(entry.change, entry.severity, entry.status).inc()
        if entry.change == ESCALATED:
            self.escalations.labels(str(entry.level)).inc()

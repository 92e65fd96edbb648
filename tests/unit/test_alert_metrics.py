"""Alert metrics count the journal's entries as the live stream reads them: changes by
kind, severity and status, and escalations by level."""

from __future__ import annotations

from uuid import uuid4

from prometheus_client import CollectorRegistry

from cuiot.adapters.live.journal import JournalEntry
from cuiot.entrypoints.alert_metrics import AlertMetrics


def test_alert_changes_and_escalations_are_counted():
    registry = CollectorRegistry()
    metrics = AlertMetrics(registry)
    alert_id = uuid4()
    metrics.count(JournalEntry(1, alert_id, "opened", "critical", "pending", 1))
    metrics.count(JournalEntry(2, alert_id, "escalated", "critical", "pending", 2))
    value = registry.get_sample_value
    assert value("cuiot_alert_changes_total",
                 {"change": "opened", "severity": "critical", "status": "pending"}) == 1
    assert value("cuiot_alert_escalations_total", {"level": "2"}) == 1
    assert value("cuiot_alert_escalations_total", {"level": "1"}) is None

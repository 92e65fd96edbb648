from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from prometheus_client import CollectorRegistry

from cuiot.adapters.system import InProcessEventPublisher
from cuiot.domain.alerts import AlertEscalated, AlertOpened, AlertStatus
from cuiot.domain.classification import Severity
from cuiot.entrypoints.alert_metrics import AlertMetrics

NOW = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)


def _event(cls, **extra):
    return cls(occurred_at=NOW, alert_id=uuid4(), cared_person_id=uuid4(),
               status=AlertStatus.PENDING, severity=Severity.CRITICAL, level=2, **extra)


async def test_alert_changes_and_escalations_are_counted_while_subscribed():
    publisher, registry = InProcessEventPublisher(), CollectorRegistry()
    metrics = AlertMetrics(publisher, registry)
    await metrics.start()
    await publisher.publish(_event(AlertOpened))
    await publisher.publish(_event(AlertEscalated))
    await metrics.stop()
    await publisher.publish(_event(AlertOpened))  # not counted: unsubscribed
    value = registry.get_sample_value
    assert value("cuiot_alert_changes_total",
                 {"change": "opened", "severity": "critical", "status": "pending"}) == 1
    assert value("cuiot_alert_escalations_total", {"level": "2"}) == 1

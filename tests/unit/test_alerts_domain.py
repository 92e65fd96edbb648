"""The Alert aggregate: opening, joining, acknowledging, resolving, domain events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from cuiot.domain.alerts import (
    Alert,
    AlertAcknowledged,
    AlertJoined,
    AlertOpened,
    AlertResolved,
    AlertSent,
    AlertStatus,
)
from cuiot.domain.errors import Conflict, ValidationFailed
from cuiot.domain.policy import DEFAULT_POLICY as POLICY
from cuiot.domain.sensor_events import Severity

T0 = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
PERSON, DEVICE, ANA, BRUNO = (UUID(int=n) for n in (1, 2, 3, 4))


def opened(severity: Severity = Severity.MEDIUM) -> Alert:
    return Alert.open(id=UUID(int=99), cared_person_id=PERSON, device_pk=DEVICE,
                      alert_type="gas_sensor", severity=severity, at=T0, policy=POLICY)


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def test_an_alert_opens_at_level_one_due_after_its_severitys_timeout() -> None:
    alert = opened(Severity.CRITICAL)
    assert (alert.status, alert.escalation_level, alert.occurrences) == (AlertStatus.PENDING, 1, 1)
    assert alert.next_escalation_at == minutes(2)
    (event,) = alert.pull_events()
    assert isinstance(event, AlertOpened)
    assert (event.alert_id, event.cared_person_id, event.level) == (alert.id, PERSON, 1)
    assert (event.status, event.severity) == (AlertStatus.PENDING, Severity.CRITICAL)


def test_a_low_event_does_not_open_an_alert() -> None:
    with pytest.raises(ValidationFailed):
        opened(Severity.LOW)


def test_joining_counts_the_occurrence_and_keeps_a_lower_severity_out() -> None:
    alert = opened(Severity.HIGH)
    assert alert.join(Severity.MEDIUM, minutes(1), POLICY) is None
    assert (alert.occurrences, alert.severity) == (2, Severity.HIGH)
    assert alert.next_escalation_at == minutes(5)
    assert alert.last_event_at == minutes(1)
    assert isinstance(alert.pull_events()[-1], AlertJoined)


def test_a_higher_severity_raises_the_alert_and_brings_escalation_forward() -> None:
    alert = opened(Severity.MEDIUM)
    alert.join(Severity.CRITICAL, minutes(1), POLICY)
    assert alert.severity is Severity.CRITICAL
    assert alert.next_escalation_at == minutes(3)


def test_re_timing_never_postpones_an_escalation_already_due_sooner() -> None:
    alert = opened(Severity.MEDIUM)  # due at 15 min
    alert.join(Severity.HIGH, minutes(14), POLICY)  # 14 + 5 would be 19
    assert alert.next_escalation_at == minutes(15)


def test_a_worse_event_on_an_acknowledged_alert_starts_the_ladder_again() -> None:
    alert = opened(Severity.MEDIUM)
    alert.acknowledge(ANA, minutes(1))
    assert alert.join(Severity.CRITICAL, minutes(2), POLICY) == 1
    assert (alert.status, alert.escalation_level) == (AlertStatus.PENDING, 1)
    assert alert.acknowledged_by is None and alert.next_escalation_at == minutes(4)


def test_an_equal_event_on_an_acknowledged_alert_only_counts() -> None:
    alert = opened(Severity.MEDIUM)
    alert.acknowledge(ANA, minutes(1))
    assert alert.join(Severity.MEDIUM, minutes(2), POLICY) is None
    assert (alert.status, alert.occurrences) == (AlertStatus.ACKNOWLEDGED, 2)


def test_a_resolved_alert_cannot_be_joined() -> None:
    alert = opened()
    alert.resolve(ANA, minutes(1))
    with pytest.raises(Conflict):
        alert.join(Severity.MEDIUM, minutes(2), POLICY)


def test_the_first_delivery_marks_it_sent_once() -> None:
    alert = opened()
    assert alert.mark_sent(minutes(0.1)) is True
    assert alert.mark_sent(minutes(0.2)) is False
    assert alert.status is AlertStatus.SENT
    assert [type(e) for e in alert.pull_events()] == [AlertOpened, AlertSent]


def test_a_delivery_after_acknowledgement_changes_nothing() -> None:
    alert = opened()
    alert.acknowledge(ANA, minutes(1))
    assert alert.mark_sent(minutes(2)) is False
    assert alert.status is AlertStatus.ACKNOWLEDGED


def test_acknowledging_stops_escalation_and_twice_is_a_conflict() -> None:
    alert = opened()
    alert.acknowledge(ANA, minutes(1))
    assert (alert.acknowledged_by, alert.acknowledged_at) == (ANA, minutes(1))
    assert alert.next_escalation_at is None and not alert.is_due(minutes(60))
    assert alert.escalate(minutes(60), POLICY) is None
    with pytest.raises(Conflict):
        alert.acknowledge(BRUNO, minutes(2))
    assert isinstance(alert.pull_events()[-1], AlertAcknowledged)


def test_resolving_acknowledges_implicitly() -> None:
    alert = opened()
    alert.resolve(BRUNO, minutes(3))
    assert alert.status is AlertStatus.RESOLVED and not alert.is_open
    assert (alert.acknowledged_by, alert.acknowledged_at) == (BRUNO, minutes(3))
    assert (alert.resolved_by, alert.resolved_at) == (BRUNO, minutes(3))
    assert [type(e) for e in alert.pull_events()][-2:] == [AlertAcknowledged, AlertResolved]


def test_resolving_keeps_who_acknowledged() -> None:
    alert = opened()
    alert.acknowledge(ANA, minutes(1))
    alert.resolve(BRUNO, minutes(3))
    assert (alert.acknowledged_by, alert.resolved_by) == (ANA, BRUNO)


def test_resolving_twice_is_a_conflict_and_a_resolved_alert_cannot_be_acknowledged() -> None:
    alert = opened()
    alert.resolve(ANA, minutes(1))
    with pytest.raises(Conflict):
        alert.resolve(ANA, minutes(2))
    with pytest.raises(Conflict):
        alert.acknowledge(ANA, minutes(2))


def test_an_unhandled_alert_may_still_be_acknowledged() -> None:
    alert = opened(Severity.CRITICAL)
    for step in range(1, 7):
        alert.escalate(minutes(2 * step), POLICY)
    assert alert.status is AlertStatus.UNHANDLED
    alert.acknowledge(ANA, minutes(20))
    assert alert.status is AlertStatus.ACKNOWLEDGED

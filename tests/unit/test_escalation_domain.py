"""The escalation ladder in the domain: timing, repeats at the top, unhandled."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from uuid import UUID

import pytest

from cuiot.domain.alerts import Alert, AlertEscalated, AlertStatus, AlertUnhandled
from cuiot.domain.escalation import Rung, fallback_levels, next_rung
from cuiot.domain.policy import DEFAULT_POLICY as POLICY
from cuiot.domain.sensor_events import Severity

T0 = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)


def opened(severity: Severity) -> Alert:
    return Alert.open(id=UUID(int=9), cared_person_id=UUID(int=1), device_pk=UUID(int=2),
                      alert_type="fall", severity=severity, at=T0, policy=POLICY)


@pytest.mark.parametrize(("severity", "seconds"), [
    (Severity.CRITICAL, 120), (Severity.HIGH, 300), (Severity.MEDIUM, 900),
])
def test_level_two_at_exactly_the_timeout_not_a_second_before(severity, seconds) -> None:
    alert = opened(severity)
    assert alert.escalate(T0 + timedelta(seconds=seconds - 1), POLICY) is None
    assert alert.escalation_level == 1
    assert alert.escalate(T0 + timedelta(seconds=seconds), POLICY) == 2
    assert alert.next_escalation_at == T0 + timedelta(seconds=2 * seconds)


def test_the_whole_ladder() -> None:
    alert = opened(Severity.CRITICAL)
    alert.pull_events()
    got = [alert.escalate(T0 + timedelta(minutes=2 * step), POLICY) for step in range(1, 8)]
    assert got == [2, 3, 3, 3, 3, None, None]
    assert alert.status is AlertStatus.UNHANDLED and alert.repeats_at_max_level == 3
    assert alert.unhandled_at == T0 + timedelta(minutes=12)
    events = alert.pull_events()
    assert [type(e) for e in events] == [AlertEscalated] * 5 + [AlertUnhandled]
    assert [e.repeat for e in events[:5]] == [0, 0, 1, 2, 3]


def test_escalating_twice_at_the_same_instant_moves_once() -> None:
    alert = opened(Severity.HIGH)
    due = T0 + timedelta(minutes=5)
    assert alert.escalate(due, POLICY) == 2
    assert alert.escalate(due, POLICY) is None
    assert alert.escalation_level == 2


def test_a_late_tick_gives_the_next_level_its_full_timeout() -> None:
    alert = opened(Severity.CRITICAL)
    late = T0 + timedelta(minutes=30)  # the scheduler was down
    assert alert.escalate(late, POLICY) == 2
    assert alert.next_escalation_at == late + timedelta(minutes=2)


def test_timeouts_come_from_the_policy() -> None:
    quick = replace(POLICY, escalation_timeouts=MappingProxyType(
        {"critical": timedelta(seconds=30), "high": timedelta(seconds=60),
         "medium": timedelta(seconds=90)}))
    alert = Alert.open(id=UUID(int=9), cared_person_id=UUID(int=1), device_pk=UUID(int=2),
                       alert_type="fall", severity=Severity.CRITICAL, at=T0, policy=quick)
    assert alert.escalate(T0 + timedelta(seconds=30), quick) == 2


def test_next_rung() -> None:
    assert next_rung(1, 0, POLICY) == Rung(2, 0)
    assert next_rung(2, 0, POLICY) == Rung(3, 0)
    assert next_rung(3, 0, POLICY) == Rung(3, 1)
    assert next_rung(3, 2, POLICY) == Rung(3, 3)
    assert next_rung(3, 3, POLICY) is None
    assert next_rung(3, 0, replace(POLICY, escalation_repeats_at_max_level=0)) is None


def test_fallback_goes_down_to_level_one() -> None:
    assert list(fallback_levels(3)) == [3, 2, 1]
    assert list(fallback_levels(1)) == [1]


def test_each_level_names_its_audience_and_the_top_one_names_the_top_audience():
    from cuiot.domain.escalation import Audience, audience_at

    assert [audience_at(level) for level in (1, 2, 3, 4)] == [
        Audience.CLOSEST, Audience.WITH_ACCESS, Audience.ON_CALL_AND_CONTACTS,
        Audience.ON_CALL_AND_CONTACTS]

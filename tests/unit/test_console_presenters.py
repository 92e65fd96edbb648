"""What the console shows of its read models: times as "hace …", alerts in the order a
person on call reads them, who took an alert, and the blood-pressure chart with the
thresholds that apply to the person."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest

from cuiot.application.safety.ports import AlertView, EventView
from cuiot.domain.alerts import AlertStatus
from cuiot.domain.classification import Thresholds
from cuiot.domain.policy import DEFAULT_POLICY
from cuiot.domain.sensor_events import EventType, Severity
from cuiot.entrypoints.http.console.chart import blood_pressure_chart
from cuiot.entrypoints.http.console.presenters import ago, alert_rows, summary

NOW = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
ME, SOMEONE = uuid4(), uuid4()
ZONE = ZoneInfo("America/Argentina/Buenos_Aires")


def alert(severity: Severity, minutes_ago: int, **changes: object) -> AlertView:
    made = NOW - timedelta(minutes=minutes_ago)
    view = AlertView(
        id=uuid4(), alert_type="blood_pressure", severity=severity, status=AlertStatus.SENT,
        escalation_level=1, occurrences=1, cared_person_id=uuid4(),
        cared_person_name="Rosa Fernández", device_pk=uuid4(), device_id="bp-rosa-01",
        device_name="Tensiómetro", created_at=made, last_event_at=made, acknowledged_at=None,
        acknowledged_by=None, resolved_at=None, resolved_by=None)
    return replace(view, **changes)


def reading(days_ago: float, systolic: int, diastolic: int) -> EventView:
    at = NOW - timedelta(days=days_ago)
    return EventView(
        id=uuid4(), event_type=EventType.BLOOD_PRESSURE, severity=Severity.LOW,
        device_pk=uuid4(), device_id="bp-rosa-01", cared_person_id=uuid4(), timestamp=at,
        received_at=at, sensor_data={"systolic": systolic, "diastolic": diastolic, "pulse": 70},
        alert_id=None, device_name="Tensiómetro", cared_person_name="Rosa Fernández")


@pytest.mark.parametrize(("seconds", "said"), [
    (0, "hace 0 s"), (59, "hace 59 s"), (60, "hace 1 min"), (3_599, "hace 59 min"),
    (3_600, "hace 1 h"), (86_399, "hace 23 h"), (86_400, "hace 1 día"),
    (3 * 86_400, "hace 3 días"), (-5, "hace 0 s")])
def test_how_long_ago_in_spanish(seconds, said):
    assert ago(NOW - timedelta(seconds=seconds), NOW) == said


def test_the_most_severe_first_then_the_newest():
    old_critical = alert(Severity.CRITICAL, 30)
    new_critical = alert(Severity.CRITICAL, 1)
    newest_medium = alert(Severity.MEDIUM, 0)
    rows = alert_rows([newest_medium, old_critical, new_critical], {}, ME, NOW)
    assert [r.id for r in rows] == [new_critical.id, old_critical.id, newest_medium.id]
    assert (rows[0].severity_label, rows[0].type_label) == ("crítica", "presión arterial")


@pytest.mark.parametrize(("changes", "names", "shown"), [
    ({"acknowledged_by": ME}, {}, "usted"),
    ({"acknowledged_by": SOMEONE}, {"name": "Tomás Ruiz"}, "Tomás Ruiz"),
    ({"acknowledged_by": None, "acknowledged_via": "sms",
      "acknowledged_recipient": "+54 9 11 ****-0101"}, {},
     "+54 9 11 ****-0101, desde el aviso por SMS"),
    ({"acknowledged_by": SOMEONE, "acknowledged_via": "email"}, {"name": "Tomás Ruiz"},
     "Tomás Ruiz, desde el aviso por correo"),
])
def test_who_took_an_alert(changes, names, shown):
    taken = alert(Severity.HIGH, 5, status=AlertStatus.ACKNOWLEDGED, acknowledged_at=NOW,
                  **changes)
    known: dict[UUID, str] = {taken.id: names["name"]} if names else {}
    (row,) = alert_rows([taken], known, ME, NOW)
    assert row.acknowledged_by == shown
    assert (row.may_acknowledge, row.may_resolve) == (False, True)


def test_an_alert_nobody_took_may_be_acknowledged_and_resolved():
    (row,) = alert_rows([alert(Severity.HIGH, 5, status=AlertStatus.UNHANDLED)], {}, ME, NOW)
    assert (row.acknowledged_by, row.may_acknowledge, row.may_resolve) == (None, True, True)


def test_readings_in_a_few_words():
    assert summary(EventType.BLOOD_PRESSURE, {"systolic": 150, "diastolic": 95,
                                              "pulse": 80}) == "150/95 mmHg · pulso 80"
    assert summary(EventType.GAS, {"CO": 85, "smoke": 0.18}) == "CO 85 ppm · humo 0.18 mg/m³"
    assert summary(EventType.INACTIVITY, {"quiet_minutes": 90}) == ""
    assert summary(EventType.BLOOD_PRESSURE, {"systolic": 20}) == ""  # stored, now unreadable


def test_the_chart_draws_the_persons_own_thresholds_and_30_days():
    thresholds = Thresholds.resolve(DEFAULT_POLICY, person_thresholds={
        "bp_high_systolic_at_least": 135})
    events = [reading(40, 200, 110), reading(20, 120, 80), reading(1, 150, 95)]
    chart = blood_pressure_chart(events, thresholds, NOW, ZONE)
    assert [line.label for line in chart.limits] == [
        "sistólica crítica 180", "sistólica alta 135", "diastólica crítica 120",
        "diastólica alta 90"]
    assert len(chart.systolic) == 2  # the reading of 40 days ago is off the chart
    xs = [x for x, _ in chart.systolic]
    assert chart.left < xs[0] < xs[1] < chart.right
    high, critical = chart.limits[1].y, chart.limits[0].y
    assert critical < high  # higher values sit higher (smaller y)
    assert chart.systolic[1][1] < high < chart.systolic[0][1]  # 150 above the line, 120 below
    assert chart.description.startswith("2 lecturas en los últimos 30 días. La más alta, "
                                        "150/95 mmHg")
    assert [t.label for t in chart.x_ticks][-1] == "15/01"


def test_a_chart_without_readings_says_so():
    chart = blood_pressure_chart([], Thresholds.from_policy(DEFAULT_POLICY), NOW, ZONE)
    assert chart.empty and "Sin lecturas" in chart.description

"""The blood-pressure chart of a cared person's page, drawn on the server as SVG: the
systolic and diastolic lines of the last 30 days and the thresholds that apply to that
person (``Thresholds.resolve``: the policy's, overridden by the person's own). Nothing is
fetched and no charting library runs in the browser."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from cuiot.application.safety.ports import EventView
from cuiot.domain.classification import BloodPressure, Thresholds
from cuiot.domain.errors import InvalidReading
from cuiot.domain.sensor_events import EventType

DAYS = 30
WIDTH, HEIGHT = 720, 300
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 32


@dataclass(frozen=True, slots=True)
class Line:
    kind: str  # the CSS class: limit-critical, limit-high
    y: float
    label: str


@dataclass(frozen=True, slots=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    systolic: list[tuple[float, float]]
    diastolic: list[tuple[float, float]]
    limits: list[Line]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    description: str

    @property
    def empty(self) -> bool:
        return not self.systolic

    @staticmethod
    def polyline(points: list[tuple[float, float]]) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)


def blood_pressure_chart(events: Iterable[EventView], thresholds: Thresholds, now: datetime,
                         zone: ZoneInfo) -> Chart:
    start = now - timedelta(days=DAYS)
    points = sorted((e.timestamp, bp) for e in events
                    if e.event_type is EventType.BLOOD_PRESSURE and e.timestamp >= start
                    and (bp := _reading(e)) is not None)
    t = thresholds
    limits = [("limit-critical", t.bp_critical_systolic_above, "sistólica crítica"),
              ("limit-high", t.bp_high_systolic_at_least, "sistólica alta"),
              ("limit-critical", t.bp_critical_diastolic_above, "diastólica crítica"),
              ("limit-high", t.bp_high_diastolic_at_least, "diastólica alta")]
    top_value = max([Decimal(200), *(v for _, v, _ in limits), *(bp.systolic for _, bp in points)])
    y_max = math.ceil((float(top_value) + 10) / 20) * 20
    y_min = 40
    plot_bottom, plot_right = HEIGHT - BOTTOM, WIDTH - RIGHT

    def x(at: datetime) -> float:
        return LEFT + (plot_right - LEFT) * (at - start) / (now - start)

    def y(value: Decimal | int) -> float:
        return plot_bottom - (plot_bottom - TOP) * (float(value) - y_min) / (y_max - y_min)

    days = [(start + timedelta(days=d)) for d in range(0, DAYS + 1, 5)]
    return Chart(
        width=WIDTH, height=HEIGHT, left=LEFT, right=plot_right, top=TOP, bottom=plot_bottom,
        systolic=[(x(at), y(bp.systolic)) for at, bp in points],
        diastolic=[(x(at), y(bp.diastolic)) for at, bp in points],
        limits=[Line(kind, y(value), f"{label} {value}") for kind, value, label in limits],
        y_ticks=[Tick(y(v), str(v)) for v in range(y_min, y_max + 1, 20)],
        x_ticks=[Tick(x(day), day.astimezone(zone).strftime("%d/%m")) for day in days],
        description=_describe(points))


def _reading(event: EventView) -> BloodPressure | None:
    try:
        return BloodPressure.from_data(event.sensor_data)
    except InvalidReading:
        return None


def _describe(points: list[tuple[datetime, BloodPressure]]) -> str:
    if not points:
        return "Sin lecturas de presión arterial en los últimos 30 días."
    highest = max(points, key=lambda p: (p[1].systolic, p[1].diastolic))[1]
    last = points[-1][1]
    return (f"{len(points)} lecturas en los últimos 30 días. La más alta, "
            f"{highest.systolic}/{highest.diastolic} mmHg; la última, "
            f"{last.systolic}/{last.diastolic} mmHg.")

"""Event classification: pure functions, thresholds and their overrides."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cuiot.domain.classification import (
    BloodPressure,
    GasLevels,
    Thresholds,
    battery_level,
    blood_pressure_severity,
    classify_battery,
    classify_device_event,
    classify_reading,
    gas_severity,
)
from cuiot.domain.errors import InvalidReading
from cuiot.domain.policy import DEFAULT_POLICY
from cuiot.domain.sensor_events import DeviceType, EventType, Severity

T = Thresholds.from_policy(DEFAULT_POLICY)
BP, GAS = DeviceType.BLOOD_PRESSURE, DeviceType.GAS_SENSOR


def bp(systolic: float, diastolic: float, pulse: float = 72, t: Thresholds = T) -> Severity:
    data = {"systolic": systolic, "diastolic": diastolic, "pulse": pulse}
    found = classify_reading(BP, "blood_pressure", data, t)
    assert found is not None and found.event_type is EventType.BLOOD_PRESSURE
    return found.severity


@pytest.mark.parametrize(("systolic", "diastolic", "pulse", "expected"), [
    (180, 80, 72, Severity.HIGH), (181, 80, 72, Severity.CRITICAL),
    (170, 120, 72, Severity.HIGH), (170, 121, 72, Severity.CRITICAL),
    (139, 80, 72, Severity.LOW), (140, 80, 72, Severity.HIGH),
    (120, 89, 72, Severity.LOW), (120, 90, 72, Severity.HIGH),
    (91, 65, 72, Severity.LOW), (90, 65, 72, Severity.HIGH),
    (110, 61, 72, Severity.LOW), (110, 60, 72, Severity.HIGH),
    (120, 80, 39, Severity.HIGH), (120, 80, 40, Severity.LOW),
    (120, 80, 130, Severity.LOW), (120, 80, 131, Severity.HIGH),
    (180.5, 80, 72, Severity.CRITICAL),
])
def test_blood_pressure_boundaries(systolic, diastolic, pulse, expected) -> None:
    assert bp(systolic, diastolic, pulse) is expected


@pytest.mark.parametrize(("data", "reason", "field"), [
    ({"systolic": 49, "diastolic": 40, "pulse": 70}, "out_of_range", "systolic"),
    ({"systolic": 301, "diastolic": 90, "pulse": 70}, "out_of_range", "systolic"),
    ({"systolic": 100, "diastolic": 29, "pulse": 70}, "out_of_range", "diastolic"),
    ({"systolic": 250, "diastolic": 201, "pulse": 70}, "out_of_range", "diastolic"),
    ({"systolic": 120, "diastolic": 80, "pulse": 19}, "out_of_range", "pulse"),
    ({"systolic": 120, "diastolic": 80, "pulse": 251}, "out_of_range", "pulse"),
    ({"systolic": 100, "diastolic": 100, "pulse": 70}, "systolic_not_above_diastolic", "systolic"),
    ({"systolic": 100, "diastolic": 110, "pulse": 70}, "systolic_not_above_diastolic", "systolic"),
    ({"systolic": 120, "pulse": 70}, "missing", "diastolic"),
    ({"systolic": 120, "diastolic": None, "pulse": 70}, "missing", "diastolic"),
    ({"systolic": "120", "diastolic": 80, "pulse": 70}, "not_a_number", "systolic"),
    ({"systolic": True, "diastolic": 80, "pulse": 70}, "not_a_number", "systolic"),
    ({"systolic": float("nan"), "diastolic": 80, "pulse": 70}, "not_a_number", "systolic"),
])
def test_impossible_blood_pressure_is_refused_with_its_reason(data, reason, field) -> None:
    with pytest.raises(InvalidReading) as refused:
        classify_reading(BP, "blood_pressure", data, T)
    assert refused.value.details["reason"] == reason
    assert refused.value.details["field"] == field


@pytest.mark.parametrize(("systolic", "diastolic", "pulse"), [(50, 30, 20), (300, 200, 250)])
def test_the_physiological_bounds_themselves_are_possible(systolic, diastolic, pulse) -> None:
    assert BloodPressure(Decimal(systolic), Decimal(diastolic), Decimal(pulse))


@given(st.integers(50, 300), st.integers(30, 200), st.integers(20, 250))
def test_every_possible_blood_pressure_gets_a_severity(systolic, diastolic, pulse) -> None:
    data = {"systolic": systolic, "diastolic": diastolic, "pulse": pulse}
    if systolic <= diastolic:
        with pytest.raises(InvalidReading):
            classify_reading(BP, "blood_pressure", data, T)
    else:
        assert bp(systolic, diastolic, pulse) in set(Severity) - {Severity.MEDIUM}


@pytest.mark.parametrize(("data", "expected"), [
    ({"CO": 49, "CO2": 600, "smoke": 0.01}, Severity.LOW),
    ({"CO": 50, "CO2": 600, "smoke": 0.01}, Severity.CRITICAL),
    ({"CO": 5, "CO2": 600, "smoke": 0.09}, Severity.LOW),
    ({"CO": 5, "CO2": 600, "smoke": 0.1}, Severity.CRITICAL),
    ({"CO": 5, "CO2": 999, "smoke": 0.01}, Severity.LOW),
    ({"CO": 5, "CO2": 1000, "smoke": 0.01}, Severity.MEDIUM),
    ({"CO": 60, "CO2": 1500, "smoke": 0.01}, Severity.CRITICAL),
    ({"CO2": 1000}, Severity.MEDIUM),
])
def test_gas_thresholds_and_the_highest_wins(data, expected) -> None:
    found = classify_reading(GAS, "gas_sensor", data, T)
    assert found is not None and found.event_type is EventType.GAS
    assert found.severity is expected


@pytest.mark.parametrize("data", [{"CO": -1}, {"CO2": -0.5, "CO": 3}, {"smoke": -0.01}, {},
                                  {"CO": "mucho"}])
def test_impossible_gas_readings_are_refused(data) -> None:
    with pytest.raises(InvalidReading):
        GasLevels.from_data(data)


def test_a_reading_must_match_the_device_type() -> None:
    with pytest.raises(InvalidReading) as refused:
        classify_reading(GAS, "blood_pressure", {"systolic": 120}, T)
    assert refused.value.details["reason"] == "reading_type_mismatch"


def test_a_device_that_does_not_measure_reports_only_its_battery() -> None:
    assert classify_reading(DeviceType.PANIC_BUTTON, "panic_button", {}, T) is None


@pytest.mark.parametrize(("device", "event", "event_type", "severity"), [
    (DeviceType.MOTION_SENSOR, "motion", EventType.MOTION, Severity.LOW),
    (DeviceType.MOTION_SENSOR, "fall", EventType.FALL, Severity.CRITICAL),
    (DeviceType.PANIC_BUTTON, "pressed", EventType.PANIC_PRESSED, Severity.CRITICAL),
    (DeviceType.IP_CAMERA, "motion_detected", EventType.MOTION_DETECTED, Severity.LOW),
    (DeviceType.IP_CAMERA, "person_down", EventType.PERSON_DOWN, Severity.CRITICAL),
])
def test_device_events(device, event, event_type, severity) -> None:
    found = classify_device_event(device, event)
    assert (found.event_type, found.severity) == (event_type, severity)


@pytest.mark.parametrize(("device", "event"), [
    (DeviceType.PANIC_BUTTON, "fall"), (DeviceType.IP_CAMERA, "motion"),
    (DeviceType.BLOOD_PRESSURE, "pressed"), (DeviceType.MOTION_SENSOR, "explosion"),
])
def test_an_event_that_does_not_fit_the_device_is_refused(device, event) -> None:
    with pytest.raises(InvalidReading) as refused:
        classify_device_event(device, event)
    assert refused.value.details["reason"] == "event_not_for_device"


@pytest.mark.parametrize(("level", "expected"), [
    (100, None), (20, None), (19, Severity.LOW), (10, Severity.LOW), (9.5, Severity.MEDIUM),
    (9, Severity.MEDIUM), (0, Severity.MEDIUM),
])
def test_battery(level, expected) -> None:
    found = classify_battery(battery_level(level), T)
    assert (found.severity if found else None) is expected
    assert found is None or found.event_type is EventType.BATTERY_LOW


@pytest.mark.parametrize("level", [-1, 101, "full", None, True])
def test_impossible_battery_levels(level) -> None:
    with pytest.raises(InvalidReading):
        battery_level(level)


def test_a_device_threshold_overrides_the_default() -> None:
    t = Thresholds.resolve(DEFAULT_POLICY, {"bp_high_systolic_at_least": 150})
    assert bp(145, 80, t=t) is Severity.LOW
    assert bp(150, 80, t=t) is Severity.HIGH


def test_the_persons_threshold_overrides_the_devices() -> None:
    t = Thresholds.resolve(DEFAULT_POLICY, {"bp_high_systolic_at_least": 150},
                           {"bp_high_systolic_at_least": 160})
    assert bp(155, 80, t=t) is Severity.LOW
    assert bp(160, 80, t=t) is Severity.HIGH


def test_stray_or_unusable_overrides_are_ignored() -> None:
    t = Thresholds.resolve(DEFAULT_POLICY, {"heartbeat_s": 60, "gas_co_critical_ppm": "x"},
                           {"unknown": 1, "pulse_low_below": None})
    assert t == Thresholds.from_policy(DEFAULT_POLICY)


def test_gas_overrides_take_decimals() -> None:
    t = Thresholds.resolve(DEFAULT_POLICY, person_thresholds={"gas_smoke_critical_mg_m3": 0.05})
    assert gas_severity(GasLevels(smoke=Decimal("0.05")), t) is Severity.CRITICAL
    assert blood_pressure_severity(BloodPressure(Decimal(120), Decimal(80), Decimal(70)),
                                   t) is Severity.LOW


def test_severity_is_ordered_by_seriousness_not_by_name() -> None:
    assert Severity.LOW < Severity.MEDIUM < Severity.HIGH < Severity.CRITICAL
    assert max(Severity.HIGH, Severity.CRITICAL, Severity.LOW) is Severity.CRITICAL
    assert not Severity.LOW.opens_alert and Severity.MEDIUM.opens_alert
    assert Severity.HIGH < "critical" and not Severity.MEDIUM > "high"

"""Event classification (DOMAIN.md section 5): pure functions from a reading or a device
event to a ``Classification``. Impossible values raise ``InvalidReading`` with the reason
and are never classified.

Thresholds come from ``Policy`` and may be overridden, first by the device's ``config``
and then by the cared person's ``thresholds`` (the person's own value wins). Both are
dicts keyed by these names, with numbers as values (see ``Thresholds``):
``bp_critical_systolic_above``, ``bp_critical_diastolic_above``,
``bp_high_systolic_at_least``, ``bp_high_diastolic_at_least``, ``bp_low_systolic_at_most``,
``bp_low_diastolic_at_most``, ``pulse_low_below``, ``pulse_high_above``,
``gas_co_critical_ppm``, ``gas_smoke_critical_mg_m3``, ``gas_co2_medium_ppm``,
``battery_low_below``, ``battery_medium_below``. Other keys are not thresholds and are
ignored here (a device's ``heartbeat_s`` for instance).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from typing import Any

from cuiot.domain.errors import InvalidReading
from cuiot.domain.policy import Policy
from cuiot.domain.sensor_events import Classification, DeviceType, EventType, Severity

# Physiological and physical limits: a value outside is a broken sensor or a bad message,
# not a state of the person. They are facts, not settings.
SYSTOLIC_RANGE = (Decimal(50), Decimal(300))
DIASTOLIC_RANGE = (Decimal(30), Decimal(200))
PULSE_RANGE = (Decimal(20), Decimal(250))
BATTERY_RANGE = (Decimal(0), Decimal(100))
GASES = {"co": "CO", "co2": "CO2", "smoke": "smoke"}  # field → key in the reading

_DEVICE_EVENTS: dict[tuple[DeviceType, str], Classification] = {
    (DeviceType.MOTION_SENSOR, "motion"): Classification(EventType.MOTION, Severity.LOW),
    (DeviceType.MOTION_SENSOR, "fall"): Classification(EventType.FALL, Severity.CRITICAL),
    (DeviceType.PANIC_BUTTON, "pressed"): Classification(EventType.PANIC_PRESSED,
                                                         Severity.CRITICAL),
    (DeviceType.IP_CAMERA, "motion_detected"): Classification(EventType.MOTION_DETECTED,
                                                              Severity.LOW),
    (DeviceType.IP_CAMERA, "person_down"): Classification(EventType.PERSON_DOWN,
                                                          Severity.CRITICAL),
}

DEVICE_OFFLINE = Classification(EventType.DEVICE_OFFLINE, Severity.MEDIUM)
INACTIVITY = Classification(EventType.INACTIVITY, Severity.HIGH)


@dataclass(frozen=True, slots=True)
class Thresholds:
    bp_critical_systolic_above: Decimal
    bp_critical_diastolic_above: Decimal
    bp_high_systolic_at_least: Decimal
    bp_high_diastolic_at_least: Decimal
    bp_low_systolic_at_most: Decimal
    bp_low_diastolic_at_most: Decimal
    pulse_low_below: Decimal
    pulse_high_above: Decimal
    gas_co_critical_ppm: Decimal
    gas_smoke_critical_mg_m3: Decimal
    gas_co2_medium_ppm: Decimal
    battery_low_below: Decimal
    battery_medium_below: Decimal

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def from_policy(cls, policy: Policy) -> Thresholds:
        return cls(**{key: Decimal(str(getattr(policy, key))) for key in cls.names()})

    @classmethod
    def resolve(cls, policy: Policy, device_config: Mapping[str, Any] | None = None,
                person_thresholds: Mapping[str, Any] | None = None) -> Thresholds:
        """Policy defaults, overridden by the device's config, then by the person's own."""
        base = cls.from_policy(policy)
        return base.overridden_by(device_config or {}).overridden_by(person_thresholds or {})

    def overridden_by(self, overrides: Mapping[str, Any]) -> Thresholds:
        """Known keys with a usable number replace the value; anything else is ignored,
        so a stray setting can never stop a reading from being classified."""
        if not overrides:
            return self
        usable = {}
        for key in self.names():
            value = overrides.get(key)
            if is_number(value):
                usable[key] = Decimal(str(value))
        return replace(self, **usable)


def is_number(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return False
    return Decimal(str(value)).is_finite()


def number(data: Mapping[str, Any], key: str) -> Decimal:
    """``data[key]`` as an exact decimal, or ``InvalidReading`` naming the field."""
    if key not in data or data[key] is None:
        raise InvalidReading(f"{key} is missing", field=key, reason="missing")
    if not is_number(data[key]):
        raise InvalidReading(f"{key} is not a number: {data[key]!r}", field=key,
                             reason="not_a_number")
    return Decimal(str(data[key]))


def _within(key: str, value: Decimal, bounds: tuple[Decimal, Decimal]) -> None:
    if not bounds[0] <= value <= bounds[1]:
        raise InvalidReading(f"{key} {value} is outside {bounds[0]}-{bounds[1]}", field=key,
                             reason="out_of_range")


@dataclass(frozen=True, slots=True)
class BloodPressure:
    """A blood pressure reading a living person can have (mmHg, beats per minute)."""

    systolic: Decimal
    diastolic: Decimal
    pulse: Decimal

    def __post_init__(self) -> None:
        _within("systolic", self.systolic, SYSTOLIC_RANGE)
        _within("diastolic", self.diastolic, DIASTOLIC_RANGE)
        _within("pulse", self.pulse, PULSE_RANGE)
        if self.systolic <= self.diastolic:
            raise InvalidReading(f"systolic {self.systolic} is not above diastolic "
                                 f"{self.diastolic}", field="systolic",
                                 reason="systolic_not_above_diastolic")

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> BloodPressure:
        return cls(*(number(data, key) for key in ("systolic", "diastolic", "pulse")))


@dataclass(frozen=True, slots=True)
class GasLevels:
    """CO and CO2 in ppm, smoke in mg/m³. A sensor may measure only some of them; a
    reading needs at least one, and none may be negative."""

    co: Decimal | None = None
    co2: Decimal | None = None
    smoke: Decimal | None = None

    def __post_init__(self) -> None:
        present = {name: getattr(self, name) for name in GASES if getattr(self, name) is not None}
        if not present:
            raise InvalidReading("a gas reading needs CO, CO2 or smoke", field="data",
                                 reason="missing")
        for name, value in present.items():
            if value < 0:
                raise InvalidReading(f"{GASES[name]} cannot be negative", field=GASES[name],
                                     reason="out_of_range")

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> GasLevels:
        return cls(**{name: number(data, key) for name, key in GASES.items() if key in data})


def blood_pressure_severity(bp: BloodPressure, t: Thresholds) -> Severity:
    if bp.systolic > t.bp_critical_systolic_above or bp.diastolic > t.bp_critical_diastolic_above:
        return Severity.CRITICAL
    hypertension = (bp.systolic >= t.bp_high_systolic_at_least
                    or bp.diastolic >= t.bp_high_diastolic_at_least)
    hypotension = (bp.systolic <= t.bp_low_systolic_at_most
                   or bp.diastolic <= t.bp_low_diastolic_at_most)
    abnormal_pulse = bp.pulse < t.pulse_low_below or bp.pulse > t.pulse_high_above
    return Severity.HIGH if hypertension or hypotension or abnormal_pulse else Severity.LOW


def gas_severity(gas: GasLevels, t: Thresholds) -> Severity:
    """Each gas gives a severity; the highest wins."""
    found = [Severity.LOW]
    if gas.co is not None and gas.co >= t.gas_co_critical_ppm:
        found.append(Severity.CRITICAL)
    if gas.smoke is not None and gas.smoke >= t.gas_smoke_critical_mg_m3:
        found.append(Severity.CRITICAL)
    if gas.co2 is not None and gas.co2 >= t.gas_co2_medium_ppm:
        found.append(Severity.MEDIUM)
    return max(found)


def classify_reading(device_type: DeviceType, reading_type: str, data: Mapping[str, Any],
                     thresholds: Thresholds) -> Classification | None:
    """A telemetry reading. A reading type must match the device type. Devices that do
    not measure (motion sensors, panic buttons, cameras) may send telemetry of their own
    type to report their battery: that gives ``None`` (nothing to classify)."""
    if reading_type != device_type.value:
        raise InvalidReading(f"a {device_type.value} device cannot send a {reading_type!r} "
                             "reading", field="type", reason="reading_type_mismatch")
    if device_type is DeviceType.BLOOD_PRESSURE:
        severity = blood_pressure_severity(BloodPressure.from_data(data), thresholds)
        return Classification(EventType.BLOOD_PRESSURE, severity)
    if device_type is DeviceType.GAS_SENSOR:
        return Classification(EventType.GAS, gas_severity(GasLevels.from_data(data), thresholds))
    return None


def classify_device_event(device_type: DeviceType, event: str) -> Classification:
    found = _DEVICE_EVENTS.get((device_type, event))
    if found is None:
        raise InvalidReading(f"a {device_type.value} device has no {event!r} event",
                             field="event", reason="event_not_for_device")
    return found


def battery_level(value: object) -> Decimal:
    """A battery percentage 0-100, or ``InvalidReading``."""
    level = number({"battery_level": value}, "battery_level")
    low, high = BATTERY_RANGE
    if not low <= level <= high:
        raise InvalidReading(f"battery level {value} is outside {low}-{high} %",
                             field="battery_level", reason="out_of_range")
    return level


def classify_battery(level: Decimal, thresholds: Thresholds) -> Classification | None:
    """Under the medium threshold → medium, under the low threshold → low, else nothing."""
    if level < thresholds.battery_medium_below:
        return Classification(EventType.BATTERY_LOW, Severity.MEDIUM)
    if level < thresholds.battery_low_below:
        return Classification(EventType.BATTERY_LOW, Severity.LOW)
    return None



def is_urgent_event(event: str) -> bool:
    """A device event that is critical on every device that can send it (a fall, a
    panic press, a person down): it must never wait behind other messages."""
    found = [c for (_, name), c in _DEVICE_EVENTS.items() if name == event]
    return bool(found) and all(c.severity is Severity.CRITICAL for c in found)


def is_urgent_reading(reading_type: str, data: Mapping[str, Any], thresholds: Thresholds) -> bool:
    """A reading that is high or critical under ``thresholds`` (a device or person may
    lower them, so callers pass the lowest they know; the policy's by default). An
    impossible reading is not urgent: it is refused later, with its reason."""
    try:
        device_type = DeviceType(reading_type)
        found = classify_reading(device_type, reading_type, data, thresholds)
    except (ValueError, InvalidReading):
        return False
    return found is not None and found.severity >= Severity.HIGH

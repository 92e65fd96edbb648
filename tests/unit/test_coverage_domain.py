"""The protection state (coverage) rules: each cause and the state it gives, the worst
reason winning, and what counts as a lapse."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from cuiot.domain.coverage import (
    Assessment,
    CoverageInputs,
    CoverageRecord,
    CoverageState,
    Deliveries,
    ReasonCode,
    Responder,
    WatchingDevice,
    assess,
)
from cuiot.domain.devices import DeviceStatus
from cuiot.domain.labels import alert_type_label
from cuiot.domain.policy import DEFAULT_POLICY, Policy
from cuiot.domain.sensor_events import DeviceType

NOW = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
PERSON = uuid4()
ANA = Responder(uuid4(), "Ana Pérez", "ana@example.com")

P, D, U = CoverageState.PROTECTED, CoverageState.DEGRADED, CoverageState.UNPROTECTED


def device(kind: str = "panic_button", status: str = "online", battery: int | None = 90,
           name: str = "Botón del dormitorio") -> WatchingDevice:
    return WatchingDevice(uuid4(), name, DeviceType(kind), DeviceStatus(status), battery)


NOTHING_SENT = Deliveries()


def inputs(*devices: WatchingDevice, level_one: tuple[Responder, ...] = (ANA,),
           deliveries: Deliveries = NOTHING_SENT) -> CoverageInputs:
    return CoverageInputs(PERSON, "Elena Gómez", devices, level_one, deliveries)


def codes(found: Assessment) -> list[str]:
    return [r.code.value for r in found.reasons]


def test_all_well_is_protected_with_no_reason() -> None:
    found = assess(inputs(device(), device("gas_sensor")), DEFAULT_POLICY)
    assert (found.state, found.reasons) == (P, ())


@pytest.mark.parametrize("kind", ["panic_button", "gas_sensor", "motion_sensor"])
def test_a_safety_critical_device_offline_leaves_the_person_unprotected(kind: str) -> None:
    offline = device(kind, "offline", name="Sensor")
    found = assess(inputs(device(), offline), DEFAULT_POLICY)
    assert (found.state, codes(found)) == (U, ["device_offline"])
    (reason,) = found.reasons
    assert (reason.subject_id, reason.subject_name) == (offline.id, "Sensor")
    assert "desconectado" in reason.message and "«Sensor»" in reason.message


@pytest.mark.parametrize("kind", ["blood_pressure", "ip_camera"])
def test_other_devices_do_not_count(kind: str) -> None:
    found = assess(inputs(device(kind, "offline", battery=3)), DEFAULT_POLICY)
    assert found.state is P


def test_a_device_never_heard_from_does_not_count() -> None:
    assert assess(inputs(device(status="unknown", battery=None)), DEFAULT_POLICY).state is P


@pytest.mark.parametrize(("battery", "state"), [(19, D), (20, P), (None, P)])
def test_a_low_battery_degrades(battery: int | None, state: CoverageState) -> None:
    found = assess(inputs(device(battery=battery)), DEFAULT_POLICY)
    assert found.state is state
    if state is D:
        assert codes(found) == ["battery_low"] and "19 %" in found.reasons[0].message


def test_the_battery_threshold_is_the_policys() -> None:
    assert assess(inputs(device(battery=25)), Policy(battery_low_below=30)).state is D


def test_an_offline_device_is_not_also_reported_for_its_battery() -> None:
    assert codes(assess(inputs(device(status="offline", battery=5)), DEFAULT_POLICY)) == [
        "device_offline"]


@pytest.mark.parametrize("level_one", [(), (Responder(uuid4(), "Sin datos"),)])
def test_nobody_reachable_on_level_one_degrades(level_one: tuple[Responder, ...]) -> None:
    found = assess(inputs(device(), level_one=level_one), DEFAULT_POLICY)
    assert (found.state, codes(found)) == (D, ["no_reachable_responder"])
    assert (found.reasons[0].subject_id, found.reasons[0].subject_name) == (PERSON, "Elena Gómez")


def test_a_phone_is_enough_to_be_reachable() -> None:
    by_phone = Responder(uuid4(), "Rita", phone="+5491155550102")
    assert assess(inputs(level_one=(by_phone,)), DEFAULT_POLICY).state is P


@pytest.mark.parametrize(("deliveries", "state"), [
    (Deliveries(delivered=0, undelivered=3), U),
    (Deliveries(delivered=1, undelivered=3), P),
    (Deliveries(), P),  # nothing sent: nothing to judge
])
def test_nothing_delivered_of_what_was_sent_leaves_the_person_unprotected(
        deliveries: Deliveries, state: CoverageState) -> None:
    found = assess(inputs(deliveries=deliveries), DEFAULT_POLICY)
    assert found.state is state
    if state is U:
        assert codes(found) == ["no_delivery"]
        assert "24 horas" in found.reasons[0].message and "3 envíos" in found.reasons[0].message


def test_the_worst_reason_wins_and_every_reason_is_listed_devices_first() -> None:
    found = assess(inputs(device(battery=5), device("gas_sensor", "offline"), level_one=()),
                   DEFAULT_POLICY)
    assert found.state is U
    assert codes(found) == ["battery_low", "device_offline", "no_reachable_responder"]


def test_the_reason_codes_are_stable() -> None:
    assert {code.value for code in ReasonCode} == {
        "device_offline", "battery_low", "no_reachable_responder", "no_delivery"}


def test_the_alert_type_reads_in_spanish() -> None:
    assert alert_type_label("coverage_lapsed") == "protección interrumpida"


# -- the last known state, and what a lapse is ------------------------------------------

def record(state: CoverageState = P) -> CoverageRecord:
    kept = CoverageRecord.first(PERSON, NOW)
    kept.state = state
    return kept


@pytest.mark.parametrize(("before", "after", "lapse"), [
    (P, D, P), (P, U, P), (D, U, D),  # worse: a lapse, naming the state it replaced
    (D, D, None), (U, U, None),  # unchanged
    (U, D, None), (D, P, None), (U, P, None),  # better
])
def test_only_a_change_for_the_worse_is_a_lapse(before: CoverageState, after: CoverageState,
                                                lapse: CoverageState | None) -> None:
    kept = record(before)
    later = NOW + timedelta(minutes=5)
    assert kept.observe(Assessment(after, ()), later) is lapse
    assert (kept.state, kept.evaluated_at) == (after, later)
    assert kept.changed_at == (NOW if before is after else later)


def test_a_person_never_evaluated_counts_as_protected() -> None:
    first = CoverageRecord.first(PERSON, NOW)
    assert (first.cared_person_id, first.state, first.changed_at, first.evaluated_at) == (
        PERSON, P, NOW, NOW)

"""Steps of coverage.feature, on in-memory adapters through the use cases: the periodic
coverage check, the devices' heartbeats and the offline check (which judges a person's
coverage at once), readings for the batteries. A state is read as it was kept; its
reasons, as an evaluation now would give them."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from cuiot.application.safety.commands.alerts import AlertCommand, ResolveAlert
from cuiot.application.safety.commands.coverage import CheckCoverage, watches
from cuiot.application.safety.commands.escalation import Alerting
from cuiot.application.safety.commands.monitoring import (
    CheckDevicesOffline,
    RecordDeviceStatus,
    RecordDeviceStatusCommand,
)
from cuiot.domain.alerts import Alert
from cuiot.domain.care import AssignmentStatus, CaredPerson
from cuiot.domain.coverage import Assessment, CoverageState, assess
from cuiot.domain.devices import Device
from cuiot.domain.notifications import DeliveryStatus
from cuiot.domain.sensor_events import Severity
from tests.support.alerts import BP_NORMAL, SafetyBench

scenarios("coverage.feature")

Run = Callable[[Awaitable[Any]], Any]
HEARTBEAT = timedelta(minutes=5)  # the default; offline after three missed
STATE = {"protegida": CoverageState.PROTECTED, "degradada": CoverageState.DEGRADED,
         "desprotegida": CoverageState.UNPROTECTED}
SEVERITY = {"media": Severity.MEDIUM, "alta": Severity.HIGH}
KINDS = {"el botón de pánico": "panic_button", "el sensor de gas": "gas_sensor",
         "el sensor de movimiento": "motion_sensor", "el tensiómetro": "blood_pressure"}
# What each kind sends to report its battery (devices that do not measure send nothing).
READING = {"blood_pressure": BP_NORMAL, "gas_sensor": {"CO": 1, "CO2": 400, "smoke": 0}}


@pytest.fixture
def bench() -> SafetyBench:
    return SafetyBench()


@pytest.fixture
def world() -> dict[str, Any]:
    return {"people": {}, "persons": {}, "devices": {}}


def connected(bench: SafetyBench, run: Run, device: Device, battery: int = 90) -> None:
    run(bench.call(RecordDeviceStatus, RecordDeviceStatusCommand(device.device_id, "online")))
    run(bench.reading(device, READING.get(device.device_type.value, {}), battery=battery))


def device_of(world: dict[str, Any], name: str, owner: str = "Elena") -> Device:
    return world["devices"][name if owner == "Elena" else f"{name} de {owner}"]


def coverage_alerts(bench: SafetyBench) -> list[Alert]:
    return sorted((a for a in bench.alerts() if a.alert_type == "coverage_lapsed"),
                  key=lambda a: (a.created_at, a.id.int))


def the_coverage_alert(bench: SafetyBench) -> Alert:
    (alert,) = coverage_alerts(bench)
    return alert


async def explained(bench: SafetyBench, person: CaredPerson) -> Assessment:
    """What an evaluation now finds (in a unit of work left uncommitted)."""
    async with bench.uow:
        alerting = Alerting(bench.uow, bench.ids, bench.policy, bench.clock.now(),
                            bench.clock.today())
        (watch,) = await watches(alerting, [bench.fresh(person)])
    return assess(watch.inputs, bench.policy)


def reason(world: dict[str, Any], person: CaredPerson, words: str) -> tuple[str, UUID]:
    """'el sensor de gas está desconectado' → ('device_offline', the sensor's id)."""
    if found := re.fullmatch(r"(?P<device>.+) (?P<what>está desconectado|tiene la batería baja)",
                             words):
        code = "device_offline" if found["what"] == "está desconectado" else "battery_low"
        return code, device_of(world, found["device"]).id
    codes = {"nadie del primer nivel puede recibir avisos": "no_reachable_responder",
             "ningún aviso llegó en las últimas 24 horas": "no_delivery"}
    return codes[words], person.id


# Dado


@given(parsers.parse("que {holder} tiene a su cargo a {name} y es su representante legal"))
def _(bench: SafetyBench, world: dict[str, Any], holder: str, name: str) -> None:
    world["people"][holder] = bench.user(holder)
    world["persons"][name] = bench.person(world["people"][holder], name)
    bench.representative(world["persons"][name], world["people"][holder])


@given("que Elena tiene un botón de pánico, un sensor de gas, un sensor de movimiento y un "
       "tensiómetro, conectados y con la batería al 90 %")
def _(bench: SafetyBench, run: Run, world: dict[str, Any]) -> None:
    for name, kind in KINDS.items():
        world["devices"][name] = run(bench.device(world["persons"]["Elena"], kind))
        connected(bench, run, world["devices"][name])


@given(parsers.parse("que Ana también tiene a su cargo a {name}, que tiene un botón de pánico "
                     "conectado"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], name: str) -> None:
    world["persons"][name] = bench.person(world["people"]["Ana"], name)
    button = run(bench.device(world["persons"][name], "panic_button"))
    world["devices"][f"el botón de pánico de {name}"] = button
    connected(bench, run, button)


@given(parsers.parse("que en el primer nivel de {name} está {who}"))
def _(bench: SafetyBench, world: dict[str, Any], name: str, who: str) -> None:
    person = world["persons"][name]
    if who.startswith("su cuidadora principal"):
        status = (AssignmentStatus.ACCEPTED if who.endswith(", que aceptó")
                  else AssignmentStatus.PENDING)
        bench.caregiver(person, bench.user("Carla"), primary=True, status=status)
    elif who == "su representante legal":
        bench.representative(person, bench.user("Rita"))
    else:
        assert who == "nadie"


@given(parsers.parse("que {name} se cuida a sí misma y tiene un botón de pánico conectado"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], name: str) -> None:
    world["persons"][name] = bench.self_caring(bench.user(name))
    button = run(bench.device(world["persons"][name], "panic_button"))
    connected(bench, run, button)


@given(parsers.re(r"que hace (?P<hours>\d+) horas? se avisó de una alerta de Elena y "
                  r"(?P<outcome>ningún aviso llegó|un aviso llegó)"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], hours: str, outcome: str) -> None:
    """The button is pressed, then the dispatcher's outcome is given to its notifications
    (given up after the last attempt; one of them delivered)."""
    run(bench.device_event(world["devices"]["el botón de pánico"], "pressed"))
    rows = bench.notifications()
    for row in rows[1:] if outcome == "un aviso llegó" else rows:
        while row.status is DeliveryStatus.PENDING:
            row.mark_attempt_failed(bench.clock.now(), "the channel is down", bench.policy)
    if outcome == "un aviso llegó":
        rows[0].mark_sent(bench.clock.now())
    bench.advance(hours=int(hours))


@given("que el botón de pánico informó la batería al 15 % y se controló la protección")
def _(bench: SafetyBench, run: Run, world: dict[str, Any]) -> None:
    connected(bench, run, world["devices"]["el botón de pánico"], battery=15)
    run(bench.call(CheckCoverage))


# Cuando


@when("se controla la protección")
def _(bench: SafetyBench, run: Run) -> None:
    run(bench.call(CheckCoverage))


@when("se controla la protección cada 5 minutos durante una hora")
def _(bench: SafetyBench, run: Run) -> None:
    for _ in range(12):
        bench.advance(minutes=5)
        run(bench.call(CheckCoverage))


@when(parsers.parse("{name} deja de latir"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], name: str) -> None:
    """The others keep beating; the offline check runs after each heartbeat interval."""
    silent = device_of(world, name)
    for _ in range(bench.policy.heartbeats_missed_for_offline):
        bench.clock.advance(HEARTBEAT)
        for other in world["devices"].values():
            if other.id != silent.id and bench.fresh(other).status.value == "online":
                run(bench.call(RecordDeviceStatus,
                               RecordDeviceStatusCommand(other.device_id, "online")))
        run(bench.call(CheckDevicesOffline))
    assert bench.fresh(silent).status.value == "offline"


@when(parsers.parse("{name} vuelve a latir"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], name: str) -> None:
    device = device_of(world, name)
    run(bench.call(RecordDeviceStatus, RecordDeviceStatusCommand(device.device_id, "online")))


@when(parsers.parse("el botón de pánico informa la batería al {battery:d} %"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], battery: int) -> None:
    connected(bench, run, world["devices"]["el botón de pánico"], battery=battery)


@when("Ana resuelve la alerta de protección interrumpida")
def _(bench: SafetyBench, run: Run, world: dict[str, Any]) -> None:
    alert = the_coverage_alert(bench)
    run(bench.call(ResolveAlert, AlertCommand(world["people"]["Ana"].id, alert.id)))


# Entonces


@then(parsers.re(r"(?P<name>\w+) está (?P<state>protegida|degradada|desprotegida)"
                 r"(?: porque (?P<reasons>.+))?$"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], name: str, state: str,
      reasons: str | None) -> None:
    person = world["persons"][name]
    assert bench.store.coverage.items[person.id].state is STATE[state]
    found = run(explained(bench, person))
    expected = [reason(world, person, words) for words in reasons.split(" y ")] if reasons else []
    assert found.state is STATE[state]
    assert [(r.code.value, r.subject_id) for r in found.reasons] == expected


@then("no hay ninguna alerta de protección interrumpida")
def _(bench: SafetyBench) -> None:
    assert coverage_alerts(bench) == []


@then(parsers.re(r"hay 1 alerta de protección interrumpida, de gravedad (?P<severity>\w+), "
                 r"con (?P<count>\d+) ocurrencias?"))
def _(bench: SafetyBench, severity: str, count: str) -> None:
    alert = the_coverage_alert(bench)
    assert (alert.severity, alert.occurrences) == (SEVERITY[severity], int(count))


@then("de ella se avisó en el acto a Ana")
def _(bench: SafetyBench, world: dict[str, Any]) -> None:
    alert = the_coverage_alert(bench)
    assert (alert.escalation_level, alert.created_at) == (1, bench.clock.now())
    rows = bench.notifications(alert)
    assert {n.recipient_user_id for n in rows} == {world["people"]["Ana"].id}
    assert {n.created_at for n in rows} == {alert.created_at}


@then("de ella se avisó una sola vez")
def _(bench: SafetyBench) -> None:
    alert = the_coverage_alert(bench)
    assert {n.created_at for n in bench.notifications(alert)} == {alert.created_at}


@then("la alerta de protección interrumpida sigue abierta")
def _(bench: SafetyBench) -> None:
    assert the_coverage_alert(bench).is_open


@then("hay 2 alertas de protección interrumpida: una resuelta y una abierta")
def _(bench: SafetyBench) -> None:
    first, second = coverage_alerts(bench)
    assert (first.is_open, second.is_open) == (False, True)

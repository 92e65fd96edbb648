"""Steps of alerts_and_escalation.feature, on in-memory adapters through the use cases.
The scheduler is played by ticking the escalation job every 30 seconds."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from cuiot.application.safety.commands.alerts import (
    AcknowledgeAlert,
    AlertCommand,
    MarkAlertNotificationSent,
    MarkAlertNotificationSentCommand,
    ResolveAlert,
)
from cuiot.domain.alerts import Alert, AlertStatus
from cuiot.domain.errors import Conflict, DomainError, NotFound, PackageLimitExceeded
from cuiot.domain.packages import BillingCycle, PackageType, default_catalogue
from cuiot.domain.sensor_events import Severity
from cuiot.domain.subscriptions import Subscription
from cuiot.domain.users import Role
from tests.support.alerts import SafetyBench

scenarios("alerts_and_escalation.feature")

Run = Callable[[Awaitable[Any]], Any]
TICK = timedelta(seconds=30)
SEVERITY = {"baja": Severity.LOW, "media": Severity.MEDIUM, "alta": Severity.HIGH,
            "crítica": Severity.CRITICAL}
KIND = {"tensión arterial": "blood_pressure", "batería baja": "battery_low"}
CHANNEL = {"correo": "email", "push": "push", "sms": "sms"}
OPENING = {"crítica": "una tensión de 190/100 con pulso 80",
           "alta": "una tensión de 150/85 con pulso 70",
           "media": "una lectura de CO2 de 1000 ppm"}
CONTACTS = {"fer@example.com": "Fer", "+54 11 5555-0001": "Fer", "+54 11 5555-0002": "Gus"}
PACKAGE = {"básico": PackageType.BASIC, "familiar": PackageType.FAMILIAR}


@pytest.fixture
def bench() -> SafetyBench:
    return SafetyBench(now=datetime(2026, 1, 15, 12, 0, tzinfo=ZoneInfo(
        "America/Argentina/Buenos_Aires")))


@pytest.fixture
def world() -> dict[str, Any]:
    return {"people": {}, "persons": {}, "devices": {}, "error": None}


def attempt(world: dict[str, Any], run: Run, call: Awaitable[Any]) -> None:
    world["error"] = None
    try:
        run(call)
    except DomainError as error:
        world["error"] = error


def names(text: str) -> set[str]:
    """'Ana, Bruno, Carla y Diego' → {'Ana', 'Bruno', 'Carla', 'Diego'}."""
    return set(text.replace(" y ", ", ").split(", "))


def current(bench: SafetyBench) -> Alert:
    return max(bench.alerts(), key=lambda a: (a.created_at, a.id.int))


def who(world: dict[str, Any], notification: Any) -> str:
    by_id = {u.id: name for name, u in world["people"].items()}
    return by_id.get(notification.recipient_user_id) or CONTACTS[notification.address]


def latest_batch(bench: SafetyBench) -> list[Any]:
    rows = bench.notifications(current(bench))
    newest = max(n.created_at for n in rows)
    return [n for n in rows if n.created_at == newest]


def batches(bench: SafetyBench, level: int) -> set[datetime]:
    return {n.created_at for n in bench.notifications(current(bench), level)}


def send(bench: SafetyBench, run: Run, world: dict[str, Any], what: str,
         device: str = "tensiómetro") -> None:
    """What arrives from Elena's devices, in the feature's words."""
    devices = world["devices"]
    if what.startswith("una tensión de "):
        numbers = what.removeprefix("una tensión de ").replace(" con pulso ", "/")
        numbers, _, battery = numbers.partition(" y batería al ")
        systolic, diastolic, pulse = (int(n) for n in numbers.split("/"))
        run(bench.reading(devices[device], {"systolic": systolic, "diastolic": diastolic,
                                            "pulse": pulse},
                          battery=int(battery.removesuffix(" %")) if battery else None))
    elif what.startswith("una lectura de "):
        gas, _, value = what.removeprefix("una lectura de ").removesuffix(" ppm").partition(" de ")
        run(bench.reading(devices["sensor de gas"], {"CO": 5, "CO2": 600, "smoke": 0.01,
                                                     gas: int(value)}))
    elif what == "una pulsación del botón de pánico":
        run(bench.device_event(devices["botón de pánico"], "pressed"))
    elif what == "un movimiento":
        run(bench.device_event(devices["sensor de movimiento"], "motion"))
    else:
        raise LookupError(what)


def tick_until(bench: SafetyBench, run: Run, target: datetime) -> None:
    while bench.clock.now() < target:
        bench.clock.set(min(bench.clock.now() + TICK, target))
        run(bench.escalate())


# Dado


@given(parsers.parse("que {holder} tiene a su cargo a {name} y es su representante legal"))
def _(bench: SafetyBench, world: dict[str, Any], holder: str, name: str) -> None:
    world["people"][holder] = bench.user(holder)
    world["persons"][name] = bench.person(world["people"][holder], name)
    bench.representative(world["persons"][name], world["people"][holder])


@given(parsers.parse("que {member}, hermano de {holder}, puede ver a {name}"))
def _(bench: SafetyBench, world: dict[str, Any], member: str, holder: str, name: str) -> None:
    world["people"][member] = bench.user(member)
    bench.fresh(world["persons"][name]).member_ids.add(world["people"][member].id)


@given(parsers.parse("que {primary} es la cuidadora principal de {name} y {other} otro de sus "
                     "cuidadores"))
def _(bench: SafetyBench, world: dict[str, Any], primary: str, name: str, other: str) -> None:
    for caregiver, is_primary in ((primary, True), (other, False)):
        world["people"][caregiver] = bench.user(caregiver)
        bench.caregiver(world["persons"][name], world["people"][caregiver], is_primary)


@given(parsers.parse('que {name} vive en la residencia "{home}", donde {nurse} está de guardia'))
def _(bench: SafetyBench, world: dict[str, Any], name: str, home: str, nurse: str) -> None:
    world["people"][nurse] = bench.user(nurse)
    bench.institution(world["persons"][name], bench.user("Directora"), world["people"][nurse])


@given("que los contactos de emergencia de Elena son Fer, con correo y teléfono, y Gus, "
       "solo con teléfono")
def _(bench: SafetyBench, world: dict[str, Any]) -> None:
    bench.contact(world["persons"]["Elena"], "Fer", "fer@example.com", "+54 11 5555-0001")
    bench.contact(world["persons"]["Elena"], "Gus", phone="+54 11 5555-0002")


@given(parsers.parse("que {name} es administrador del sistema"))
def _(bench: SafetyBench, world: dict[str, Any], name: str) -> None:
    world["people"][name] = bench.user(name, Role.ADMIN)


@given("que Elena tiene un tensiómetro, un sensor de gas, un sensor de movimiento y un botón "
       "de pánico")
def _(bench: SafetyBench, run: Run, world: dict[str, Any]) -> None:
    kinds = {"tensiómetro": "blood_pressure", "sensor de gas": "gas_sensor",
             "sensor de movimiento": "motion_sensor", "botón de pánico": "panic_button"}
    for name, kind in kinds.items():
        world["devices"][name] = run(bench.device(world["persons"]["Elena"], kind))


@given("que Elena tiene además un segundo tensiómetro")
def _(bench: SafetyBench, run: Run, world: dict[str, Any]) -> None:
    world["devices"]["segundo tensiómetro"] = run(bench.device(world["persons"]["Elena"]))


@given(parsers.parse("que hay una alerta {severity} abierta"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], severity: str) -> None:
    send(bench, run, world, OPENING[severity])
    assert current(bench).severity is SEVERITY[severity]


@given(parsers.parse("que {name} se cuida a sí misma y tiene un botón de pánico"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], name: str) -> None:
    world["people"][name] = bench.user(name)
    person = bench.self_caring(world["people"][name])
    world["devices"][f"botón de {name}"] = run(bench.device(person, "panic_button"))


@given(parsers.parse("que {holder} también tiene a su cargo a {name}, sin representante, "
                     "cuidadores, residencia ni contactos, y {same} tiene un botón de pánico"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], holder: str, name: str,
      same: str) -> None:
    person = bench.person(world["people"][holder], name)
    world["devices"][f"botón de {name}"] = run(bench.device(person, "panic_button"))


@given(parsers.re(r"que la cuenta de Ana tiene el paquete (?P<kind>\w+)"
                  r"(?:, de (?P<limit>\d+) dispositivos, y ya tiene (?P<count>\d+)"
                  r"| con la suscripción (?P<suspended>suspendida))"))
def _(bench: SafetyBench, world: dict[str, Any], kind: str, limit: str | None,
      count: str | None, suspended: str | None) -> None:
    package = next(p for p in default_catalogue(bench.ids.new_id) if p.type is PACKAGE[kind])
    bench.store.packages.items[package.id] = package
    ana, today = world["people"]["Ana"], bench.clock.today()
    for held in [s for s in bench.store.subscriptions.all() if s.account_id == ana.id]:
        del bench.store.subscriptions.items[held.id]  # the bench's own: this one is hers
    subscription = Subscription.start(
        id=bench.ids.new_id(), subscriber_id=ana.id, package_id=package.id,
        cycle=BillingCycle.MONTHLY, today=today, now=bench.clock.now(), account_id=ana.id)
    if suspended:
        subscription.suspend(today)
    bench.store.subscriptions.items[subscription.id] = subscription
    if count:
        active = [d for d in bench.store.devices.all() if d.is_active]
        assert package.limits.max_devices == int(limit) < len(active) == int(count)


# Cuando


@when(parsers.re(r"llega (?:del (?P<device>segundo tensiómetro) )?(?P<what>una .+|un .+)"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], device: str | None,
      what: str) -> None:
    send(bench, run, world, what, device or "tensiómetro")


@when(parsers.re(r"(?P<name>\w+) (?P<action>confirma|resuelve) la alerta"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], name: str, action: str) -> None:
    actor = world["people"].get(name) or world["people"].setdefault(name, bench.user(name))
    use_case = AcknowledgeAlert if action == "confirma" else ResolveAlert
    attempt(world, run, bench.call(use_case, AlertCommand(actor.id, current(bench).id)))


@when(parsers.re(r"pasan? (?P<count>\d+) (?P<unit>minutos?|segundos)(?: más)? "
                 r"sin que nadie la confirme"))
def _(bench: SafetyBench, run: Run, count: str, unit: str) -> None:
    delta = timedelta(seconds=int(count)) if unit == "segundos" else timedelta(minutes=int(count))
    tick_until(bench, run, bench.clock.now() + delta)


@when("pasan 2 minutos y el control de escalado corre dos veces en ese mismo instante")
def _(bench: SafetyBench, run: Run, world: dict[str, Any]) -> None:
    bench.advance(minutes=2)
    world["moved"] = [run(bench.escalate()), run(bench.escalate())]
    assert world["moved"] == [1, 0]


@when("se entrega el primer aviso")
def _(bench: SafetyBench, run: Run) -> None:
    run(bench.call(MarkAlertNotificationSent, MarkAlertNotificationSentCommand(current(bench).id)))


@when(parsers.parse("{name} pulsa su botón de pánico"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], name: str) -> None:
    run(bench.device_event(world["devices"][f"botón de {name}"], "pressed"))


@when("Ana intenta registrar otro dispositivo")
def _(bench: SafetyBench, run: Run, world: dict[str, Any]) -> None:
    attempt(world, run, bench.device(world["persons"]["Elena"], "ip_camera"))


# Entonces


@then("no se abre ninguna alerta")
def _(bench: SafetyBench) -> None:
    assert bench.alerts() == [] and bench.notifications() == []
    assert len(bench.events()) == 1


@then(parsers.parse("se abre una alerta de gravedad {severity}"))
def _(bench: SafetyBench, severity: str) -> None:
    alert = current(bench)
    assert (alert.severity, alert.status, alert.escalation_level) == (
        SEVERITY[severity], AlertStatus.PENDING, 1)


@then(parsers.parse("hay 1 alerta abierta con {count:d} ocurrencias"))
def _(bench: SafetyBench, count: int) -> None:
    (alert,) = [a for a in bench.alerts() if a.is_open]
    assert alert.occurrences == count


@then(parsers.re(r"al nivel (?P<level>\d) se le avisó (?:una sola vez|(?P<times>\d+) veces)"))
def _(bench: SafetyBench, level: str, times: str | None) -> None:
    assert len(batches(bench, int(level))) == int(times or 1)


@then(parsers.parse("la alerta es de gravedad {severity}"))
def _(bench: SafetyBench, severity: str) -> None:
    assert current(bench).severity is SEVERITY[severity]


@then("hay 2 alertas: una resuelta y una pendiente")
def _(bench: SafetyBench) -> None:
    assert sorted(a.status.value for a in bench.alerts()) == ["pending", "resolved"]


@then(parsers.re(r'hay (?P<count>\d+) alertas abiertas(?:: de "(?P<first>[^"]+)" '
                 r'y de "(?P<second>[^"]+)")?'))
def _(bench: SafetyBench, count: str, first: str | None, second: str | None) -> None:
    open_alerts = [a for a in bench.alerts() if a.is_open]
    assert len(open_alerts) == int(count)
    if first:
        assert {a.alert_type for a in open_alerts} == {KIND[first], KIND[second]}


@then(parsers.parse("la alerta vuelve a estar pendiente en el nivel {level:d} con gravedad "
                    "{severity}"))
def _(bench: SafetyBench, level: int, severity: str) -> None:
    alert = current(bench)
    assert (alert.status, alert.escalation_level, alert.severity) == (
        AlertStatus.PENDING, level, SEVERITY[severity])
    assert alert.acknowledged_by is None


@then(parsers.re(r"se avisa (?P<at_once>en el acto )?a (?P<who_>.+)"))
def _(bench: SafetyBench, world: dict[str, Any], at_once: str | None, who_: str) -> None:
    batch = latest_batch(bench)
    assert {who(world, n) for n in batch} == names(who_)
    if at_once:
        assert batch[0].created_at == bench.clock.now()


@then(parsers.parse("la alerta está pendiente en el nivel {level:d}"))
def _(bench: SafetyBench, level: int) -> None:
    assert (current(bench).status, current(bench).escalation_level) == (AlertStatus.PENDING,
                                                                        level)


@then(parsers.parse("la alerta está en el nivel {level:d}"))
def _(bench: SafetyBench, level: int) -> None:
    assert current(bench).escalation_level == level


@then("la alerta queda sin atender")
def _(bench: SafetyBench) -> None:
    assert current(bench).status is AlertStatus.UNHANDLED


@then("aunque pase una hora no se escribe ningún aviso más")
def _(bench: SafetyBench, run: Run) -> None:
    written = len(bench.notifications())
    tick_until(bench, run, bench.clock.now() + timedelta(hours=1))
    assert len(bench.notifications()) == written


@then(parsers.re(r"la alerta está confirmada por (?P<name>\w+)(?: en el nivel (?P<level>\d))?"))
def _(bench: SafetyBench, world: dict[str, Any], name: str, level: str | None) -> None:
    alert = current(bench)
    assert alert.status is AlertStatus.ACKNOWLEDGED
    assert alert.acknowledged_by == world["people"][name].id
    assert level is None or alert.escalation_level == int(level)


@then("la alerta está enviada")
def _(bench: SafetyBench) -> None:
    assert current(bench).status is AlertStatus.SENT


@then("se escribieron estos avisos:")
def _(bench: SafetyBench, world: dict[str, Any], datatable: list[list[str]]) -> None:
    expected = sorted((int(level), person, CHANNEL[channel])
                      for level, person, channel in datatable[1:])
    written = sorted((n.escalation_level, who(world, n), n.channel.value)
                     for n in bench.notifications(current(bench)))
    assert written == expected


@then("se le responde que la alerta no existe")
def _(bench: SafetyBench, world: dict[str, Any]) -> None:
    assert isinstance(world["error"], NotFound)
    assert current(bench).status is AlertStatus.PENDING


@then(parsers.re(r"se le responde que la alerta ya estaba (?P<state>confirmada|resuelta)"))
def _(world: dict[str, Any], state: str) -> None:
    assert isinstance(world["error"], Conflict)
    assert world["error"].details["status"] == {"confirmada": "acknowledged",
                                                "resuelta": "resolved"}[state]


@then(parsers.parse("la alerta está resuelta y confirmada por {name}"))
def _(bench: SafetyBench, world: dict[str, Any], name: str) -> None:
    alert = current(bench)
    assert alert.status is AlertStatus.RESOLVED
    assert alert.acknowledged_by == alert.resolved_by == world["people"][name].id


@then("se le rechaza por superar el límite de dispositivos")
def _(world: dict[str, Any]) -> None:
    assert isinstance(world["error"], PackageLimitExceeded)
    assert "devices" in {e["dimension"] for e in world["error"].exceeded}

"""Steps of device_lifecycle.feature, on in-memory adapters through the use cases: a
device removed, registered again, reactivated, moved and given a new key. "The" device
of a scenario is the first one registered with its id; one registered again is "the new"."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from cuiot.application.billing.commands.subscriptions import Subscribe, SubscribeCommand
from cuiot.application.safety.commands.device_lifecycle import (
    MoveDevice,
    MoveDeviceCommand,
    ReactivateDevice,
    RekeyDevice,
)
from cuiot.application.safety.commands.devices import (
    DeviceCommand,
    RegisterDevice,
    RegisterDeviceCommand,
    RemoveDevice,
)
from cuiot.application.safety.commands.ingest import STORED
from cuiot.application.safety.commands.telemetry import HttpTelemetryCommand, IngestHttpTelemetry
from cuiot.domain.devices import Device, DeviceStatus
from cuiot.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidStateTransition,
    NotFound,
    PackageLimitExceeded,
    SubscriptionRequired,
    Unauthenticated,
    ValidationFailed,
)
from cuiot.domain.packages import PackageType, default_catalogue
from cuiot.domain.users import Role, User
from tests.support.alerts import BP_NORMAL, SafetyBench

scenarios("device_lifecycle.feature")

Run = Callable[[Awaitable[Any]], Any]
ID = r'"(?P<device_id>[^"]+)"'


@pytest.fixture
def bench() -> SafetyBench:
    return SafetyBench()


@pytest.fixture
def world() -> dict[str, Any]:
    return {"people": {}, "persons": {}, "devices": {}, "keys": {}, "new": {}, "error": None}


def attempt(world: dict[str, Any], run: Run, call: Awaitable[Any]) -> Any:
    world["error"] = None
    try:
        return run(call)
    except DomainError as error:
        world["error"] = error
        return None


def person_named(bench: SafetyBench, world: dict[str, Any], name: str) -> Any:
    return bench.fresh(world["persons"][name])


def someone(bench: SafetyBench, world: dict[str, Any], name: str) -> User:
    """A person of the scenario, made on first mention (Root is an admin)."""
    if name not in world["people"]:
        roles = (Role.ADMIN,) if name == "Root" else ()
        world["people"][name] = bench.user(name, *roles)
    return world["people"][str(name)]


def the_device(bench: SafetyBench, world: dict[str, Any], device_id: str) -> Device:
    return bench.fresh(world["devices"][device_id])


def register(bench: SafetyBench, run: Run, world: dict[str, Any], who: str, name: str,
             device_id: str, device_type: str = "blood_pressure") -> Any:
    registered = run(bench.call(RegisterDevice, RegisterDeviceCommand(
        actor_id=someone(bench, world, who).id, device_id=device_id, name=device_id,
        device_type=device_type, cared_person_id=world["persons"][name].id)))
    world["keys"][registered.device.id] = registered.api_key
    return registered.device


def http_reading(bench: SafetyBench, run: Run, world: dict[str, Any], device: Device,
                 key: str) -> None:
    msg_id = f"http-{bench.ids.new_id().int}"
    body = {"msg_id": msg_id, "type": "blood_pressure", "data": BP_NORMAL}
    world["outcome"] = attempt(world, run, bench.call(IngestHttpTelemetry, HttpTelemetryCommand(
        device_id=device.device_id, api_key=key, msg_id=msg_id, type="blood_pressure",
        data=BP_NORMAL, raw=json.dumps(body).encode())))


def open_alerts(bench: SafetyBench, world: dict[str, Any], name: str) -> list[Any]:
    person = world["persons"][name]
    return [a for a in bench.alerts() if a.cared_person_id == person.id and a.is_open]


# Dado


@given(parsers.parse("que Ana tiene a su cargo a Elena y a Rosa, con una suscripción vigente"))
def _(bench: SafetyBench, world: dict[str, Any]) -> None:
    ana = someone(bench, world, "Ana")
    for name in ("Elena", "Rosa"):
        world["persons"][name] = bench.person(ana, name)  # the bench subscribes her account


@given(parsers.re(rf"que Elena tiene el tensiómetro {ID}"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], device_id: str) -> None:
    world["devices"][device_id] = register(bench, run, world, "Ana", "Elena", device_id)


@given(parsers.re(rf"que Elena tomó (?P<count>\d+) lecturas con el tensiómetro {ID}"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], count: str, device_id: str) -> None:
    for _ in range(int(count)):
        run(bench.reading(the_device(bench, world, device_id), BP_NORMAL))


@given(parsers.re(rf"que Ana dio de baja el tensiómetro {ID}"))
@when(parsers.re(rf"Ana da de baja el tensiómetro {ID}"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], device_id: str) -> None:
    run(bench.call(RemoveDevice, DeviceCommand(world["people"]["Ana"].id,
                                               world["devices"][device_id].id)))


@given(parsers.re(rf"que Ana registró para (?P<name>\w+) un tensiómetro {ID}"))
@when(parsers.re(rf"Ana registra para (?P<name>\w+) un tensiómetro {ID}"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], name: str, device_id: str) -> None:
    world["error"] = None
    try:
        world["new"][device_id] = register(bench, run, world, "Ana", name, device_id)
    except DomainError as error:
        world["error"] = error


@given("que la suscripción de Ana es del paquete básico, de 3 dispositivos")
def _(bench: SafetyBench, run: Run, world: dict[str, Any]) -> None:
    ana = world["people"]["Ana"]
    for held in [s for s in bench.store.subscriptions.all() if s.account_id == ana.id]:
        del bench.store.subscriptions.items[held.id]  # the bench's own: this one is hers
    basic = next(p for p in default_catalogue(bench.ids.new_id) if p.type is PackageType.BASIC)
    bench.store.packages.items[basic.id] = basic
    run(bench.call(Subscribe, SubscribeCommand(ana.id, basic.id, "monthly")))
    assert basic.limits.max_devices == 3


@given(parsers.re(r"que Elena tiene además (?P<count>\d+) dispositivos activos"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], count: str) -> None:
    for n in range(int(count)):
        register(bench, run, world, "Ana", "Elena", f"motion-{n}", "motion_sensor")


@given("que la suscripción de Ana venció")
def _(bench: SafetyBench, world: dict[str, Any]) -> None:
    ana = world["people"]["Ana"]
    for held in [s for s in bench.store.subscriptions.all() if s.account_id == ana.id]:
        held.cancel(bench.clock.now())
        assert held.end_date is not None
        bench.clock.set(bench.clock.now().replace(year=held.end_date.year,
                                                  month=held.end_date.month,
                                                  day=held.end_date.day))
        held.expire(bench.clock.today())


@given(parsers.re(rf"que llega del tensiómetro {ID} una tensión de 190/100"))
@when(parsers.re(rf"llega del tensiómetro {ID} una tensión de 190/100"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], device_id: str) -> None:
    bench.advance(minutes=1)
    run(bench.reading(the_device(bench, world, device_id),
                      {"systolic": 190, "diastolic": 100, "pulse": 80}))


@given("que se abrió una alerta crítica de Elena")
def _(bench: SafetyBench, world: dict[str, Any]) -> None:
    (alert,) = open_alerts(bench, world, "Elena")
    assert alert.severity.value == "critical"


@given("que Zoe tiene a su cargo a Marta y Ana es su representante legal")
def _(bench: SafetyBench, world: dict[str, Any]) -> None:
    marta = world["persons"]["Marta"] = bench.person(someone(bench, world, "Zoe"), "Marta")
    bench.representative(marta, world["people"]["Ana"])


@given("que Bruno puede ver a Elena")
def _(bench: SafetyBench, world: dict[str, Any]) -> None:
    person_named(bench, world, "Elena").member_ids.add(someone(bench, world, "Bruno").id)


# Cuando


@when(parsers.re(rf"(?P<who>\w+) (?P<action>reactiva el|le da una clave nueva al)"
                 rf"(?: primer)? tensiómetro {ID}"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], who: str, action: str,
      device_id: str) -> None:
    command = DeviceCommand(someone(bench, world, who).id, world["devices"][device_id].id)
    use_case = ReactivateDevice if action == "reactiva el" else RekeyDevice
    done = attempt(world, run, bench.call(use_case, command))
    if use_case is RekeyDevice and done is not None:
        world["old_key"] = world["keys"][done.device.id]
        world["new_key"] = world["keys"][done.device.id] = done.api_key


@when(parsers.re(rf"(?P<who>\w+) mueve el tensiómetro {ID} a (?P<name>\w+)"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], who: str, device_id: str,
      name: str) -> None:
    attempt(world, run, bench.call(MoveDevice, MoveDeviceCommand(
        someone(bench, world, who).id, world["devices"][device_id].id,
        world["persons"][name].id)))


# Entonces


@then(parsers.re(rf"Elena tiene 2 dispositivos con el identificador {ID}, uno solo activo"))
def _(bench: SafetyBench, world: dict[str, Any], device_id: str) -> None:
    assert world["error"] is None, world["error"]
    same = [d for d in bench.store.devices.all() if d.device_id == device_id]
    assert len(same) == 2 and {d.cared_person_id for d in same} == {world["persons"]["Elena"].id}
    assert [d.id for d in same if d.is_active] == [world["new"][device_id].id]


@then("el nuevo tiene una clave distinta de la del anterior")
def _(world: dict[str, Any]) -> None:
    (device_id,) = world["new"]
    old, new = world["devices"][device_id], world["new"][device_id]
    assert new.id != old.id and world["keys"][new.id] != world["keys"][old.id]


@then(parsers.re(r"las (?P<count>\d+) lecturas siguen siendo del dispositivo dado de baja"))
def _(bench: SafetyBench, world: dict[str, Any], count: str) -> None:
    (old,) = world["devices"].values()
    assert len([e for e in bench.events() if e.device_pk == old.id]) == int(count)


@then(parsers.re(rf"una lectura de {ID} se guarda en el nuevo"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], device_id: str) -> None:
    new = world["new"][device_id]
    assert run(bench.reading(new, BP_NORMAL, msg_id="after")).outcome == STORED
    (event,) = [e for e in bench.events() if e.msg_id == "after"]
    assert event.device_pk == new.id


@then("se le rechaza porque el identificador ya está registrado")
def _(world: dict[str, Any]) -> None:
    error = world["error"]
    assert isinstance(error, Conflict) and "already registered" in error.message, error


@then(parsers.re(rf'el tensiómetro {ID} está activo y de estado desconocido'))
def _(bench: SafetyBench, world: dict[str, Any], device_id: str) -> None:
    assert world["error"] is None, world["error"]
    device = the_device(bench, world, device_id)
    assert device.is_active and device.status is DeviceStatus.UNKNOWN


@then("una lectura enviada por HTTP con su clave de siempre se guarda")
def _(bench: SafetyBench, run: Run, world: dict[str, Any]) -> None:
    (device,) = world["devices"].values()
    http_reading(bench, run, world, device, world["keys"][device.id])
    assert world["error"] is None and world["outcome"].outcome == STORED, world["error"]


@then("se le rechaza porque otro dispositivo activo tiene ese identificador")
def _(world: dict[str, Any]) -> None:
    error = world["error"]
    assert isinstance(error, Conflict) and "held_by" in error.details, error


@then(parsers.re(r"se le rechaza por exceder dispositivos: (?P<used>\d+) usados más "
                 r"(?P<requested>\d+) pedidos?, de (?P<limit>\d+)"))
def _(world: dict[str, Any], used: str, requested: str, limit: str) -> None:
    error = world["error"]
    assert isinstance(error, PackageLimitExceeded), error
    assert error.exceeded == [{"dimension": "devices", "used": int(used),
                               "requested": int(requested), "limit": int(limit)}]


@then("se le rechaza porque hace falta una suscripción vigente")
def _(world: dict[str, Any]) -> None:
    error = world["error"]
    assert isinstance(error, SubscriptionRequired), error
    assert error.code == "subscription_required"


@then(parsers.re(r"(?P<name>\w+) tiene 1 alerta abierta, con 1 evento"))
def _(bench: SafetyBench, world: dict[str, Any], name: str) -> None:
    assert world["error"] is None, world["error"]
    (alert,) = open_alerts(bench, world, name)
    assert alert.occurrences == 1
    assert alert.device_pk == next(iter(world["devices"].values())).id


@then("las lecturas anteriores siguen siendo de Elena")
def _(bench: SafetyBench, world: dict[str, Any]) -> None:
    elena, rosa = world["persons"]["Elena"].id, world["persons"]["Rosa"].id
    first, last = sorted(bench.events(), key=lambda e: e.timestamp)
    assert (first.cared_person_id, last.cared_person_id) == (elena, rosa)


@then("se le rechaza porque solo se mueve entre personas de la misma cuenta")
def _(world: dict[str, Any]) -> None:
    error = world["error"]
    assert isinstance(error, ValidationFailed), error
    assert error.details["field"] == "cared_person_id"


@then(parsers.re(rf"el tensiómetro {ID} sigue siendo de Elena"))
def _(bench: SafetyBench, world: dict[str, Any], device_id: str) -> None:
    assert the_device(bench, world, device_id).cared_person_id == world["persons"]["Elena"].id


@then("se le rechaza porque el dispositivo está dado de baja")
def _(world: dict[str, Any]) -> None:
    error = world["error"]
    assert isinstance(error, InvalidStateTransition), error
    assert error.details["status"] == "inactive"


@then("una lectura enviada por HTTP con la clave anterior se rechaza por clave equivocada")
def _(bench: SafetyBench, run: Run, world: dict[str, Any]) -> None:
    assert world["error"] is None, world["error"]
    assert world["old_key"] != world["new_key"]
    (device,) = world["devices"].values()
    http_reading(bench, run, world, device, world["old_key"])
    assert isinstance(world["error"], Unauthenticated), world["error"]


@then("una lectura enviada por HTTP con la clave nueva se guarda")
def _(bench: SafetyBench, run: Run, world: dict[str, Any]) -> None:
    (device,) = world["devices"].values()
    http_reading(bench, run, world, device, world["new_key"])
    assert world["error"] is None and world["outcome"].outcome == STORED, world["error"]


@then("se le rechaza porque no puede cambiarlo")
def _(world: dict[str, Any]) -> None:
    assert isinstance(world["error"], Forbidden), world["error"]


@then("se le responde que el dispositivo no existe")
def _(world: dict[str, Any]) -> None:
    error = world["error"]
    assert isinstance(error, NotFound) and error.details["entity"] == "device", error

"""Steps of subscription_gate.feature, on in-memory adapters through the use cases: the
administrative actions gated by a subscription in force, and the safety path that never is."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from cuiot.application.care.commands.institutions import (
    AddInstitutionStaff,
    AddInstitutionStaffCommand,
)
from cuiot.application.care.commands.members import (
    AddMember,
    AddMemberCommand,
    AssignCaregiver,
    AssignCaregiverCommand,
)
from cuiot.application.care.commands.persons import AddCaredPerson, AddCaredPersonCommand
from cuiot.application.safety.commands.devices import RegisterDevice, RegisterDeviceCommand
from cuiot.domain.care import Institution
from cuiot.domain.errors import DomainError, SubscriptionRequired
from cuiot.domain.packages import BillingCycle, PackageType, default_catalogue
from cuiot.domain.sensor_events import Severity
from cuiot.domain.subscriptions import Subscription
from cuiot.domain.users import Role, User
from tests.support.alerts import SafetyBench
from tests.support.subscriptions import in_force, unlimited_package

scenarios("subscription_gate.feature")

Run = Callable[[Awaitable[Any]], Any]
ACTION = {"registrar un dispositivo": "register_device",
          "dar de alta a una persona cuidada": "add_cared_person",
          "invitar a un usuario": "invite_user"}


@pytest.fixture
def bench() -> SafetyBench:
    return SafetyBench()


@pytest.fixture
def world() -> dict[str, Any]:
    return {"people": {}, "persons": {}, "devices": [], "error": None}


def attempt(world: dict[str, Any], run: Run, call: Awaitable[Any]) -> Any:
    world["error"] = None
    try:
        return run(call)
    except DomainError as error:
        world["error"] = error
        return None


def person(world: dict[str, Any], name: str) -> User:
    return world["people"][name]


def subscription_of(bench: SafetyBench, holder: User, start: date) -> Subscription:
    """The holder's account on the familiar package, from ``start``, straight in the store."""
    familiar = next(p for p in default_catalogue(bench.ids.new_id)
                    if p.type is PackageType.FAMILIAR)
    bench.store.packages.items[familiar.id] = familiar
    subscription = Subscription.start(
        id=bench.ids.new_id(), subscriber_id=holder.id, package_id=familiar.id,
        cycle=BillingCycle.MONTHLY, today=start, now=bench.clock.now(), account_id=holder.id)
    bench.store.subscriptions.items[subscription.id] = subscription
    return subscription


# Dado


@given("que Laura tiene a su cargo a Elena, sin suscripción")
def _(bench: SafetyBench, world: dict[str, Any]) -> None:
    laura = world["people"]["Laura"] = bench.user("Laura")
    world["persons"]["Elena"] = bench.person(laura, "Elena", subscribed=False)


@given(parsers.parse("que {name} está registrada, sin personas a cargo ni suscripción"))
def _(bench: SafetyBench, world: dict[str, Any], name: str) -> None:
    world["people"][name] = bench.user(name)


@given(parsers.parse("que {name} está registrado y es cuidador"))
def _(bench: SafetyBench, world: dict[str, Any], name: str) -> None:
    world["people"][name] = bench.user(name, Role.CAREGIVER)


@given(parsers.parse('que {name} dirige la residencia "{title}", sin suscripción'))
def _(bench: SafetyBench, world: dict[str, Any], name: str, title: str) -> None:
    admin = world["people"][name] = bench.user(name)
    home = Institution(id=bench.ids.new_id(), name=title, admin_id=admin.id,
                       created_at=bench.clock.now())
    bench.store.institutions.items[home.id] = world["institution"] = home


@given(parsers.re(r"que la suscripción de Laura está (?P<state>.+)"))
def _(bench: SafetyBench, world: dict[str, Any], state: str) -> None:
    today = bench.clock.today()
    ended = state.endswith("ya terminado") or state == "vencida"
    subscription = subscription_of(bench, person(world, "Laura"),
                                   today - timedelta(days=45) if ended else today)
    if state == "suspendida":
        subscription.suspend(today)
    elif state.startswith("cancelada") or state == "vencida":
        subscription.cancel(bench.clock.now())
    if state == "vencida":
        subscription.expire(today)


@given(parsers.parse('que Elena vive en la residencia "{title}", que tiene una suscripción '
                     "vigente"))
def _(bench: SafetyBench, world: dict[str, Any], title: str) -> None:
    home = bench.institution(world["persons"]["Elena"], bench.user("Eva"))
    package = unlimited_package()
    bench.store.packages.items[package.id] = package
    subscription = in_force(package, bench.clock.now(), bench.clock.today(), home.admin_id,
                            institution_id=home.id)
    bench.store.subscriptions.items[subscription.id] = subscription


@given(parsers.parse("que {name} es administrador"))
def _(bench: SafetyBench, world: dict[str, Any], name: str) -> None:
    world["people"][name] = bench.user(name, Role.ADMIN)


@given("que Laura es la representante legal de Elena")
def _(bench: SafetyBench, world: dict[str, Any]) -> None:
    bench.representative(world["persons"]["Elena"], person(world, "Laura"))


@given("que Elena tiene un botón de pánico, registrado cuando Laura tenía suscripción")
def _(bench: SafetyBench, run: Run, world: dict[str, Any]) -> None:
    bench.subscribe(person(world, "Laura"))
    world["devices"].append(run(bench.device(world["persons"]["Elena"], "panic_button")))


@given("que la suscripción de Laura venció")
def _(bench: SafetyBench, world: dict[str, Any]) -> None:
    laura = person(world, "Laura")
    for held in [s for s in bench.store.subscriptions.all() if s.account_id == laura.id]:
        held.cancel(bench.clock.now())
        assert held.end_date is not None
        bench.advance(days=(held.end_date - bench.clock.today()).days)
        held.expire(bench.clock.today())


# Cuando


@when(parsers.parse("{name} registra un tensiómetro para Elena"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], name: str) -> None:
    registered = attempt(world, run, bench.call(RegisterDevice, RegisterDeviceCommand(
        actor_id=person(world, name).id, device_id=f"bp-{len(world['devices'])}",
        name="Tensiómetro", device_type="blood_pressure",
        cared_person_id=world["persons"]["Elena"].id)))
    if registered is not None:
        world["devices"].append(registered.device)


@when(parsers.parse("{holder} da de alta a {name}"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], holder: str, name: str) -> None:
    added = attempt(world, run, bench.call(AddCaredPerson, AddCaredPersonCommand(
        person(world, holder).id, name, "Gómez", date_of_birth=date(1940, 4, 3))))
    if added is not None:
        world["persons"][name] = added


@when(parsers.parse("Laura da acceso a {name} al cuidado de Elena"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], name: str) -> None:
    attempt(world, run, bench.call(AddMember, AddMemberCommand(
        person(world, "Laura").id, world["persons"]["Elena"].id,
        str(person(world, name).email))))


@when(parsers.parse("Laura invita a {name} a cuidar a Elena"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], name: str) -> None:
    attempt(world, run, bench.call(AssignCaregiver, AssignCaregiverCommand(
        person(world, "Laura").id, world["persons"]["Elena"].id, person(world, name).id)))


@when(parsers.parse("{admin} suma a {name} al personal de la residencia"))
def _(bench: SafetyBench, run: Run, world: dict[str, Any], admin: str, name: str) -> None:
    attempt(world, run, bench.call(AddInstitutionStaff, AddInstitutionStaffCommand(
        person(world, admin).id, world["institution"].id, str(person(world, name).email))))


@when("llega una pulsación del botón de pánico de Elena")
def _(bench: SafetyBench, run: Run, world: dict[str, Any]) -> None:
    (button,) = world["devices"]
    run(bench.device_event(button, "pressed"))


@when("pasan 2 minutos sin que nadie la confirme")
def _(bench: SafetyBench, run: Run) -> None:
    bench.advance(minutes=2)
    run(bench.escalate())


# Entonces


@then(parsers.re(r"se rechaza porque hace falta una suscripción vigente para (?P<what>.+)"))
def _(world: dict[str, Any], what: str) -> None:
    error = world["error"]
    assert isinstance(error, SubscriptionRequired), error
    assert (error.code, error.details) == ("subscription_required", {"action": ACTION[what]})


@then("Elena no tiene dispositivos")
def _(bench: SafetyBench) -> None:
    assert not bench.store.devices.items


@then(parsers.parse("{name} queda a cargo de {holder}"))
def _(bench: SafetyBench, world: dict[str, Any], name: str, holder: str) -> None:
    added = bench.fresh(world["persons"][name])
    assert added.account_id == person(world, holder).id


@then(parsers.re(r"(?P<name>\w+) no ve a Elena"))
def _(bench: SafetyBench, world: dict[str, Any], name: str) -> None:
    elena = bench.fresh(world["persons"]["Elena"])
    assert not elena.has_access(person(world, name).id)
    assert not elena.caregivers


@then(parsers.re(r"(?P<name>\w+) ve a Elena"))
def _(bench: SafetyBench, world: dict[str, Any], name: str) -> None:
    assert bench.fresh(world["persons"]["Elena"]).has_access(person(world, name).id)


@then("el dispositivo queda registrado")
def _(bench: SafetyBench, world: dict[str, Any]) -> None:
    assert world["error"] is None, world["error"]
    (device,) = world["devices"]
    assert bench.fresh(device).is_active


@then("se abre una alerta de gravedad crítica")
def _(bench: SafetyBench) -> None:
    assert bench.alert().severity is Severity.CRITICAL


@then("se avisa en el acto a Laura")
def _(bench: SafetyBench, world: dict[str, Any]) -> None:
    assert person(world, "Laura").id in bench.told_users(bench.alert(), level=1)


@then("la alerta sube al nivel 2")
def _(bench: SafetyBench) -> None:
    alert = bench.alert()
    assert alert.escalation_level == 2 and bench.notifications(alert, level=2)

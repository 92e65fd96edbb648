"""Steps of people_lifecycle.feature, on in-memory adapters through the use cases: cared
persons and user accounts deactivated, reactivated and erased."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from cuiot.application.billing.commands.usage import usage_of
from cuiot.application.care.commands.lifecycle import (
    CaredPersonCommand,
    DeactivateCaredPerson,
    EraseCaredPerson,
    ReactivateCaredPerson,
)
from cuiot.application.identity.commands.lifecycle import (
    DeactivateUser,
    EraseUser,
    ReactivateUser,
    UserLifecycleCommand,
)
from cuiot.application.identity.commands.users import RegisterUser, RegisterUserCommand
from cuiot.application.shared.access import may_access
from cuiot.domain.alerts import AlertStatus
from cuiot.domain.audit import AuditAction, action_label
from cuiot.domain.care import CaredPerson
from cuiot.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidStateTransition,
    MonitoringStopped,
    NotFound,
    PackageLimitExceeded,
    Unauthenticated,
)
from cuiot.domain.notifications import DeliveryStatus
from cuiot.domain.users import Role, User
from tests.support.alerts import BP_CRITICAL
from tests.support.lifecycle import LifecycleBench

scenarios("people_lifecycle.feature")

Run = Callable[[Awaitable[Any]], Any]
PERSON_CASES = {"da de baja a": DeactivateCaredPerson, "reactiva a": ReactivateCaredPerson,
                "borra los datos de": EraseCaredPerson}
USER_CASES = {"da de baja": DeactivateUser, "borra los datos de": EraseUser}


@pytest.fixture
def bench() -> LifecycleBench:
    return LifecycleBench()


@pytest.fixture
def world() -> dict[str, Any]:
    return {"people": {}, "persons": {}, "devices": {}, "error": None}


def attempt(world: dict[str, Any], run: Run, call: Awaitable[Any]) -> Any:
    world["error"] = None
    try:
        return run(call)
    except DomainError as error:
        world["error"] = error
        return None


def someone(bench: LifecycleBench, world: dict[str, Any], name: str) -> User:
    """A person of the scenario, made on first mention (Root is an admin)."""
    if name not in world["people"]:
        roles = (Role.ADMIN,) if name == "Root" else ()
        world["people"][name] = bench.user(name, *roles, phone="+54 11 5555-0101")
    return bench.fresh(world["people"][name])


def person(bench: LifecycleBench, world: dict[str, Any], name: str) -> CaredPerson:
    return bench.fresh(world["persons"][name])


def the_alert(bench: LifecycleBench, world: dict[str, Any], name: str) -> Any:
    (alert,) = [a for a in bench.alerts() if a.cared_person_id == world["persons"][name].id]
    return alert


def refused(world: dict[str, Any], kind: type[DomainError]) -> DomainError:
    error = world["error"]
    assert isinstance(error, kind), error
    return error


# Dado


@given(parsers.re(r"que (?P<holder>\w+) tiene a su cargo a (?P<name>\w+), con un tensiómetro"))
def _(bench: LifecycleBench, run: Run, world: dict[str, Any], holder: str, name: str) -> None:
    cared = world["persons"][name] = bench.person(someone(bench, world, holder), name)
    bench.contact(cared, "Juan", "juan@example.com")
    bench.fresh(cared).thresholds = {"bp_high_systolic_at_least": 150}
    world["devices"][name] = run(bench.device(cared))


@given(parsers.re(r"que (?P<who>\w+) puede ver a (?P<name>\w+)"))
def _(bench: LifecycleBench, world: dict[str, Any], who: str, name: str) -> None:
    person(bench, world, name).member_ids.add(someone(bench, world, who).id)


@given(parsers.re(r"que (?P<who>\w+) es la representante legal de (?P<name>\w+)"))
def _(bench: LifecycleBench, world: dict[str, Any], who: str, name: str) -> None:
    bench.representative(world["persons"][name], someone(bench, world, who))


@given(parsers.re(r"que llega del tensiómetro de (?P<name>\w+) una tensión de 190/100"))
@when(parsers.re(r"llega del tensiómetro de (?P<name>\w+) una tensión de 190/100"))
def _(bench: LifecycleBench, run: Run, world: dict[str, Any], name: str) -> None:
    world["reading"] = attempt(world, run, bench.reading(world["devices"][name], BP_CRITICAL))


@given(parsers.re(r"que (?P<who>\w+) dio de baja a (?P<name>\w+)"))
@when(parsers.re(r"(?P<who>\w+) (?P<action>da de baja a|reactiva a|borra los datos de) "
                 r"(?P<name>\w+)"), converters={"action": str})
def _(bench: LifecycleBench, run: Run, world: dict[str, Any], who: str, name: str,
      action: str = "da de baja a") -> None:
    command = CaredPersonCommand(someone(bench, world, who).id, world["persons"][name].id)
    attempt(world, run, bench.call(PERSON_CASES[action], command))


@given(parsers.re(r"que la suscripción de (?P<holder>\w+) es de un paquete de 1 dispositivo"))
def _(bench: LifecycleBench, world: dict[str, Any], holder: str) -> None:
    bench.limit(someone(bench, world, holder), max_devices=1)


@given(parsers.re(r"que (?P<who>\w+) inició sesión"))
def _(bench: LifecycleBench, run: Run, world: dict[str, Any], who: str) -> None:
    world["session"] = run(bench.login(someone(bench, world, who)))


@given(parsers.re(r"que a (?P<who>\w+) se le avisó de la alerta"))
def _(bench: LifecycleBench, world: dict[str, Any], who: str) -> None:
    alert = the_alert(bench, world, "Elena")
    assert someone(bench, world, who).id in bench.told_users(alert, level=1)


@given(parsers.re(r"que (?P<who>\w+) dio de baja la cuenta de (?P<name>\w+)"))
@when(parsers.re(r"(?P<who>\w+) (?P<action>da de baja|borra los datos de) la cuenta de "
                 r"(?P<name>\w+)"), converters={"action": str})
def _(bench: LifecycleBench, run: Run, world: dict[str, Any], who: str, name: str,
      action: str = "da de baja") -> None:
    command = UserLifecycleCommand(someone(bench, world, who).id, someone(bench, world, name).id)
    attempt(world, run, bench.call(USER_CASES[action], command))


# Cuando


@when(parsers.re(r"(?P<who>\w+) da de baja su propia cuenta"))
def _(bench: LifecycleBench, run: Run, world: dict[str, Any], who: str) -> None:
    user = someone(bench, world, who)
    attempt(world, run, bench.call(DeactivateUser, UserLifecycleCommand(user.id, user.id)))


# Entonces


@then(parsers.re(r"la alerta de (?P<name>\w+) queda resuelta por (?P<who>\w+)"))
def _(bench: LifecycleBench, world: dict[str, Any], name: str, who: str) -> None:
    alert = the_alert(bench, world, name)
    assert (alert.status, alert.resolved_by) == (AlertStatus.RESOLVED,
                                                 someone(bench, world, who).id)


@then(parsers.re(r'los avisos pendientes (?:de la alerta|para (?P<who>\w+)) se cancelan '
                 r'por "(?P<reason>[^"]+)"'))
def _(bench: LifecycleBench, world: dict[str, Any], reason: str, who: str | None) -> None:
    whom = someone(bench, world, who).id if who else None
    told = [n for n in bench.notifications(the_alert(bench, world, "Elena"))
            if whom in (None, n.recipient_user_id)]
    assert told and {(n.status, n.last_error) for n in told} == {
        (DeliveryStatus.FAILED, f"cancelled: {reason}")}


@then(parsers.re(r"la auditoría registra que (?P<who>\w+) (?P<words>desactivó a la persona "
                 r"cuidada|desactivó la cuenta de) (?P<name>\w+)"))
def _(bench: LifecycleBench, world: dict[str, Any], who: str, words: str, name: str) -> None:
    action = (AuditAction.CARED_PERSON_DEACTIVATED if "persona" in words
              else AuditAction.USER_DEACTIVATED)
    assert words.startswith(action_label(action))
    subject = world["persons"].get(name) or someone(bench, world, name)
    [entry] = bench.audited(action)
    assert (entry.actor_id, entry.subject_id) == (someone(bench, world, who).id, subject.id)


@then("al pasar el tiempo la alerta no escala")
def _(bench: LifecycleBench, run: Run) -> None:
    bench.advance(hours=1)
    assert run(bench.escalate()) == 0


@then(parsers.re(r'el mensaje se rechaza por "(?P<reason>[^"]+)"'))
def _(world: dict[str, Any], reason: str) -> None:
    assert refused(world, MonitoringStopped).code == reason


@then(parsers.re(r"(?P<name>\w+) no tiene alertas abiertas"))
def _(bench: LifecycleBench, world: dict[str, Any], name: str) -> None:
    cared_id = world["persons"][name].id
    assert [a for a in bench.alerts() if a.cared_person_id == cared_id and a.is_open] == []


@then(parsers.re(r"(?P<who>\w+) (?P<sees>ve|no ve) a (?P<name>\w+)"))
def _(bench: LifecycleBench, run: Run, world: dict[str, Any], who: str, sees: str,
      name: str) -> None:
    user, cared = someone(bench, world, who), person(bench, world, name)
    now, today = bench.clock.now(), bench.clock.today()
    assert run(may_access(bench.uow, user, cared, now, today)) is (sees == "ve")


@then(parsers.re(r"la cuenta de (?P<holder>\w+) usa (?P<count>\d+) dispositivos"))
def _(bench: LifecycleBench, run: Run, world: dict[str, Any], holder: str, count: str) -> None:
    usage = run(usage_of(bench.uow, account_id=someone(bench, world, holder).id))
    assert usage.devices == int(count)


@then(parsers.re(r"(?P<name>\w+) está (?P<state>dada de baja|activa)"))
def _(bench: LifecycleBench, world: dict[str, Any], name: str, state: str) -> None:
    assert world["error"] is None, world["error"]
    assert person(bench, world, name).is_active is (state == "activa")


@then("se le rechaza porque no puede hacerlo")
def _(world: dict[str, Any]) -> None:
    refused(world, Forbidden)


@then("se le responde que la persona no existe")
def _(world: dict[str, Any]) -> None:
    assert refused(world, NotFound).details["entity"] == "cared person"


@then(parsers.re(r"una tensión de 190/100 del tensiómetro de (?P<name>\w+) abre una alerta"))
def _(bench: LifecycleBench, run: Run, world: dict[str, Any], name: str) -> None:
    assert run(bench.reading(world["devices"][name], BP_CRITICAL)).alert_ids


@then(parsers.re(r"se le rechaza por exceder dispositivos: (?P<used>\d+) usados más "
                 r"(?P<requested>\d+) pedidos?, de (?P<limit>\d+)"))
def _(world: dict[str, Any], used: str, requested: str, limit: str) -> None:
    assert refused(world, PackageLimitExceeded).details["exceeded"] == [{
        "dimension": "devices", "used": int(used), "requested": int(requested),
        "limit": int(limit)}]


@then(parsers.re(r"se le rechaza porque (?:\w+ está activa|sus datos fueron borrados)"))
def _(world: dict[str, Any]) -> None:
    assert refused(world, InvalidStateTransition).details["status"] in {"active", "erased"}


@then(parsers.re(r'(?P<name>\w+) se llama "(?P<called>[^"]+)" y no tiene fecha de '
                 r"nacimiento, contactos ni umbrales"))
def _(bench: LifecycleBench, world: dict[str, Any], name: str, called: str) -> None:
    erased = person(bench, world, name)
    assert (erased.full_name, erased.date_of_birth) == (called, None)
    assert (erased.emergency_contacts, erased.thresholds) == ([], {})


@then("sus lecturas ya no guardan valores")
def _(bench: LifecycleBench) -> None:
    assert bench.events() and all(e.sensor_data == {} for e in bench.events())


@then(parsers.re(r"la sesión de (?P<who>\w+) ya no sirve"))
def _(bench: LifecycleBench, run: Run, world: dict[str, Any], who: str) -> None:
    with pytest.raises(Unauthenticated):
        run(bench.authenticate(world["session"].access_token))
    with pytest.raises(Unauthenticated):
        run(bench.refresh(world["session"]))


@then(parsers.re(r"(?P<who>\w+) no puede iniciar sesión"))
def _(bench: LifecycleBench, run: Run, world: dict[str, Any], who: str) -> None:
    with pytest.raises(Unauthenticated):
        run(bench.login(someone(bench, world, who)))


@then(parsers.re(r"cuando la alerta escala no se le avisa a (?P<who>\w+)"))
def _(bench: LifecycleBench, run: Run, world: dict[str, Any], who: str) -> None:
    bench.advance(minutes=3)
    assert run(bench.escalate()) == 1
    alert = the_alert(bench, world, "Elena")
    assert bench.told_users(alert, level=2)
    assert someone(bench, world, who).id not in bench.told_users(alert, level=2)


@then(parsers.re(r"se le rechaza porque todavía tiene a su cargo a (?P<name>\w+)"))
def _(world: dict[str, Any], name: str) -> None:
    assert refused(world, Conflict).details["cared_person_ids"] == [
        str(world["persons"][name].id)]


@then(parsers.re(r"la cuenta de (?P<who>\w+) está dada de baja"))
def _(bench: LifecycleBench, world: dict[str, Any], who: str) -> None:
    assert world["error"] is None, world["error"]
    assert not someone(bench, world, who).is_active


@then(parsers.re(r'la cuenta de (?P<who>\w+) se llama "(?P<called>[^"]+)" y no tiene su '
                 r"correo ni su teléfono"))
def _(bench: LifecycleBench, world: dict[str, Any], who: str, called: str) -> None:
    erased = someone(bench, world, who)
    assert erased.full_name == called and erased.phone is None
    assert str(erased.email) != f"{who.lower()}@example.com"


@then(parsers.re(r"alguien puede registrarse con el correo que tenía (?P<who>\w+)"))
def _(bench: LifecycleBench, run: Run, who: str) -> None:
    run(bench.call(RegisterUser, RegisterUserCommand(f"{who.lower()}@example.com",
                                                     "una clave larga", who, "Nuevo")))


@then(parsers.re(r"(?P<who>\w+) no puede reactivar la cuenta de (?P<name>\w+)"))
def _(bench: LifecycleBench, run: Run, world: dict[str, Any], who: str, name: str) -> None:
    command = UserLifecycleCommand(someone(bench, world, who).id, someone(bench, world, name).id)
    attempt(world, run, bench.call(ReactivateUser, command))
    assert refused(world, InvalidStateTransition).details["status"] == "erased"

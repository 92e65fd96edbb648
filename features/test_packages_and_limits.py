"""Steps of packages_and_limits.feature: the catalogue and the package-limit gate, on
in-memory adapters."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from cuiot.application.billing.commands.packages import CreatePackage, CreatePackageCommand
from cuiot.application.billing.commands.plan_changes import ChangePlan, ChangePlanCommand
from cuiot.application.billing.commands.subscriptions import Subscribe, SubscribeCommand
from cuiot.application.billing.limits import ensure_within_limits
from cuiot.domain.billing_limits import BYTES_PER_GB
from cuiot.domain.errors import DomainError, PackageLimitExceeded
from cuiot.domain.packages import BillingCycle
from cuiot.domain.subscriptions import SubscriptionStatus
from tests.support.billing import (
    CYCLES,
    DIMENSIONS,
    PACKAGE_TYPES,
    SUPPORT,
    BillingWorld,
    amount_text,
    parse_cents,
    parse_day,
    parse_number,
)

scenarios("packages_and_limits.feature")

Run = Callable[[Awaitable[Any]], Any]
NAME = r"[A-ZÁÉÍÓÚÑ]\w+"
DATE = r"\d\d/\d\d/\d{4}"
AMOUNT = r"[\d.]+,\d\d"
PACKAGE = "|".join(PACKAGE_TYPES)


@pytest.fixture
def billing() -> BillingWorld:
    return BillingWorld()


def attempt(world: dict[str, Any], run: Run, call: Awaitable[Any]) -> None:
    world["result"], world["error"] = None, None
    try:
        world["result"] = run(call)
    except DomainError as error:
        world["error"] = error


def person_of(billing: BillingWorld, run: Run, world: dict[str, Any], name: str) -> Any:
    """The cared person held by ``name``'s account (created on first use)."""
    if name not in world.setdefault("persons", {}):
        world["persons"][name] = run(billing.cared_person(billing.users[name]))
    return world["persons"][name]


def shown(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".replace(".", ",")


# Dado


@given("el catálogo inicial de paquetes")
def _(billing: BillingWorld, run: Run) -> None:
    run(billing.seed_catalogue())


@given(parsers.re(rf"que hoy es el (?P<today>{DATE})"))
def _(billing: BillingWorld, today: str) -> None:
    billing.on(parse_day(today))


@given(parsers.re(rf"que (?P<name>{NAME}) está registrad[oa], nacid[oa] el (?P<born>{DATE})"))
def _(billing: BillingWorld, run: Run, name: str, born: str) -> None:
    run(billing.user(name, born=parse_day(born)))


@given(parsers.re(rf"que (?P<name>{NAME}) es administrador(?:a)?"))
def _(billing: BillingWorld, run: Run, name: str) -> None:
    run(billing.user(name, admin=True))


@given(parsers.re(rf"que la cuenta de (?P<name>{NAME}) usa (?P<amount>[\d,]+) "
                  r"(?P<what>usuarios|dispositivos|GB de almacenamiento)"))
def _(billing: BillingWorld, run: Run, world: dict[str, Any], name: str, amount: str,
      what: str) -> None:
    person = person_of(billing, run, world, name)
    if what == "usuarios":  # the account holder is one of them
        run(billing.members(person, int(amount) - 1))
    elif what == "dispositivos":
        run(billing.devices(person, int(amount)))
    else:
        run(billing.stored(person, extra_bytes=int(Decimal(amount.replace(",", "."))
                                                    * BYTES_PER_GB)))


@given(parsers.re(rf"que la cuenta de (?P<name>{NAME}) tiene (?P<count>\d+) "
                  r"dispositivos dados de baja"))
def _(billing: BillingWorld, run: Run, world: dict[str, Any], name: str, count: str) -> None:
    run(billing.devices(person_of(billing, run, world, name), int(count), active=False))


@given(parsers.re(rf"que (?P<name>{NAME}) dirige la institución (?P<title>.+)"))
def _(billing: BillingWorld, run: Run, world: dict[str, Any], name: str, title: str) -> None:
    world["institution"] = run(billing.institution(billing.users[name]))


@given(parsers.re(r"que la institución tiene (?P<count>\d+) pacientes"))
def _(billing: BillingWorld, run: Run, world: dict[str, Any], count: str) -> None:
    institution = world["institution"]
    holder = next(u for u in billing.users.values() if u.id == institution.admin_id)
    run(billing.patients(institution, holder, int(count)))


@given(parsers.re(rf"que (?P<name>{NAME}) tiene el paquete (?P<package>{PACKAGE}) "
                  r"(?P<cycle>mensual|anual)"))
def _(billing: BillingWorld, run: Run, world: dict[str, Any], name: str, package: str,
      cycle: str) -> None:
    subscribe = billing.use_case(Subscribe)
    world["subscription"] = run(subscribe(SubscribeCommand(
        billing.users[name].id, billing.package_id(PACKAGE_TYPES[package]),
        CYCLES[cycle]))).subscription


# Cuando


@when(parsers.re(rf"(?P<name>{NAME}) contrata el paquete (?P<package>{PACKAGE}) "
                 r"(?P<cycle>mensual|anual)(?P<institution> para la institución)?"))
def _(billing: BillingWorld, run: Run, world: dict[str, Any], name: str, package: str,
      cycle: str, institution: str | None) -> None:
    subscribe = billing.use_case(Subscribe)
    attempt(world, run, subscribe(SubscribeCommand(
        billing.users[name].id, billing.package_id(PACKAGE_TYPES[package]), CYCLES[cycle],
        institution_id=world["institution"].id if institution else None)))


@when(parsers.re(rf"(?P<name>{NAME}) pide pasar al paquete (?P<package>{PACKAGE})"))
def _(billing: BillingWorld, run: Run, world: dict[str, Any], name: str, package: str) -> None:
    change = billing.use_case(ChangePlan)
    attempt(world, run, change(ChangePlanCommand(
        billing.users[name].id, world["subscription"].id,
        billing.package_id(PACKAGE_TYPES[package]))))


@when(parsers.re(rf"se controla si (?P<name>{NAME}) puede sumar (?P<count>\d+) "
                 r"dispositivos?"))
def _(billing: BillingWorld, run: Run, world: dict[str, Any], name: str, count: str) -> None:
    attempt(world, run, ensure_within_limits(
        billing.uow(), account_id=billing.users[name].id, adding={"devices": int(count)},
        policy=billing.policy))


@when(parsers.re(rf'(?P<name>{NAME}) crea el paquete "(?P<title>[^"]+)" a \$ (?P<monthly>{AMOUNT}) '
                 r"por mes sin precio anual"))
def _(billing: BillingWorld, run: Run, world: dict[str, Any], name: str, title: str,
      monthly: str) -> None:
    create = billing.use_case(CreatePackage)
    attempt(world, run, create(CreatePackageCommand(
        actor_id=billing.users[name].id, type="premium", name=title,
        price_monthly_cents=parse_cents(monthly), max_users=10, max_devices=20,
        max_storage_gb=100, support_level="phone")))


# Entonces


@then(parsers.re(rf"el paquete (?P<package>{PACKAGE}) cuesta \$ (?P<monthly>{AMOUNT}) por mes "
                 rf"y \$ (?P<yearly>{AMOUNT}) por año"))
def _(billing: BillingWorld, world: dict[str, Any], package: str, monthly: str,
      yearly: str) -> None:
    found = world["package"] = billing.package(PACKAGE_TYPES[package])
    assert amount_text(found.price_for(BillingCycle.MONTHLY)) == monthly
    assert amount_text(found.price_for(BillingCycle.YEARLY)) == yearly


@then(parsers.re(r"admite (?P<users>\d+) usuarios, (?P<devices>\d+) dispositivos y "
                 r"(?P<storage>\d+) GB de almacenamiento"))
def _(world: dict[str, Any], users: str, devices: str, storage: str) -> None:
    limits = world["package"].limits
    assert (limits.max_users, limits.max_devices, limits.max_storage_gb) == (
        int(users), int(devices), int(storage))


@then(parsers.re(r"su soporte es por (?P<support>.+)"))
def _(world: dict[str, Any], support: str) -> None:
    assert world["package"].support_level.value == SUPPORT[support]


@then(parsers.re(r"el paquete institucional admite (?P<count>\d+) pacientes"))
def _(billing: BillingWorld, count: str) -> None:
    assert billing.package("institutional").limits.max_patients == int(count)


@then("los paquetes básico, familiar, premium y profesional no limitan pacientes")
def _(billing: BillingWorld) -> None:
    for type_ in ("basic", "familiar", "premium", "professional"):
        assert billing.package(type_).limits.max_patients is None


@then(parsers.re(rf'el paquete "(?P<title>[^"]+)" cuesta \$ (?P<yearly>{AMOUNT}) por año'))
def _(world: dict[str, Any], title: str, yearly: str) -> None:
    created = world["result"]
    assert world["error"] is None and created.name == title
    assert amount_text(created.price_for(BillingCycle.YEARLY)) == yearly


@then(parsers.re(rf"el valor mensual del paquete (?P<package>{PACKAGE}) pagado por año "
                 rf"es \$ (?P<monthly>{AMOUNT})"))
def _(billing: BillingWorld, package: str, monthly: str) -> None:
    found = billing.package(PACKAGE_TYPES[package])
    assert amount_text(found.monthly_equivalent(BillingCycle.YEARLY)) == monthly


@then("la contratación queda activa")
def _(world: dict[str, Any]) -> None:
    assert world["error"] is None, world["error"]
    assert world["result"].subscription.status is SubscriptionStatus.ACTIVE


@then("el cambio queda programado para la renovación")
def _(billing: BillingWorld, world: dict[str, Any]) -> None:
    assert world["error"] is None, world["error"]
    assert world["result"].scheduled
    assert world["result"].subscription.scheduled_package_id == billing.package_id("familiar")


@then("se permite")
def _(world: dict[str, Any]) -> None:
    assert world["error"] is None, world["error"]


@then(parsers.re(r"se rechaza por exceder (?P<label>[\w ]+): (?P<used>[\d,]+) de "
                 r"(?P<limit>\d+)"))
def _(world: dict[str, Any], label: str, used: str, limit: str) -> None:
    """Contracting or downgrading adds nothing: what is used is what does not fit."""
    error = world["error"]
    assert isinstance(error, PackageLimitExceeded), error
    assert error.exceeded == [{"dimension": DIMENSIONS[label], "used": parse_number(used),
                               "requested": 0, "limit": int(limit)}]


@then(parsers.re(r"se rechaza por exceder (?P<label>[\w ]+): (?P<used>\d+) usados más "
                 r"(?P<requested>\d+) pedidos?, de (?P<limit>\d+)"))
def _(world: dict[str, Any], label: str, used: str, requested: str, limit: str) -> None:
    error = world["error"]
    assert isinstance(error, PackageLimitExceeded), error
    assert error.exceeded == [{"dimension": DIMENSIONS[label], "used": int(used),
                               "requested": int(requested), "limit": int(limit)}]


@then("se rechaza por exceder estos límites:")
def _(world: dict[str, Any], datatable: list[list[str]]) -> None:
    error = world["error"]
    assert isinstance(error, PackageLimitExceeded), error
    _, *rows = datatable
    assert [(e["dimension"], shown(e["used"]), shown(e["requested"]), str(e["limit"]))
            for e in error.exceeded] == [
        tuple(cell.strip() for cell in (DIMENSIONS[label.strip()], used, requested, limit))
        for label, used, requested, limit in rows]


@then(parsers.re(rf"(?P<name>{NAME}) no tiene facturas"))
def _(billing: BillingWorld) -> None:
    assert not billing.store.invoices.items


@then(parsers.re(rf"(?P<name>{NAME}) sigue con el paquete (?P<package>{PACKAGE}) "
                 r"sin cambios programados"))
def _(billing: BillingWorld, run: Run, world: dict[str, Any], package: str) -> None:
    stored = run(billing.store.subscriptions.get(world["subscription"].id))
    assert stored.package_id == billing.package_id(PACKAGE_TYPES[package])
    assert stored.scheduled_package_id is None

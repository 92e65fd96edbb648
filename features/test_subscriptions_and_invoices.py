"""Steps of subscriptions_and_invoices.feature: subscribing, changing plan, the billing
run and payments, on in-memory adapters."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from cuiot.application.billing.commands.billing_run import (
    BillingRunSummary,
    RunBilling,
    RunBillingCommand,
)
from cuiot.application.billing.commands.invoices import PayInvoice, PayInvoiceCommand
from cuiot.application.billing.commands.packages import CreatePackage, CreatePackageCommand
from cuiot.application.billing.commands.plan_changes import ChangePlan, ChangePlanCommand
from cuiot.application.billing.commands.subscriptions import (
    CancelSubscription,
    CancelSubscriptionCommand,
    Subscribe,
    SubscribeCommand,
)
from cuiot.application.billing.queries.invoices import GetInvoice, GetInvoiceQuery
from cuiot.application.shared.queries import Viewer
from cuiot.domain.errors import (
    Conflict,
    DomainError,
    LegalCapacityDenied,
    NotFound,
    PackageLimitExceeded,
)
from cuiot.domain.invoices import Invoice, InvoiceKind
from cuiot.domain.subscriptions import Subscription
from cuiot.domain.users import CapacityStatus
from tests.fakes.billing import InMemoryInvoiceViews
from tests.support.billing import (
    CYCLES,
    DIMENSIONS,
    PACKAGE_TYPES,
    BillingWorld,
    amount_text,
    parse_cents,
    parse_day,
)

scenarios("subscriptions_and_invoices.feature")

Run = Callable[[Awaitable[Any]], Any]
NAME = r"[A-ZÁÉÍÓÚÑ]\w+"
DATE = r"\d\d/\d\d/\d{4}"
AMOUNT = r"[\d.]+,\d\d"
PACKAGE = "|".join(PACKAGE_TYPES)
REASONS = {"menor de edad": "minor", "capacidad restringida": "restricted_capacity",
           "sin fecha de nacimiento": "missing_date_of_birth",
           "sin representante vigente": "no_active_representative"}
SUBSCRIPTION_STATUS = {"activa": "active", "suspendida": "suspended", "cancelada": "cancelled",
                       "terminada": "expired"}
INVOICE_STATUS = {"pendiente": "pending", "vencida": "overdue", "pagada": "paid"}


@pytest.fixture
def billing() -> BillingWorld:
    return BillingWorld()


def attempt(world: dict[str, Any], run: Run, call: Awaitable[Any]) -> None:
    world["result"], world["error"] = None, None
    try:
        world["result"] = run(call)
    except DomainError as error:
        world["error"] = error


def subscription_of(billing: BillingWorld, name: str) -> Subscription:
    user_id = billing.users[name].id
    return max((s for s in billing.store.subscriptions.all() if s.subscriber_id == user_id),
               key=lambda s: s.created_at)


def invoices(billing: BillingWorld, name: str | None = None) -> list[Invoice]:
    found = sorted(billing.store.invoices.all(), key=lambda i: (i.issue_date, i.number))
    if name is None:
        return found
    return [i for i in found if i.subscription_id == subscription_of(billing, name).id]


def subscribe(billing: BillingWorld, name: str, package_id: Any, cycle: str,
              **extra: Any) -> Awaitable[Any]:
    return billing.use_case(Subscribe)(SubscribeCommand(billing.users[name].id, package_id,
                                                        CYCLES[cycle], **extra))


def pay_first_invoice(billing: BillingWorld, admin: str, name: str) -> Awaitable[Any]:
    return billing.use_case(PayInvoice)(PayInvoiceCommand(billing.users[admin].id,
                                                          invoices(billing, name)[0].id))


def run_billing(billing: BillingWorld, run: Run, on: str) -> BillingRunSummary:
    billing.on(parse_day(on))
    return run(billing.use_case(RunBilling)(RunBillingCommand(parse_day(on))))


# Dado


@given("el catálogo inicial de paquetes")
def _(billing: BillingWorld, run: Run) -> None:
    run(billing.seed_catalogue())


@given(parsers.re(rf"que hoy es el (?P<today>{DATE})"))
def _(billing: BillingWorld, today: str) -> None:
    billing.on(parse_day(today))


@given(parsers.re(rf"que (?P<name>{NAME}) está registrad[oa], (?:nacid[oa] el (?P<born>{DATE})"
                  r"(?: con capacidad (?P<capacity>restringida))?|sin fecha de nacimiento)"))
def _(billing: BillingWorld, run: Run, name: str, born: str | None,
      capacity: str | None) -> None:
    status = CapacityStatus.RESTRICTED if capacity else CapacityStatus.FULL
    run(billing.user(name, born=parse_day(born) if born else None, capacity=status))


@given(parsers.re(rf"que (?P<name>{NAME}) es administrador(?:a)?"))
def _(billing: BillingWorld, run: Run, name: str) -> None:
    run(billing.user(name, admin=True))


@given(parsers.re(rf'que (?P<admin>{NAME}) ofrece el paquete "(?P<title>[^"]+)" a '
                  rf"\$ (?P<monthly>{AMOUNT}) por mes"))
def _(billing: BillingWorld, run: Run, world: dict[str, Any], admin: str, title: str,
      monthly: str) -> None:
    create = billing.use_case(CreatePackage)
    package = run(create(CreatePackageCommand(
        actor_id=billing.users[admin].id, type="basic", name=title,
        price_monthly_cents=parse_cents(monthly), max_users=2, max_devices=3,
        max_storage_gb=5, support_level="email")))
    world.setdefault("offered", {})[title] = package


@given(parsers.re(rf"que (?P<name>{NAME}) tiene el paquete (?P<package>{PACKAGE}) "
                  r"(?P<cycle>mensual|anual)(?P<manual> sin renovación automática)?"))
def _(billing: BillingWorld, run: Run, name: str, package: str, cycle: str,
      manual: str | None) -> None:
    run(subscribe(billing, name, billing.package_id(PACKAGE_TYPES[package]), cycle,
                  auto_renew=not manual))


@given(parsers.re(rf"que (?P<holder>{NAME}) tiene a su cargo a (?P<person>{NAME})"))
def _(billing: BillingWorld, run: Run, world: dict[str, Any], holder: str, person: str) -> None:
    world.setdefault("cared", {})[person] = run(billing.cared_person(billing.users[holder],
                                                                     name=person))


@given(parsers.re(rf"que (?P<name>{NAME}) pidió ser representante de (?P<person>{NAME}) "
                  r"sin que se verifique"))
def _(billing: BillingWorld, run: Run, world: dict[str, Any], name: str, person: str) -> None:
    run(billing.representation(world["cared"][person], billing.users[name], verified=False))


@given(parsers.re(rf"que (?P<name>{NAME}) es la representante verificada de (?P<person>{NAME})"))
def _(billing: BillingWorld, run: Run, world: dict[str, Any], name: str, person: str) -> None:
    run(billing.representation(world["cared"][person], billing.users[name]))


@given(parsers.re(rf"que la cuenta de (?P<name>{NAME}) usa (?P<count>\d+) dispositivos"))
def _(billing: BillingWorld, run: Run, name: str, count: str) -> None:
    person = run(billing.cared_person(billing.users[name]))
    run(billing.devices(person, int(count)))


@given(parsers.re(rf"que (?P<name>{NAME}) canceló su suscripción"))
def _(billing: BillingWorld, run: Run, name: str) -> None:
    cancel = billing.use_case(CancelSubscription)
    run(cancel(CancelSubscriptionCommand(billing.users[name].id,
                                         subscription_of(billing, name).id)))


@given(parsers.re(rf"que (?P<admin>{NAME}) registró el pago de la primera factura de "
                  rf"(?P<name>{NAME})"))
def _(billing: BillingWorld, run: Run, admin: str, name: str) -> None:
    run(pay_first_invoice(billing, admin, name))


@given(parsers.re(rf"que corrió la facturación del (?P<on>{DATE})"))
def _(billing: BillingWorld, run: Run, on: str) -> None:
    run_billing(billing, run, on)


# Cuando


@when(parsers.re(rf"(?P<name>{NAME}) contrata el paquete (?P<package>{PACKAGE}) "
                 rf"(?P<cycle>mensual|anual)(?: para (?P<person>{NAME}))?"))
def _(billing: BillingWorld, run: Run, world: dict[str, Any], name: str, package: str,
      cycle: str, person: str | None) -> None:
    cared_id = world["cared"][person].id if person else None
    attempt(world, run, subscribe(billing, name, billing.package_id(PACKAGE_TYPES[package]),
                                  cycle, cared_person_id=cared_id))


@when(parsers.re(rf'(?P<name>{NAME}) contrata el paquete "(?P<title>[^"]+)" '
                 r"(?P<cycle>mensual|anual)"))
def _(billing: BillingWorld, run: Run, world: dict[str, Any], name: str, title: str,
      cycle: str) -> None:
    attempt(world, run, subscribe(billing, name, world["offered"][title].id, cycle))


@when(parsers.re(rf"(?P<name>{NAME}) pide pasar al paquete (?P<package>{PACKAGE})"))
def _(billing: BillingWorld, run: Run, world: dict[str, Any], name: str, package: str) -> None:
    change = billing.use_case(ChangePlan)
    attempt(world, run, change(ChangePlanCommand(
        billing.users[name].id, subscription_of(billing, name).id,
        billing.package_id(PACKAGE_TYPES[package]))))


@when(parsers.re(rf"corre la facturación del (?P<on>{DATE})"))
def _(billing: BillingWorld, run: Run, world: dict[str, Any], on: str) -> None:
    world["summary"] = run_billing(billing, run, on)


@when(parsers.re(rf"(?P<admin>{NAME}) registra el pago de la primera factura de "
                 rf"(?P<name>{NAME})"))
def _(billing: BillingWorld, run: Run, world: dict[str, Any], admin: str, name: str) -> None:
    attempt(world, run, pay_first_invoice(billing, admin, name))


@when(parsers.re(rf"(?P<other>{NAME}) busca la primera factura de (?P<name>{NAME})"))
def _(billing: BillingWorld, run: Run, world: dict[str, Any], other: str, name: str) -> None:
    get = GetInvoice(InMemoryInvoiceViews(billing.store), billing.clock)
    who = billing.users[other]
    viewer = Viewer.of(who.id, frozenset(who.active_roles(billing.clock.now())))
    attempt(world, run, get(GetInvoiceQuery(viewer, invoices(billing, name)[0].id)))


# Entonces


@then(parsers.re(rf"la suscripción de (?P<name>{NAME}) queda activa del (?P<start>{DATE}) "
                 rf"al (?P<end>{DATE})"))
def _(billing: BillingWorld, world: dict[str, Any], name: str, start: str, end: str) -> None:
    assert world.get("error") is None, world.get("error")
    sub = subscription_of(billing, name)
    assert sub.status.value == "active"
    assert (sub.current_period_start, sub.current_period_end) == (parse_day(start),
                                                                  parse_day(end))


@then(parsers.re(rf"se emite la factura (?P<number>CU-\d{{4}}-\d{{6}}) por \$ (?P<amount>{AMOUNT}) "
                 rf"más IVA \$ (?P<tax>{AMOUNT}), total \$ (?P<total>{AMOUNT})"))
def _(world: dict[str, Any], number: str, amount: str, tax: str, total: str) -> None:
    assert world["error"] is None, world["error"]
    invoice = world["result"].invoice
    assert invoice.number == number
    assert (amount_text(invoice.amount), amount_text(invoice.tax),
            amount_text(invoice.total)) == (amount, tax, total)


@then(parsers.re(rf"la factura vence el (?P<due>{DATE})"))
def _(world: dict[str, Any], due: str) -> None:
    assert world["result"].invoice.due_date == parse_day(due)


@then(parsers.re(rf"el período facturado termina el (?P<end>{DATE})"))
def _(world: dict[str, Any], end: str) -> None:
    assert world["result"].invoice.period_end == parse_day(end)


@then(parsers.re(r"las facturas emitidas son (?P<first>CU-[\d-]+) y (?P<second>CU-[\d-]+)"))
def _(billing: BillingWorld, first: str, second: str) -> None:
    assert [i.number for i in invoices(billing)] == [first, second]


@then(parsers.re(r"hay (?P<count>\d+) facturas? emitidas?"))
def _(billing: BillingWorld, count: str) -> None:
    assert len(invoices(billing)) == int(count)


@then("se rechaza porque la cuenta ya tiene una suscripción activa")
def _(world: dict[str, Any]) -> None:
    assert isinstance(world["error"], Conflict), world["error"]
    assert "subscription_id" in world["error"].details


@then(parsers.re(r"se rechaza por capacidad legal: (?P<reason>.+)"))
def _(world: dict[str, Any], reason: str) -> None:
    assert isinstance(world["error"], LegalCapacityDenied), world["error"]
    assert world["error"].reason == REASONS[reason]


@then(parsers.re(rf"(?P<name>{NAME}) ya tiene el paquete (?P<package>{PACKAGE})"))
def _(billing: BillingWorld, name: str, package: str) -> None:
    sub = subscription_of(billing, name)
    assert sub.package_id == billing.package_id(PACKAGE_TYPES[package])


@then(parsers.re(rf"se emite una factura de ajuste por \$ (?P<amount>{AMOUNT}) "
                 rf"más IVA \$ (?P<tax>{AMOUNT})"))
def _(world: dict[str, Any], amount: str, tax: str) -> None:
    assert world["error"] is None, world["error"]
    invoice = world["result"].invoice
    assert invoice.kind is InvoiceKind.PRORATION
    assert (amount_text(invoice.amount), amount_text(invoice.tax)) == (amount, tax)


@then(parsers.re(rf"la última factura es por \$ (?P<amount>{AMOUNT}) del (?P<start>{DATE}) "
                 rf"al (?P<end>{DATE})"))
def _(billing: BillingWorld, amount: str, start: str, end: str) -> None:
    latest = invoices(billing)[-1]
    assert amount_text(latest.amount) == amount
    assert (latest.period_start, latest.period_end) == (parse_day(start), parse_day(end))


@then(parsers.re(r"se rechaza por exceder (?P<label>[\w ]+): (?P<used>\d+) de (?P<limit>\d+)"))
def _(world: dict[str, Any], label: str, used: str, limit: str) -> None:
    assert isinstance(world["error"], PackageLimitExceeded), world["error"]
    assert world["error"].exceeded == [{"dimension": DIMENSIONS[label], "used": int(used),
                                        "requested": 0, "limit": int(limit)}]


@then(parsers.re(rf"la suscripción de (?P<name>{NAME}) está (?P<status>\w+)"))
def _(billing: BillingWorld, name: str, status: str) -> None:
    assert subscription_of(billing, name).status.value == SUBSCRIPTION_STATUS[status]


@then(parsers.re(rf"la primera factura de (?P<name>{NAME}) está (?P<status>\w+)"))
def _(billing: BillingWorld, name: str, status: str) -> None:
    assert invoices(billing, name)[0].status.value == INVOICE_STATUS[status]


@then("se rechaza porque la factura ya está pagada")
def _(world: dict[str, Any]) -> None:
    assert isinstance(world["error"], Conflict), world["error"]
    assert world["error"].details["number"] == "CU-2026-000001"


@then("la facturación no renueva, no termina, no marca vencidas ni suspende nada")
def _(world: dict[str, Any]) -> None:
    assert world["summary"] == BillingRunSummary()


@then("no la encuentra")
def _(world: dict[str, Any]) -> None:
    assert isinstance(world["error"], NotFound), world["error"]


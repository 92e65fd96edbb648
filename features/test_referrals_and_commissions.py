"""Steps of referrals_and_commissions.feature: the referral use cases and queries on the
real unit of work and views (SQLite and PostgreSQL), and the referral hooks called the
way registration, payment and cancellation call them."""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pytest_bdd import given, parsers, scenarios, then, when
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from cuiot.adapters.persistence.database import create_engine
from cuiot.adapters.persistence.orm.referrals import referrals
from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.referrals import SqlReferralViews
from cuiot.application.referrals.commands.commissions import PayCommission, PayCommissionCommand
from cuiot.application.referrals.commands.referrals import (
    ExpireReferrals,
    GenerateReferral,
    GenerateReferralCommand,
    UpdateReferralStatus,
    UpdateReferralStatusCommand,
)
from cuiot.application.referrals.hooks import (
    on_invoice_paid,
    on_subscription_cancelled,
    register_referred_user,
)
from cuiot.application.referrals.ports import CommissionRecord
from cuiot.application.referrals.queries.commissions import (
    ListMyCommissions,
    ListMyCommissionsQuery,
)
from cuiot.application.referrals.queries.referrals import (
    ListMyReferrals,
    ListMyReferralsQuery,
    ReferralStats,
    ReferralStatsQuery,
    ValidateReferral,
    ValidateReferralQuery,
)
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidStateTransition,
    ReferralInvalid,
    ValidationFailed,
)
from cuiot.domain.money import Money
from cuiot.domain.policy import DEFAULT_POLICY
from cuiot.domain.referrals import Referral, ReferralCode
from cuiot.domain.users import Role, User
from cuiot.domain.values import EmailAddress
from tests.fakes.system import (
    FixedClock,
    RecordingEventPublisher,
    SeededRandomSource,
    SequentialIdGenerator,
)

scenarios("referrals_and_commissions.feature")

POLICY = DEFAULT_POLICY
LOCAL = ZoneInfo(POLICY.timezone)
ROLES = {"cuidador": Role.CAREGIVER, "administrador de institución": Role.INSTITUTION_ADMIN,
         "familiar": Role.FAMILY, "persona cuidada": Role.CARED_PERSON,
         "administrador": Role.ADMIN}
TYPES = {"cuidador": "caregiver", "institución": "institution", "familiar": "family",
         "persona cuidada": "cared_person"}
STATES = {"pendiente": "pending", "registrada": "registered", "convertida": "converted",
          "vencida": "expired"}
REASONS = {"válido": None, "código desconocido": "unknown_code",
           "ya no está pendiente": "not_pending", "vencido": "expired",
           "el correo no coincide": "email_mismatch"}
COMMISSION_STATES = {"pendiente": "pending", "pagada": "paid", "cancelada": "cancelled"}
Q = r'"(?P<{}>[^"]+)"'  # a quoted value
Run = Callable[[Awaitable[Any]], Any]
Read = Callable[..., Any]


class ScriptedRandomSource(SeededRandomSource):
    """Seeded randomness that first hands out the codes a scenario scripted."""

    def __init__(self) -> None:
        super().__init__(7)
        self.script: deque[str] = deque()

    def choose(self, alphabet: str, length: int) -> str:
        return self.script.popleft() if self.script else super().choose(alphabet, length)


def ars(text: str) -> Money:
    return Money(int(Decimal(text.replace(",", "")) * 100))


def add_months(day: date, months: int) -> date:
    years, month = divmod(day.month - 1 + months, 12)
    return day.replace(year=day.year + years, month=month + 1, day=1)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 1, 12, tzinfo=LOCAL))


@pytest.fixture
def ids() -> SequentialIdGenerator:
    return SequentialIdGenerator()


@pytest.fixture
def rng() -> ScriptedRandomSource:
    return ScriptedRandomSource()


@pytest.fixture(autouse=True)
def engine(database_url: str, run: Run) -> Iterator[AsyncEngine]:
    """The database of the scenario, on the steps' event loop: every scenario runs on
    SQLite and on PostgreSQL (``database_url`` is parametrized)."""
    engine = create_engine(database_url)
    yield engine
    run(engine.dispose())


@pytest.fixture
def uow(engine: AsyncEngine) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork(engine, RecordingEventPublisher())


@pytest.fixture
def read(engine: AsyncEngine, run: Run, clock: FixedClock) -> Callable[..., Any]:
    """Run a query as a route does: its handler on the views, in one read transaction."""
    def read(handler: Callable[..., Any], query: Any, **extra: Any) -> Any:
        async def go() -> Any:
            async with ReadSide(engine).transaction() as conn:
                return await handler(SqlReferralViews(conn), clock=clock, **extra)(query)
        return run(go())
    return read


@pytest.fixture
def world() -> dict[str, Any]:
    return {"users": {}, "registered": {}, "subscriptions": {}, "first_period": {},
            "later_months": {}, "error": None, "invited": 0}


def attempt(world: dict, run: Run, awaitable: Awaitable[Any]) -> Any:
    world["error"] = None
    try:
        return run(awaitable)
    except DomainError as error:
        world["error"] = error
        return None


def in_uow(uow: SqlAlchemyUnitOfWork, action: Callable[[], Awaitable[None]]) -> Awaitable[None]:
    async def go() -> None:
        async with uow:
            await action()
            await uow.commit()
    return go()


def latest_referral(run: Run, uow: SqlAlchemyUnitOfWork, email: str,
                    referrer: User | None = None) -> Referral:
    """The newest referral inviting ``email`` (of ``referrer``), as stored."""
    async def find() -> Referral:
        r = referrals.c
        async with uow:
            found = await uow.session.scalars(
                select(Referral).where(r.email == EmailAddress(email).value,
                                       *([r.referrer_id == referrer.id] if referrer else []))
                .order_by(r.created_at.desc(), r.id.desc()).limit(1))
            return found.one()
    return run(find())


def viewer(world: dict, name: str) -> Viewer:
    return Viewer(world["users"][name].id)


def commissions_of(read: Read, world: dict, name: str,
                   kind: str | None = None) -> list[CommissionRecord]:
    mine = read(ListMyCommissions, ListMyCommissionsQuery(viewer(world, name), Window(0, 1000)))
    return [c for c in mine if kind is None or c.type == kind]


# --- People and time -------------------------------------------------------------------

@given(parsers.parse('que hoy es "{day}"'))
def _(clock: FixedClock, day: str) -> None:
    clock.set(datetime.combine(date.fromisoformat(day), time(12), LOCAL))


@given(parsers.parse("pasan {days:d} días"))
def _(clock: FixedClock, days: int) -> None:
    clock.advance(timedelta(days=days))


@given(parsers.parse('"{name}" tiene el rol "{role}"'))
def _(run: Run, uow: SqlAlchemyUnitOfWork, ids: SequentialIdGenerator, clock: FixedClock,
      world: dict, name: str, role: str) -> None:
    user = User(id=ids.new_id(), email=EmailAddress(f"{name.lower()}@ejemplo.com"),
                password_hash="x", first_name=name, last_name="Prueba", created_at=clock.now())
    user.grant_role(ROLES[role], clock.now())
    run(in_uow(uow, lambda: uow.users.add(user)))
    world["users"][name] = user


@given(parsers.parse('que los próximos códigos sorteados son "{codes}"'))
def _(rng: ScriptedRandomSource, codes: str) -> None:
    rng.script.extend(code.strip() for code in codes.split(","))


# --- The code ----------------------------------------------------------------------------

@when(parsers.parse('se escribe el código "{text}"'))
def _(world: dict, text: str) -> None:
    try:
        world["code"], world["error"] = ReferralCode(text), None
    except ValidationFailed as error:
        world["code"], world["error"] = None, error


@then(parsers.parse("el código es aceptado como {expected}"))
def _(world: dict, expected: str) -> None:
    assert world["error"] is None and world["code"].value == expected


@then("el código es rechazado")
def _(world: dict) -> None:
    assert world["code"] is None and isinstance(world["error"], ValidationFailed)


# --- Inviting ------------------------------------------------------------------------------

def invite(run: Run, uow: SqlAlchemyUnitOfWork, clock: FixedClock, ids: SequentialIdGenerator,
           rng: ScriptedRandomSource, world: dict, name: str, email: str, kind: str) -> None:
    generate = GenerateReferral(uow, clock, ids, rng, POLICY)
    command = GenerateReferralCommand(world["users"][name].id, email, TYPES[kind])
    world["referral"] = attempt(world, run, generate(command))


@when(parsers.re(rf'{Q.format("name")} invita a {Q.format("email")} como (?P<kind>.+)'))
def _(run: Run, uow: SqlAlchemyUnitOfWork, clock: FixedClock, ids: SequentialIdGenerator,
      rng: ScriptedRandomSource, world: dict, name: str, email: str, kind: str) -> None:
    invite(run, uow, clock, ids, rng, world, name, email, kind)


@given(parsers.re(rf'{Q.format("name")} invitó a {Q.format("email")} como (?P<kind>.+)'))
def _(run: Run, uow: SqlAlchemyUnitOfWork, clock: FixedClock, ids: SequentialIdGenerator,
      rng: ScriptedRandomSource, world: dict, name: str, email: str, kind: str) -> None:
    invite(run, uow, clock, ids, rng, world, name, email, kind)
    assert world["error"] is None, world["error"]


@then(parsers.re(rf'la invitación a {Q.format("email")} está (?P<state>\w+)'))
def _(run: Run, uow: SqlAlchemyUnitOfWork, email: str, state: str) -> None:
    assert latest_referral(run, uow, email).status == STATES[state]


@then(parsers.re(rf'la invitación de {Q.format("name")} a {Q.format("email")} está (?P<state>\w+)'))
def _(run: Run, uow: SqlAlchemyUnitOfWork, world: dict, name: str, email: str,
      state: str) -> None:
    assert latest_referral(run, uow, email, world["users"][name]).status == STATES[state]


@then(parsers.parse('su código tiene 8 caracteres de "{alphabet}"'))
def _(world: dict, alphabet: str) -> None:
    code = world["referral"].code.value
    assert len(code) == 8 and set(code) <= set(alphabet)


@then(parsers.re(rf'la invitación a {Q.format("email")} tiene el código {Q.format("code")}'))
def _(run: Run, uow: SqlAlchemyUnitOfWork, email: str, code: str) -> None:
    assert latest_referral(run, uow, email).code == ReferralCode(code)


@then("la invitación es rechazada porque no tiene el rol necesario")
def _(world: dict) -> None:
    assert isinstance(world["error"], Forbidden)


@then("la invitación es rechazada porque no puede invitarse a sí misma")
def _(world: dict) -> None:
    error = world["error"]
    assert isinstance(error, ValidationFailed) and error.details["reason"] == "self_referral"


@then("la invitación es rechazada porque ya hay una invitación abierta para ese correo")
def _(world: dict) -> None:
    error = world["error"]
    assert isinstance(error, Conflict) and error.details["reason"] == "open_referral_exists"


@then(parsers.re(rf'{Q.format("name")} tiene (?P<count>\d+) invitaciones a {Q.format("email")}, '
                 r"una vencida y una pendiente"))
def _(read: Read, world: dict, name: str, count: str, email: str) -> None:
    mine = read(ListMyReferrals, ListMyReferralsQuery(viewer(world, name)))
    statuses = sorted(r.status.value for r in mine if r.email == EmailAddress(email))
    assert len(statuses) == int(count) and statuses == ["expired", "pending"]


# --- Validating ---------------------------------------------------------------------------

def validate(read: Read, world: dict, code: str, email: str | None = None) -> None:
    world["validation"] = read(ValidateReferral, ValidateReferralQuery(code, email),
                               policy=POLICY)


@when(parsers.re(rf'alguien valida el código de {Q.format("invited")}'))
def _(run: Run, uow: SqlAlchemyUnitOfWork, read: Read, world: dict, invited: str) -> None:
    validate(read, world, latest_referral(run, uow, invited).code.value)


@when(parsers.re(rf'alguien valida el código de {Q.format("invited")} con el correo '
                 rf'{Q.format("email")}'))
def _(run: Run, uow: SqlAlchemyUnitOfWork, read: Read, world: dict, invited: str,
      email: str) -> None:
    validate(read, world, latest_referral(run, uow, invited).code.value, email)


@when(parsers.re(rf'alguien valida el código {Q.format("code")}'))
def _(read: Read, world: dict, code: str) -> None:
    validate(read, world, code)


@then(parsers.parse('el resultado de la validación es "{outcome}"'))
def _(world: dict, outcome: str) -> None:
    result = world["validation"]
    assert result.valid is (REASONS[outcome] is None) and result.reason == REASONS[outcome]


# --- Registering and expiring ------------------------------------------------------------

def register(run: Run, uow: SqlAlchemyUnitOfWork, ids: SequentialIdGenerator, clock: FixedClock,
             world: dict, email: str, code: str) -> None:
    user = User(id=ids.new_id(), email=EmailAddress(email), password_hash="x",
                first_name=email.split("@")[0], last_name="Invitada", created_at=clock.now())

    async def sign_up() -> None:
        await uow.users.add(user)
        await register_referred_user(uow, code=code, user=user, now=clock.now(), policy=POLICY)
    attempt(world, run, in_uow(uow, sign_up))
    if world["error"] is None:
        world["registered"][user.email.value] = user


@when(parsers.re(rf'{Q.format("email")} se registra con su código'))
@given(parsers.re(rf'{Q.format("email")} se registró con su código'))
def _(run: Run, uow: SqlAlchemyUnitOfWork, ids: SequentialIdGenerator, clock: FixedClock,
      world: dict, email: str) -> None:
    register(run, uow, ids, clock, world, email, latest_referral(run, uow, email).code.value)
    assert world["error"] is None, world["error"]


@when(parsers.re(rf'{Q.format("email")} se registra con el código de {Q.format("invited")}'))
def _(run: Run, uow: SqlAlchemyUnitOfWork, ids: SequentialIdGenerator, clock: FixedClock,
      world: dict, email: str, invited: str) -> None:
    register(run, uow, ids, clock, world, email, latest_referral(run, uow, invited).code.value)


@then(parsers.re(rf'la invitación a {Q.format("email")} apunta al nuevo usuario'))
def _(run: Run, uow: SqlAlchemyUnitOfWork, world: dict, email: str) -> None:
    user = world["registered"][EmailAddress(email).value]
    assert latest_referral(run, uow, email).referred_user_id == user.id


@then(parsers.parse('el registro es rechazado porque "{reason}"'))
def _(world: dict, reason: str) -> None:
    error = world["error"]
    assert isinstance(error, ReferralInvalid) and error.reason == REASONS[reason]


@given("corre el vencimiento de invitaciones")
@when("corre el vencimiento de invitaciones")
def _(run: Run, uow: SqlAlchemyUnitOfWork, clock: FixedClock, world: dict) -> None:
    world["expired"] = run(ExpireReferrals(uow, clock, POLICY)())


@then(parsers.parse("se vencen {count:d} invitaciones"))
def _(world: dict, count: int) -> None:
    assert world["expired"] == count


@when(parsers.re(rf'{Q.format("name")} cambia la invitación a {Q.format("email")} al estado '
                 rf'{Q.format("state")}'))
def _(run: Run, uow: SqlAlchemyUnitOfWork, clock: FixedClock, world: dict,
      name: str, email: str, state: str) -> None:
    command = UpdateReferralStatusCommand(world["users"][name].id,
                                          latest_referral(run, uow, email).id, STATES[state])
    attempt(world, run, UpdateReferralStatus(uow, clock)(command))


@then("el cambio es rechazado por el estado de la invitación")
def _(world: dict) -> None:
    assert isinstance(world["error"], InvalidStateTransition)


@then("el cambio es rechazado porque no es administrador")
def _(world: dict) -> None:
    assert isinstance(world["error"], Forbidden)


# --- Paying invoices -----------------------------------------------------------------------

def pay(run: Run, uow: SqlAlchemyUnitOfWork, ids: SequentialIdGenerator, clock: FixedClock,
        world: dict, email: str, base: Money, period: date) -> None:
    payer = world["registered"][EmailAddress(email).value]
    subscription_id = world["subscriptions"].setdefault(payer.id, ids.new_id())
    world["last_payment"] = (email, base, period)
    run(in_uow(uow, lambda: on_invoice_paid(
        uow, payer_id=payer.id, subscription_id=subscription_id, monthly_base=base,
        period_start=period, paid_at=clock.now(), ids=ids, policy=POLICY)))


def pay_first(run: Run, uow: SqlAlchemyUnitOfWork, ids: SequentialIdGenerator, clock: FixedClock,
              world: dict, email: str, cycle: str, price: str) -> None:
    base = ars(price) if cycle == "mensual" else ars(price).divide(POLICY.months_per_year)
    period = clock.today().replace(day=1)
    world["first_period"][email] = period
    pay(run, uow, ids, clock, world, email, base, period)


FIRST_INVOICE = (rf'{Q.format("email")} (?P<verb>paga|pagó) su primera factura de un plan '
                 r"(?P<cycle>mensual|anual) de ARS (?P<price>[\d,.]+)")


@given(parsers.re(FIRST_INVOICE))
@when(parsers.re(FIRST_INVOICE))
def _(run: Run, uow: SqlAlchemyUnitOfWork, ids: SequentialIdGenerator, clock: FixedClock,
      world: dict, email: str, verb: str, cycle: str, price: str) -> None:
    pay_first(run, uow, ids, clock, world, email, cycle, price)


@when("llega otra vez el aviso de pago de esa misma factura")
def _(run: Run, uow: SqlAlchemyUnitOfWork, ids: SequentialIdGenerator, clock: FixedClock,
      world: dict) -> None:
    pay(run, uow, ids, clock, world, *world["last_payment"])


@when(parsers.re(rf'{Q.format("email")} paga (?P<count>\d+) facturas? mensual(?:es)? más'))
def _(run: Run, uow: SqlAlchemyUnitOfWork, ids: SequentialIdGenerator, clock: FixedClock,
      world: dict, email: str, count: str) -> None:
    base = world["last_payment"][1]
    for _month in range(int(count)):
        later = world["later_months"][email] = world["later_months"].get(email, 0) + 1
        pay(run, uow, ids, clock, world, email, base,
            add_months(world["first_period"][email], later))


BATCH = (rf'(?P<count>\d+) personas? invitadas? por {Q.format("name")} se registran? y pagan? '
         r"su primera factura")


@given(parsers.re(BATCH))
@when(parsers.re(BATCH))
def _(run: Run, uow: SqlAlchemyUnitOfWork, ids: SequentialIdGenerator, clock: FixedClock,
      rng: ScriptedRandomSource, world: dict, count: str,
      name: str) -> None:
    for _person in range(int(count)):
        world["invited"] += 1
        email = f"invitada{world['invited']}@ejemplo.com"
        invite(run, uow, clock, ids, rng, world, name, email, "cuidador")
        register(run, uow, ids, clock, world, email, latest_referral(run, uow, email).code.value)
        pay_first(run, uow, ids, clock, world, email, "mensual", "25,000.00")
        assert latest_referral(run, uow, email).status == "converted"


# --- Commissions ---------------------------------------------------------------------------

@then(parsers.re(rf'{Q.format("name")} tiene una comisión de primer mes de ARS '
                 r"(?P<amount>[\d,.]+) sobre una base de ARS (?P<base>[\d,.]+)"))
def _(read: Read, world: dict, name: str, amount: str,
      base: str) -> None:
    [commission] = commissions_of(read, world, name, "first_month")
    assert (commission.amount, commission.base) == (ars(amount), ars(base))
    assert commission.status == "pending"


@then(parsers.re(rf'{Q.format("name")} no tiene comisiones'))
def _(read: Read, world: dict, name: str) -> None:
    assert commissions_of(read, world, name) == []


KINDS = {"de primer mes": "first_month", "recurrentes": "recurring", "recurrente": "recurring"}


@then(parsers.re(rf'{Q.format("name")} tiene (?P<count>\d+) comisi(?:ón|ones) '
                 r"(?P<kind>de primer mes|recurrentes?)"))
def _(read: Read, world: dict, name: str, count: str, kind: str) -> None:
    assert len(commissions_of(read, world, name, KINDS[kind])) == int(count)


@then(parsers.re(rf'{Q.format("name")} tiene (?P<count>\d+) comisiones recurrentes de ARS '
                 r"(?P<amount>[\d,.]+) cada una"))
def _(read: Read, world: dict, name: str, count: str,
      amount: str) -> None:
    recurring = commissions_of(read, world, name, "recurring")
    assert len(recurring) == int(count)
    assert all(c.amount == ars(amount) for c in recurring)
    assert len({c.period for c in recurring}) == len(recurring)


@then(parsers.re(rf'{Q.format("name")} tiene (?P<count>\d+) bonos de ARS (?P<amount>[\d,.]+)'))
def _(read: Read, world: dict, name: str, count: str,
      amount: str) -> None:
    bonuses = commissions_of(read, world, name, "bonus")
    assert len(bonuses) == int(count)
    assert all(c.amount == ars(amount) for c in bonuses)


def first_month_of(read: Read, world: dict, name: str) -> CommissionRecord:
    [commission] = commissions_of(read, world, name, "first_month")
    return commission


PAY_COMMISSION = (rf'{Q.format("admin")} (?P<verb>paga|pagó) la comisión de primer mes de '
                  rf'{Q.format("name")}')


@given(parsers.re(PAY_COMMISSION))
@when(parsers.re(PAY_COMMISSION))
def _(run: Run, uow: SqlAlchemyUnitOfWork, read: Read, clock: FixedClock, world: dict, admin: str,
      verb: str, name: str) -> None:
    commission = first_month_of(read, world, name)
    command = PayCommissionCommand(world["users"][admin].id, commission.id)
    attempt(world, run, PayCommission(uow, clock)(command))
    assert verb == "paga" or world["error"] is None


@then(parsers.re(rf'la comisión de primer mes de {Q.format("name")} está pagada con fecha '
                 rf'{Q.format("day")}'))
def _(read: Read, world: dict, name: str, day: str) -> None:
    commission = first_month_of(read, world, name)
    assert commission.status == "paid"
    assert commission.paid_at.astimezone(LOCAL).date() == date.fromisoformat(day)


@then(parsers.re(rf'la comisión de primer mes de {Q.format("name")} está '
                 r"(?P<state>pendiente|cancelada|pagada)"))
def _(read: Read, world: dict, name: str, state: str) -> None:
    assert first_month_of(read, world, name).status == COMMISSION_STATES[state]


@then("el pago es rechazado porque la comisión ya está pagada")
def _(world: dict) -> None:
    assert isinstance(world["error"], Conflict)
    assert world["error"].details["status"] == "paid"


@then("el pago es rechazado porque no es administrador")
def _(world: dict) -> None:
    assert isinstance(world["error"], Forbidden)


@when(parsers.re(rf'{Q.format("email")} cancela su suscripción'))
def _(run: Run, uow: SqlAlchemyUnitOfWork, clock: FixedClock, world: dict, email: str) -> None:
    payer = world["registered"][EmailAddress(email).value]
    run(in_uow(uow, lambda: on_subscription_cancelled(
        uow, payer_id=payer.id, subscription_id=world["subscriptions"][payer.id],
        cancelled_at=clock.now(), policy=POLICY)))


# --- Statistics ----------------------------------------------------------------------------

@when(parsers.parse('"{name}" consulta sus estadísticas'))
def _(read: Read, world: dict, name: str) -> None:
    world["stats"] = read(ReferralStats, ReferralStatsQuery(viewer(world, name)), policy=POLICY)


@then(parsers.parse("ve {total:d} invitaciones: {pending:d} pendientes, {registered:d} "
                    "registrada y {converted:d} convertida"))
def _(world: dict, total: int, pending: int, registered: int, converted: int) -> None:
    stats = world["stats"]
    assert stats.total == total
    assert stats.by_status == {"pending": pending, "registered": registered,
                               "converted": converted, "expired": 0}


@then(parsers.parse("una tasa de conversión de {rate} %"))
def _(world: dict, rate: str) -> None:
    assert world["stats"].conversion_rate == Decimal(rate)


@then(parsers.parse("comisiones pendientes por ARS {pending} y pagadas por ARS {paid}"))
def _(world: dict, pending: str, paid: str) -> None:
    stats = world["stats"]
    assert (stats.commissions_pending, stats.commissions_paid) == (ars(pending), ars(paid))

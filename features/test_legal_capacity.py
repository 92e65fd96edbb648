"""Steps of legal_capacity.feature: who may contract care. The use cases run on a real
SQLite database (a copy of the migrated template), and the checks and reads are the
queries over the views, in a read transaction as a request runs them."""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from cuiot.adapters.persistence.database import create_engine
from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.care import SqlCareViews
from cuiot.adapters.persistence.views.identity import SqlPrincipalViews
from cuiot.application.care.commands.capacity import (
    DeclareCapacityStatus,
    DeclareCapacityStatusCommand,
)
from cuiot.application.care.commands.changes import UpdateCaredPerson, UpdateCaredPersonCommand
from cuiot.application.care.commands.members import AddMember, AddMemberCommand
from cuiot.application.care.commands.persons import AddCaredPerson, AddCaredPersonCommand
from cuiot.application.care.commands.representation import (
    RequestRepresentation,
    RequestRepresentationCommand,
    VerifyRepresentation,
    VerifyRepresentationCommand,
)
from cuiot.application.care.queries.capacity import (
    CapacityVerdict,
    CheckContractingRight,
    CheckContractingRightQuery,
    CheckLegalCapacity,
    CheckLegalCapacityQuery,
    ContractingRight,
)
from cuiot.application.care.queries.persons import GetCaredPerson, GetCaredPersonQuery
from cuiot.application.care.queries.representation import (
    GetRepresentative,
    GetRepresentativeQuery,
)
from cuiot.application.identity.commands.users import RegisterUser, RegisterUserCommand
from cuiot.application.shared.queries import Viewer
from cuiot.domain.care import CaredPerson
from cuiot.domain.errors import Conflict, DomainError, Forbidden, LegalCapacityDenied
from cuiot.domain.policy import DEFAULT_POLICY
from cuiot.domain.users import Role, User
from tests.fakes.system import FixedClock, PlainPasswordHasher, SequentialIdGenerator
from tests.support.subscriptions import subscribe

scenarios("legal_capacity.feature")

DATE = r"\d\d/\d\d/\d{4}"
NAME = r"[A-ZÁÉÍÓÚÑ]\w+"
STATUS = {"plena": "full", "restringida": "restricted", "incapacitada": "incapacitated"}
REASON = {
    "menor de edad": "minor",
    "capacidad restringida": "restricted_capacity",
    "incapacidad declarada": "incapacitated",
    "sin fecha de nacimiento": "missing_date_of_birth",
    "sin representante vigente": "no_active_representative",
    "el representante no puede contratar": "representative_cannot_contract",
    "no es el representante": "not_the_representative",
}
RELATIONSHIP = {"hija": "child", "hijo": "child", "tutora": "guardian", "tutor": "guardian",
                "madre": "parent", "padre": "parent", "esposa": "spouse", "esposo": "spouse"}


def day(text: str) -> date:
    return datetime.strptime(text, "%d/%m/%Y").date()


class App:
    """The use cases' ports on a SQLite database, and the read side for the queries."""

    def __init__(self, database: Path) -> None:
        self.engine = create_engine(f"sqlite+aiosqlite:///{database}")
        self.uow = SqlAlchemyUnitOfWork(self.engine)
        self.clock = FixedClock(datetime(2026, 1, 15, 15, 0, tzinfo=UTC))
        self.ids = SequentialIdGenerator()
        self.policy = DEFAULT_POLICY

    async def read(self, handler: Callable[..., Any], query_of: Callable[[Viewer], Any],
                   user_id: UUID, **ports: Any) -> Any:
        """A query for ``user_id``, whose roles are read as authentication reads them."""
        async with ReadSide(self.engine).transaction() as conn:
            roles = await SqlPrincipalViews(conn).active_roles(user_id, self.clock.now())
            viewer = Viewer.of(user_id, roles or frozenset())
            return await handler(SqlCareViews(conn), self.clock, **ports)(query_of(viewer))

    async def grant(self, user: User, role: Role) -> User:
        async with self.uow:
            stored = await self.uow.users.get(user.id)
            stored.grant_role(role, self.clock.now())
            await self.uow.commit()
        return stored


@pytest.fixture
def app(sqlite_template: Path, tmp_path: Path,
        run: Callable[[Awaitable[Any]], Any]) -> Iterator[App]:
    database = tmp_path / "cuiot.db"
    shutil.copy(sqlite_template, database)
    app = App(database)
    yield app
    run(app.engine.dispose())


Run = Callable[[Awaitable[Any]], Any]


def attempt(world: dict[str, Any], run: Run, call: Awaitable[Any]) -> None:
    """Run a use case the scenario is about: keep its result or the refusal."""
    world["result"], world["error"] = None, None
    try:
        world["result"] = run(call)
    except DomainError as error:
        world["error"] = error


def user(world: dict[str, Any], name: str) -> User:
    return world["users"][name]


def cared(world: dict[str, Any], name: str) -> CaredPerson:
    return world["cared"][name]


def holder_of(world: dict[str, Any], name: str) -> User:
    return next(u for u in world["users"].values() if u.id == cared(world, name).account_id)


# Dado


@given(parsers.re(rf"que hoy es el (?P<today>{DATE})"))
def _(app: App, world: dict[str, Any], today: str) -> None:
    app.clock.set(datetime.combine(day(today), datetime.min.time(), UTC)
                  .replace(hour=15))
    world.update(users={}, cared={})


@given(parsers.re(rf"que (?P<name>{NAME}) está registrad[oa], nacid[oa] el (?P<dob>{DATE})"))
def _(app: App, run: Run, world: dict[str, Any], name: str, dob: str) -> None:
    register = RegisterUser(app.uow, app.clock, app.ids, PlainPasswordHasher(), app.policy)
    world["users"][name] = run(register(RegisterUserCommand(
        email=f"{name.lower()}@example.com", password="secreto-123", first_name=name,
        last_name="Pérez", date_of_birth=day(dob))))


@given(parsers.re(rf"que (?P<name>{NAME}) es administrador(?:a)?"))
def _(app: App, run: Run, world: dict[str, Any], name: str) -> None:
    register = RegisterUser(app.uow, app.clock, app.ids, PlainPasswordHasher(), app.policy)
    admin = run(register(RegisterUserCommand(email=f"{name.lower()}@example.com",
                                             password="secreto-123", first_name=name,
                                             last_name="Admin")))
    admin = run(app.grant(admin, Role.ADMIN))  # the first admin is bootstrapped
    world["users"][name] = world["admin"] = admin


@given(parsers.re(rf"una persona (?:nacida el (?P<dob>{DATE})|sin fecha de nacimiento) "
                  r"con capacidad (?P<status>\w+)"))
def _(world: dict[str, Any], dob: str | None, status: str) -> None:
    world["person"] = (day(dob) if dob else None, STATUS[status])


@given(parsers.re(rf"que la capacidad de (?P<name>{NAME}) es (?P<status>\w+)"))
def _(app: App, run: Run, world: dict[str, Any], name: str, status: str) -> None:
    declare = DeclareCapacityStatus(app.uow, app.clock)
    run(declare(DeclareCapacityStatusCommand(world["admin"].id, user(world, name).id,
                                                  STATUS[status])))


def add_self_care(app: App, name: str, world: dict[str, Any], status: str = "full") -> Any:
    add = AddCaredPerson(app.uow, app.clock, app.ids, app.policy)
    return add(AddCaredPersonCommand(user(world, name).id, name, "Pérez",
                                          care_type="self_care", capacity_status=status))


@given(parsers.re(rf"que (?P<name>{NAME}) se dio de alta para cuidarse a sí misma"))
def _(app: App, run: Run, world: dict[str, Any], name: str) -> None:
    world["cared"][name] = run(add_self_care(app, name, world))


@given(parsers.re(rf"que (?P<holder>{NAME}) tiene a su cargo a (?P<name>{NAME}), "
                  rf"nacida el (?P<dob>{DATE})"))
def _(app: App, run: Run, world: dict[str, Any], holder: str, name: str, dob: str) -> None:
    add = AddCaredPerson(app.uow, app.clock, app.ids, app.policy)
    world["cared"][name] = run(add(AddCaredPersonCommand(
        user(world, holder).id, name, "Gómez", date_of_birth=day(dob))))


@given(parsers.re(rf"que (?P<holder>{NAME}) dio acceso a (?P<member>{NAME}) "
                  rf"(?:a su cuidado|al cuidado de (?P<name>{NAME}))"))
def _(app: App, run: Run, world: dict[str, Any], holder: str, member: str,
      name: str | None) -> None:
    holder_id = user(world, holder).id  # inviting needs a subscription in force
    run(subscribe(app.uow, app.clock.now(), app.clock.today(), holder_id, account_id=holder_id))
    add = AddMember(app.uow, app.clock, app.policy)
    run(add(AddMemberCommand(holder_id, cared(world, name or holder).id,
                                  str(user(world, member).email))))


@given(parsers.re(rf"que (?P<name>{NAME}) pidió ser representante de (?P<person>{NAME}) "
                  rf"como (?P<relationship>\w+) desde el (?P<start>{DATE})"
                  rf"(?: hasta el (?P<end>{DATE}))?"))
def _(app: App, run: Run, world: dict[str, Any], name: str, person: str, relationship: str,
      start: str, end: str | None) -> None:
    request = RequestRepresentation(app.uow, app.clock, app.ids)
    world["representation"] = run(request(RequestRepresentationCommand(
        user(world, name).id, cared(world, person).id, RELATIONSHIP[relationship],
        f"Poder notarial de {name}", day(start), day(end) if end else None)))


@given(parsers.re(rf"que (?P<name>{NAME}) verificó esa representación"))
def _(app: App, run: Run, world: dict[str, Any], name: str) -> None:
    verify = VerifyRepresentation(app.uow, app.clock)
    run(verify(VerifyRepresentationCommand(user(world, name).id,
                                                world["representation"].id)))


# Cuando


@when(parsers.re(rf"(?P<name>{NAME}) consulta su capacidad legal para el (?P<on>{DATE})"))
def _(app: App, run: Run, world: dict[str, Any], name: str, on: str) -> None:
    dob, status = world["person"]
    attempt(world, run, app.read(CheckLegalCapacity, lambda viewer: CheckLegalCapacityQuery(
        viewer, date_of_birth=dob, capacity_status=status, on_date=day(on)),
        user(world, name).id, policy=app.policy))


@when(parsers.re(rf"(?P<name>{NAME}) se da de alta para cuidarse a sí misma "
                 r"con capacidad (?P<status>\w+)"))
def _(app: App, run: Run, world: dict[str, Any], name: str, status: str) -> None:
    attempt(world, run, add_self_care(app, name, world, STATUS[status]))


@when(parsers.re(rf"(?P<name>{NAME}) consulta si puede contratar para (?P<person>{NAME})"
                 rf"(?: el (?P<on>{DATE}))?"))
def _(app: App, run: Run, world: dict[str, Any], name: str, person: str,
      on: str | None) -> None:
    attempt(world, run, app.read(CheckContractingRight, lambda viewer: CheckContractingRightQuery(
        viewer, cared(world, person).id, day(on) if on else None),
        user(world, name).id, policy=app.policy))


@when(parsers.re(rf"(?P<name>{NAME}) intenta verificar esa representación"))
def _(app: App, run: Run, world: dict[str, Any], name: str) -> None:
    verify = VerifyRepresentation(app.uow, app.clock)
    attempt(world, run, verify(VerifyRepresentationCommand(
        user(world, name).id, world["representation"].id)))


@when(parsers.re(rf"(?P<name>{NAME}) cambia el nombre de (?P<person>{NAME}) "
                 r'a "(?P<first>[^"]+)"'))
def _(app: App, run: Run, world: dict[str, Any], name: str, person: str, first: str) -> None:
    update = UpdateCaredPerson(app.uow, app.clock, app.policy)
    attempt(world, run, update(UpdateCaredPersonCommand(
        user(world, name).id, cared(world, person).id, first_name=first)))


@when(parsers.re(rf"(?P<name>{NAME}) cambia la capacidad de (?P<person>{NAME}) "
                 r"a (?P<status>\w+)"))
def _(app: App, run: Run, world: dict[str, Any], name: str, person: str, status: str) -> None:
    update = UpdateCaredPerson(app.uow, app.clock, app.policy)
    attempt(world, run, update(UpdateCaredPersonCommand(
        user(world, name).id, cared(world, person).id, capacity_status=STATUS[status])))


# Entonces


def verdict(world: dict[str, Any]) -> tuple[bool, str | None]:
    error, result = world["error"], world["result"]
    if isinstance(error, LegalCapacityDenied):
        return False, error.reason
    assert error is None, f"unexpected refusal: {error!r}"
    if isinstance(result, CapacityVerdict):
        return result.can_contract, result.reason
    assert isinstance(result, ContractingRight), result
    return result.allowed, result.reason


@then("puede contratar")
def _(world: dict[str, Any]) -> None:
    assert verdict(world) == (True, None)


@then(parsers.re(r"no puede contratar: (?P<reason>.+)"))
def _(world: dict[str, Any], reason: str) -> None:
    assert verdict(world) == (False, REASON[reason.strip()])


@then(parsers.re(r"la persona tiene (?P<age>\d+) años"))
def _(world: dict[str, Any], age: str) -> None:
    assert world["error"] is None and world["result"].age == int(age)


@then("no se conoce su edad")
def _(world: dict[str, Any]) -> None:
    assert world["result"].age is None


@then(parsers.re(rf"(?P<name>{NAME}) queda a su propio cuidado"))
def _(world: dict[str, Any], name: str) -> None:
    assert world["error"] is None, world["error"]
    person = world["result"]
    assert person.care_type == "self_care" and person.user_id == user(world, name).id


@then("se rechaza por falta de permiso")
def _(world: dict[str, Any]) -> None:
    assert isinstance(world["error"], Forbidden)


@then("se rechaza porque ya estaba verificada")
def _(world: dict[str, Any]) -> None:
    assert isinstance(world["error"], Conflict)


def representative(app: App, run: Run, world: dict[str, Any], person: str) -> Any:
    cared_id = cared(world, person).id
    return run(app.read(GetRepresentative, lambda viewer: GetRepresentativeQuery(
        viewer, cared_id), holder_of(world, person).id))


@then(parsers.re(rf"(?P<person>{NAME}) no tiene representante vigente"))
def _(app: App, run: Run, world: dict[str, Any], person: str) -> None:
    assert representative(app, run, world, person) is None


@then(parsers.re(rf"la representante vigente de (?P<person>{NAME}) es (?P<name>{NAME})"))
def _(app: App, run: Run, world: dict[str, Any], person: str, name: str) -> None:
    assert representative(app, run, world, person).representative_id == user(world, name).id


def reload(app: App, run: Run, world: dict[str, Any], person: str) -> Any:
    cared_id = cared(world, person).id
    return run(app.read(GetCaredPerson, lambda viewer: GetCaredPersonQuery(viewer, cared_id),
                        holder_of(world, person).id))


@then(parsers.re(rf'el nombre de (?P<person>{NAME}) es "(?P<first>[^"]+)"'))
def _(app: App, run: Run, world: dict[str, Any], person: str, first: str) -> None:
    assert world["error"] is None, world["error"]
    assert reload(app, run, world, person).first_name == first


@then(parsers.re(rf"la capacidad de (?P<person>{NAME}) (?:es|sigue siendo) (?P<status>\w+)"))
def _(app: App, run: Run, world: dict[str, Any], person: str, status: str) -> None:
    assert reload(app, run, world, person).capacity_status == STATUS[status]

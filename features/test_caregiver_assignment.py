"""Steps of caregiver_assignment.feature, on the real unit of work and views (SQLite and
PostgreSQL): the use cases assign, accept and decline; what a caregiver sees is read as
the API reads it, and who is told of an alert is what the escalation ladder chooses."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any, TypeVar
from uuid import UUID

import pytest
from pytest_bdd import given, parsers, scenarios, then, when
from sqlalchemy.ext.asyncio import AsyncEngine

from cuiot.adapters.persistence.database import create_engine
from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.care import SqlCareViews
from cuiot.application.care.commands.caregiving import (
    AcceptCaregiving,
    AnswerInvitationCommand,
    DeclineCaregiving,
)
from cuiot.application.care.commands.members import (
    AddMember,
    AddMemberCommand,
    AssignCaregiver,
    AssignCaregiverCommand,
)
from cuiot.application.care.ports import CaregiverInvitationView
from cuiot.application.care.queries.invitations import (
    ListCaregiverInvitations,
    ListCaregiverInvitationsQuery,
)
from cuiot.application.care.queries.persons import GetCaredPerson, GetCaredPersonQuery
from cuiot.application.safety.commands.recipients import recipients_for
from cuiot.application.shared.queries import Viewer
from cuiot.domain.care import CaredPerson
from cuiot.domain.errors import DomainError, NotFound
from cuiot.domain.packages import BillingCycle, PackageType, default_catalogue
from cuiot.domain.policy import DEFAULT_POLICY
from cuiot.domain.subscriptions import Subscription
from cuiot.domain.users import Role, RoleGrant, User
from cuiot.domain.values import EmailAddress
from tests.fakes.system import FixedClock, SequentialIdGenerator

scenarios("caregiver_assignment.feature")

NAME = r"[A-ZÁÉÍÓÚÑ]\w*"
CAREGIVER = r"(?:la cuidadora|el cuidador)"
AS_CAREGIVER = r"como (?:cuidadora|cuidador)"
REASONS = {  # what the analyst reads → (error code, detail, value)
    "esa invitación no existe para quien responde":
        ("not_found", "entity", "caregiver invitation"),
    "la invitación ya fue aceptada": ("invalid_state_transition", "status", "accepted"),
    "esa cuidadora ya está asignada": ("conflict", "status", "pending"),
    "no administra el cuidado de la persona": ("forbidden", None, None),
}
T = TypeVar("T")


def names(text: str) -> list[str]:
    """'Bruno, Lucía y Tomás' → ['Bruno', 'Lucía', 'Tomás']."""
    return text.replace(" y ", ", ").split(", ")


class Scene:
    """The people of one scenario and the use cases they act through, on one database."""

    def __init__(self, run: Callable[[Any], Any], engine: AsyncEngine) -> None:
        self.run, self.ids = run, SequentialIdGenerator()
        self.clock = FixedClock(datetime(2026, 1, 15, 15, 0, tzinfo=UTC))
        self.uow, self.read_side = SqlAlchemyUnitOfWork(engine), ReadSide(engine)
        uow, clock, policy = self.uow, self.clock, DEFAULT_POLICY
        self.assign, self.add_member = AssignCaregiver(uow, clock, policy), AddMember(
            uow, clock, policy)
        self.accept, self.decline = AcceptCaregiving(uow, clock), DeclineCaregiving(uow, clock)
        self.users: dict[str, UUID] = {}
        self.persons: dict[str, UUID] = {}
        self.error: DomainError | None = None

    def within(self, work: Callable[[SqlAlchemyUnitOfWork], Awaitable[T]]) -> T:
        """Do ``work`` in one unit of work, and commit it."""
        async def go() -> T:
            async with self.uow as uow:
                done = await work(uow)
                await uow.commit()
                return done
        return self.run(go())

    def user(self, name: str, *roles: Role) -> UUID:
        if name not in self.users:
            user = User(self.ids.new_id(), EmailAddress(f"{name.lower()}@example.com"),
                        "plain$x", name, "Test", self.clock.now(),
                        date_of_birth=date(1970, 1, 1),
                        roles=[RoleGrant(r, self.clock.now()) for r in roles])
            self.within(lambda uow: uow.users.add(user))
            self.users[name] = user.id
        return self.users[name]

    def subscribe(self, holder: UUID, kind: PackageType) -> None:
        package = next(p for p in default_catalogue(self.ids.new_id) if p.type is kind)
        subscription = Subscription.start(
            id=self.ids.new_id(), subscriber_id=holder, package_id=package.id,
            cycle=BillingCycle.MONTHLY, today=self.clock.today(), now=self.clock.now(),
            account_id=holder)

        async def store(uow: SqlAlchemyUnitOfWork) -> None:
            await uow.packages.add(package)
            await uow.subscriptions.add(subscription)
        self.within(store)

    def answer(self, actor: str, caregiver: str, person: str) -> AnswerInvitationCommand:
        return AnswerInvitationCommand(self.users[actor], self.persons[person],
                                       self.users[caregiver])

    def attempt(self, action: Awaitable[Any]) -> None:
        self.error = None
        try:
            self.run(action)
        except DomainError as error:
            self.error = error

    def stored(self, person: str) -> CaredPerson:
        async def get(uow: SqlAlchemyUnitOfWork) -> CaredPerson:
            found = await uow.cared_persons.get(self.persons[person])
            assert found is not None
            return found
        return self.within(get)

    def sees(self, name: str, person: str) -> bool:
        async def read() -> bool:
            async with self.read_side.transaction() as conn:
                get = GetCaredPerson(SqlCareViews(conn), self.clock)
                try:
                    await get(GetCaredPersonQuery(Viewer(self.users[name]),
                                                  self.persons[person]))
                except NotFound:
                    return False
                return True
        return bool(self.run(read()))

    def invitations(self, name: str) -> list[CaregiverInvitationView]:
        async def read() -> list[CaregiverInvitationView]:
            async with self.read_side.transaction() as conn:
                list_ = ListCaregiverInvitations(SqlCareViews(conn), self.clock)
                return await list_(ListCaregiverInvitationsQuery(Viewer(self.users[name])))
        return list(self.run(read()))

    def told(self, person: str, level: int) -> set[UUID]:
        """The users an alert of ``person`` is told to at ``level`` of the ladder."""
        now, today = self.clock.now(), self.clock.today()

        async def who(uow: SqlAlchemyUnitOfWork) -> set[UUID]:
            found = await uow.cared_persons.get(self.persons[person])
            recipients = await recipients_for(uow, found, level, now, today)
            return {user.id for user in recipients.users}
        return self.within(who)


@pytest.fixture(autouse=True)
def engine(database_url: str, run: Callable[[Any], Any]) -> Iterator[AsyncEngine]:
    """Every scenario runs on SQLite and on PostgreSQL (``database_url`` is parametrized)."""
    engine = create_engine(database_url)
    yield engine
    run(engine.dispose())


@pytest.fixture
def scene(run: Callable[[Any], Any], engine: AsyncEngine) -> Scene:
    return Scene(run, engine)


# --- Dado ------------------------------------------------------------------------------

@given(parsers.re(rf"que (?P<holder>{NAME}) tiene a su cargo a (?P<person>{NAME}), con el "
                  r"paquete familiar de 5 usuarios"))
def _(scene: Scene, holder: str, person: str) -> None:
    holder_id = scene.user(holder, Role.FAMILY)
    cared = CaredPerson(scene.ids.new_id(), holder_id, person, "Test", date(1940, 5, 5),
                        scene.clock.now())
    scene.within(lambda uow: uow.cared_persons.add(cared))
    scene.persons[person] = cared.id
    scene.subscribe(holder_id, PackageType.FAMILIAR)


@given(parsers.re(r"que (?P<who>.+) son cuidadores"))
def _(scene: Scene, who: str) -> None:
    for name in names(who):
        scene.user(name, Role.CAREGIVER)


@given(parsers.re(rf"que (?P<who>.+) también pueden? ver a (?P<person>{NAME})"))
def _(scene: Scene, who: str, person: str) -> None:
    holder = scene.stored(person).account_id
    for name in names(who):
        scene.user(name, Role.FAMILY)
        scene.run(scene.add_member(AddMemberCommand(holder, scene.persons[person],
                                                    f"{name.lower()}@example.com")))


@given(parsers.re(rf"que (?P<holder>{NAME}) asignó a (?P<name>{NAME}) {AS_CAREGIVER}"
                  rf"(?P<primary> principal)? de (?P<person>{NAME})"))
def _(scene: Scene, holder: str, name: str, primary: str | None, person: str) -> None:
    scene.run(scene.assign(AssignCaregiverCommand(
        scene.users[holder], scene.persons[person], scene.users[name], primary=bool(primary))))


@given(parsers.re(rf"que (?P<name>{NAME}) aceptó cuidar a (?P<person>{NAME})"))
def _(scene: Scene, name: str, person: str) -> None:
    scene.run(scene.accept(scene.answer(name, name, person)))


@given(parsers.re(rf"que (?P<name>{NAME}) es {CAREGIVER} principal de (?P<person>{NAME})"))
def _(scene: Scene, name: str, person: str) -> None:
    holder = scene.stored(person).account_id
    scene.run(scene.assign(AssignCaregiverCommand(holder, scene.persons[person],
                                                  scene.users[name], primary=True)))
    scene.run(scene.accept(scene.answer(name, name, person)))


# --- Cuando ----------------------------------------------------------------------------

@when(parsers.re(rf"(?P<actor>{NAME}) asigna a (?P<name>{NAME}) {AS_CAREGIVER}"
                 rf"(?P<primary> principal)? de (?P<person>{NAME})"))
def _(scene: Scene, actor: str, name: str, primary: str | None, person: str) -> None:
    scene.attempt(scene.assign(AssignCaregiverCommand(
        scene.users[actor], scene.persons[person], scene.users[name], primary=bool(primary))))


@when(parsers.re(rf"(?P<name>{NAME}) acepta cuidar a (?P<person>{NAME})"))
def _(scene: Scene, name: str, person: str) -> None:
    scene.attempt(scene.accept(scene.answer(name, name, person)))


@when(parsers.re(rf"(?P<name>{NAME}) rechaza cuidar a (?P<person>{NAME})"))
def _(scene: Scene, name: str, person: str) -> None:
    scene.attempt(scene.decline(scene.answer(name, name, person)))


@when(parsers.re(rf"(?P<actor>{NAME}) intenta aceptar la invitación de (?P<name>{NAME}) para "
                 rf"cuidar a (?P<person>{NAME})"))
def _(scene: Scene, actor: str, name: str, person: str) -> None:
    scene.attempt(scene.accept(scene.answer(actor, name, person)))


# --- Entonces --------------------------------------------------------------------------

@then(parsers.re(rf"(?P<name>{NAME}) tiene una invitación pendiente para cuidar a "
                 rf"(?P<person>{NAME})"))
def _(scene: Scene, name: str, person: str) -> None:
    [invitation] = scene.invitations(name)
    assert invitation.cared_person_id == scene.persons[person]
    assert invitation.first_name == person


@then(parsers.re(rf"(?P<name>{NAME}) no tiene invitaciones pendientes"))
def _(scene: Scene, name: str) -> None:
    assert scene.invitations(name) == []


@then(parsers.re(rf"(?P<name>{NAME}) ve a (?P<person>{NAME})"))
def _(scene: Scene, name: str, person: str) -> None:
    assert scene.sees(name, person)


@then(parsers.re(rf"(?P<name>{NAME}) no ve a (?P<person>{NAME})"))
def _(scene: Scene, name: str, person: str) -> None:
    assert not scene.sees(name, person)


@then(parsers.re(rf"a (?P<name>{NAME}) no se le avisa de ninguna alerta de (?P<person>{NAME}), "
                 r"en ningún nivel"))
def _(scene: Scene, name: str, person: str) -> None:
    for level in (1, 2, 3):
        assert scene.users[name] not in scene.told(person, level), level


@then(parsers.re(rf"a (?P<name>{NAME}) (?P<no>no )?se le avisa de una alerta de "
                 rf"(?P<person>{NAME}) en el nivel (?P<level>\d)"))
def _(scene: Scene, name: str, no: str | None, person: str, level: str) -> None:
    assert (scene.users[name] in scene.told(person, int(level))) is not bool(no)


@then(parsers.re(rf"{CAREGIVER} principal de (?P<person>{NAME}) es (?P<name>{NAME})"))
def _(scene: Scene, person: str, name: str) -> None:
    assert scene.stored(person).primary_caregiver_id == scene.users[name]


@then(parsers.re(r"(?:la respuesta|la asignación) es rechazada porque (?P<reason>.+)"))
def _(scene: Scene, reason: str) -> None:
    error = scene.error
    assert error is not None, "nothing was refused"
    if reason == "la cuenta ya usa sus 5 usuarios":
        [exceeded] = error.details["exceeded"]
        assert (exceeded["dimension"], exceeded["used"], exceeded["limit"]) == ("users", 5, 5)
        return
    code, key, value = REASONS[reason]
    assert error.code == code and (key is None or error.details[key] == value), repr(error)


@then(parsers.re(rf"(?P<actor>{NAME}) puede volver a asignar a (?P<name>{NAME}) "
                 rf"{AS_CAREGIVER} de (?P<person>{NAME})"))
def _(scene: Scene, actor: str, name: str, person: str) -> None:
    scene.run(scene.assign(AssignCaregiverCommand(scene.users[actor], scene.persons[person],
                                                  scene.users[name])))
    assert [i.cared_person_id for i in scene.invitations(name)] == [scene.persons[person]]

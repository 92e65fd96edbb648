"""Steps of access_removal.feature, on the real unit of work and views (SQLite and
PostgreSQL): the use cases add and remove members, caregivers, staff and representations;
what someone sees is read as the API reads it, who is told of an alert is what the
escalation ladder chooses, and the outbox and the audit log are read as stored."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar
from uuid import UUID

import pytest
from pytest_bdd import given, parsers, scenarios, then, when
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from cuiot.adapters.persistence.database import create_engine
from cuiot.adapters.persistence.orm.safety import notifications
from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.audit import SqlAuditViews
from cuiot.adapters.persistence.views.care import SqlCareViews
from cuiot.application.audit.ports import AuditFilters
from cuiot.application.care.commands.caregiving import AcceptCaregiving, AnswerInvitationCommand
from cuiot.application.care.commands.members import (
    AddMember,
    AddMemberCommand,
    AssignCaregiver,
    AssignCaregiverCommand,
)
from cuiot.application.care.commands.removals import (
    RemoveCaregiver,
    RemoveCaregiverCommand,
    RemoveMember,
    RemoveMemberCommand,
    RemoveStaff,
    RemoveStaffCommand,
)
from cuiot.application.care.commands.representation import (
    RequestRepresentation,
    RequestRepresentationCommand,
    VerifyRepresentation,
    VerifyRepresentationCommand,
)
from cuiot.application.care.commands.representation_end import (
    EndRepresentation,
    EndRepresentationCommand,
)
from cuiot.application.care.queries.invitations import (
    ListCaregiverInvitations,
    ListCaregiverInvitationsQuery,
)
from cuiot.application.care.queries.persons import GetCaredPerson, GetCaredPersonQuery
from cuiot.application.safety.commands.devices import RegisterDevice, RegisterDeviceCommand
from cuiot.application.safety.commands.escalation import EscalateDueAlerts
from cuiot.application.safety.commands.ingest import IngestReading, IngestReadingCommand
from cuiot.application.safety.commands.recipients import recipients_for
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.access_removal import GIVEN_UP
from cuiot.domain.audit import AuditAction
from cuiot.domain.care import CaredPerson, Institution
from cuiot.domain.errors import DomainError, NotFound
from cuiot.domain.notifications import DeliveryStatus, Notification
from cuiot.domain.packages import BillingCycle, PackageType, default_catalogue
from cuiot.domain.policy import DEFAULT_POLICY
from cuiot.domain.subscriptions import Subscription
from cuiot.domain.users import Role, RoleGrant, User
from cuiot.domain.values import EmailAddress
from tests.fakes.system import FixedClock, SeededRandomSource, SequentialIdGenerator

scenarios("access_removal.feature")

NAME = r"[A-ZÁÉÍÓÚÑ]\w*"
AS_CAREGIVER = r"como (?:cuidadora|cuidador)"
BP_CRITICAL = {"systolic": 190, "diastolic": 100, "pulse": 80}
REASONS = {  # what the analyst reads → (error code, detail, value)
    "no administra el cuidado de la persona": ("forbidden", None, None),
    "la persona no existe para quien lo pide": ("not_found", "entity", "cared person"),
    "el titular no es un familiar que se pueda quitar": ("conflict", "reason",
                                                         "not_a_member_kind"),
    "no dirige la institución": ("forbidden", None, None),
    "al director no se lo quita del personal": ("conflict", "reason", "institution_admin"),
    "no puede terminar esa representación": ("forbidden", None, None),
}
T = TypeVar("T")


def names(text: str) -> list[str]:
    return text.replace(" y ", ", ").split(", ")


class Scene:
    """The people of one scenario and the use cases they act through, on one database."""

    def __init__(self, run: Callable[[Any], Any], engine: AsyncEngine) -> None:
        self.run, self.ids = run, SequentialIdGenerator()
        self.clock = FixedClock(datetime(2026, 1, 15, 15, 0, tzinfo=UTC))
        self.uow, self.read_side = SqlAlchemyUnitOfWork(engine), ReadSide(engine)
        self.ports = {"uow": self.uow, "clock": self.clock, "ids": self.ids,
                      "policy": DEFAULT_POLICY, "rng": SeededRandomSource(7)}
        self.users: dict[str, UUID] = {}
        self.persons: dict[str, UUID] = {}
        self.places: dict[str, UUID] = {}
        self.representations: dict[str, UUID] = {}
        self.alert_id: UUID | None = None
        self.error: DomainError | None = None

    def call(self, cls: type, cmd: Any) -> Any:
        names_ = inspect.signature(cls).parameters
        return self.run(cls(**{n: self.ports[n] for n in names_})(cmd))

    def attempt(self, cls: type, cmd: Any) -> None:
        self.error = None
        try:
            self.call(cls, cmd)
        except DomainError as error:
            self.error = error

    def within(self, work: Callable[[SqlAlchemyUnitOfWork], Awaitable[T]]) -> T:
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

    def subscribe(self, holder: UUID) -> None:
        package = next(p for p in default_catalogue(self.ids.new_id)
                       if p.type is PackageType.PREMIUM)
        subscription = Subscription.start(
            id=self.ids.new_id(), subscriber_id=holder, package_id=package.id,
            cycle=BillingCycle.MONTHLY, today=self.clock.today(), now=self.clock.now(),
            account_id=holder)

        async def store(uow: SqlAlchemyUnitOfWork) -> None:
            await uow.packages.add(package)
            await uow.subscriptions.add(subscription)
        self.within(store)

    def stored(self, person: str) -> CaredPerson:
        return self.within(lambda uow: uow.cared_persons.get(self.persons[person]))

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

    def told(self, person: str, level: int) -> set[UUID]:
        now, today = self.clock.now(), self.clock.today()

        async def who(uow: SqlAlchemyUnitOfWork) -> set[UUID]:
            found = await uow.cared_persons.get(self.persons[person])
            recipients = await recipients_for(uow, found, level, now, today)
            return {user.id for user in recipients.users}
        return self.within(who)

    def notices_to(self, name: str) -> list[Notification]:
        """The outbox rows of the scenario's alert written for ``name``, as stored."""
        c = notifications.c

        async def read(uow: SqlAlchemyUnitOfWork) -> list[Notification]:
            return list((await uow.session.scalars(select(Notification).where(
                c.alert_id == self.alert_id, c.recipient_user_id == self.users[name]))).all())
        return self.within(read)

    def audited(self, action: AuditAction) -> list[Any]:
        async def read() -> list[Any]:
            async with self.read_side.transaction() as conn:
                return await SqlAuditViews(conn).page(AuditFilters(action=action), Window(0, 50))
        return list(self.run(read()))

    def representation_active(self, name: str) -> bool:
        found = self.within(lambda uow: uow.representations.get(self.representations[name]))
        return bool(found.is_active(self.clock.today()))


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

@given(parsers.re(rf"que (?P<holder>{NAME}) tiene a su cargo a (?P<person>{NAME}), que tiene "
                  r"un tensiómetro"))
def _(scene: Scene, holder: str, person: str) -> None:
    holder_id = scene.user(holder, Role.FAMILY)
    cared = CaredPerson(scene.ids.new_id(), holder_id, person, "Test", date(1940, 5, 5),
                        scene.clock.now())
    scene.within(lambda uow: uow.cared_persons.add(cared))
    scene.persons[person] = cared.id
    scene.subscribe(holder_id)
    scene.call(RegisterDevice, RegisterDeviceCommand(holder_id, f"bp-{person.lower()}",
                                                     "Tensiómetro", "blood_pressure", cared.id))


@given(parsers.re(rf"que (?P<who>.+) también pueden? ver a (?P<person>{NAME})"))
def _(scene: Scene, who: str, person: str) -> None:
    holder = scene.stored(person).account_id
    for name in names(who):
        scene.user(name, Role.FAMILY)
        scene.call(AddMember, AddMemberCommand(holder, scene.persons[person],
                                               f"{name.lower()}@example.com"))


def invite(scene: Scene, holder: str, name: str, person: str, primary: bool = False) -> None:
    scene.call(AssignCaregiver, AssignCaregiverCommand(
        scene.users[holder], scene.persons[person], scene.user(name, Role.CAREGIVER), primary))


@given(parsers.re(rf"que (?P<name>{NAME}) es la cuidadora principal de (?P<person>{NAME})"))
def _(scene: Scene, name: str, person: str) -> None:
    holder = next(n for n, i in scene.users.items() if i == scene.stored(person).account_id)
    invite(scene, holder, name, person, primary=True)
    scene.call(AcceptCaregiving, AnswerInvitationCommand(
        scene.users[name], scene.persons[person], scene.users[name]))


@given(parsers.re(rf"que (?P<holder>{NAME}) invitó a (?P<name>{NAME}) {AS_CAREGIVER} de "
                  rf"(?P<person>{NAME})"))
def _(scene: Scene, holder: str, name: str, person: str) -> None:
    invite(scene, holder, name, person)


@given(parsers.re(rf"que (?P<name>{NAME}) es administradora"))
def _(scene: Scene, name: str) -> None:
    scene.user(name, Role.ADMIN)


@given(parsers.re(rf"que (?P<name>{NAME}) no conoce a (?P<person>{NAME})"))
def _(scene: Scene, name: str, person: str) -> None:
    scene.user(name, Role.FAMILY)


@given(parsers.re(rf"que (?P<name>{NAME}) es el representante legal de (?P<person>{NAME})"))
def _(scene: Scene, name: str, person: str) -> None:
    rep = scene.call(RequestRepresentation, RequestRepresentationCommand(
        scene.users[name], scene.persons[person], "child", "poder 1234", date(2025, 1, 1)))
    scene.call(VerifyRepresentation, VerifyRepresentationCommand(
        scene.user("Verificadora", Role.ADMIN), rep.id))
    scene.representations[name] = rep.id


@given(parsers.re(rf"que (?P<person>{NAME}) vive en (?P<place>el [\w ]+), que dirige "
                  rf"(?P<head>{NAME}), con (?P<on_call>{NAME}) de guardia y (?P<staff>{NAME}) "
                  r"en el personal"))
def _(scene: Scene, person: str, place: str, head: str, on_call: str, staff: str) -> None:
    home = Institution(scene.ids.new_id(), place.removeprefix("el "), scene.user(head),
                       scene.clock.now())
    home.add_staff(scene.user(on_call), on_call=True)
    home.add_staff(scene.user(staff))

    async def move_in(uow: SqlAlchemyUnitOfWork) -> None:
        await uow.institutions.add(home)
        (await uow.cared_persons.get(scene.persons[person])).institution_id = home.id
    scene.within(move_in)
    scene.places[place] = home.id


@given(parsers.re(rf"que el tensiómetro de (?P<person>{NAME}) marcó una presión crítica"))
def _(scene: Scene, person: str) -> None:
    result = scene.call(IngestReading, IngestReadingCommand(
        f"bp-{person.lower()}", "m-1", "blood_pressure", BP_CRITICAL))
    scene.alert_id = result.alert_ids[0]
    scene.clock.advance(timedelta(minutes=2))  # nobody took it: everyone is told
    scene.call(EscalateDueAlerts, None)


@given(parsers.re(rf"que hay avisos a (?P<name>{NAME}) sobre esa alerta esperando su envío"))
def _(scene: Scene, name: str) -> None:
    notices = scene.notices_to(name)
    assert notices and all(n.status is DeliveryStatus.PENDING for n in notices)


# --- Cuando (and the same acts, done before, as Dado) ----------------------------------

@given(parsers.re(rf"que (?P<actor>{NAME}) le quitó el acceso a (?P<person>{NAME}) a "
                  rf"(?P<name>{NAME})"))
@when(parsers.re(rf"(?P<actor>{NAME}) le quita el acceso a (?P<person>{NAME}) a "
                 rf"(?P<name>{NAME})"))
def _(scene: Scene, actor: str, person: str, name: str) -> None:
    scene.attempt(RemoveMember, RemoveMemberCommand(
        scene.user(actor), scene.persons[person], scene.user(name)))


@when(parsers.re(rf"(?P<actor>{NAME}) quita a (?P<name>{NAME}) {AS_CAREGIVER} de "
                 rf"(?P<person>{NAME})"))
def _(scene: Scene, actor: str, name: str, person: str) -> None:
    scene.attempt(RemoveCaregiver, RemoveCaregiverCommand(
        scene.user(actor), scene.persons[person], scene.user(name)))


@when(parsers.re(rf"(?P<actor>{NAME}) quita a (?P<name>{NAME}) del personal del "
                 r"(?P<place>[\w ]+)"))
def _(scene: Scene, actor: str, name: str, place: str) -> None:
    scene.attempt(RemoveStaff, RemoveStaffCommand(
        scene.user(actor), scene.places[f"el {place}"], scene.user(name)))


@when(parsers.re(rf"(?P<actor>{NAME}) termina la representación de (?P<name>{NAME})"))
def _(scene: Scene, actor: str, name: str) -> None:
    scene.attempt(EndRepresentation, EndRepresentationCommand(
        scene.user(actor), scene.representations[name]))


# --- Entonces --------------------------------------------------------------------------

@given(parsers.re(rf"(?P<name>{NAME}) ve a (?P<person>{NAME})"))
@then(parsers.re(rf"(?P<name>{NAME}) ve a (?P<person>{NAME})"))
def _(scene: Scene, name: str, person: str) -> None:
    assert scene.error is None, repr(scene.error)
    assert scene.sees(name, person)


@then(parsers.re(rf"(?P<name>{NAME}) no ve a (?P<person>{NAME})"))
def _(scene: Scene, name: str, person: str) -> None:
    assert scene.error is None, repr(scene.error)
    assert not scene.sees(name, person)


@then(parsers.re(rf"a (?P<name>{NAME}) no se le avisa de ninguna alerta de (?P<person>{NAME}), "
                 r"en ningún nivel"))
def _(scene: Scene, name: str, person: str) -> None:
    for level in (1, 2, 3):
        assert scene.users[name] not in scene.told(person, level), level


@then(parsers.re(rf"(?P<person>{NAME}) no tiene cuidador principal"))
def _(scene: Scene, person: str) -> None:
    assert scene.stored(person).primary_caregiver_id is None


@then(parsers.re(rf"(?P<name>{NAME}) no tiene invitaciones pendientes"))
def _(scene: Scene, name: str) -> None:
    async def read() -> list[Any]:
        async with scene.read_side.transaction() as conn:
            list_ = ListCaregiverInvitations(SqlCareViews(conn), scene.clock)
            return await list_(ListCaregiverInvitationsQuery(Viewer(scene.users[name])))
    assert scene.error is None and scene.run(read()) == []


@then(parsers.re(rf"ningún aviso a (?P<name>{NAME}) sobre esa alerta se envía: quedan fallidos "
                 r"porque perdió el acceso"))
def _(scene: Scene, name: str) -> None:
    notices = scene.notices_to(name)
    assert notices and all(n.status is DeliveryStatus.FAILED and n.last_error == GIVEN_UP
                           for n in notices)


@then(parsers.re(rf"los avisos a (?P<name>{NAME}) sobre esa alerta siguen esperando su envío"))
def _(scene: Scene, name: str) -> None:
    notices = scene.notices_to(name)
    assert notices and all(n.status is DeliveryStatus.PENDING for n in notices)


@then(parsers.re(rf"la representación de (?P<name>{NAME}) ya no está vigente hoy"))
def _(scene: Scene, name: str) -> None:
    assert scene.error is None, repr(scene.error)
    assert not scene.representation_active(name)


@then(parsers.re(rf"la representación de (?P<name>{NAME}) sigue vigente hoy"))
def _(scene: Scene, name: str) -> None:
    assert scene.representation_active(name)


AUDITED = {"le quitó el acceso a": AuditAction.MEMBER_REMOVED,
           "quitó a": AuditAction.CAREGIVER_REMOVED,
           "terminó la representación de": AuditAction.REPRESENTATION_ENDED}


@then(parsers.re(rf"queda registrado que (?P<actor>{NAME}) (?P<did>le quitó el acceso a|quitó a|"
                 rf"terminó la representación de) (?P<name>{NAME})(?P<rest>.*)"))
def _(scene: Scene, actor: str, did: str, name: str, rest: str) -> None:
    action = AuditAction.STAFF_REMOVED if "personal" in rest else AUDITED[did]
    subject = (scene.representations[name] if action is AuditAction.REPRESENTATION_ENDED
               else scene.users[name])
    [entry] = scene.audited(action)
    assert (entry.actor_id, entry.subject_id) == (scene.users[actor], subject)


@then(parsers.re(r"el pedido es rechazado porque (?P<reason>.+)"))
def _(scene: Scene, reason: str) -> None:
    error = scene.error
    assert error is not None, "nothing was refused"
    code, key, value = REASONS[reason]
    assert error.code == code and (key is None or error.details[key] == value), repr(error)
    scene.error = None

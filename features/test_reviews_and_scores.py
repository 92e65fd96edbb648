"""Steps of reviews_and_scores.feature, on the real unit of work and views (SQLite and
PostgreSQL)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar
from uuid import UUID

import pytest
from pytest_bdd import given, parsers, scenarios, then, when
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from cuiot.adapters.persistence.database import create_engine
from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.reviews import SqlReviewViews
from cuiot.application.reviews.commands.reviews import (
    CreateCaregiverReview,
    CreateCaregiverReviewCommand,
    CreateInstitutionReview,
    CreateInstitutionReviewCommand,
    HideReview,
    HideReviewCommand,
)
from cuiot.application.reviews.ports import ScoreRecord
from cuiot.application.reviews.queries.reviews import (
    GetScore,
    GetScoreQuery,
    ListReviewsOf,
    ListReviewsOfQuery,
)
from cuiot.domain.care import CaredPerson, CareType, Institution, LegalRepresentation, Relationship
from cuiot.domain.errors import DomainError
from cuiot.domain.policy import DEFAULT_POLICY
from cuiot.domain.reviews import Review, ReviewedKind, review_class, round_half_up
from cuiot.domain.users import Role, RoleGrant, User
from cuiot.domain.values import EmailAddress
from tests.fakes.system import FixedClock, SequentialIdGenerator

scenarios("reviews_and_scores.feature")

NAME = r"[A-ZÁÉÍÓÚÑ]\w*(?: [A-ZÁÉÍÓÚÑ]\w*)*"
CATEGORY = {
    "experiencia": "experience", "calidad": "quality", "confiabilidad": "reliability",
    "disponibilidad": "availability", "especialización": "specialization",
    "calidad médica": "medical_quality", "infraestructura": "infrastructure",
    "personal": "staff", "atención": "attention", "precio": "price",
}
REASONS = {  # what the analyst reads → (error code, detail, value)
    "la calificación está fuera de 1 a 5": ("validation_error", "field", "rating"),
    "una categoría está fuera de 1 a 5":
        ("validation_error", "field", "category_ratings.experience"),
    "la categoría no es de cuidadores": ("validation_error", "field", "category_ratings"),
    "el comentario es demasiado largo": ("validation_error", "field", "comment"),
    "el servicio todavía no ocurrió": ("validation_error", "field", "service_date"),
    "no tiene una relación de cuidado": ("forbidden", "reason", "no_care_relationship"),
    "no cuidó a esa persona": ("forbidden", "reason", "not_cared_for_by"),
    "ya existe una reseña de ese servicio": ("conflict", None, None),
    "la persona cuidada no existe para quien reseña": ("not_found", "entity", "cared person"),
    "el cuidador no existe": ("not_found", "entity", "caregiver"),
    "la institución no existe": ("not_found", "entity", "institution"),
    "solo un administrador puede hacerlo": ("forbidden", None, None),
}


T = TypeVar("T")


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


class Scene:
    """The people, places and use cases of one scenario, on one database."""

    def __init__(self, run: Callable[[Any], Any], engine: AsyncEngine) -> None:
        self.run, self.ids = run, SequentialIdGenerator()
        self.clock = FixedClock(datetime(2026, 1, 15, 15, 0, tzinfo=UTC))
        self.uow, self.read_side = SqlAlchemyUnitOfWork(engine), ReadSide(engine)
        uow, clock, ids, policy = self.uow, self.clock, self.ids, DEFAULT_POLICY
        self.create = {ReviewedKind.CAREGIVER: CreateCaregiverReview(uow, clock, ids, policy),
                       ReviewedKind.INSTITUTION: CreateInstitutionReview(uow, clock, ids, policy)}
        self.hide = HideReview(uow, clock, policy)
        self.get_score = self.reading(lambda views: GetScore(views, clock, policy))
        self.list_reviews = self.reading(lambda views: ListReviewsOf(views, clock))
        self.users: dict[str, UUID] = {}
        self.persons: dict[str, UUID] = {}
        self.parties: dict[str, tuple[ReviewedKind, UUID]] = {}
        self.error: DomainError | None = None
        self.review: Review | None = None
        self.reviews_before = 0

    def reading(self, handler: Callable[[SqlReviewViews], Callable[[Any], Awaitable[T]]]
                ) -> Callable[[Any], Awaitable[T]]:
        """A query as a route runs it: its handler on the views, in one read transaction."""
        async def read(query: Any) -> T:
            async with self.read_side.transaction() as conn:
                return await handler(SqlReviewViews(conn))(query)
        return read

    def within(self, work: Callable[[SqlAlchemyUnitOfWork], Awaitable[T]]) -> T:
        """Do ``work`` in one unit of work, and commit it."""
        async def go() -> T:
            async with self.uow as uow:
                done = await work(uow)
                await uow.commit()
                return done
        return self.run(go())

    def save(self, entity: Any) -> None:
        repository = {User: "users", CaredPerson: "cared_persons", Institution: "institutions",
                      LegalRepresentation: "representations"}[type(entity)]
        self.within(lambda uow: getattr(uow, repository).add(entity))

    def reviews(self) -> list[Review]:
        """Every stored review, of both kinds."""
        async def every(uow: SqlAlchemyUnitOfWork) -> list[Review]:
            return [review for kind in ReviewedKind for review in
                    (await uow.session.scalars(select(review_class(kind)))).all()]
        return self.within(every)

    def day(self, text: str) -> date:
        today = self.clock.today()
        named = {"hoy": today, "ayer": today - timedelta(1), "mañana": today + timedelta(1)}
        return named.get(text) or datetime.strptime(text, "%d/%m/%Y").date()

    def user(self, name: str, *roles: Role) -> UUID:
        if name not in self.users:
            email = EmailAddress(f"{name.lower().replace(' ', '.')}@example.com")
            user = User(self.ids.new_id(), email, "plain$x", name, "Test", self.clock.now(),
                        date_of_birth=date(1950, 1, 1),
                        roles=[RoleGrant(r, self.clock.now()) for r in roles])
            self.save(user)
            self.users[name] = user.id
        return self.users[name]

    def change_person(self, name: str, change: Callable[[CaredPerson], None]) -> None:
        async def work(uow: SqlAlchemyUnitOfWork) -> None:
            person = await uow.cared_persons.get(self.persons[name])
            assert person is not None
            change(person)
        self.within(work)

    def cared_person(self, name: str, account_id: UUID, care_type: CareType,
                     user_id: UUID | None = None) -> CaredPerson:
        person = CaredPerson(self.ids.new_id(), account_id, name, "Test", date(1940, 5, 5),
                             self.clock.now(), care_type=care_type, user_id=user_id)
        self.save(person)
        self.persons[name] = person.id
        return person

    def self_caring(self, name: str) -> CaredPerson:
        own = self.user(name, Role.CARED_PERSON)
        return self.cared_person(name, own, CareType.SELF_CARE, user_id=own)

    def represented(self, name: str, rep: str, valid_until: date | None) -> None:
        rep_id = self.user(rep, Role.FAMILY)
        person = self.cared_person(name, rep_id, CareType.DELEGATED)
        self.save(LegalRepresentation(
            self.ids.new_id(), person.id, rep_id, Relationship.CHILD, "poder 123",
            date(2025, 1, 1), self.clock.now(), valid_until=valid_until, verified=True))

    def party(self, name: str, kind: ReviewedKind, stored: bool = True) -> UUID:
        if name not in self.parties:
            if kind is ReviewedKind.CAREGIVER:
                party_id = self.user(name, Role.CAREGIVER)
            else:
                party_id = self.ids.new_id()
                admin = self.user(f"Director de {name}", Role.INSTITUTION_ADMIN)
                if stored:
                    self.save(Institution(party_id, name, admin, self.clock.now()))
            self.parties[name] = (kind, party_id)
        return self.parties[name][1]

    def link(self, party: str, person: str, accepted: bool = True) -> None:
        kind, party_id = self.parties[party]
        if kind is ReviewedKind.CAREGIVER:
            self.change_person(person, lambda p: p.assign_caregiver(party_id))
            if accepted:
                self.change_person(person, lambda p: p.accept_caregiving(party_id))
        else:
            self.change_person(person, lambda p: setattr(p, "institution_id", party_id))

    def write(self, reviewer: str, reviewed: str, rating: int, *, person: str | None = None,
              on: date | None = None, categories: dict[str, int] | None = None,
              comment: str = "") -> Review:
        kind, party_id = self.parties[reviewed]
        common = {"actor_id": self.users[reviewer], "rating": rating, "comment": comment,
                  "cared_person_id": self.persons[person or reviewer],
                  "service_date": on or self.clock.today(),
                  "category_ratings": categories or {}}
        if kind is ReviewedKind.CAREGIVER:
            cmd: Any = CreateCaregiverReviewCommand(caregiver_id=party_id, **common)
        else:
            cmd = CreateInstitutionReviewCommand(institution_id=party_id, **common)
        return self.run(self.create[kind](cmd))

    def attempt(self, action: Callable[[], Any]) -> None:
        self.reviews_before = len(self.reviews())
        try:
            self.review = action()
        except DomainError as error:
            self.error = error

    def score(self, name: str) -> ScoreRecord:
        kind, party_id = self.parties[name]
        return self.run(self.get_score(GetScoreQuery(self.user("Visitante"), kind, party_id)))

    def receive(self, name: str, n: int, rating: int) -> None:
        client = f"Cliente de {name}"
        if client not in self.persons:
            self.self_caring(client)
            self.link(name, client)
        already = sum(1 for r in self.reviews() if r.reviewer_id == self.users[client])
        for i in range(already, already + n):
            self.write(client, name, rating, on=self.clock.today() - timedelta(days=i))


@pytest.fixture(autouse=True)
def engine(database_url: str, run: Callable[[Any], Any]) -> Iterator[AsyncEngine]:
    """The database of the scenario, on the steps' event loop: every scenario runs on
    SQLite and on PostgreSQL (``database_url`` is parametrized)."""
    engine = create_engine(database_url)
    yield engine
    run(engine.dispose())


@pytest.fixture
def scene(run: Callable[[Any], Any], engine: AsyncEngine) -> Scene:
    return Scene(run, engine)


# --- who and what exists ---------------------------------------------------------------

@given(parsers.re(r"que hoy es el (?P<when>\d\d/\d\d/\d{4})"))
def _(scene: Scene, when: str) -> None:
    day = datetime.strptime(when, "%d/%m/%Y").date()
    scene.clock.set(datetime(day.year, day.month, day.day, 15, 0, tzinfo=UTC))
    assert scene.clock.today() == day


@given(parsers.re(rf"que (?P<name>{NAME}) se cuida a sí misma"))
def _(scene: Scene, name: str) -> None:
    scene.self_caring(name)


@given(parsers.re(rf"que (?:la cuidadora|el cuidador) (?P<name>{NAME}) cuidó a (?P<person>{NAME})"))
def _(scene: Scene, name: str, person: str) -> None:
    scene.party(name, ReviewedKind.CAREGIVER)
    scene.link(name, person)


@given(parsers.re(rf"que (?:la cuidadora|el cuidador) (?P<name>{NAME}) nunca cuidó a {NAME}"))
def _(scene: Scene, name: str) -> None:
    scene.party(name, ReviewedKind.CAREGIVER)


@given(parsers.re(rf"que (?:la cuidadora|el cuidador) (?P<name>{NAME}) fue invitad[ao] a cuidar a (?P<person>{NAME}) (?P<answer>pero no aceptó|y rechazó)"))
def _(scene: Scene, name: str, person: str, answer: str) -> None:
    scene.party(name, ReviewedKind.CAREGIVER)
    scene.link(name, person, accepted=False)
    if answer == "y rechazó":
        party_id = scene.parties[name][1]
        scene.change_person(person, lambda p: p.decline_caregiving(party_id))


@given(parsers.re(rf"que la residencia (?P<name>{NAME}) tuvo a (?P<person>{NAME}) como residente"))
def _(scene: Scene, name: str, person: str) -> None:
    scene.party(name, ReviewedKind.INSTITUTION)
    scene.link(name, person)


@given(parsers.re(rf"que la residencia (?P<name>{NAME}) nunca tuvo a {NAME}"))
def _(scene: Scene, name: str) -> None:
    scene.party(name, ReviewedKind.INSTITUTION)


@given(parsers.re(rf"que la residencia (?P<name>{NAME}) no está registrada"))
def _(scene: Scene, name: str) -> None:
    scene.party(name, ReviewedKind.INSTITUTION, stored=False)


@given(parsers.re(rf"que (?P<name>{NAME}) es usuario pero no es cuidador"))
def _(scene: Scene, name: str) -> None:
    scene.parties[name] = (ReviewedKind.CAREGIVER, scene.user(name, Role.FAMILY))


@given(parsers.re(rf"que (?P<name>{NAME}) está a cargo de (?P<rep>{NAME}), su representante legal verificado"))
def _(scene: Scene, name: str, rep: str) -> None:
    scene.represented(name, rep, valid_until=None)


@given(parsers.re(rf"que (?P<name>{NAME}) está a cargo de (?P<rep>{NAME}), cuya representación venció el (?P<until>.+)"))
def _(scene: Scene, name: str, rep: str, until: str) -> None:
    scene.represented(name, rep, valid_until=scene.day(until))


@given(parsers.re(rf"que (?P<name>{NAME}) es familiar de (?P<person>{NAME}) con acceso pero sin representación legal"))
def _(scene: Scene, name: str, person: str) -> None:
    member = scene.user(name, Role.FAMILY)
    scene.change_person(person, lambda p: p.add_member(member))


@given(parsers.re(rf"que (?P<name>{NAME}) no tiene relación con {NAME}"))
def _(scene: Scene, name: str) -> None:
    scene.user(name, Role.FAMILY)


@given("que nadie reseñó todavía a ningún cuidador")
def _(scene: Scene) -> None:
    assert not scene.reviews()


@given(parsers.re(rf"que (?P<what>el cuidador|la cuidadora|la residencia) (?P<name>{NAME}) recibió (?P<n>\d+) reseñas? de (?P<rating>\d+) estrellas?"))
def _(scene: Scene, what: str, name: str, n: str, rating: str) -> None:
    kind = ReviewedKind.INSTITUTION if what == "la residencia" else ReviewedKind.CAREGIVER
    scene.party(name, kind)
    scene.receive(name, int(n), int(rating))


@given(parsers.re(rf"que (?P<reviewer>{NAME}) reseñó a (?P<reviewed>{NAME}) con (?P<rating>\d+) estrellas? por el servicio del (?P<when>.+)"))
def _(scene: Scene, reviewer: str, reviewed: str, rating: str, when: str) -> None:
    scene.write(reviewer, reviewed, int(rating), on=scene.day(when))


# --- reviewing -------------------------------------------------------------------------

@when(parsers.re(rf"(?P<reviewer>{NAME}) reseña a (?P<reviewed>{NAME}) con (?P<rating>-?\d+) estrellas?"))
def _(scene: Scene, reviewer: str, reviewed: str, rating: str) -> None:
    scene.attempt(lambda: scene.write(reviewer, reviewed, int(rating)))


@when(parsers.re(rf"(?P<reviewer>{NAME}) reseña a (?P<reviewed>{NAME}) con (?P<rating>\d+) estrellas por el servicio del? (?P<when>.+)"))
def _(scene: Scene, reviewer: str, reviewed: str, rating: str, when: str) -> None:
    scene.attempt(lambda: scene.write(reviewer, reviewed, int(rating), on=scene.day(when)))


@when(parsers.re(rf"(?P<reviewer>{NAME}) reseña a (?P<reviewed>{NAME}) con (?P<rating>\d+) estrellas y (?P<value>-?\d+) en (?P<category>[\w ]+)"))
def _(scene: Scene, reviewer: str, reviewed: str, rating: str, value: str, category: str) -> None:
    categories = {CATEGORY[category]: int(value)}
    scene.attempt(lambda: scene.write(reviewer, reviewed, int(rating), categories=categories))


@when(parsers.re(rf"(?P<reviewer>{NAME}) reseña a (?P<reviewed>{NAME}) con un comentario de (?P<chars>\d+) caracteres"))
def _(scene: Scene, reviewer: str, reviewed: str, chars: str) -> None:
    scene.attempt(lambda: scene.write(reviewer, reviewed, 4, comment="x" * int(chars)))


@when(parsers.re(rf"(?P<reviewer>{NAME}) reseña a (?P<reviewed>{NAME}) por el cuidado de (?P<person>{NAME}) con (?P<rating>\d+) estrellas"))
def _(scene: Scene, reviewer: str, reviewed: str, person: str, rating: str) -> None:
    scene.attempt(lambda: scene.write(reviewer, reviewed, int(rating), person=person))


@when(parsers.re(rf"(?P<reviewer>{NAME}) reseña a (?P<reviewed>{NAME}) en días distintos con:"))
def _(scene: Scene, reviewer: str, reviewed: str, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    for days_ago, row in enumerate(rows):
        cells = dict(zip(header, row, strict=True))
        categories = {CATEGORY[k]: int(v) for k, v in cells.items() if k != "estrellas" and v}
        on = scene.clock.today() - timedelta(days=days_ago)
        scene.write(reviewer, reviewed, int(cells["estrellas"]), on=on, categories=categories)


@when(parsers.re(rf"(?P<name>{NAME}) recibe (?P<n>\d+) reseñas? de (?P<rating>\d+) estrellas?"))
def _(scene: Scene, name: str, n: str, rating: str) -> None:
    scene.receive(name, int(n), int(rating))


def _review_of(scene: Scene, name: str, rating: int) -> UUID:
    party_id = scene.parties[name][1]
    return next(r.id for r in scene.reviews()
                if r.reviewed_id == party_id and r.rating.value == rating and r.is_public)


@when(parsers.re(rf"el administrador oculta la reseña de (?P<rating>\d+) estrellas a (?P<name>{NAME})"))
def _(scene: Scene, rating: str, name: str) -> None:
    cmd = HideReviewCommand(scene.user("Admin", Role.ADMIN), _review_of(scene, name, int(rating)))
    scene.run(scene.hide(cmd))


@when(parsers.re(rf"(?P<user>{NAME}) intenta ocultar la reseña de (?P<rating>\d+) estrellas a (?P<name>{NAME})"))
def _(scene: Scene, user: str, rating: str, name: str) -> None:
    cmd = HideReviewCommand(scene.users[user], _review_of(scene, name, int(rating)))
    scene.attempt(lambda: scene.run(scene.hide(cmd)))


# --- outcomes --------------------------------------------------------------------------

@then("la reseña es aceptada")
def _(scene: Scene) -> None:
    assert scene.error is None, scene.error
    assert scene.review is not None and scene.review.id in {r.id for r in scene.reviews()}


@then(parsers.re(r"(?:la reseña|la ocultación) es rechazada porque (?P<reason>.+)"))
def _(scene: Scene, reason: str) -> None:
    code, key, value = REASONS[reason]
    assert scene.error is not None, "nothing was refused"
    assert scene.error.code == code and (key is None or scene.error.details[key] == value), \
        repr(scene.error)
    assert len(scene.reviews()) == scene.reviews_before


@given(parsers.re(rf"que el puntaje de (?P<name>{NAME}) es (?P<value>\d+,\d\d) con (?P<n>\d+) reseñas?"))
@then(parsers.re(rf"el puntaje de (?P<name>{NAME}) es (?P<value>\d+,\d\d) con (?P<n>\d+) reseñas?"))
def _(scene: Scene, name: str, value: str, n: str) -> None:
    score = scene.score(name)
    assert str(score.overall_score) == str(_decimal(value)), score.overall_score
    assert score.total_reviews == int(n)


@then(parsers.re(rf"el puntaje de (?P<name>{NAME}) en (?P<category>[\w ]+) es (?P<value>\d+,\d\d)"))
def _(scene: Scene, name: str, category: str, value: str) -> None:
    assert scene.score(name).category_scores[CATEGORY[category]] == _decimal(value)


@then(parsers.re(rf"(?P<name>{NAME}) no tiene puntaje en (?P<category>[\w ]+)"))
def _(scene: Scene, name: str, category: str) -> None:
    scores = scene.score(name).category_scores
    assert CATEGORY[category] in scores and scores[CATEGORY[category]] is None


@then(parsers.re(r"la media de referencia de (?P<kind>los cuidadores|las instituciones) es (?P<m>\d+,\d\d)"))
def _(scene: Scene, kind: str, m: str) -> None:
    reviewed = ReviewedKind.CAREGIVER if kind == "los cuidadores" else ReviewedKind.INSTITUTION
    tally = scene.within(lambda uow: uow.reviews.public_rating_tally(reviewed))
    assert round_half_up(tally.mean_or(DEFAULT_POLICY.review_default_mean)) == _decimal(m)


@then(parsers.re(rf"las reseñas visibles de (?P<name>{NAME}) son de (?P<ratings>[\d, y]+) estrellas"))
def _(scene: Scene, name: str, ratings: str) -> None:
    kind, party_id = scene.parties[name]
    query = ListReviewsOfQuery(scene.user("Visitante"), kind, party_id)
    listed = scene.run(scene.list_reviews(query))
    assert sorted(r.rating.value for r in listed) == sorted(map(int, re.findall(r"\d", ratings)))

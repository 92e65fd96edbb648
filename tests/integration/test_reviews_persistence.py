"""Reviews and scores on SQLite and PostgreSQL: repositories, views, database constraints
and the use cases and queries end to end on the real unit of work and read side."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

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
from cuiot.application.reviews.ports import ReviewViews
from cuiot.application.reviews.queries.reviews import (
    GetScore,
    GetScoreQuery,
    ListReviewsOf,
    ListReviewsOfQuery,
)
from cuiot.domain.care import CaredPerson, CareType, Institution
from cuiot.domain.errors import Conflict, Forbidden, NotFound, Unauthenticated, ValidationFailed
from cuiot.domain.policy import Policy
from cuiot.domain.reviews import Review, ReviewedKind, Score, review_class, score_class
from cuiot.domain.users import Role, RoleGrant, User
from cuiot.domain.values import EmailAddress, Rating
from tests.fakes.system import FixedClock, SequentialIdGenerator

NOW = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
CAREGIVER, INSTITUTION = ReviewedKind.CAREGIVER, ReviewedKind.INSTITUTION


@dataclass
class Cast:
    """Rosa cares for herself at Los Aromos, with Marta as her caregiver; Juan is another
    caregiver; Tomás a stranger; Ada the admin."""

    rosa: UUID
    rosa_cp: UUID
    marta: UUID
    juan: UUID
    tomas: UUID
    ada: UUID
    aromos: UUID


def a_user(name: str, role: Role) -> User:
    return User(uuid4(), EmailAddress(f"{name}@example.com"), "plain$x", name, "Test", NOW,
                date_of_birth=date(1950, 1, 1), roles=[RoleGrant(role, NOW)])


@pytest.fixture
async def cast(sql_uow) -> Cast:
    people = {n: a_user(n, r) for n, r in [
        ("rosa", Role.CARED_PERSON), ("marta", Role.CAREGIVER), ("juan", Role.CAREGIVER),
        ("tomas", Role.FAMILY), ("ada", Role.ADMIN), ("director", Role.INSTITUTION_ADMIN)]}
    aromos = Institution(uuid4(), "Los Aromos", people["director"].id, NOW)
    rosa = CaredPerson(uuid4(), people["rosa"].id, "Rosa", "Paz", date(1940, 1, 1), NOW,
                       care_type=CareType.SELF_CARE, user_id=people["rosa"].id,
                       institution_id=aromos.id)
    rosa.assign_caregiver(people["marta"].id)
    rosa.accept_caregiving(people["marta"].id)
    async with sql_uow() as uow:
        for person in people.values():
            await uow.users.add(person)
        await uow.institutions.add(aromos)
        await uow.cared_persons.add(rosa)
        await uow.commit()
    ids = {n: p.id for n, p in people.items() if n != "director"}
    return Cast(rosa_cp=rosa.id, aromos=aromos.id, **ids)


def a_review(cast: Cast, kind: ReviewedKind = CAREGIVER, **changes: Any) -> Review:
    fields: dict[str, Any] = {
        "id": uuid4(), "reviewer_id": cast.rosa, "kind": kind,
        "reviewed_id": cast.marta if kind is CAREGIVER else cast.aromos,
        "cared_person_id": cast.rosa_cp, "rating": Rating(4),
        "service_date": date(2026, 1, 14), "created_at": NOW}
    return review_class(kind)(**{**fields, **changes})


def a_score(kind: ReviewedKind, *values: Any) -> Score:
    return score_class(kind)(kind, *values)


def state(entity: Any) -> dict[str, Any]:
    """Every field of a domain object (``vars`` would hold the ORM's state too)."""
    return {f.name: getattr(entity, f.name) for f in fields(entity)}


async def store(sql_uow, *entities: Review | Score) -> None:
    async with sql_uow() as uow:
        for entity in entities:
            repository = uow.reviews if isinstance(entity, Review) else uow.scores
            await repository.add(entity)
        await uow.commit()


# -- repositories ---------------------------------------------------------------

async def test_a_review_of_each_kind_comes_back_whole(sql_uow, cast: Cast) -> None:
    by_carer = a_review(cast, rating=Rating(5), is_recommended=True, comment="atenta ñ",
                        category_ratings={"experience": 5, "availability": 1})
    of_home = a_review(cast, INSTITUTION, category_ratings={"medical_quality": 3, "price": 2})
    plain = a_review(cast, service_date=date(2026, 1, 10))
    await store(sql_uow, by_carer, of_home, plain)
    async with sql_uow() as uow:
        loaded = [await uow.reviews.get(r.id) for r in (by_carer, of_home, plain)]
        assert await uow.reviews.get(uuid4()) is None
    for original, again in zip((by_carer, of_home, plain), loaded, strict=True):
        assert state(again) == state(original)
    assert loaded[0].created_at.tzinfo is not None and loaded[2].category_ratings == {}
    assert loaded[1].kind is INSTITUTION and loaded[2].hidden_by is None


async def test_hiding_a_loaded_review_is_written_at_commit(sql_uow, cast: Cast) -> None:
    review = a_review(cast)
    await store(sql_uow, review)
    async with sql_uow() as uow:
        (await uow.reviews.get(review.id)).hide(cast.ada, NOW + timedelta(hours=2))
        await uow.commit()
    async with sql_uow() as uow:
        again = await uow.reviews.get(review.id)
    assert (again.is_public, again.hidden_by, again.hidden_at) == (
        False, cast.ada, NOW + timedelta(hours=2))


async def test_nothing_is_written_without_commit_or_after_an_error(sql_uow, cast: Cast) -> None:
    review = a_review(cast)
    async with sql_uow() as uow:
        await uow.reviews.add(review)
        await uow.scores.add(a_score(CAREGIVER, cast.marta, Decimal("4.00"), {}, 1, NOW))
    with pytest.raises(RuntimeError):
        async with sql_uow() as uow:
            await uow.reviews.add(review)
            await uow.flush()
            raise RuntimeError("boom")
    async with sql_uow() as uow:
        assert await uow.reviews.get(review.id) is None
        assert await uow.scores.get_for(CAREGIVER, cast.marta) is None


async def test_exists_for_matches_the_whole_service_key_hidden_included(
        sql_uow, cast: Cast) -> None:
    hidden = a_review(cast)
    hidden.hide(cast.ada, NOW)
    await store(sql_uow, hidden)
    key = (cast.rosa, CAREGIVER, cast.marta, cast.rosa_cp, date(2026, 1, 14))
    async with sql_uow() as uow:
        assert await uow.reviews.exists_for(*key)
        for position, other in [(0, cast.tomas), (2, cast.juan), (3, uuid4()),
                                (4, date(2026, 1, 13)), (1, INSTITUTION)]:
            changed = list(key)
            changed[position] = other
            assert not await uow.reviews.exists_for(*changed)
        await uow.reviews.add(a_review(cast, INSTITUTION, service_date=date(2026, 1, 13)))
        assert await uow.reviews.exists_for(cast.rosa, INSTITUTION, cast.aromos, cast.rosa_cp,
                                            date(2026, 1, 13))


async def test_public_reviews_of_one_party_newest_first(sql_uow, engine, cast: Cast) -> None:
    def on(day: int, **changes: Any) -> Review:
        return a_review(cast, service_date=date(2026, 1, day),
                        created_at=NOW + timedelta(days=day), **changes)
    older, tie_low, tie_high = on(1), on(2, id=UUID(int=1)), on(3, id=UUID(int=2))
    tie_low.created_at = tie_high.created_at
    hidden, newest = on(4), on(5)
    hidden.hide(cast.ada, NOW)
    other_party = a_review(cast, reviewed_id=cast.juan)
    await store(sql_uow, older, tie_low, tie_high, hidden, newest, other_party,
                a_review(cast, INSTITUTION))
    async with sql_uow() as uow:  # what a score is computed from: all of them
        assert {r.id for r in await uow.reviews.list_public_of(CAREGIVER, cast.marta)} == {
            newest.id, tie_high.id, tie_low.id, older.id}
    async with ReadSide(engine).transaction() as conn:
        views = SqlReviewViews(conn)

        async def public(reviewed: UUID, offset: int = 0, limit: int = 100) -> list[Any]:
            return (await views.public_reviews(CAREGIVER, reviewed, None, NOW, offset,
                                               limit)).reviews

        every = await public(cast.marta)
        page = await public(cast.marta, offset=1, limit=2)
        rest = await public(cast.marta, offset=3)
        of_juan = await public(cast.juan)
    assert [r.id for r in every] == [newest.id, tie_high.id, tie_low.id, older.id]
    assert [r.id for r in page] == [tie_high.id, tie_low.id] and [r.id for r in rest] == [older.id]
    assert [r.id for r in of_juan] == [other_party.id]


async def test_the_rating_tally_counts_public_reviews_of_one_kind_in_sql(
        sql_uow, cast: Cast) -> None:
    async with sql_uow() as uow:
        empty = await uow.reviews.public_rating_tally(CAREGIVER)
    hidden = a_review(cast, rating=Rating(1), service_date=date(2026, 1, 1))
    hidden.hide(cast.ada, NOW)
    await store(sql_uow, hidden, a_review(cast, rating=Rating(5)),
                a_review(cast, reviewed_id=cast.juan, rating=Rating(2)),
                a_review(cast, INSTITUTION, rating=Rating(3)))
    async with sql_uow() as uow:
        await uow.reviews.add(a_review(cast, rating=Rating(4), service_date=date(2026, 1, 2)))
        carers = await uow.reviews.public_rating_tally(CAREGIVER)
        homes = await uow.reviews.public_rating_tally(INSTITUTION)
    assert ((empty.count, empty.total), (carers.count, carers.total)) == ((0, 0), (3, 11))
    assert (homes.count, homes.total) == (1, 3)


async def test_a_score_round_trips_and_takes_a_new_calculation(sql_uow, cast: Cast) -> None:
    first = a_score(CAREGIVER, cast.marta, Decimal("4.25"),
                  {"experience": Decimal("4.50"), "quality": None, "reliability": Decimal("1.00"),
                   "availability": None, "specialization": Decimal("5.00")}, 2, NOW)
    home = a_score(INSTITUTION, cast.aromos, Decimal("3.00"),
                 {"medical_quality": None, "infrastructure": None, "staff": None,
                  "attention": None, "price": Decimal("2.33")}, 0, NOW)
    await store(sql_uow, first, home)
    async with sql_uow() as uow:
        loaded = await uow.scores.get_for(CAREGIVER, cast.marta)
        assert state(loaded) == state(first) and str(loaded.overall_score) == "4.25"
        assert state(await uow.scores.get_for(INSTITUTION, cast.aromos)) == state(home)
        assert await uow.scores.get_for(INSTITUTION, cast.marta) is None
        later = NOW + timedelta(days=1)
        loaded.take(a_score(CAREGIVER, cast.marta, Decimal("3.67"), {"experience": None}, 3,
                            later))
        await uow.commit()
    async with sql_uow() as uow:
        again = await uow.scores.get_for(CAREGIVER, cast.marta)
    assert (str(again.overall_score), again.total_reviews, again.last_calculated) == (
        "3.67", 3, later)
    assert set(again.category_scores.values()) == {None}


def _break(attribute: str, value: Any) -> Callable[[Review], None]:
    return lambda review: object.__setattr__(review, attribute, value)


def _bad_rating(value: int) -> Rating:
    """A Rating the domain would refuse (its check skipped)."""
    rating = object.__new__(Rating)
    object.__setattr__(rating, "value", value)
    return rating


@pytest.mark.parametrize("damage, constraint", [
    (_break("rating", _bad_rating(6)), "rating_1_to_5"),
    (_break("rating", _bad_rating(0)), "rating_1_to_5"),
    (lambda r: object.__setattr__(r, "category_ratings", {**r.category_ratings, "quality": 9}),
     "quality_rating_1_to_5"),
    (_break("comment", "x" * 2001), "comment_length"),
    (_break("is_public", False), "hidden_by_whom_and_when"),
    (_break("hidden_at", NOW), "hidden_by_whom_and_when"),
])
async def test_the_database_refuses_a_review_the_domain_would_not_make(
        sql_uow, cast: Cast, damage: Callable[[Review], None], constraint: str) -> None:
    review = a_review(cast)
    damage(review)
    with pytest.raises(Conflict) as raised:
        await store(sql_uow, review)
    assert constraint in raised.value.details["constraint"]


async def test_a_comment_of_exactly_2000_characters_is_kept(sql_uow, cast: Cast) -> None:
    review = a_review(cast, comment="ñ" * 2000)
    await store(sql_uow, review)
    async with sql_uow() as uow:
        assert (await uow.reviews.get(review.id)).comment == "ñ" * 2000


async def test_one_review_per_service_in_the_database(sql_uow, cast: Cast) -> None:
    await store(sql_uow, a_review(cast), a_review(cast, INSTITUTION))
    with pytest.raises(Conflict) as raised:
        await store(sql_uow, a_review(cast, rating=Rating(1)))
    assert "caregiver_reviews" in raised.value.details["constraint"]


@pytest.mark.parametrize("kind, reviewed", [(CAREGIVER, "aromos"), (INSTITUTION, "marta")])
async def test_the_reviewed_party_must_exist_in_its_kind_table(
        sql_uow, cast: Cast, kind: ReviewedKind, reviewed: str) -> None:
    with pytest.raises(Conflict):
        await store(sql_uow, a_review(cast, kind, reviewed_id=getattr(cast, reviewed)))


@pytest.mark.parametrize("overall, categories, total, constraint", [
    ("5.01", {}, 1, "overall_score_1_to_5"),
    ("0.99", {}, 1, "overall_score_1_to_5"),
    ("10.00", {}, 1, "overall_score_1_to_5"),
    ("4.00", {"quality": Decimal("0.50")}, 1, "quality_score_1_to_5"),
    ("4.00", {}, -1, "total_reviews_not_negative"),
])
async def test_the_database_refuses_an_impossible_score(
        sql_uow, cast: Cast, overall: str, categories: dict, total: int,
        constraint: str) -> None:
    with pytest.raises(Conflict) as raised:
        await store(sql_uow, a_score(CAREGIVER, cast.marta, Decimal(overall), categories,
                                     total, NOW))
    assert constraint in raised.value.details["constraint"]


# -- use cases end to end ------------------------------------------------------

def reading(engine: AsyncEngine, handler: Callable[[ReviewViews], Callable[[Any], Awaitable[Any]]]
            ) -> Callable[[Any], Awaitable[Any]]:
    """A query as a route runs it: its handler on the views, in one read transaction."""
    async def read(query: Any) -> Any:
        async with ReadSide(engine).transaction() as conn:
            return await handler(SqlReviewViews(conn))(query)
    return read


@pytest.fixture
def app(sql_uow, engine: AsyncEngine, policy: Policy) -> dict[str, Any]:
    clock, ids = FixedClock(NOW), SequentialIdGenerator()
    return {"clock": clock,
            "caregiver": CreateCaregiverReview(sql_uow(), clock, ids, policy),
            "institution": CreateInstitutionReview(sql_uow(), clock, ids, policy),
            "list": reading(engine, lambda views: ListReviewsOf(views, clock)),
            "score": reading(engine, lambda views: GetScore(views, clock, policy)),
            "hide": HideReview(sql_uow(), clock, policy)}


def review_of_marta(cast: Cast, rating: int, day: int,
                    **changes: Any) -> CreateCaregiverReviewCommand:
    fields: dict[str, Any] = {"actor_id": cast.rosa, "caregiver_id": cast.marta,
                              "cared_person_id": cast.rosa_cp, "rating": rating,
                              "service_date": date(2026, 1, day)}
    return CreateCaregiverReviewCommand(**{**fields, **changes})


async def test_reviews_scores_and_hiding_end_to_end(app: dict, cast: Cast) -> None:
    first = await app["caregiver"](review_of_marta(cast, 5, 10, category_ratings={
        "experience": 5, "quality": None}, is_recommended=True, comment="excelente"))
    app["clock"].advance(timedelta(hours=1))
    second = await app["caregiver"](review_of_marta(cast, 3, 11,
                                                    category_ratings={"experience": 4}))
    score = await app["score"](GetScoreQuery(cast.tomas, "caregiver", cast.marta))
    assert (str(score.overall_score), score.total_reviews) == ("4.00", 2)  # (5·4 + 8) / 7
    assert (str(score.category_scores["experience"]), score.category_scores["quality"]) == (
        "4.50", None)
    listed = await app["list"](ListReviewsOfQuery(cast.tomas, "caregiver", cast.marta))
    assert [r.id for r in listed] == [second.id, first.id]
    hidden = await app["hide"](HideReviewCommand(cast.ada, first.id))
    assert hidden.hidden_by == cast.ada
    score = await app["score"](GetScoreQuery(cast.tomas, "caregiver", cast.marta))
    assert (str(score.overall_score), score.total_reviews) == ("3.00", 1)  # (5·3 + 3) / 6
    assert str(score.category_scores["experience"]) == "4.00"
    listed = await app["list"](ListReviewsOfQuery(cast.tomas, "caregiver", cast.marta))
    assert [r.id for r in listed] == [second.id]


async def test_the_same_service_cannot_be_reviewed_twice(app: dict, cast: Cast) -> None:
    await app["caregiver"](review_of_marta(cast, 4, 10))
    with pytest.raises(Conflict):
        await app["caregiver"](review_of_marta(cast, 2, 10))
    listed = await app["list"](ListReviewsOfQuery(cast.rosa, "caregiver", cast.marta))
    assert [r.rating.value for r in listed] == [4]


async def test_refusals_leave_nothing_behind(app: dict, cast: Cast, sql_uow) -> None:
    with pytest.raises(NotFound):
        await app["caregiver"](review_of_marta(cast, 1, 10, actor_id=cast.tomas))
    with pytest.raises(Forbidden) as raised:
        await app["caregiver"](review_of_marta(cast, 1, 10, caregiver_id=cast.juan))
    assert raised.value.details["reason"] == "not_cared_for_by"
    review = await app["caregiver"](review_of_marta(cast, 4, 10))
    with pytest.raises(Forbidden):
        await app["hide"](HideReviewCommand(cast.rosa, review.id))
    async with sql_uow() as uow:
        assert (await uow.reviews.get(review.id)).is_public
        tally = await uow.reviews.public_rating_tally(CAREGIVER)
        assert (tally.count, tally.total) == (1, 4)
        assert await uow.scores.get_for(CAREGIVER, cast.juan) is None


async def test_an_institution_is_reviewed_and_scored_apart(app: dict, cast: Cast) -> None:
    unrated = await app["score"](GetScoreQuery(cast.rosa, "institution", cast.aromos))
    assert (str(unrated.overall_score), unrated.total_reviews) == ("3.00", 0)
    await app["caregiver"](review_of_marta(cast, 5, 10))
    await app["institution"](CreateInstitutionReviewCommand(
        actor_id=cast.rosa, institution_id=cast.aromos, cared_person_id=cast.rosa_cp,
        rating=2, service_date=date(2026, 1, 10), category_ratings={"price": 1}))
    score = await app["score"](GetScoreQuery(cast.rosa, "institution", cast.aromos))
    assert (str(score.overall_score), score.total_reviews) == ("2.00", 1)
    assert str(score.category_scores["price"]) == "1.00"
    marta = await app["score"](GetScoreQuery(cast.rosa, "caregiver", cast.marta))
    assert (str(marta.overall_score), marta.total_reviews) == ("5.00", 1)


# -- the queries over the views (the unit tests of the reads, moved here) --------------

async def three_reviews(app: dict[str, Any], cast: Cast) -> list[Review]:
    """Rosa rates Marta 5, 2 and 4 on 12, 13 and 14 January, a minute apart."""
    written = []
    for day, rating in ((12, 5), (13, 2), (14, 4)):
        written.append(await app["caregiver"](review_of_marta(cast, rating, day)))
        app["clock"].advance(timedelta(minutes=1))
    return written


async def test_an_anonymous_reader_sees_the_public_reviews_and_the_score(
        app: dict, cast: Cast) -> None:
    review = await app["caregiver"](review_of_marta(cast, 5, 12))
    listed = await app["list"](ListReviewsOfQuery(None, "caregiver", cast.marta))
    score = await app["score"](GetScoreQuery(None, "caregiver", cast.marta))
    assert [r.id for r in listed] == [review.id]
    assert (str(score.overall_score), score.total_reviews) == ("5.00", 1)


async def test_an_anonymous_reader_of_an_unknown_party_gets_not_found(
        app: dict, cast: Cast) -> None:
    with pytest.raises(NotFound):
        await app["score"](GetScoreQuery(None, "caregiver", cast.tomas))
    with pytest.raises(NotFound):
        await app["list"](ListReviewsOfQuery(None, "institution", UUID(int=999)))


async def test_a_reader_who_names_an_unknown_user_is_refused(app: dict, cast: Cast) -> None:
    with pytest.raises(Unauthenticated):
        await app["score"](GetScoreQuery(UUID(int=999), "caregiver", cast.marta))
    with pytest.raises(Unauthenticated):
        await app["list"](ListReviewsOfQuery(UUID(int=999), "caregiver", cast.marta))


async def test_a_party_never_reviewed_gets_the_default_mean_without_storing_it(
        app: dict, cast: Cast, sql_uow) -> None:
    score = await app["score"](GetScoreQuery(cast.tomas, "caregiver", cast.marta))
    assert (str(score.overall_score), score.total_reviews) == ("3.00", 0)
    async with sql_uow() as uow:
        stored = await uow.scores.get_for(CAREGIVER, cast.marta)
    assert score.last_calculated == app["clock"].now() and stored is None


async def test_a_party_never_reviewed_gets_the_mean_of_its_kind(app: dict, cast: Cast) -> None:
    await three_reviews(app, cast)  # caregiver mean 11/3
    score = await app["score"](GetScoreQuery(cast.tomas, ReviewedKind.CAREGIVER, cast.juan))
    assert str(score.overall_score) == "3.67"
    aromos = await app["score"](GetScoreQuery(cast.tomas, "institution", cast.aromos))
    assert str(aromos.overall_score) == "3.00"  # institutions have their own m


async def test_reading_the_score_of_someone_unknown_is_not_found(
        app: dict, cast: Cast) -> None:
    with pytest.raises(NotFound):
        await app["score"](GetScoreQuery(cast.rosa, "caregiver", cast.tomas))
    with pytest.raises(NotFound):
        await app["score"](GetScoreQuery(cast.rosa, "institution", UUID(int=999)))
    with pytest.raises(ValidationFailed):
        await app["score"](GetScoreQuery(cast.rosa, "hospital", cast.aromos))


async def test_listing_gives_public_reviews_newest_first_by_page(
        app: dict, cast: Cast, sql_uow) -> None:
    five, two, four = await three_reviews(app, cast)
    async with sql_uow() as uow:
        (await uow.reviews.get(two.id)).hide(cast.ada, app["clock"].now())
        await uow.commit()
    listed = await app["list"](ListReviewsOfQuery(cast.tomas, "caregiver", cast.marta))
    assert [r.id for r in listed] == [four.id, five.id]
    page = await app["list"](ListReviewsOfQuery(cast.tomas, "caregiver", cast.marta, 1, 1))
    assert [r.id for r in page] == [five.id]
    other = await app["list"](ListReviewsOfQuery(cast.tomas, "institution", cast.aromos))
    assert other == []


@pytest.mark.parametrize("offset, limit", [(-1, 10), (0, 0)])
async def test_listing_refuses_a_bad_page(app: dict, cast: Cast, offset: int, limit: int) -> None:
    with pytest.raises(ValidationFailed):
        await app["list"](ListReviewsOfQuery(cast.tomas, "caregiver", cast.marta, offset, limit))

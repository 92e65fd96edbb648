"""Reviews and scores are public: anyone may read them without naming themselves."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from tests.fakes.system import FixedClock, SequentialIdGenerator
from tests.fakes.uow import InMemoryStore, InMemoryUnitOfWork
from cuiot.application.reviews.commands.reviews import GetScoreQuery, ListReviewsOfQuery
from cuiot.domain.errors import NotFound, Unauthenticated
from cuiot.domain.policy import Policy
from tests.unit.test_reviews_use_cases import Cast, build_app, build_cast, caregiver_review


@pytest.fixture
async def cast(store: InMemoryStore, ids: SequentialIdGenerator, clock: FixedClock) -> Cast:
    return await build_cast(store, ids, clock)


@pytest.fixture
def app(uow: InMemoryUnitOfWork, clock: FixedClock, ids: SequentialIdGenerator,
        policy: Policy) -> dict:
    return build_app(uow, clock, ids, policy)


async def test_an_anonymous_reader_sees_the_public_reviews_and_the_score(
        app: dict, cast: Cast) -> None:
    review = await app["caregiver"](caregiver_review(cast, rating=5,
                                                     service_date=date(2026, 1, 12)))
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

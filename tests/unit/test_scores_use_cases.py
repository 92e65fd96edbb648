"""Scores kept by the commands, and hiding reviews, on the in-memory adapters. Reading
scores and reviews is tested on the views (tests/integration/test_reviews_persistence.py)."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import pytest

from cuiot.application.reviews.commands.reviews import (
    CreateInstitutionReviewCommand,
    HideReviewCommand,
)
from cuiot.domain.care import CareType
from cuiot.domain.errors import Forbidden, InvalidStateTransition, NotFound
from cuiot.domain.policy import Policy
from cuiot.domain.reviews import Review, ReviewedKind
from cuiot.domain.users import Role, RoleGrant
from tests.fakes.system import FixedClock, SequentialIdGenerator
from tests.fakes.uow import InMemoryStore, InMemoryUnitOfWork
from tests.unit.test_reviews_use_cases import Cast, build_app, build_cast, caregiver_review


@pytest.fixture
async def cast(store: InMemoryStore, ids: SequentialIdGenerator, clock: FixedClock) -> Cast:
    return await build_cast(store, ids, clock)


@pytest.fixture
def app(uow: InMemoryUnitOfWork, clock: FixedClock, ids: SequentialIdGenerator,
        policy: Policy) -> dict:
    return build_app(uow, clock, ids, policy)


async def three_reviews(app: dict, cast: Cast, clock: FixedClock) -> list[Review]:
    """Rosa rates Marta 5, 2 and 4 on 12, 13 and 14 January, a minute apart."""
    written = []
    for day, rating in ((12, 5), (13, 2), (14, 4)):
        written.append(await app["caregiver"](caregiver_review(
            cast, rating=rating, service_date=date(2026, 1, day))))
        clock.advance(timedelta(minutes=1))
    return written


async def test_the_stored_score_is_recomputed_in_place(
        app: dict, cast: Cast, store: InMemoryStore, clock: FixedClock) -> None:
    await app["caregiver"](caregiver_review(cast, rating=5, service_date=date(2026, 1, 12)))
    stored = store.scores.items[(ReviewedKind.CAREGIVER, cast.marta)]
    clock.advance(timedelta(hours=1))
    await app["caregiver"](caregiver_review(cast, rating=2, service_date=date(2026, 1, 13)))
    current = store.scores.items[(ReviewedKind.CAREGIVER, cast.marta)]
    assert len(store.scores.items) == 1 and current.last_calculated == clock.now()
    assert (str(current.overall_score), current.total_reviews) == ("3.50", 2)
    assert stored is current  # the same entity, persisted by the unit of work


async def test_hiding_a_review_recomputes_the_score(
        app: dict, cast: Cast, store: InMemoryStore, uow: InMemoryUnitOfWork,
        clock: FixedClock) -> None:
    _, two, _ = await three_reviews(app, cast, clock)
    hidden = await app["hide"](HideReviewCommand(cast.admin, two.id))
    assert (hidden.is_public, hidden.hidden_by, hidden.hidden_at) == (
        False, cast.admin, clock.now())
    score = store.scores.items[(ReviewedKind.CAREGIVER, cast.marta)]
    assert (str(score.overall_score), score.total_reviews) == ("4.50", 2)
    assert score.last_calculated == clock.now() and uow.commits == 4
    with pytest.raises(InvalidStateTransition):
        await app["hide"](HideReviewCommand(cast.admin, two.id))


async def test_hiding_recomputes_the_institution_not_the_caregivers(
        app: dict, cast: Cast, store: InMemoryStore, clock: FixedClock) -> None:
    await three_reviews(app, cast, clock)
    review = await app["institution"](CreateInstitutionReviewCommand(
        actor_id=cast.rosa, institution_id=cast.aromos, cared_person_id=cast.rosa_cp,
        rating=1, service_date=date(2026, 1, 14)))
    caregiver_before = store.scores.items[(ReviewedKind.CAREGIVER, cast.marta)].last_calculated
    clock.advance(timedelta(hours=1))
    await app["hide"](HideReviewCommand(cast.admin, review.id))
    aromos = store.scores.items[(ReviewedKind.INSTITUTION, cast.aromos)]
    assert (str(aromos.overall_score), aromos.total_reviews) == ("3.00", 0)
    marta = store.scores.items[(ReviewedKind.CAREGIVER, cast.marta)]
    assert marta.last_calculated == caregiver_before


async def test_only_an_admin_hides_a_review(
        app: dict, cast: Cast, store: InMemoryStore, clock: FixedClock) -> None:
    review = await app["caregiver"](caregiver_review(cast))
    with pytest.raises(Forbidden):
        await app["hide"](HideReviewCommand(cast.rosa, review.id))
    admin = store.users.items[cast.admin]
    admin.roles = [RoleGrant(Role.ADMIN, clock.now() - timedelta(days=2), clock.now())]
    with pytest.raises(Forbidden):
        await app["hide"](HideReviewCommand(cast.admin, review.id))
    assert store.reviews.items[review.id].is_public


async def test_hiding_an_unknown_review_is_not_found(app: dict, cast: Cast) -> None:
    with pytest.raises(NotFound):
        await app["hide"](HideReviewCommand(cast.admin, UUID(int=999)))


async def test_a_delegated_person_with_a_login_does_not_review_alone(
        app: dict, cast: Cast, store: InMemoryStore) -> None:
    elena = store.cared_persons.items[cast.elena_cp]
    elena.user_id = cast.tomas
    assert elena.care_type is CareType.DELEGATED
    with pytest.raises(Forbidden):
        await app["caregiver"](caregiver_review(cast, actor_id=cast.tomas,
                                                cared_person_id=cast.elena_cp))

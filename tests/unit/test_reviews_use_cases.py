"""Use cases of reviews and scores on the in-memory adapters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

import pytest

from cuiot.application.reviews.commands.reviews import (
    CreateCaregiverReview,
    CreateCaregiverReviewCommand,
    CreateInstitutionReview,
    CreateInstitutionReviewCommand,
    HideReview,
)
from cuiot.domain.care import CaredPerson, CareType, Institution, LegalRepresentation, Relationship
from cuiot.domain.errors import (
    Conflict,
    Forbidden,
    NotFound,
    Unauthenticated,
    ValidationFailed,
)
from cuiot.domain.policy import Policy
from cuiot.domain.reviews import ReviewedKind
from cuiot.domain.users import Role, RoleGrant, User
from cuiot.domain.values import EmailAddress
from tests.fakes.system import FixedClock, SequentialIdGenerator
from tests.fakes.uow import InMemoryStore, InMemoryUnitOfWork


@dataclass
class Cast:
    """Rosa cares for herself; Marta is her caregiver; she lives at Los Aromos. Elena is
    delegated to Pablo (verified). Lucía is Elena's family member; Tomás a stranger."""

    rosa: UUID
    rosa_cp: UUID
    marta: UUID
    aromos: UUID
    elena_cp: UUID
    pablo: UUID
    lucia: UUID
    tomas: UUID
    admin: UUID


async def user(store: InMemoryStore, ids: SequentialIdGenerator, clock: FixedClock,
               name: str, *roles: Role) -> UUID:
    new = User(ids.new_id(), EmailAddress(f"{name}@example.com"), "plain$x", name, "Test",
               clock.now(), date_of_birth=date(1950, 1, 1),
               roles=[RoleGrant(role, clock.now()) for role in roles])
    await store.users.add(new)
    return new.id


async def build_cast(store: InMemoryStore, ids: SequentialIdGenerator, clock: FixedClock) -> Cast:
    names = ["rosa", "marta", "pablo", "lucia", "tomas", "admin", "director"]
    roles = [Role.CARED_PERSON, Role.CAREGIVER, Role.FAMILY, Role.FAMILY, Role.FAMILY,
             Role.ADMIN, Role.INSTITUTION_ADMIN]
    u = {n: await user(store, ids, clock, n, r) for n, r in zip(names, roles, strict=True)}
    aromos = Institution(ids.new_id(), "Los Aromos", u["director"], clock.now())
    await store.institutions.add(aromos)
    rosa = CaredPerson(ids.new_id(), u["rosa"], "Rosa", "Paz", date(1940, 1, 1), clock.now(),
                       care_type=CareType.SELF_CARE, user_id=u["rosa"], institution_id=aromos.id)
    elena = CaredPerson(ids.new_id(), u["pablo"], "Elena", "Sur", date(1935, 1, 1), clock.now(),
                        member_ids={u["lucia"]})
    for cp in (rosa, elena):
        cp.assign_caregiver(u["marta"])
        cp.accept_caregiving(u["marta"])
        await store.cared_persons.add(cp)
    await store.representations.add(LegalRepresentation(
        ids.new_id(), elena.id, u["pablo"], Relationship.CHILD, "poder 1", date(2025, 1, 1),
        clock.now(), verified=True))
    return Cast(u["rosa"], rosa.id, u["marta"], aromos.id, elena.id, u["pablo"], u["lucia"],
                u["tomas"], u["admin"])


def build_app(uow: InMemoryUnitOfWork, clock: FixedClock, ids: SequentialIdGenerator,
              policy: Policy) -> dict:
    return {"caregiver": CreateCaregiverReview(uow, clock, ids, policy),
            "institution": CreateInstitutionReview(uow, clock, ids, policy),
            "hide": HideReview(uow, clock, policy)}


@pytest.fixture
async def cast(store: InMemoryStore, ids: SequentialIdGenerator, clock: FixedClock) -> Cast:
    return await build_cast(store, ids, clock)


@pytest.fixture
def app(uow: InMemoryUnitOfWork, clock: FixedClock, ids: SequentialIdGenerator,
        policy: Policy) -> dict:
    return build_app(uow, clock, ids, policy)


def caregiver_review(cast: Cast, **changes: object) -> CreateCaregiverReviewCommand:
    fields: dict = {"actor_id": cast.rosa, "caregiver_id": cast.marta,
                    "cared_person_id": cast.rosa_cp, "rating": 4,
                    "service_date": date(2026, 1, 14)}
    return CreateCaregiverReviewCommand(**{**fields, **changes})


async def test_a_review_is_stored_with_its_score_in_one_commit(
        app: dict, cast: Cast, store: InMemoryStore, uow: InMemoryUnitOfWork,
        clock: FixedClock) -> None:
    review = await app["caregiver"](caregiver_review(
        cast, rating=5, comment="muy buena", is_recommended=True,
        category_ratings={"experience": 5, "quality": None}))
    assert store.reviews.items[review.id] is review and uow.commits == 1
    assert (review.kind, review.reviewed_id, review.created_at) == (
        ReviewedKind.CAREGIVER, cast.marta, clock.now())
    score = store.scores.items[(ReviewedKind.CAREGIVER, cast.marta)]
    assert (str(score.overall_score), score.total_reviews) == ("5.00", 1)
    assert score.category_scores["experience"] == 5 and score.category_scores["quality"] is None


async def test_an_institution_review_scores_the_institution(
        app: dict, cast: Cast, store: InMemoryStore) -> None:
    cmd = CreateInstitutionReviewCommand(actor_id=cast.rosa, institution_id=cast.aromos,
                                         cared_person_id=cast.rosa_cp, rating=2,
                                         service_date=date(2026, 1, 15),
                                         category_ratings={"price": 1})
    review = await app["institution"](cmd)
    assert review.kind is ReviewedKind.INSTITUTION
    score = store.scores.items[(ReviewedKind.INSTITUTION, cast.aromos)]
    assert (str(score.overall_score), score.category_scores["price"]) == ("2.00", 1)
    assert (ReviewedKind.CAREGIVER, cast.marta) not in store.scores.items


async def test_the_active_representative_reviews_for_the_represented(
        app: dict, cast: Cast) -> None:
    review = await app["caregiver"](caregiver_review(cast, actor_id=cast.pablo,
                                                     cared_person_id=cast.elena_cp))
    assert review.reviewer_id == cast.pablo


@pytest.mark.parametrize("actor, error, key, value", [
    ("lucia", Forbidden, "reason", "no_care_relationship"),
    ("tomas", NotFound, "entity", "cared person"),
    ("admin", Forbidden, "reason", "no_care_relationship"),
])
async def test_only_a_care_relationship_allows_a_review(
        app: dict, cast: Cast, store: InMemoryStore, actor: str, error: type,
        key: str, value: str) -> None:
    cmd = caregiver_review(cast, actor_id=getattr(cast, actor), cared_person_id=cast.elena_cp)
    with pytest.raises(error) as raised:
        await app["caregiver"](cmd)
    assert raised.value.details[key] == value and not store.reviews.items


async def test_an_expired_or_unverified_representation_gives_no_right_to_review(
        app: dict, cast: Cast, store: InMemoryStore) -> None:
    representation = next(iter(store.representations.items.values()))
    representation.valid_until = date(2026, 1, 14)
    cmd = caregiver_review(cast, actor_id=cast.pablo, cared_person_id=cast.elena_cp)
    with pytest.raises(Forbidden):
        await app["caregiver"](cmd)
    representation.valid_until, representation.verified = None, False
    with pytest.raises(Forbidden):
        await app["caregiver"](cmd)


async def test_a_caregiver_who_never_cared_for_the_person_is_refused(
        app: dict, cast: Cast, store: InMemoryStore, ids: SequentialIdGenerator,
        clock: FixedClock) -> None:
    juan = await user(store, ids, clock, "juan", Role.CAREGIVER)
    with pytest.raises(Forbidden) as raised:
        await app["caregiver"](caregiver_review(cast, caregiver_id=juan))
    assert raised.value.details["reason"] == "not_cared_for_by"


async def test_the_reviewed_caregiver_must_hold_the_role_now(
        app: dict, cast: Cast, store: InMemoryStore, clock: FixedClock) -> None:
    for target in (cast.tomas, UUID(int=999)):
        with pytest.raises(NotFound) as raised:
            await app["caregiver"](caregiver_review(cast, caregiver_id=target))
        assert raised.value.details["entity"] == "caregiver"
    marta = store.users.items[cast.marta]
    marta.roles = [RoleGrant(Role.CAREGIVER, clock.now() - timedelta(days=9), clock.now())]
    with pytest.raises(NotFound):
        await app["caregiver"](caregiver_review(cast))


async def test_the_reviewed_institution_must_exist(app: dict, cast: Cast) -> None:
    cmd = CreateInstitutionReviewCommand(actor_id=cast.rosa, institution_id=UUID(int=999),
                                         cared_person_id=cast.rosa_cp, rating=4,
                                         service_date=date(2026, 1, 15))
    with pytest.raises(NotFound) as raised:
        await app["institution"](cmd)
    assert raised.value.details["entity"] == "institution"


async def test_an_unknown_or_inactive_reviewer_is_unauthenticated(
        app: dict, cast: Cast, store: InMemoryStore) -> None:
    store.users.items[cast.rosa].is_active = False
    with pytest.raises(Unauthenticated):
        await app["caregiver"](caregiver_review(cast))


@pytest.mark.parametrize("changes, field", [
    ({"rating": 6}, "rating"), ({"comment": "x" * 2001}, "comment"),
    ({"service_date": date(2026, 1, 16)}, "service_date"),
    ({"category_ratings": {"price": 3}}, "category_ratings"),
])
async def test_an_invalid_review_stores_nothing(
        app: dict, cast: Cast, store: InMemoryStore, uow: InMemoryUnitOfWork,
        changes: dict, field: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        await app["caregiver"](caregiver_review(cast, **changes))
    assert raised.value.details["field"] == field
    assert not store.reviews.items and not store.scores.items and uow.commits == 0


async def test_one_review_per_reviewer_party_person_and_service_date(
        app: dict, cast: Cast, store: InMemoryStore, clock: FixedClock) -> None:
    first = await app["caregiver"](caregiver_review(cast))
    with pytest.raises(Conflict):
        await app["caregiver"](caregiver_review(cast, rating=1))
    store.reviews.items[first.id].hide(cast.admin, clock.now())
    with pytest.raises(Conflict):  # a hidden review still holds its place
        await app["caregiver"](caregiver_review(cast, rating=1))
    await app["caregiver"](caregiver_review(cast, service_date=date(2026, 1, 13)))
    await app["institution"](CreateInstitutionReviewCommand(
        actor_id=cast.rosa, institution_id=cast.aromos, cared_person_id=cast.rosa_cp,
        rating=4, service_date=date(2026, 1, 14)))
    assert len(store.reviews.items) == 3

"""Use cases of reviews and scores: write a review of a caregiver or an institution, and
hide a review (admins). Reading reviews and scores is in ``queries/``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from cuiot.application.shared.access import accessible_cared_person, ensure_admin, load_actor
from cuiot.application.shared.ports import Clock, IdGenerator
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.capacity import representative_id_of
from cuiot.domain.errors import Conflict, NotFound
from cuiot.domain.policy import Policy
from cuiot.domain.reviews import Review, ReviewedKind, Score, compute_score, ensure_may_review
from cuiot.domain.users import Role, User


@dataclass(frozen=True, kw_only=True)
class ReviewCommand:
    """What every review carries; the subclasses name the reviewed party."""

    actor_id: UUID
    cared_person_id: UUID
    rating: int
    service_date: date
    is_recommended: bool = False
    comment: str = ""
    category_ratings: Mapping[str, int | None] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class CreateCaregiverReviewCommand(ReviewCommand):
    caregiver_id: UUID


@dataclass(frozen=True, kw_only=True)
class CreateInstitutionReviewCommand(ReviewCommand):
    institution_id: UUID


@dataclass(frozen=True)
class HideReviewCommand:
    actor_id: UUID
    review_id: UUID


async def ensure_reviewable(uow: UnitOfWork, kind: ReviewedKind, reviewed_id: UUID,
                            now: datetime) -> None:
    """The party exists: an institution, or a user who holds the caregiver role."""
    if kind is ReviewedKind.INSTITUTION:
        if await uow.institutions.get(reviewed_id) is None:
            raise NotFound("institution", reviewed_id)
        return
    user = await uow.users.get(reviewed_id)
    if user is None or not user.has_role(Role.CAREGIVER, now):
        raise NotFound("caregiver", reviewed_id)


async def refresh_score(uow: UnitOfWork, kind: ReviewedKind, reviewed_id: UUID,
                        now: datetime, policy: Policy) -> Score:
    """Recompute the party's score from its public reviews and store it."""
    fresh = compute_score(kind, reviewed_id, await uow.reviews.list_public_of(kind, reviewed_id),
                          await uow.reviews.public_rating_tally(kind), now, policy)
    stored = await uow.scores.get_for(kind, reviewed_id)
    if stored is None:
        await uow.scores.add(fresh)
        return fresh
    stored.take(fresh)
    return stored


class _CreateReview:
    kind: ReviewedKind

    def __init__(self, uow: UnitOfWork, clock: Clock, ids: IdGenerator, policy: Policy) -> None:
        self.uow, self.clock, self.ids, self.policy = uow, clock, ids, policy

    async def _create(self, cmd: ReviewCommand, reviewed_id: UUID) -> Review:
        now, today = self.clock.now(), self.clock.today()
        async with self.uow:
            actor = await load_actor(self.uow, cmd.actor_id)
            review = Review.write(
                id=self.ids.new_id(), reviewer_id=actor.id, kind=self.kind,
                reviewed_id=reviewed_id, cared_person_id=cmd.cared_person_id,
                rating=cmd.rating, service_date=cmd.service_date,
                is_recommended=cmd.is_recommended, comment=cmd.comment,
                category_ratings=cmd.category_ratings, created_at=now, today=today,
                policy=self.policy)
            await self._ensure_may_write(actor, review, now, today)
            await self.uow.reviews.add(review)
            await refresh_score(self.uow, self.kind, reviewed_id, now, self.policy)
            await self.uow.commit()
        return review

    async def _ensure_may_write(self, actor: User, review: Review, now: datetime,
                                today: date) -> None:
        """The party exists, the actor may see the person and has a care relationship
        with them, the party cared for them, and this service is not reviewed yet."""
        await ensure_reviewable(self.uow, review.kind, review.reviewed_id, now)
        person = await accessible_cared_person(self.uow, actor, review.cared_person_id, now,
                                               today)
        representations = await self.uow.representations.list_for_cared_person(person.id)
        ensure_may_review(actor.id, person, representative_id_of(representations, today),
                          review.kind, review.reviewed_id)
        if await self.uow.reviews.exists_for(actor.id, review.kind, review.reviewed_id,
                                             person.id, review.service_date):
            raise Conflict("this service was already reviewed by this reviewer",
                           service_date=review.service_date.isoformat())


class CreateCaregiverReview(_CreateReview):
    kind = ReviewedKind.CAREGIVER

    async def __call__(self, cmd: CreateCaregiverReviewCommand) -> Review:
        return await self._create(cmd, cmd.caregiver_id)


class CreateInstitutionReview(_CreateReview):
    kind = ReviewedKind.INSTITUTION

    async def __call__(self, cmd: CreateInstitutionReviewCommand) -> Review:
        return await self._create(cmd, cmd.institution_id)


class HideReview:
    """An admin hides a review: it stops counting and the party's score is recomputed."""

    def __init__(self, uow: UnitOfWork, clock: Clock, policy: Policy) -> None:
        self.uow, self.clock, self.policy = uow, clock, policy

    async def __call__(self, cmd: HideReviewCommand) -> Review:
        now = self.clock.now()
        async with self.uow:
            actor = await load_actor(self.uow, cmd.actor_id)
            ensure_admin(actor, now)
            review = await self.uow.reviews.get(cmd.review_id)
            if review is None:
                raise NotFound("review", cmd.review_id)
            review.hide(actor.id, now)
            await refresh_score(self.uow, review.kind, review.reviewed_id, now, self.policy)
            await self.uow.commit()
        return review

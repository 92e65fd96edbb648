"""/caregiver-reviews, /institution-reviews and their scores.

Writing a review takes a token: only the cared person (self care) or their active
representative may review a caregiver or institution that cared for them. Reading is
public, as in any marketplace: the public reviews of a party (without the reviewer or the
cared person) and its score need no token.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, status

from cuiot.adapters.persistence.views.reviews import SqlReviewViews
from cuiot.application.reviews.commands.reviews import (
    CreateCaregiverReview,
    CreateCaregiverReviewCommand,
    CreateInstitutionReview,
    CreateInstitutionReviewCommand,
)
from cuiot.application.reviews.queries.reviews import (
    GetScore,
    GetScoreQuery,
    ListReviewsOf,
    ListReviewsOfQuery,
)
from cuiot.entrypoints.http.deps import (
    PageParams,
    Paging,
    Principal,
    query,
    use,
)
from cuiot.entrypoints.http.reviews.schemas import (
    CaregiverReviewIn,
    InstitutionReviewIn,
    PublicReviewOut,
    ReviewOut,
    ScoreOut,
)
from cuiot.entrypoints.http.schemas import Page

router = APIRouter(tags=["reviews and scores"])


Lister = Annotated[ListReviewsOf, Depends(query(ListReviewsOf, SqlReviewViews))]
Scorer = Annotated[GetScore, Depends(query(GetScore, SqlReviewViews))]


async def _page_of(list_: ListReviewsOf, kind: str, reviewed_id: UUID,
                   page: Paging) -> Page[PublicReviewOut]:
    reviews = await list_(ListReviewsOfQuery(None, kind, reviewed_id, page.offset,
                                             page.limit + 1))
    return Page.of([PublicReviewOut.of(r) for r in reviews], page.offset, page.limit)


@router.post("/caregiver-reviews/", status_code=status.HTTP_201_CREATED,
             response_model=ReviewOut,
             summary="Review a caregiver who cared for you or the person you represent")
async def review_caregiver(
        body: CaregiverReviewIn, principal: Principal,
        create: Annotated[CreateCaregiverReview, Depends(use(CreateCaregiverReview))],
) -> ReviewOut:
    review = await create(CreateCaregiverReviewCommand(actor_id=principal.user_id,
                                                       **body.model_dump()))
    return ReviewOut.of(review)


@router.get("/caregiver-reviews/caregiver/{caregiver_id}", response_model=Page[PublicReviewOut],
            summary="A caregiver's public reviews, newest first (public, no token)")
async def caregiver_reviews(caregiver_id: UUID, page: PageParams,
                            list_: Lister) -> Page[PublicReviewOut]:
    return await _page_of(list_, "caregiver", caregiver_id, page)


@router.get("/caregiver-scores/{caregiver_id}", response_model=ScoreOut,
            summary="A caregiver's score (public, no token)")
async def caregiver_score(caregiver_id: UUID, score: Scorer) -> ScoreOut:
    return ScoreOut.of(await score(GetScoreQuery(None, "caregiver", caregiver_id)))


@router.post("/institution-reviews/", status_code=status.HTTP_201_CREATED,
             response_model=ReviewOut,
             summary="Review an institution that cared for you or the person you represent")
async def review_institution(
        body: InstitutionReviewIn, principal: Principal,
        create: Annotated[CreateInstitutionReview, Depends(use(CreateInstitutionReview))],
) -> ReviewOut:
    review = await create(CreateInstitutionReviewCommand(actor_id=principal.user_id,
                                                         **body.model_dump()))
    return ReviewOut.of(review)


@router.get("/institution-reviews/institution/{institution_id}",
            response_model=Page[PublicReviewOut],
            summary="An institution's public reviews, newest first (public, no token)")
async def institution_reviews(institution_id: UUID, page: PageParams,
                              list_: Lister) -> Page[PublicReviewOut]:
    return await _page_of(list_, "institution", institution_id, page)


@router.get("/institution-scores/{institution_id}", response_model=ScoreOut,
            summary="An institution's score (public, no token)")
async def institution_score(institution_id: UUID, score: Scorer) -> ScoreOut:
    return ScoreOut.of(await score(GetScoreQuery(None, "institution", institution_id)))

"""/referrals and /referral-commissions: invite an email, check a code, follow one's
referrals and the commissions they earn; admins expire referrals and pay commissions.

Every list and total is the caller's own; the routes that take an id are admin-only.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, status

from cuiot.application.referrals.commands.referrals import (
    GenerateReferral,
    GenerateReferralCommand,
    ListMyReferrals,
    ListMyReferralsCommand,
    UpdateReferralStatus,
    UpdateReferralStatusCommand,
)
from cuiot.application.referrals.commands.commissions import (
    CommissionStats,
    CommissionStatsCommand,
    ListMyCommissions,
    ListMyCommissionsCommand,
    PayCommission,
    PayCommissionCommand,
)
from cuiot.application.referrals.queries.referrals import (
    ReferralStats,
    ReferralStatsCommand,
    ValidateReferral,
    ValidateReferralCommand,
)
from cuiot.entrypoints.http.deps import PageParams, Principal, use
from cuiot.entrypoints.http.schemas import Page
from cuiot.entrypoints.http.referrals.schemas import (
    CommissionOut,
    CommissionStatsOut,
    GenerateCodeIn,
    ReferralOut,
    ReferralStatsOut,
    UpdateStatusIn,
    ValidateCodeIn,
    ValidationOut,
)

router = APIRouter()
REFERRALS, COMMISSIONS = ["referrals"], ["referral commissions"]


@router.post("/referrals/generate-code", status_code=status.HTTP_201_CREATED,
             response_model=ReferralOut, tags=REFERRALS,
             summary="Invite an email: a new referral with its 8-character code")
async def generate_code(body: GenerateCodeIn, principal: Principal,
                        generate: Annotated[GenerateReferral, Depends(use(GenerateReferral))],
                        ) -> ReferralOut:
    referral = await generate(GenerateReferralCommand(principal.user_id, body.email,
                                                      body.referrer_type))
    return ReferralOut.of(referral)


@router.post("/referrals/validate", response_model=ValidationOut, tags=REFERRALS,
             summary="Whether a code can be used to register (public, no token)")
async def validate(body: ValidateCodeIn,
                   check: Annotated[ValidateReferral, Depends(use(ValidateReferral))],
                   ) -> ValidationOut:
    return ValidationOut.of(await check(ValidateReferralCommand(body.code, body.email)))


@router.get("/referrals/my-referrals", response_model=Page[ReferralOut], tags=REFERRALS,
            summary="The referrals the caller made, newest first")
async def my_referrals(principal: Principal, page: PageParams,
                       list_: Annotated[ListMyReferrals, Depends(use(ListMyReferrals))],
                       ) -> Page[ReferralOut]:
    referrals = await list_(ListMyReferralsCommand(principal.user_id, page.offset,
                                                   page.limit + 1))
    return Page.of([ReferralOut.of(r) for r in referrals], page.offset, page.limit)


@router.get("/referrals/stats", response_model=ReferralStatsOut, tags=REFERRALS,
            summary="The caller's referrals by status, conversion rate and commission totals")
async def referral_stats(principal: Principal,
                         stats: Annotated[ReferralStats, Depends(use(ReferralStats))],
                         ) -> ReferralStatsOut:
    return ReferralStatsOut.of(await stats(ReferralStatsCommand(principal.user_id)))


@router.patch("/referrals/{referral_id}/update-status", response_model=ReferralOut,
              tags=REFERRALS, summary="Expire an open referral (admins)")
async def update_status(referral_id: UUID, body: UpdateStatusIn, principal: Principal,
                        update: Annotated[UpdateReferralStatus,
                                          Depends(use(UpdateReferralStatus))],
                        ) -> ReferralOut:
    referral = await update(UpdateReferralStatusCommand(principal.user_id, referral_id,
                                                        body.status))
    return ReferralOut.of(referral)


@router.get("/referral-commissions/my-commissions", response_model=Page[CommissionOut],
            tags=COMMISSIONS, summary="The commissions the caller earned, latest month first")
async def my_commissions(principal: Principal, page: PageParams,
                         list_: Annotated[ListMyCommissions, Depends(use(ListMyCommissions))],
                         ) -> Page[CommissionOut]:
    commissions = await list_(ListMyCommissionsCommand(principal.user_id, page.offset,
                                                       page.limit + 1))
    return Page.of([CommissionOut.of(c) for c in commissions], page.offset, page.limit)


@router.patch("/referral-commissions/{commission_id}/mark-paid", response_model=CommissionOut,
              tags=COMMISSIONS, summary="Mark a pending commission paid (admins; twice → 409)")
async def mark_paid(commission_id: UUID, principal: Principal,
                    pay: Annotated[PayCommission, Depends(use(PayCommission))],
                    ) -> CommissionOut:
    return CommissionOut.of(await pay(PayCommissionCommand(principal.user_id, commission_id)))


@router.get("/referral-commissions/stats", response_model=CommissionStatsOut, tags=COMMISSIONS,
            summary="The caller's commission totals by status and by type")
async def commission_stats(principal: Principal,
                           stats: Annotated[CommissionStats, Depends(use(CommissionStats))],
                           ) -> CommissionStatsOut:
    return CommissionStatsOut.of(await stats(CommissionStatsCommand(principal.user_id)))

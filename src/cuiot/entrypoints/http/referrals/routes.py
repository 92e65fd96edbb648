"""/referrals and /referral-commissions: invite an email, check a code, follow one's
referrals and the commissions they earn; admins expire referrals and pay commissions.

Every list and total is the caller's own; the routes that take an id are admin-only.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, TypeVar
from uuid import UUID

from fastapi import APIRouter, Depends, status

from cuiot.adapters.persistence.views.referrals import SqlReferralViews
from cuiot.application.referrals.commands.commissions import PayCommission, PayCommissionCommand
from cuiot.application.referrals.commands.referrals import (
    GenerateReferral,
    GenerateReferralCommand,
    UpdateReferralStatus,
    UpdateReferralStatusCommand,
)
from cuiot.application.referrals.queries.commissions import (
    CommissionStats,
    CommissionStatsQuery,
    ListMyCommissions,
    ListMyCommissionsQuery,
)
from cuiot.application.referrals.queries.referrals import (
    ListMyReferrals,
    ListMyReferralsQuery,
    ReferralStats,
    ReferralStatsQuery,
    ValidateReferral,
    ValidateReferralQuery,
)
from cuiot.application.shared.queries import Viewer, Window
from cuiot.entrypoints.http.deps import (
    AdminPrincipal,
    PageParams,
    Principal,
    query,
    use,
)
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
from cuiot.entrypoints.http.schemas import Page

router = APIRouter()
REFERRALS: list[str | Enum] = ["referrals"]
COMMISSIONS: list[str | Enum] = ["referral commissions"]
Q = TypeVar("Q", ValidateReferral, ReferralStats, CommissionStats)


def viewer(principal: Principal) -> Viewer:
    return Viewer.of(principal.user_id, principal.roles)


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
                   check: Annotated[ValidateReferral,
                                    Depends(query(ValidateReferral, SqlReferralViews))],
                   ) -> ValidationOut:
    return ValidationOut.of(await check(ValidateReferralQuery(body.code, body.email)))


@router.get("/referrals/my-referrals", response_model=Page[ReferralOut], tags=REFERRALS,
            summary="The referrals the caller made, newest first")
async def my_referrals(principal: Principal, page: PageParams,
                       list_: Annotated[ListMyReferrals,
                                        Depends(query(ListMyReferrals, SqlReferralViews))],
                       ) -> Page[ReferralOut]:
    referrals = await list_(ListMyReferralsQuery(viewer(principal),
                                                 Window(page.offset, page.limit + 1)))
    return Page.of([ReferralOut.of(r) for r in referrals], page.offset, page.limit)


@router.get("/referrals/stats", response_model=ReferralStatsOut, tags=REFERRALS,
            summary="The caller's referrals by status, conversion rate and commission totals")
async def referral_stats(principal: Principal,
                         stats: Annotated[ReferralStats,
                                          Depends(query(ReferralStats, SqlReferralViews))],
                         ) -> ReferralStatsOut:
    return ReferralStatsOut.of(await stats(ReferralStatsQuery(viewer(principal))))


@router.patch("/referrals/{referral_id}/update-status", response_model=ReferralOut,
              tags=REFERRALS, summary="Expire an open referral (admins)")
async def update_status(referral_id: UUID, body: UpdateStatusIn, principal: AdminPrincipal,
                        update: Annotated[UpdateReferralStatus,
                                          Depends(use(UpdateReferralStatus))],
                        ) -> ReferralOut:
    referral = await update(UpdateReferralStatusCommand(principal.user_id, referral_id,
                                                        body.status))
    return ReferralOut.of(referral)


@router.get("/referral-commissions/my-commissions", response_model=Page[CommissionOut],
            tags=COMMISSIONS, summary="The commissions the caller earned, latest month first")
async def my_commissions(principal: Principal, page: PageParams,
                         list_: Annotated[ListMyCommissions,
                                          Depends(query(ListMyCommissions, SqlReferralViews))],
                         ) -> Page[CommissionOut]:
    commissions = await list_(ListMyCommissionsQuery(viewer(principal),
                                                     Window(page.offset, page.limit + 1)))
    return Page.of([CommissionOut.of(c) for c in commissions], page.offset, page.limit)


@router.patch("/referral-commissions/{commission_id}/mark-paid", response_model=CommissionOut,
              tags=COMMISSIONS, summary="Mark a pending commission paid (admins; twice → 409)")
async def mark_paid(commission_id: UUID, principal: AdminPrincipal,
                    pay: Annotated[PayCommission, Depends(use(PayCommission))],
                    ) -> CommissionOut:
    return CommissionOut.of(await pay(PayCommissionCommand(principal.user_id, commission_id)))


@router.get("/referral-commissions/stats", response_model=CommissionStatsOut, tags=COMMISSIONS,
            summary="The caller's commission totals by status and by type")
async def commission_stats(principal: Principal,
                           stats: Annotated[CommissionStats,
                                            Depends(query(CommissionStats, SqlReferralViews))],
                           ) -> CommissionStatsOut:
    return CommissionStatsOut.of(await stats(CommissionStatsQuery(viewer(principal))))

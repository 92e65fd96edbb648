"""/users/me/deactivate and, for admins, /users/{id}/deactivate, /reactivate and /erase:
an account's lifecycle (``application/identity/commands/lifecycle.py``). Users are never
deleted: the audit log names them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request

from cuiot.application.identity.commands.lifecycle import (
    DeactivateUser,
    EraseUser,
    ReactivateUser,
    UserLifecycleCommand,
)
from cuiot.entrypoints.http.deps import AdminPrincipal, Principal, use
from cuiot.entrypoints.http.identity.schemas import UserOut

router = APIRouter(prefix="/users", tags=["users"])

Deactivate = Annotated[DeactivateUser, Depends(use(DeactivateUser))]
DEACTIVATED = ("They can no longer log in; every session they hold ends at once (its access "
               "tokens answer 401, a live socket closes with 4401); nothing more is told to "
               "them and what was queued for them is cancelled. 409 while the account holds "
               "active cared persons (deactivate them first: `details.cared_person_ids`), "
               "for the last active admin, or when deactivated already.")


def _now(request: Request) -> datetime:
    now: datetime = request.app.state.container.clock().now()
    return now


@router.post("/me/deactivate", response_model=UserOut,
             summary="Deactivate the caller's own account", description=DEACTIVATED)
async def deactivate_me(principal: Principal, request: Request,
                        deactivate: Deactivate) -> UserOut:
    user = await deactivate(UserLifecycleCommand(principal.user_id, principal.user_id))
    return UserOut.of(user, _now(request))


@router.post("/{user_id}/deactivate", response_model=UserOut,
             summary="Deactivate an account (admins)", description=DEACTIVATED)
async def deactivate_user(user_id: UUID, principal: AdminPrincipal, request: Request,
                          deactivate: Deactivate) -> UserOut:
    user = await deactivate(UserLifecycleCommand(principal.user_id, user_id))
    return UserOut.of(user, _now(request))


@router.post("/{user_id}/reactivate", response_model=UserOut,
             summary="Reactivate an account (admins)",
             description="Active again: the user logs in anew. 409 when active, or once "
                         "erased.")
async def reactivate_user(user_id: UUID, principal: AdminPrincipal, request: Request,
                          reactivate: Annotated[ReactivateUser, Depends(use(ReactivateUser))],
                          ) -> UserOut:
    user = await reactivate(UserLifecycleCommand(principal.user_id, user_id))
    return UserOut.of(user, _now(request))


@router.post("/{user_id}/erase", response_model=UserOut,
             summary="Erase a deactivated account's personal data, for good (admins)",
             description="On the user's request: names become a placeholder; the email is "
                         "replaced by one no one has (the address may register again); "
                         "phone, birth date, SMS number and phones for push go; the password "
                         "matches nothing; the addresses their notifications went to are "
                         "erased. The id stays, with the audit log, subscriptions and "
                         "invoices (which hold no name). 409 while active, or when erased "
                         "already.")
async def erase_user(user_id: UUID, principal: AdminPrincipal, request: Request,
                     erase: Annotated[EraseUser, Depends(use(EraseUser))]) -> UserOut:
    user = await erase(UserLifecycleCommand(principal.user_id, user_id))
    return UserOut.of(user, _now(request))

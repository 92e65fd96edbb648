"""/users: one's own profile; the admin's list of users and their roles."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request

from cuiot.application.identity.commands.users import (
    GetProfile,
    GetProfileCommand,
    GrantRole,
    GrantRoleCommand,
    ListUsers,
    ListUsersCommand,
    RevokeRole,
    RevokeRoleCommand,
    UpdateProfile,
    UpdateProfileCommand,
)
from cuiot.entrypoints.http.deps import PageParams, Principal, use
from cuiot.entrypoints.http.schemas import Page
from cuiot.entrypoints.http.identity.schemas import ProfileIn, RoleIn, UserOut

router = APIRouter(prefix="/users", tags=["users"])


def _now(request: Request):  # noqa: ANN202
    return request.app.state.container.clock().now()


@router.get("/me", response_model=UserOut, summary="The caller's profile")
async def me(principal: Principal, request: Request,
             get: Annotated[GetProfile, Depends(use(GetProfile))]) -> UserOut:
    return UserOut.of(await get(GetProfileCommand(principal.user_id)), _now(request))


@router.patch("/me", response_model=UserOut, summary="Change the caller's profile")
async def update_me(body: ProfileIn, principal: Principal, request: Request,
                    update: Annotated[UpdateProfile, Depends(use(UpdateProfile))]) -> UserOut:
    fields = body.model_dump(exclude_unset=True)
    user = await update(UpdateProfileCommand(actor_id=principal.user_id, **fields))
    return UserOut.of(user, _now(request))


@router.get("", response_model=Page[UserOut], summary="Every user (admins)")
async def list_users(principal: Principal, page: PageParams, request: Request,
                     list_: Annotated[ListUsers, Depends(use(ListUsers))]) -> Page[UserOut]:
    users = await list_(ListUsersCommand(principal.user_id, page.offset, page.limit + 1))
    now = _now(request)
    return Page.of([UserOut.of(u, now) for u in users], page.offset, page.limit)


@router.post("/{user_id}/roles", response_model=UserOut, summary="Grant a role (admins)")
async def grant_role(user_id: UUID, body: RoleIn, principal: Principal, request: Request,
                     grant: Annotated[GrantRole, Depends(use(GrantRole))]) -> UserOut:
    user = await grant(GrantRoleCommand(principal.user_id, user_id, body.role, body.expires_at))
    return UserOut.of(user, _now(request))


@router.delete("/{user_id}/roles/{role}", response_model=UserOut, summary="Revoke a role (admins)")
async def revoke_role(user_id: UUID, role: str, principal: Principal, request: Request,
                      revoke: Annotated[RevokeRole, Depends(use(RevokeRole))]) -> UserOut:
    user = await revoke(RevokeRoleCommand(principal.user_id, user_id, role))
    return UserOut.of(user, _now(request))

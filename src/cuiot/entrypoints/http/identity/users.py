"""/users: one's own profile; the admin's list of users and their roles."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request

from cuiot.adapters.persistence.views.identity import SqlUserViews
from cuiot.application.identity.commands.users import (
    GrantRole,
    GrantRoleCommand,
    RevokeRole,
    RevokeRoleCommand,
    UpdateProfile,
    UpdateProfileCommand,
)
from cuiot.application.identity.queries.users import (
    GetProfile,
    GetProfileQuery,
    ListUsers,
    ListUsersQuery,
)
from cuiot.application.shared.queries import Viewer, Window
from cuiot.entrypoints.http.deps import AdminPrincipal, PageParams, Principal, query, use
from cuiot.entrypoints.http.identity.schemas import ProfileIn, RoleIn, UserOut
from cuiot.entrypoints.http.schemas import Page

router = APIRouter(prefix="/users", tags=["users"])


def _now(request: Request) -> datetime:
    now: datetime = request.app.state.container.clock().now()
    return now


@router.get("/me", response_model=UserOut, summary="The caller's profile")
async def me(principal: Principal,
             get: Annotated[GetProfile, Depends(query(GetProfile, SqlUserViews))]) -> UserOut:
    return UserOut.of_view(await get(GetProfileQuery(principal.user_id)))


@router.patch("/me", response_model=UserOut, summary="Change the caller's profile")
async def update_me(body: ProfileIn, principal: Principal, request: Request,
                    update: Annotated[UpdateProfile, Depends(use(UpdateProfile))]) -> UserOut:
    fields = body.model_dump(exclude_unset=True)
    user = await update(UpdateProfileCommand(actor_id=principal.user_id, **fields))
    return UserOut.of(user, _now(request))


@router.get("", response_model=Page[UserOut], summary="Every user (admins)")
async def list_users(principal: AdminPrincipal, page: PageParams,
                     list_: Annotated[ListUsers, Depends(query(ListUsers, SqlUserViews))],
                     ) -> Page[UserOut]:
    viewer = Viewer.of(principal.user_id, principal.roles)
    users = await list_(ListUsersQuery(viewer, Window(page.offset, page.limit)))
    return Page.of([UserOut.of_view(u) for u in users], page.offset, page.limit)


@router.post("/{user_id}/roles", response_model=UserOut, summary="Grant a role (admins)")
async def grant_role(user_id: UUID, body: RoleIn, principal: AdminPrincipal, request: Request,
                     grant: Annotated[GrantRole, Depends(use(GrantRole))]) -> UserOut:
    user = await grant(GrantRoleCommand(principal.user_id, user_id, body.role, body.expires_at))
    return UserOut.of(user, _now(request))


@router.delete("/{user_id}/roles/{role}", response_model=UserOut, summary="Revoke a role (admins)")
async def revoke_role(user_id: UUID, role: str, principal: AdminPrincipal, request: Request,
                      revoke: Annotated[RevokeRole, Depends(use(RevokeRole))]) -> UserOut:
    user = await revoke(RevokeRoleCommand(principal.user_id, user_id, role))
    return UserOut.of(user, _now(request))

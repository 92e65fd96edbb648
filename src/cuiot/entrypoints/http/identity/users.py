"""/users: one's own profile and how alerts reach one (channels, phones for push); the
admin's list of users and their roles."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request, Response, status

from cuiot.adapters.persistence.views.channels import SqlChannelViews
from cuiot.adapters.persistence.views.identity import SqlUserViews
from cuiot.application.identity.commands.channels import (
    ChooseChannels,
    ChooseChannelsCommand,
    RegisterPushToken,
    RegisterPushTokenCommand,
    RemovePushToken,
    RemovePushTokenCommand,
)
from cuiot.application.identity.commands.users import (
    GrantRole,
    GrantRoleCommand,
    RevokeRole,
    RevokeRoleCommand,
    UpdateProfile,
    UpdateProfileCommand,
)
from cuiot.application.identity.queries.channels import GetChannels, GetChannelsQuery
from cuiot.application.identity.queries.users import (
    GetProfile,
    GetProfileQuery,
    ListUsers,
    ListUsersQuery,
)
from cuiot.application.shared.queries import Viewer, Window
from cuiot.entrypoints.http.deps import AdminPrincipal, PageParams, Principal, query, use
from cuiot.entrypoints.http.identity.schemas import (
    ChannelsIn,
    ChannelsOut,
    ProfileIn,
    PushTokenIn,
    PushTokenOut,
    RoleIn,
    UserOut,
)
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


@router.get("/me/channels", response_model=ChannelsOut,
            summary="How alerts reach the caller: channels, SMS number, phones for push")
async def my_channels(principal: Principal,
                      get: Annotated[GetChannels, Depends(query(GetChannels, SqlChannelViews))]
                      ) -> ChannelsOut:
    return ChannelsOut.of(await get(GetChannelsQuery(principal.user_id)))


@router.put("/me/channels", response_model=ChannelsOut,
            summary="Choose how alerts reach the caller (SMS needs a number)")
async def choose_channels(body: ChannelsIn, principal: Principal,
                          choose: Annotated[ChooseChannels, Depends(use(ChooseChannels))]
                          ) -> ChannelsOut:
    user = await choose(ChooseChannelsCommand(principal.user_id, tuple(body.channels),
                                              body.sms_number))
    return ChannelsOut.of_user(user)


@router.post("/me/push-tokens", status_code=status.HTTP_201_CREATED,
             response_model=PushTokenOut,
             responses={200: {"model": PushTokenOut, "description": "Registered already"}},
             summary="Register a phone for push (201; 200 when it was registered already)")
async def register_push_token(body: PushTokenIn, principal: Principal, response: Response,
                              register: Annotated[RegisterPushToken,
                                                  Depends(use(RegisterPushToken))],
                              ) -> PushTokenOut:
    registered = await register(RegisterPushTokenCommand(principal.user_id, body.token,
                                                         body.label))
    if not registered.created:
        response.status_code = status.HTTP_200_OK
    return PushTokenOut.of(registered.token)


@router.delete("/me/push-tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT,
               response_class=Response, summary="Stop pushing to a phone")
async def remove_push_token(token_id: UUID, principal: Principal,
                            remove: Annotated[RemovePushToken, Depends(use(RemovePushToken))]
                            ) -> Response:
    await remove(RemovePushTokenCommand(principal.user_id, token_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


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

"""Reads of user accounts: one's own profile, and the admin's list of users."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from cuiot.application.identity.ports import UserView, UserViews
from cuiot.application.shared.ports import Clock
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.errors import Forbidden, Unauthenticated, ValidationFailed


@dataclass(frozen=True, slots=True)
class GetProfileQuery:
    user_id: UUID


class GetProfile:
    """The caller's own account; an unknown or inactive one is ``Unauthenticated``."""

    def __init__(self, users: UserViews, clock: Clock) -> None:
        self.users, self.clock = users, clock

    async def __call__(self, query: GetProfileQuery) -> UserView:
        found = await self.users.by_id(query.user_id, self.clock.now())
        if found is None or not found.is_active:
            raise Unauthenticated("unknown or inactive user")
        return found


@dataclass(frozen=True, slots=True)
class ListUsersQuery:
    viewer: Viewer
    window: Window = field(default_factory=Window)


class ListUsers:
    """Admin only: a page of users, oldest first (``limit + 1`` read, see ``Window``)."""

    def __init__(self, users: UserViews, clock: Clock) -> None:
        self.users, self.clock = users, clock

    async def __call__(self, query: ListUsersQuery) -> list[UserView]:
        if query.window.offset < 0 or query.window.limit < 1:
            raise ValidationFailed("offset must be 0 or more and limit 1 or more",
                                   field="limit")
        if not query.viewer.is_admin:
            raise Forbidden("only an admin may do this")
        return await self.users.page(self.clock.now(), query.window)

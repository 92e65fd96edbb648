"""In-memory users, and the read side of who is calling over them."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from cuiot.domain.auth import RefreshTokenFamily
from cuiot.domain.errors import Conflict
from cuiot.domain.users import Role, User
from cuiot.domain.values import EmailAddress
from tests.fakes.base import InMemoryRepository


class InMemoryUserRepository(InMemoryRepository[User]):
    entity = "user"

    async def get_by_email(self, email: EmailAddress) -> User | None:
        return self._first(lambda u: u.email == email)

    async def add(self, user: User) -> None:
        if await self.get_by_email(user.email) is not None:
            raise Conflict("email already registered", field="email")
        await super().add(user)

    async def list_admins(self) -> list[User]:
        return self._where(lambda u: any(g.role is Role.ADMIN for g in u.roles))


class InMemoryPrincipalViews:
    """The read side of who is calling, over the in-memory store's users and sessions."""

    def __init__(self, users: InMemoryUserRepository,
                 sessions: InMemoryRepository[RefreshTokenFamily]) -> None:
        self.users, self.sessions = users, sessions

    async def active_roles(self, user_id: UUID, now: datetime) -> frozenset[Role] | None:
        user = self.users.items.get(user_id)
        if user is None or not user.is_active:
            return None
        return frozenset(user.active_roles(now))

    async def session_roles(self, user_id: UUID, family_id: UUID,
                            now: datetime) -> frozenset[Role] | None:
        session = self.sessions.items.get(family_id)
        if session is None or session.user_id != user_id or session.is_revoked:
            return None
        return await self.active_roles(user_id, now)

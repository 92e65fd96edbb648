from __future__ import annotations

from cuiot.adapters.memory.base import InMemoryRepository
from cuiot.domain.errors import Conflict
from cuiot.domain.users import Role, User
from cuiot.domain.values import EmailAddress


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

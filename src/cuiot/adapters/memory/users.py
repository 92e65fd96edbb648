from __future__ import annotations

from cuiot.adapters.memory.base import InMemoryRepository
from cuiot.domain.errors import Conflict
from cuiot.domain.users import User
from cuiot.domain.values import EmailAddress


class InMemoryUserRepository(InMemoryRepository[User]):
    entity = "user"

    async def get_by_email(self, email: EmailAddress) -> User | None:
        return self._first(lambda u: u.email == email)

    async def add(self, user: User) -> None:
        if await self.get_by_email(user.email) is not None:
            raise Conflict("email already registered", field="email")
        await super().add(user)

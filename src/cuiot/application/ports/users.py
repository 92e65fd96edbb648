from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol
from uuid import UUID

from cuiot.domain.users import User
from cuiot.domain.values import EmailAddress


class UserRepository(Protocol):
    async def get(self, user_id: UUID) -> User | None: ...

    async def get_many(self, user_ids: Iterable[UUID]) -> dict[UUID, User]:
        """Those of ``user_ids`` that exist, in one query."""
        ...

    async def get_by_email(self, email: EmailAddress) -> User | None: ...

    async def add(self, user: User) -> None: ...

    async def list(self, offset: int = 0, limit: int = 100) -> list[User]: ...

    async def list_admins(self) -> list[User]:
        """Users who hold the admin role (whatever its expiry; callers check it)."""
        ...

"""In-memory sessions (refresh-token families) and password resets."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from cuiot.domain.auth import PasswordReset, RefreshTokenFamily
from cuiot.domain.errors import Conflict
from tests.fakes.base import InMemoryRepository


class InMemoryRefreshTokenFamilyRepository(InMemoryRepository[RefreshTokenFamily]):
    entity = "refresh token family"

    async def list_for_user(self, user_id: UUID, *, active_at: datetime | None = None,
                            offset: int = 0, limit: int = 100) -> list[RefreshTokenFamily]:
        found = self._where(lambda f: f.user_id == user_id
                            and (active_at is None or f.is_active(active_at)))
        newest_first = sorted(found, key=lambda f: (f.created_at, f.id), reverse=True)
        return newest_first[offset: offset + limit]


class InMemoryPasswordResetRepository(InMemoryRepository[PasswordReset]):
    entity = "password reset"

    async def add(self, reset: PasswordReset) -> None:
        if await self.get_by_token_hash(reset.token_hash) is not None:
            raise Conflict("password reset token already exists")
        await super().add(reset)

    async def get_by_token_hash(self, token_hash: str) -> PasswordReset | None:
        return self._first(lambda r: r.token_hash == token_hash)

"""Users, sessions (refresh-token families) and password resets on the ORM session: what
the commands need, nothing more (reads are views: ``views/identity.py``)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import exists, func, select

from cuiot.adapters.persistence.orm.identity import (
    password_resets,
    refresh_token_families,
    user_roles,
    users,
)
from cuiot.adapters.persistence.repositories.session import SessionRepository
from cuiot.domain.auth import PasswordReset, RefreshTokenFamily
from cuiot.domain.users import Role, User
from cuiot.domain.values import EmailAddress


class SqlAlchemyUserRepository(SessionRepository[User]):
    entity_class = User
    entity = "user"

    async def get_by_email(self, email: EmailAddress) -> User | None:
        """By ``lower(email)``, the expression the unique index is on."""
        found = await self.session.scalars(
            select(User).where(func.lower(users.c.email) == email.value).limit(1))
        return found.first()

    async def list_admins(self) -> list[User]:
        is_admin = exists().where(user_roles.c.user_id == users.c.id,
                                  user_roles.c.role == Role.ADMIN)
        return list((await self.session.scalars(
            select(User).where(is_admin).order_by(users.c.created_at, users.c.id))).all())


class SqlAlchemyRefreshTokenFamilyRepository(SessionRepository[RefreshTokenFamily]):
    entity_class = RefreshTokenFamily
    entity = "refresh token family"

    async def get(self, family_id: UUID) -> RefreshTokenFamily | None:
        """The family, its row locked until the unit of work ends (FOR UPDATE; SQLite's
        BEGIN IMMEDIATE serializes writers anyway), so two refreshes never both win."""
        return await self.session.get(RefreshTokenFamily, family_id, with_for_update=True)

    async def list_for_user(self, user_id: UUID, *, active_at: datetime | None = None,
                            offset: int = 0, limit: int = 100) -> list[RefreshTokenFamily]:
        t = refresh_token_families.c
        stmt = select(RefreshTokenFamily).where(t.user_id == user_id)
        if active_at is not None:
            stmt = stmt.where(t.revoked_at.is_(None), t.current_expires_at > active_at)
        stmt = stmt.order_by(t.created_at.desc(), t.id.desc()).offset(offset).limit(limit)
        return list((await self.session.scalars(stmt)).all())


class SqlAlchemyPasswordResetRepository(SessionRepository[PasswordReset]):
    entity_class = PasswordReset
    entity = "password reset"

    async def get_by_token_hash(self, token_hash: str) -> PasswordReset | None:
        found = await self.session.scalars(
            select(PasswordReset).where(password_resets.c.token_hash == token_hash))
        return found.first()

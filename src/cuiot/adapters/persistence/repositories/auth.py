"""Sessions (refresh-token families) and password resets on SQL."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from cuiot.adapters.persistence.repositories.base import Mapper, Row, SqlRepository
from cuiot.adapters.persistence.orm.identity import password_resets, refresh_token_families
from cuiot.domain.auth import PasswordReset, RefreshTokenFamily, RevokeReason

FAMILY_FIELDS = ("id", "user_id", "current_jti", "current_expires_at", "created_at",
                 "last_used_at", "revoked_at")
RESET_FIELDS = ("id", "user_id", "token_hash", "created_at", "expires_at", "used_at")


def _family_row(family: RefreshTokenFamily) -> dict[str, Any]:
    reason = family.revoke_reason
    return {**{name: getattr(family, name) for name in FAMILY_FIELDS},
            "revoke_reason": None if reason is None else reason.value}


def _family(row: Row, _children: Mapping[str, list[Row]]) -> RefreshTokenFamily:
    reason = row["revoke_reason"]
    return RefreshTokenFamily(**{name: row[name] for name in FAMILY_FIELDS},
                              revoke_reason=None if reason is None else RevokeReason(reason))


def _reset_row(reset: PasswordReset) -> dict[str, Any]:
    return {name: getattr(reset, name) for name in RESET_FIELDS}


def _reset(row: Row, _children: Mapping[str, list[Row]]) -> PasswordReset:
    return PasswordReset(**{name: row[name] for name in RESET_FIELDS})


class SqlAlchemyRefreshTokenFamilyRepository(SqlRepository[RefreshTokenFamily]):
    mapper = Mapper(refresh_token_families, _family_row, _family)
    entity = "refresh token family"

    async def get(self, family_id: UUID) -> RefreshTokenFamily | None:
        """The family, its row locked until the unit of work ends (FOR UPDATE; SQLite's
        BEGIN IMMEDIATE serializes writers anyway), so two refreshes never both win."""
        if family_id in self._identity:
            return self._identity[family_id]
        return await self._load_one(
            self._select().where(refresh_token_families.c.id == family_id).with_for_update())

    async def list_for_user(self, user_id: UUID, *, active_at: datetime | None = None,
                            offset: int = 0, limit: int = 100) -> list[RefreshTokenFamily]:
        t = refresh_token_families.c
        stmt = self._select().where(t.user_id == user_id)
        if active_at is not None:
            stmt = stmt.where(t.revoked_at.is_(None), t.current_expires_at > active_at)
        return await self._load(
            stmt.order_by(t.created_at.desc(), t.id.desc()).offset(offset).limit(limit))


class SqlAlchemyPasswordResetRepository(SqlRepository[PasswordReset]):
    mapper = Mapper(password_resets, _reset_row, _reset)
    entity = "password reset"

    async def get_by_token_hash(self, token_hash: str) -> PasswordReset | None:
        return await self._load_one(
            self._select().where(password_resets.c.token_hash == token_hash))

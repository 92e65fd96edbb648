"""Ending a session (Logout), with the helpers the other auth use cases share. Who is
calling is a query (``identity/queries/authenticate.py``); logging in and refreshing are
in ``login``, forgotten passwords in ``passwords``.

A session is a refresh-token family (domain/auth.py). Every token names its session, and
authentication reads the session with the user and its roles: revoking a session (a
reused refresh token, a logout, a password reset) ends its access tokens at once, in
every process, with or without Redis. A single access token is revoked by ``jti`` on
the revocation list (logout without the refresh token).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from cuiot.application.identity.ports import IssuedToken, RevocationList, TokenIssuer, TokenType
from cuiot.application.shared.ports import Clock, IdGenerator
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.auth import RefreshTokenFamily, RevokeReason
from cuiot.domain.errors import Unauthenticated
from cuiot.domain.users import User


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int  # seconds until the access token expires
    token_type: str = "bearer"


def token_pair(tokens: TokenIssuer, user: User, family_id: UUID, refresh: IssuedToken,
               now: datetime) -> TokenPair:
    """A fresh access token for ``user`` in session ``family_id``, beside ``refresh``."""
    access = tokens.issue_access(user.id, sorted(user.active_roles(now)), family_id, now)
    # exp has whole seconds: the lifetime, not the fraction of a second already gone
    expires_in = math.ceil((access.expires_at - now).total_seconds())
    return TokenPair(access.token, refresh.token, expires_in)


async def open_session(uow: UnitOfWork, tokens: TokenIssuer, ids: IdGenerator, user: User,
                       now: datetime) -> TokenPair:
    """Start a refresh-token family for ``user`` (the caller commits)."""
    family_id = ids.new_id()
    refresh = tokens.issue_refresh(user.id, family_id, now)
    await uow.token_families.add(RefreshTokenFamily(
        id=family_id, user_id=user.id, current_jti=refresh.jti,
        current_expires_at=refresh.expires_at, created_at=now))
    return token_pair(tokens, user, family_id, refresh, now)


async def revoke_sessions(uow: UnitOfWork, user_id: UUID, now: datetime,
                          reason: RevokeReason) -> list[RefreshTokenFamily]:
    """Revoke every active family of the user (the caller commits)."""
    revoked: list[RefreshTokenFamily] = []
    while batch := await uow.token_families.list_for_user(user_id, active_at=now, limit=100):
        newly = [family for family in batch if family.revoke(now, reason)]
        if not newly:
            break
        revoked += newly
    return revoked


async def deny_current_tokens(revocations: RevocationList,
                              families: Iterable[RefreshTokenFamily]) -> None:
    """Put each family's current refresh token on the revocation list until it expires."""
    for family in families:
        await revocations.revoke(family.current_jti, family.current_expires_at)


@dataclass(frozen=True)
class LogoutCommand:
    """The caller's access token (from its ``Principal``) and, optionally, its refresh
    token, whose whole family is then revoked."""

    actor_id: UUID
    access_jti: str
    access_expires_at: datetime
    refresh_token: str | None = None


class Logout:
    """Revoke the access token; with a refresh token of the same user, its session too.
    A refresh token that is invalid, expired or someone else's is ignored. Returns
    whether a session was revoked."""

    def __init__(self, uow: UnitOfWork, clock: Clock, tokens: TokenIssuer,
                 revocations: RevocationList) -> None:
        self.uow, self.clock, self.tokens, self.revocations = uow, clock, tokens, revocations

    async def __call__(self, cmd: LogoutCommand) -> bool:
        await self.revocations.revoke(cmd.access_jti, cmd.access_expires_at)
        family_id = self._family_of(cmd)
        if family_id is None:
            return False
        async with self.uow:
            family = await self.uow.token_families.get(family_id)
            if family is None or family.user_id != cmd.actor_id:
                return False
            if not family.revoke(self.clock.now(), RevokeReason.LOGOUT):
                return False
            await self.uow.commit()
        await deny_current_tokens(self.revocations, [family])
        return True

    def _family_of(self, cmd: LogoutCommand) -> UUID | None:
        if not cmd.refresh_token:
            return None
        try:
            claims = self.tokens.decode(cmd.refresh_token, TokenType.REFRESH)
        except Unauthenticated:
            return None
        return claims.family_id if claims.user_id == cmd.actor_id else None

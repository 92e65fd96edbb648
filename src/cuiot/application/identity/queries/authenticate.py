"""Who is calling: a bearer access token → the ``Principal``, read in the request's own
read transaction (one indexed query: the user and the roles active now)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from cuiot.application.identity.ports import (
    PrincipalViews,
    RevocationList,
    TokenIssuer,
    TokenType,
)
from cuiot.application.shared.ports import Clock
from cuiot.domain.errors import Unauthenticated
from cuiot.domain.users import Role


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: roles active now, from the database."""

    user_id: UUID
    roles: frozenset[Role]
    jti: str
    expires_at: datetime
    family_id: UUID | None = None  # the session (login) the token belongs to


@dataclass(frozen=True, slots=True)
class AuthenticateQuery:
    token: str


class Authenticate:
    """``Unauthenticated`` if the token is bad, expired, revoked, its session revoked, or
    its user unknown or inactive."""

    def __init__(self, principals: PrincipalViews, clock: Clock, tokens: TokenIssuer,
                 revocations: RevocationList) -> None:
        self.principals, self.clock = principals, clock
        self.tokens, self.revocations = tokens, revocations

    async def __call__(self, query: AuthenticateQuery) -> Principal:
        claims = self.tokens.decode(query.token, TokenType.ACCESS)
        if await self.revocations.is_revoked(claims.jti):
            raise Unauthenticated("token revoked", reason="revoked")
        if claims.family_id is None:
            raise Unauthenticated("invalid token", reason="invalid")
        roles = await self.principals.session_roles(claims.user_id, claims.family_id,
                                                    self.clock.now())
        if roles is None:
            raise Unauthenticated("session ended, or user unknown or inactive",
                                  reason="revoked")
        return Principal(claims.user_id, roles, claims.jti, claims.expires_at, claims.family_id)

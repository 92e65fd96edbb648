"""Signed bearer tokens with PyJWT (HS256).

Claims: ``sub`` (user id), ``jti``, ``type`` (access or refresh), ``iat``, ``exp``;
both carry ``fam``, the session (refresh-token family) of their login, so that revoking a
session ends its access tokens at once; access tokens add ``roles`` (informative only:
authorization reads the database). Only HS256 is accepted, every claim is required, and
expiry is checked against the application's clock so that tests can move time.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import jwt

from cuiot.application.identity.ports import IssuedToken, TokenClaims, TokenType
from cuiot.application.shared.ports import Clock
from cuiot.domain.errors import Unauthenticated

ALGORITHM = "HS256"
REQUIRED = ["exp", "iat", "sub", "jti", "type", "fam"]
MIN_SECRET_BYTES = 32  # RFC 7518 §3.2: an HS256 key at least as long as the hash


def _invalid(reason: str = "invalid") -> Unauthenticated:
    message = "token expired" if reason == "expired" else "invalid token"
    return Unauthenticated(message, reason=reason)


class PyJwtTokenIssuer:
    def __init__(self, secret: str, clock: Clock, access_token_minutes: int = 30,
                 refresh_token_days: int = 7, leeway_seconds: int = 0) -> None:
        if len(secret.encode("utf-8")) < MIN_SECRET_BYTES:
            raise ValueError(f"the JWT secret must be at least {MIN_SECRET_BYTES} bytes")
        self._secret, self._clock = secret, clock
        self._access = timedelta(minutes=access_token_minutes)
        self._refresh = timedelta(days=refresh_token_days)
        self._leeway = timedelta(seconds=leeway_seconds)

    def issue_access(self, user_id: UUID, roles: Sequence[str], family_id: UUID,
                     now: datetime) -> IssuedToken:
        return self._issue(user_id, TokenType.ACCESS, now, self._access,
                           {"roles": sorted(str(r) for r in roles), "fam": str(family_id)})

    def issue_refresh(self, user_id: UUID, family_id: UUID, now: datetime) -> IssuedToken:
        return self._issue(user_id, TokenType.REFRESH, now, self._refresh,
                           {"fam": str(family_id)})

    def _issue(self, user_id: UUID, kind: TokenType, now: datetime, lifetime: timedelta,
               extra: dict[str, Any]) -> IssuedToken:
        jti, expires_at = uuid.uuid4().hex, now + lifetime
        claims = {"sub": str(user_id), "jti": jti, "type": kind.value,
                  "iat": int(now.timestamp()), "exp": int(expires_at.timestamp()), **extra}
        token = jwt.encode(claims, self._secret, algorithm=ALGORITHM)
        return IssuedToken(token, jti, datetime.fromtimestamp(claims["exp"], UTC))

    def decode(self, token: str, expected_type: TokenType) -> TokenClaims:
        try:
            claims = jwt.decode(token, self._secret, algorithms=[ALGORITHM], options={
                "require": REQUIRED, "verify_exp": False, "verify_iat": False,
                "verify_nbf": False})
        except jwt.InvalidTokenError as exc:
            raise _invalid() from exc
        if claims["type"] != TokenType(expected_type).value:
            raise _invalid("wrong_type")
        parsed = self._parse(claims)
        if self._clock.now() >= parsed.expires_at + self._leeway:
            raise _invalid("expired")
        return parsed

    @staticmethod
    def _parse(claims: dict[str, Any]) -> TokenClaims:
        try:
            roles, family = claims.get("roles", []), claims["fam"]
            if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
                raise ValueError("roles")
            if not isinstance(claims["jti"], str) or not claims["jti"]:
                raise ValueError("jti")
            return TokenClaims(
                user_id=UUID(claims["sub"]), jti=claims["jti"],
                type=TokenType(claims["type"]),
                issued_at=datetime.fromtimestamp(claims["iat"], UTC),
                expires_at=datetime.fromtimestamp(claims["exp"], UTC),
                roles=tuple(roles), family_id=UUID(family))
        except (TypeError, ValueError, OverflowError, OSError, AttributeError) as exc:
            raise _invalid() from exc

"""Sessions and password resets.

A login opens a refresh-token family: every refresh hands out a new refresh token and
spends the old one. A spent token presented again means it was stolen (or replayed), so
the whole family is revoked. A password reset is a single-use secret, stored only as its
SHA-256, valid for ``Policy.password_reset_minutes``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from cuiot.domain.errors import Unauthenticated
from cuiot.domain.policy import Policy


class RevokeReason(StrEnum):
    REUSE = "reuse"  # a spent refresh token came back
    LOGOUT = "logout"
    PASSWORD_RESET = "password_reset"
    USER_INACTIVE = "user_inactive"


def hash_token(token: str) -> str:
    """The SHA-256 (hex) under which a secret token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(eq=False)
class RefreshTokenFamily:
    """The refresh tokens of one login; only ``current_jti`` may be spent."""

    id: UUID
    user_id: UUID
    current_jti: str
    current_expires_at: datetime
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    revoke_reason: RevokeReason | None = None

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_active(self, now: datetime) -> bool:
        return not self.is_revoked and now < self.current_expires_at

    def rotate(self, presented_jti: str, new_jti: str, new_expires_at: datetime,
               now: datetime) -> None:
        """Spend ``presented_jti`` for ``new_jti``. A revoked family, or a token that is
        not the current one (reuse: the family is revoked), raise ``Unauthenticated``."""
        if self.is_revoked:
            raise Unauthenticated("session revoked", reason="revoked")
        if presented_jti != self.current_jti:
            self.revoke(now, RevokeReason.REUSE)
            raise Unauthenticated("refresh token already used; session revoked",
                                  reason="reused")
        if now >= self.current_expires_at:
            raise Unauthenticated("refresh token expired", reason="expired")
        self.current_jti, self.current_expires_at = new_jti, new_expires_at
        self.last_used_at = now

    def revoke(self, now: datetime, reason: RevokeReason) -> bool:
        """Revoke the family; a family revoked already keeps its first reason. Returns
        whether this call revoked it."""
        if self.is_revoked:
            return False
        self.revoked_at, self.revoke_reason = now, reason
        return True


def login_backoff(failures: int, policy: Policy) -> timedelta:
    """How long a client waits before its next try at an email, after ``failures`` failed
    tries in the window: nothing within the allowance, then ``login_backoff_base``
    doubling with every further failure, up to ``login_backoff_max``. It slows a guesser
    (from the 16th wrong try on it waits the maximum) and costs a person who mistyped a second."""
    beyond = failures - policy.login_failures_allowed
    if beyond <= 0:
        return timedelta(0)
    doubled = policy.login_backoff_base * (1 << min(beyond - 1, 32))
    return min(doubled, policy.login_backoff_max)


@dataclass(eq=False)
class PasswordReset:
    """A single-use secret that lets its holder set a new password until it expires."""

    id: UUID
    user_id: UUID
    token_hash: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None

    @classmethod
    def issue(cls, id: UUID, user_id: UUID, token: str, now: datetime,
              policy: Policy) -> PasswordReset:
        expires_at = now + timedelta(minutes=policy.password_reset_minutes)
        return cls(id, user_id, hash_token(token), now, expires_at)

    def use(self, now: datetime) -> None:
        """Spend the reset; a used or expired one is refused with ``Unauthenticated``."""
        if self.used_at is not None:
            raise Unauthenticated("reset token invalid or expired", reason="used")
        if now >= self.expires_at:
            raise Unauthenticated("reset token invalid or expired", reason="expired")
        self.used_at = now

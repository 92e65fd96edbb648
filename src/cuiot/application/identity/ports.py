"""Ports of identity: tokens, their revocation, rate limits; the repositories of users,
sessions (refresh-token families) and password resets; and the views the reads use,
with the read models they return (users, and the channels alerts reach them by)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import NamedTuple, Protocol
from uuid import UUID

from cuiot.application.shared.queries import Window
from cuiot.domain.auth import PasswordReset, RefreshTokenFamily
from cuiot.domain.notifications import Channel
from cuiot.domain.users import CapacityStatus, Role, User
from cuiot.domain.values import EmailAddress


class TokenType(StrEnum):
    ACCESS = "access"
    REFRESH = "refresh"


class IssuedToken(NamedTuple):
    token: str
    jti: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """What a verified token says. ``family_id`` is the session (the refresh-token family
    of the login) the token belongs to: access and refresh tokens alike carry it."""

    user_id: UUID
    jti: str
    type: TokenType
    issued_at: datetime
    expires_at: datetime
    roles: tuple[str, ...] = ()
    family_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class RateDecision:
    allowed: bool
    remaining: int
    retry_after_seconds: int  # 0 when allowed
    used: int = 0  # hits counted in the window (after this one, for a hit)


class TokenIssuer(Protocol):
    def issue_access(self, user_id: UUID, roles: Sequence[str], family_id: UUID,
                     now: datetime) -> IssuedToken: ...

    def issue_refresh(self, user_id: UUID, family_id: UUID, now: datetime) -> IssuedToken: ...

    def decode(self, token: str, expected_type: TokenType) -> TokenClaims:
        """The verified claims; ``Unauthenticated`` for a bad signature or algorithm, a
        wrong type, an expired token or a missing claim."""
        ...


class RevocationList(Protocol):
    async def revoke(self, jti: str, until: datetime) -> None:
        """Refuse the token ``jti`` until ``until`` (its expiry; afterwards it is dead)."""
        ...

    async def is_revoked(self, jti: str) -> bool: ...


class RateLimiter(Protocol):
    """A fixed window per key: the first hit opens a window of ``window_seconds``; hits
    beyond ``limit`` inside it are not allowed. Shared by every worker on Redis."""

    async def hit(self, key: str, limit: int, window_seconds: int) -> RateDecision:
        """Count one hit and say whether it fits the budget."""
        ...

    async def peek(self, key: str, limit: int, window_seconds: int) -> RateDecision:
        """Whether one more hit would fit, without counting one."""
        ...

    async def reset(self, key: str) -> None: ...


class RefreshTokenFamilyRepository(Protocol):
    async def get(self, family_id: UUID) -> RefreshTokenFamily | None:
        """The family, locked until the unit of work ends (SQL: FOR UPDATE), so that two
        refreshes with one token are serialized and the second is seen as a reuse."""
        ...

    async def add(self, family: RefreshTokenFamily) -> None: ...

    async def list_for_user(self, user_id: UUID, *, active_at: datetime | None = None,
                            offset: int = 0, limit: int = 100) -> list[RefreshTokenFamily]:
        """The user's families, newest first; with ``active_at``, only those not revoked
        whose current refresh token is still valid at that instant."""
        ...


class PasswordResetRepository(Protocol):
    async def add(self, reset: PasswordReset) -> None: ...

    async def get_by_token_hash(self, token_hash: str) -> PasswordReset | None:
        """The reset whose secret hashes to this (hashes are unique)."""
        ...


class UserRepository(Protocol):
    async def get(self, user_id: UUID) -> User | None: ...

    async def get_many(self, user_ids: Iterable[UUID]) -> dict[UUID, User]:
        """Those of ``user_ids`` that exist, in one query."""
        ...

    async def get_by_email(self, email: EmailAddress) -> User | None: ...

    async def add(self, user: User) -> None: ...

    async def list_admins(self) -> list[User]:
        """Users who hold the admin role (whatever its expiry; callers check it): the
        recipients of an escalation."""
        ...


class PrincipalViews(Protocol):
    """The read side of who is calling."""

    async def active_roles(self, user_id: UUID, now: datetime) -> frozenset[Role] | None:
        """The roles active at ``now`` of an active user; None if unknown or inactive."""
        ...

    async def session_roles(self, user_id: UUID, family_id: UUID,
                            now: datetime) -> frozenset[Role] | None:
        """As ``active_roles``, and None too unless ``family_id`` is a session of that
        user that is not revoked (a reused refresh token, a logout, a password reset)."""
        ...


@dataclass(frozen=True, slots=True)
class RoleView:
    role: Role
    granted_at: datetime
    expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class UserView:
    """A user as reads show it, with the roles active when it was read."""

    id: UUID
    email: str
    first_name: str
    last_name: str
    phone: str | None
    date_of_birth: date | None
    capacity_status: CapacityStatus
    is_active: bool
    created_at: datetime
    roles: tuple[RoleView, ...] = ()
    deactivated_at: datetime | None = None
    erased_at: datetime | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class UserViews(Protocol):
    """Users with their roles active at ``now``, each answer one SQL statement."""

    async def page(self, now: datetime, window: Window) -> list[UserView]:
        """Every user, oldest first: ``window.limit + 1`` of them from ``window.offset``."""
        ...

    async def by_id(self, user_id: UUID, now: datetime) -> UserView | None: ...


@dataclass(frozen=True, slots=True)
class PushTokenView:
    """A phone registered for push, as its owner sees it: the token itself only masked."""

    id: UUID
    token_hint: str
    label: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ChannelsView:
    """How alerts reach a user: the channels chosen, the SMS number, the push phones."""

    channels: tuple[Channel, ...]
    sms_number: str | None
    push_tokens: tuple[PushTokenView, ...] = ()


class ChannelViews(Protocol):
    async def of_user(self, user_id: UUID) -> ChannelsView | None:
        """The user's channels (one SQL statement); None for an unknown or inactive user."""
        ...


class SessionViews(Protocol):
    """The read side of sessions that may have ended while a live socket stays open."""

    async def live_sessions(self, family_ids: Iterable[UUID]) -> frozenset[UUID]:
        """Those of ``family_ids`` that are sessions not revoked of an active user (the
        test ``session_roles`` makes of each request), in one statement."""
        ...

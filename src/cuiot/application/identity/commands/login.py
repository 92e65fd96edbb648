"""Logging in and refreshing a session.

Failed logins slow the client that makes them, not the account holder: knowing a
caregiver's email must not be enough to keep them out during an emergency. A failure
(unknown email, wrong password, inactive user alike) is counted per client address and
email (``login-fail:<address>:<email>``) and per address (``login-fail-address:``).
Past ``Policy.login_failures_allowed`` in the window, that client must wait
``login_backoff`` before its next try at that email (``login-wait:``), refused with
``RateLimited`` meanwhile, whatever the password; an address past
``login_failures_per_address`` is refused until its window ends. The same email from
another address is not slowed. A success clears its client's count for that email.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from cuiot.application.identity.commands.authenticate import (
    TokenPair,
    deny_current_tokens,
    open_session,
    token_pair,
)
from cuiot.application.identity.ports import (
    RateLimiter,
    RevocationList,
    TokenClaims,
    TokenIssuer,
    TokenType,
)
from cuiot.application.shared.access import load_actor
from cuiot.application.shared.ports import Clock, IdGenerator, PasswordHasher
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.auth import RefreshTokenFamily, login_backoff
from cuiot.domain.errors import RateLimited, Unauthenticated, ValidationFailed
from cuiot.domain.policy import Policy
from cuiot.domain.users import User
from cuiot.domain.values import EmailAddress

LOGIN_FAILED = "wrong email or password"  # the same words for every reason
_DUMMY_HASHES: WeakKeyDictionary[PasswordHasher, str] = WeakKeyDictionary()


async def dummy_hash(hasher: PasswordHasher) -> str:
    """A hash to verify against when there is no user, so that an unknown email costs
    the same time as a known one."""
    if hasher not in _DUMMY_HASHES:
        _DUMMY_HASHES[hasher] = await hasher.hash("no such user, same work")
    return _DUMMY_HASHES[hasher]


@dataclass(frozen=True)
class LoginCommand:
    email: str
    password: str
    client: str = "unknown"  # the caller's address, as the entrypoint sees it

    def keys(self) -> tuple[str, str, str]:
        """The failure count and the wait of this client at this email; its address's."""
        pair = f"{self.client}:{self.email.strip().lower()}"
        return f"login-fail:{pair}", f"login-wait:{pair}", f"login-fail-address:{self.client}"


class Login:
    def __init__(self, uow: UnitOfWork, clock: Clock, ids: IdGenerator, hasher: PasswordHasher,
                 tokens: TokenIssuer, rate_limiter: RateLimiter, policy: Policy) -> None:
        self.uow, self.clock, self.ids, self.hasher = uow, clock, ids, hasher
        self.tokens, self.rate_limiter, self.policy = tokens, rate_limiter, policy

    async def __call__(self, cmd: LoginCommand) -> TokenPair:
        failures, wait, address = cmd.keys()
        per_address = self.policy.login_failures_per_address
        window = int(self.policy.login_failure_window.total_seconds())
        for key, limit in ((wait, 1), (address, per_address)):
            budget = await self.rate_limiter.peek(key, limit, window)
            if not budget.allowed:
                raise RateLimited(budget.retry_after_seconds)
        user = await self._verified_user(cmd)
        if user is None:
            await self._failed(failures, wait, address, window)
            raise Unauthenticated(LOGIN_FAILED)
        await self.rate_limiter.reset(failures)
        async with self.uow:
            pair = await open_session(self.uow, self.tokens, self.ids, user, self.clock.now())
            await self.uow.commit()
        return pair

    async def _failed(self, failures: str, wait: str, address: str, window: int) -> None:
        """Count the failure; past the allowance, make this client wait before its next."""
        await self.rate_limiter.hit(address, self.policy.login_failures_per_address, window)
        memory = int(self.policy.login_failure_memory.total_seconds())
        counted = await self.rate_limiter.hit(failures, self.policy.login_failures_allowed,
                                              memory)
        backoff = login_backoff(counted.used, self.policy)
        if backoff:
            await self.rate_limiter.hit(wait, 0, math.ceil(backoff.total_seconds()))

    async def _verified_user(self, cmd: LoginCommand) -> User | None:
        """The active user whose password this is, else None (after the same work)."""
        user = await self._find(cmd.email)
        hashed = user.password_hash if user is not None else await dummy_hash(self.hasher)
        matches = await self.hasher.verify(cmd.password, hashed)
        return user if matches and user is not None and user.is_active else None

    async def _find(self, email: str) -> User | None:
        try:
            address = EmailAddress(email)
        except ValidationFailed:
            return None
        async with self.uow:
            return await self.uow.users.get_by_email(address)


@dataclass(frozen=True)
class RefreshCommand:
    refresh_token: str


class Refresh:
    """Spend a refresh token for a new pair. A spent one presented again revokes its
    whole session: the family, and its current refresh token on the revocation list."""

    def __init__(self, uow: UnitOfWork, clock: Clock, tokens: TokenIssuer,
                 revocations: RevocationList) -> None:
        self.uow, self.clock, self.tokens, self.revocations = uow, clock, tokens, revocations

    async def __call__(self, cmd: RefreshCommand) -> TokenPair:
        claims = self.tokens.decode(cmd.refresh_token, TokenType.REFRESH)
        if await self.revocations.is_revoked(claims.jti):
            raise Unauthenticated("session revoked", reason="revoked")
        now = self.clock.now()
        async with self.uow:
            family = await self._family(claims)
            user = await load_actor(self.uow, claims.user_id)
            refresh = self.tokens.issue_refresh(user.id, family.id, now)
            try:
                family.rotate(claims.jti, refresh.jti, refresh.expires_at, now)
            except Unauthenticated:
                await self.uow.commit()  # keep the revocation the reuse caused
                await deny_current_tokens(self.revocations, [family])
                raise
            pair = token_pair(self.tokens, user, family.id, refresh, now)
            await self.uow.commit()
        return pair

    async def _family(self, claims: TokenClaims) -> RefreshTokenFamily:
        family = None
        if claims.family_id is not None:
            family = await self.uow.token_families.get(claims.family_id)
        if family is None or family.user_id != claims.user_id:
            raise Unauthenticated("unknown session", reason="unknown_session")
        return family

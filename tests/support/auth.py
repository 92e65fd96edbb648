"""A bench for the auth tests: in-memory ports, a real JWT issuer on the fixed clock, and
users put straight into the store. No tests here."""

from __future__ import annotations

import inspect
from datetime import datetime
from typing import Any

from cuiot.adapters.cache.memory import InMemoryRateLimiter, InMemoryRevocationList
from cuiot.adapters.security.jwt_tokens import PyJwtTokenIssuer
from cuiot.application.identity.commands.authenticate import TokenPair
from cuiot.application.identity.commands.login import Login, LoginCommand
from cuiot.domain.policy import Policy
from cuiot.domain.users import Role, User
from cuiot.domain.values import EmailAddress
from tests.fakes.system import (
    FixedClock,
    PlainPasswordHasher,
    SeededRandomSource,
    SequentialIdGenerator,
)
from tests.fakes.uow import InMemoryUnitOfWork
from tests.fakes.users import InMemoryPrincipalViews

SECRET = "test-secret-that-is-long-enough-for-hs256-and-even-for-hs512-keys!"
PASSWORD = "secreto-123"


class CountingHasher(PlainPasswordHasher):
    """The plain test hasher, counting how often it is asked to verify."""

    def __init__(self) -> None:
        self.verified = 0

    async def verify(self, password: str, hashed: str) -> bool:
        self.verified += 1
        return await super().verify(password, hashed)


class AuthBench:
    def __init__(self, uow: InMemoryUnitOfWork, clock: FixedClock, ids: SequentialIdGenerator,
                 rng: SeededRandomSource, policy: Policy) -> None:
        self.uow, self.clock, self.ids, self.policy = uow, clock, ids, policy
        self.hasher = CountingHasher()
        self.tokens = PyJwtTokenIssuer(SECRET, clock, policy.access_token_minutes,
                                       policy.refresh_token_days)
        self.revocations = InMemoryRevocationList(clock)
        self.rate_limiter = InMemoryRateLimiter(clock)
        self.ports = {"uow": uow, "clock": clock, "ids": ids, "rng": rng, "policy": policy,
                      "hasher": self.hasher, "tokens": self.tokens,
                      "revocations": self.revocations, "rate_limiter": self.rate_limiter,
                      "principals": InMemoryPrincipalViews(uow.store.users,
                                                           uow.store.token_families)
                      if hasattr(uow, "store") else None}

    def use_case(self, cls: type) -> Any:
        return cls(**{name: self.ports[name] for name in inspect.signature(cls).parameters})

    async def call(self, cls: type, cmd: Any) -> Any:
        return await self.use_case(cls)(cmd)

    def user(self, email: str = "laura@example.com", *roles: Role, active: bool = True,
             password: str = PASSWORD, role_expires_at: datetime | None = None) -> User:
        now = self.clock.now()
        user = User(id=self.ids.new_id(), email=EmailAddress(email),
                    password_hash=f"plain${password}", first_name="Laura", last_name="Pérez",
                    created_at=now, is_active=active)
        for role in roles or (Role.FAMILY,):
            user.grant_role(role, now, role_expires_at)
        self.uow.store.users.items[user.id] = user
        return user

    async def login(self, email: str = "laura@example.com",
                    password: str = PASSWORD) -> TokenPair:
        return await self.call(Login, LoginCommand(email, password))

    def families(self) -> list:
        return list(self.uow.store.token_families.items.values())


"""A bench for deactivating and erasing cared persons and users: the safety bench (a
family in memory, devices, readings, alerts) with what logging in needs (a real JWT
issuer on the fixed clock, the revocation list). Used by tests/unit and by
features/test_people_lifecycle.py. No tests here."""

from __future__ import annotations

from cuiot.adapters.cache.memory import InMemoryRateLimiter, InMemoryRevocationList
from cuiot.adapters.security.jwt_tokens import PyJwtTokenIssuer
from cuiot.application.identity.commands.authenticate import TokenPair
from cuiot.application.identity.commands.login import Login, LoginCommand, Refresh, RefreshCommand
from cuiot.application.identity.queries.authenticate import (
    Authenticate,
    AuthenticateQuery,
    Principal,
)
from cuiot.domain.alerts import Alert
from cuiot.domain.audit import AuditAction, AuditEntry
from cuiot.domain.billing_limits import Limits
from cuiot.domain.care import CaredPerson
from cuiot.domain.money import Money
from cuiot.domain.packages import Package, PackageType, SupportLevel
from cuiot.domain.users import User
from tests.fakes.system import PlainPasswordHasher
from tests.fakes.users import InMemoryPrincipalViews
from tests.support.alerts import BP_CRITICAL, SafetyBench
from tests.support.auth import PASSWORD, SECRET
from tests.support.subscriptions import in_force


class LifecycleBench(SafetyBench):
    def __init__(self) -> None:
        super().__init__()
        self.tokens = PyJwtTokenIssuer(SECRET, self.clock, self.policy.access_token_minutes,
                                       self.policy.refresh_token_days)
        self.revocations = InMemoryRevocationList(self.clock)
        self.ports |= {"tokens": self.tokens, "revocations": self.revocations,
                       "hasher": PlainPasswordHasher(),
                       "rate_limiter": InMemoryRateLimiter(self.clock)}

    async def login(self, user: User) -> TokenPair:
        self.fresh(user).password_hash = f"plain${PASSWORD}"
        return await self.call(Login, LoginCommand(str(user.email), PASSWORD))

    async def authenticate(self, token: str) -> Principal:
        principals = InMemoryPrincipalViews(self.store.users, self.store.token_families)
        return await Authenticate(principals, self.clock, self.tokens, self.revocations)(
            AuthenticateQuery(token))

    async def refresh(self, pair: TokenPair) -> TokenPair:
        return await self.call(Refresh, RefreshCommand(pair.refresh_token))

    async def critical_alert(self, person: CaredPerson) -> Alert:
        """A device of the person's and a critical reading: an alert opened, level 1
        told (its outbox rows still pending)."""
        device = await self.device(person)
        result = await self.reading(device, BP_CRITICAL)
        return self.fresh(next(a for a in self.alerts() if a.id in result.alert_ids))

    def limit(self, holder: User, **limits: int) -> None:
        """The holder's account on a package with these limits (its only subscription)."""
        for key in [k for k, s in self.store.subscriptions.items.items()
                    if s.account_id == holder.id]:
            del self.store.subscriptions.items[key]
        package = Package(id=self.ids.new_id(), type=PackageType.BASIC, name="Básico",
                          price_monthly=Money(100), limits=Limits(**limits),
                          support_level=SupportLevel.EMAIL)
        self.store.packages.items[package.id] = package
        subscription = in_force(package, self.clock.now(), self.clock.today(), holder.id,
                                account_id=holder.id)
        self.store.subscriptions.items[subscription.id] = subscription

    def audited(self, action: AuditAction) -> list[AuditEntry]:
        return self.store.audit.entries(action)

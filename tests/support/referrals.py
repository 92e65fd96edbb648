"""A harness for the referral tests: people, invitations, registrations and payments,
done the way the use cases and the other areas do them, on the in-memory adapters
(``harness``) or on a database (``sql_harness``, which also runs the reads on the views)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from inspect import signature
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.referrals import SqlReferralViews
from cuiot.application.referrals import hooks as referral_hooks
from cuiot.application.referrals.commands.referrals import GenerateReferral, GenerateReferralCommand
from cuiot.application.referrals.ports import CommissionRecord
from cuiot.application.referrals.queries.commissions import (
    ListMyCommissions,
    ListMyCommissionsQuery,
)
from cuiot.application.shared.queries import Viewer, Window
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.money import Money
from cuiot.domain.policy import Policy
from cuiot.domain.referrals import Commission, Referral
from cuiot.domain.users import Role, User
from cuiot.domain.values import EmailAddress
from tests.fakes.system import FixedClock, SeededRandomSource, SequentialIdGenerator
from tests.fakes.uow import InMemoryStore, InMemoryUnitOfWork

MONTHLY_BASE = Money(2_500_000)


class ReferralHarness:
    def __init__(self, clock: FixedClock, ids: SequentialIdGenerator, rng: SeededRandomSource,
                 policy: Policy, store: InMemoryStore | None, uow: UnitOfWork,
                 read_side: ReadSide | None = None) -> None:
        self.clock, self.ids, self.rng, self.policy = clock, ids, rng, policy
        self.store, self.uow, self.read_side = store, uow, read_side
        self.subscriptions: dict[UUID, UUID] = {}

    async def read(self, handler: Callable[..., Any], query: Any) -> Any:
        """Run a query handler on the views, in one read transaction, as a route does."""
        assert self.read_side is not None, "reads need the sql_harness"
        extra = {"policy": self.policy} if "policy" in signature(handler).parameters else {}
        async with self.read_side.transaction() as conn:
            return await handler(SqlReferralViews(conn), clock=self.clock, **extra)(query)

    async def user(self, email: str, *roles: Role) -> User:
        user = User(id=self.ids.new_id(), email=EmailAddress(email), password_hash="x",
                    first_name="Test", last_name="User", created_at=self.clock.now())
        for role in roles:
            user.grant_role(role, self.clock.now())
        async with self.uow:
            await self.uow.users.add(user)
            await self.uow.commit()
        return user

    async def invite(self, referrer: User, email: str, referrer_type: str = "caregiver"
                     ) -> Referral:
        generate = GenerateReferral(self.uow, self.clock, self.ids, self.rng, self.policy)
        return await generate(GenerateReferralCommand(referrer.id, email, referrer_type))

    async def register(self, email: str, code: str) -> User:
        user = User(id=self.ids.new_id(), email=EmailAddress(email), password_hash="x",
                    first_name="New", last_name="User", created_at=self.clock.now())
        async with self.uow:
            await self.uow.users.add(user)
            await referral_hooks.register_referred_user(
                self.uow, code=code, user=user, now=self.clock.now(), policy=self.policy)
            await self.uow.commit()
        return user

    async def referred(self, referrer: User, email: str, referrer_type: str = "caregiver"
                       ) -> tuple[Referral, User]:
        """Invite ``email`` and register it with the code."""
        referral = await self.invite(referrer, email, referrer_type)
        return referral, await self.register(email, referral.code.value)

    async def pay(self, payer: User, period: date | None = None,
                  base: Money = MONTHLY_BASE, subscription_id: UUID | None = None) -> None:
        subscription_id = subscription_id or self.subscriptions.setdefault(
            payer.id, self.ids.new_id())
        async with self.uow:
            await referral_hooks.on_invoice_paid(
                self.uow, payer_id=payer.id, subscription_id=subscription_id,
                monthly_base=base, period_start=period or self.clock.today().replace(day=1),
                paid_at=self.clock.now(), ids=self.ids, policy=self.policy)
            await self.uow.commit()

    async def cancel(self, payer: User, subscription_id: UUID | None = None) -> None:
        async with self.uow:
            await referral_hooks.on_subscription_cancelled(
                self.uow, payer_id=payer.id,
                subscription_id=subscription_id or self.subscriptions[payer.id],
                cancelled_at=self.clock.now(), policy=self.policy)
            await self.uow.commit()

    def viewer(self, user: User) -> Viewer:
        """Who reads, as a route makes it from the caller's roles active now."""
        return Viewer.of(user.id, frozenset(user.active_roles(self.clock.now())))

    async def commission_records(self, referrer: User) -> list[CommissionRecord]:
        """The referrer's commissions as the views list them (newest period first)."""
        return list(await self.read(ListMyCommissions, ListMyCommissionsQuery(
            self.viewer(referrer), Window(0, 1000))))

    def commissions(self, referrer: User, kind: str | None = None) -> list[Commission]:
        assert self.store is not None, "the in-memory harness only"
        return sorted((c for c in self.store.commissions.all()
                       if c.referrer_id == referrer.id and (kind is None or c.type == kind)),
                      key=lambda c: (c.period, c.type))


async def earning(harness: ReferralHarness, email: str = "ana@example.com",
                  months: int = 1) -> User:
    """A caregiver whose referred user paid ``months`` months."""
    referrer = await harness.user(email, Role.CAREGIVER)
    _, payer = await harness.referred(referrer, f"invited-by-{email}")
    for n in range(months):
        await harness.pay(payer, date(2026, 1 + n, 1))
    return referrer


@pytest.fixture(name="harness")
def harness_fixture(clock: FixedClock, ids: SequentialIdGenerator, rng: SeededRandomSource,
            policy: Policy, store: InMemoryStore, uow: InMemoryUnitOfWork) -> ReferralHarness:
    return ReferralHarness(clock, ids, rng, policy, store, uow)


@pytest.fixture(name="sql_harness")
def sql_harness_fixture(clock: FixedClock, ids: SequentialIdGenerator, rng: SeededRandomSource,
                        policy: Policy, sql_uow: Callable[[], SqlAlchemyUnitOfWork],
                        engine: AsyncEngine) -> ReferralHarness:
    """The harness on SQLite and PostgreSQL (the database fixtures' ``sql_uow``)."""
    return ReferralHarness(clock, ids, rng, policy, None, sql_uow(), ReadSide(engine))

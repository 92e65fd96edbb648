"""A harness for the referral tests: people, invitations, registrations and payments on
the in-memory adapters, done the way the use cases and the other areas do them."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from tests.fakes.system import FixedClock, SeededRandomSource, SequentialIdGenerator
from tests.fakes.uow import InMemoryStore, InMemoryUnitOfWork
from cuiot.application.referrals.commands import hooks as referral_hooks
from cuiot.application.referrals.commands.referrals import GenerateReferral, GenerateReferralCommand
from cuiot.domain.money import Money
from cuiot.domain.policy import Policy
from cuiot.domain.referrals import Commission, Referral
from cuiot.domain.users import Role, User
from cuiot.domain.values import EmailAddress

MONTHLY_BASE = Money(2_500_000)


class ReferralHarness:
    def __init__(self, clock: FixedClock, ids: SequentialIdGenerator, rng: SeededRandomSource,
                 policy: Policy, store: InMemoryStore, uow: InMemoryUnitOfWork) -> None:
        self.clock, self.ids, self.rng, self.policy = clock, ids, rng, policy
        self.store, self.uow = store, uow
        self.subscriptions: dict[UUID, UUID] = {}

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

    def commissions(self, referrer: User, kind: str | None = None) -> list[Commission]:
        return sorted((c for c in self.store.commissions.all()
                       if c.referrer_id == referrer.id and (kind is None or c.type == kind)),
                      key=lambda c: (c.period, c.type))


@pytest.fixture(name="harness")
def harness_fixture(clock: FixedClock, ids: SequentialIdGenerator, rng: SeededRandomSource,
            policy: Policy, store: InMemoryStore, uow: InMemoryUnitOfWork) -> ReferralHarness:
    return ReferralHarness(clock, ids, rng, policy, store, uow)

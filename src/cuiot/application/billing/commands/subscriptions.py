"""Subscribing to a package and cancelling (changing plan: ``plan_changes.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from cuiot.application.billing import limits
from cuiot.application.billing.commands.invoices import (
    InvoiceLines,
    issue_invoice,
    owned_subscription,
)
from cuiot.application.billing.commands.packages import offered_package
from cuiot.application.referrals import hooks as referral_hooks
from cuiot.application.shared.access import accessible_cared_person, load_actor
from cuiot.application.shared.ports import Clock, IdGenerator
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.capacity import Capacity, ensure_can_contract, ensure_may_contract_for
from cuiot.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from cuiot.domain.invoices import Invoice, InvoiceKind
from cuiot.domain.packages import BillingCycle
from cuiot.domain.policy import Policy
from cuiot.domain.subscriptions import Subscription
from cuiot.domain.users import User
from cuiot.domain.values import parse_choice


@dataclass(frozen=True)
class SubscribeCommand:
    actor_id: UUID
    package_id: UUID
    billing_cycle: str  # monthly | yearly
    cared_person_id: UUID | None = None
    institution_id: UUID | None = None
    auto_renew: bool = True
    payment_method: str | None = None


@dataclass(frozen=True, slots=True)
class Subscribed:
    subscription: Subscription
    invoice: Invoice


class Contracting:
    """Shared by the use cases that contract: who may, and for which account."""

    def __init__(self, uow: UnitOfWork, clock: Clock, ids: IdGenerator, policy: Policy) -> None:
        self.uow, self.clock, self.ids, self.policy = uow, clock, ids, policy

    async def _account_of(self, actor: User, cared_person_id: UUID | None,
                          institution_id: UUID | None) -> dict[str, UUID | None]:
        """Check the actor may contract (legal capacity first); return the account:
        the institution's, the cared person's account, or the actor's own."""
        today = self.clock.today()
        if institution_id is not None:
            await self._ensure_institution_admin(actor, institution_id)
            ensure_can_contract(Capacity.of(actor), today, self.policy)
            return {"account_id": None, "institution_id": institution_id}
        if cared_person_id is None:
            ensure_can_contract(Capacity.of(actor), today, self.policy)
            return {"account_id": actor.id, "institution_id": None}
        cared_person = await accessible_cared_person(self.uow, actor, cared_person_id,
                                                     self.clock.now(), today)
        representations = await self.uow.representations.list_for_cared_person(cared_person.id)
        ensure_may_contract_for(actor, cared_person, representations, today, self.policy)
        return {"account_id": cared_person.account_id, "institution_id": None}

    async def _ensure_institution_admin(self, actor: User, institution_id: UUID) -> None:
        institution = await self.uow.institutions.get(institution_id)
        if institution is None or not institution.is_staff(actor.id):
            raise NotFound("institution", institution_id)
        if institution.admin_id != actor.id:
            raise Forbidden("only the institution's admin may contract for it")


class Subscribe(Contracting):
    """Legal capacity first; one live subscription per account; usage must fit the
    package. Opens the first period and its invoice."""

    async def __call__(self, cmd: SubscribeCommand) -> Subscribed:
        if cmd.cared_person_id is not None and cmd.institution_id is not None:
            raise ValidationFailed("subscribe for a cared person or an institution, not both",
                                   field="institution_id")
        cycle = parse_choice(BillingCycle, cmd.billing_cycle, "billing_cycle")
        async with self.uow:
            actor = await load_actor(self.uow, cmd.actor_id)
            account = await self._account_of(actor, cmd.cared_person_id, cmd.institution_id)
            package = await offered_package(self.uow, cmd.package_id)
            package.ensure_suits(for_institution=cmd.institution_id is not None)
            await self._ensure_no_live_subscription(account)
            await limits.ensure_usage_fits(self.uow, package, **account)
            now, today = self.clock.now(), self.clock.today()
            subscription = Subscription.start(
                id=self.ids.new_id(), subscriber_id=actor.id, package_id=package.id,
                cycle=cycle, today=today, now=now, cared_person_id=cmd.cared_person_id,
                auto_renew=cmd.auto_renew, payment_method=cmd.payment_method, **account)
            await self.uow.subscriptions.add(subscription)
            lines = InvoiceLines(InvoiceKind.PERIOD, package.price_for(cycle), today,
                                 subscription.current_period_start,
                                 subscription.current_period_end)
            invoice = await issue_invoice(self.uow, self.ids, self.policy, now, subscription,
                                          lines)
            await self.uow.commit()
            return Subscribed(subscription, invoice)

    async def _ensure_no_live_subscription(self, account: dict[str, UUID | None]) -> None:
        institution_id, account_id = account["institution_id"], account["account_id"]
        if institution_id is not None:
            existing = await self.uow.subscriptions.list_for_institution(institution_id)
        else:
            assert account_id is not None  # _account_of names one or the other
            existing = await self.uow.subscriptions.list_for_account(account_id)
        live = next((s for s in existing if s.is_live), None)
        if live is not None:
            raise Conflict("this account already has an active subscription",
                           subscription_id=str(live.id))


@dataclass(frozen=True)
class CancelSubscriptionCommand:
    actor_id: UUID
    subscription_id: UUID


class CancelSubscription(Contracting):
    """Stops renewal; usable until the end of the paid period, then expired."""

    async def __call__(self, cmd: CancelSubscriptionCommand) -> Subscription:
        async with self.uow:
            actor = await load_actor(self.uow, cmd.actor_id)
            subscription = await owned_subscription(self.uow, actor, cmd.subscription_id)
            now = self.clock.now()
            subscription.cancel(now)
            await referral_hooks.on_subscription_cancelled(
                self.uow, payer_id=subscription.subscriber_id, subscription_id=subscription.id,
                cancelled_at=now, policy=self.policy)
            await self.uow.commit()
            return subscription

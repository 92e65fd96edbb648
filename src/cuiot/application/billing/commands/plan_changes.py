"""Changing plan: an upgrade applies at once and invoices the prorated difference; a
downgrade waits for the next renewal, and is refused while usage exceeds the smaller plan.

Proration uses the prices of the subscription's billing cycle: monthly prices over the
days of the month for monthly billing, yearly prices over the days of the year for
yearly billing.
"""

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
from cuiot.application.billing.commands.subscriptions import Contracting
from cuiot.application.shared.access import load_actor
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.errors import NotFound
from cuiot.domain.invoices import Invoice, InvoiceKind, prorated_difference
from cuiot.domain.packages import Package
from cuiot.domain.subscriptions import Subscription


@dataclass(frozen=True)
class CheckSubscriptionOwnerCommand:
    actor_id: UUID
    subscription_id: UUID


class CheckSubscriptionOwner:
    """Whether the subscription is the actor's (or their institution's): ``NotFound``
    otherwise. Routes ask it before they read a body."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def __call__(self, cmd: CheckSubscriptionOwnerCommand) -> None:
        async with self.uow:
            actor = await load_actor(self.uow, cmd.actor_id)
            await owned_subscription(self.uow, actor, cmd.subscription_id)


@dataclass(frozen=True)
class ChangePlanCommand:
    actor_id: UUID
    subscription_id: UUID
    package_id: UUID


@dataclass(frozen=True, slots=True)
class PlanChanged:
    subscription: Subscription
    invoice: Invoice | None  # the prorated difference of an upgrade
    scheduled: bool  # a downgrade, applied at the next renewal


class ChangePlan(Contracting):
    """Only the subscription's owner (or the institution's admin), able to contract."""

    async def __call__(self, cmd: ChangePlanCommand) -> PlanChanged:
        async with self.uow:
            actor = await load_actor(self.uow, cmd.actor_id)
            subscription = await owned_subscription(self.uow, actor, cmd.subscription_id)
            await self._account_of(actor, subscription.cared_person_id,
                                   subscription.institution_id)
            current = await self.uow.packages.get(subscription.package_id)
            if current is None:
                raise NotFound("package", subscription.package_id)
            target = await offered_package(self.uow, cmd.package_id)
            target.ensure_suits(for_institution=subscription.institution_id is not None)
            if target.id == current.id:
                subscription.keep_package()
                result = PlanChanged(subscription, None, scheduled=False)
            elif target.price_for(subscription.billing_cycle).cents > current.price_for(
                    subscription.billing_cycle).cents:
                result = await self._upgrade(subscription, current, target)
            else:
                result = await self._downgrade(subscription, target)
            await self.uow.commit()
            return result

    async def _upgrade(self, subscription: Subscription, current: Package,
                       target: Package) -> PlanChanged:
        today, cycle = self.clock.today(), subscription.billing_cycle
        amount = prorated_difference(current.price_for(cycle), target.price_for(cycle),
                                     subscription.remaining_days(today),
                                     subscription.days_in_period)
        subscription.upgrade(target.id)
        invoice = None
        if amount.cents > 0:
            lines = InvoiceLines(InvoiceKind.PRORATION, amount, today, today,
                                 subscription.current_period_end)
            invoice = await issue_invoice(self.uow, self.ids, self.policy, self.clock.now(),
                                          subscription, lines)
        return PlanChanged(subscription, invoice, scheduled=False)

    async def _downgrade(self, subscription: Subscription, target: Package) -> PlanChanged:
        await limits.ensure_usage_fits(self.uow, target, account_id=subscription.account_id,
                                       institution_id=subscription.institution_id)
        subscription.schedule_downgrade(target.id)
        return PlanChanged(subscription, None, scheduled=True)


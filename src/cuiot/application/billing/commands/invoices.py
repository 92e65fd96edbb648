"""Invoices: issuing them, whose subscription it is, and an admin marking one paid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from cuiot.application.referrals import hooks as referral_hooks
from cuiot.application.shared.access import ensure_admin, load_actor
from cuiot.application.shared.ports import Clock, IdGenerator
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain import audit_entries as audit
from cuiot.domain.errors import NotFound
from cuiot.domain.invoices import Invoice, InvoiceKind
from cuiot.domain.money import Money
from cuiot.domain.policy import Policy
from cuiot.domain.subscriptions import Subscription, SubscriptionStatus
from cuiot.domain.users import User


@dataclass(frozen=True, slots=True)
class InvoiceLines:
    """What one invoice bills: an amount for a stretch of a subscription."""

    kind: InvoiceKind
    amount: Money
    issue_date: date
    period_start: date
    period_end: date


async def issue_invoice(uow: UnitOfWork, ids: IdGenerator, policy: Policy, now: datetime,
                        subscription: Subscription, lines: InvoiceLines) -> Invoice:
    """Number it (gap-free in the issue year), add tax, store it."""
    sequence = await uow.invoices.next_number(lines.issue_date.year)
    invoice = Invoice.issue(
        id=ids.new_id(), sequence=sequence, subscription_id=subscription.id, kind=lines.kind,
        amount=lines.amount, issue_date=lines.issue_date, period_start=lines.period_start,
        period_end=lines.period_end, now=now, policy=policy,
    )
    await uow.invoices.add(invoice)
    return invoice


async def is_owner(uow: UnitOfWork, user: User, subscription: Subscription) -> bool:
    """The payer, the account holder, or the admin of the subscribing institution."""
    if user.id in (subscription.subscriber_id, subscription.account_id):
        return True
    if subscription.institution_id is None:
        return False
    institution = await uow.institutions.get(subscription.institution_id)
    return institution is not None and institution.admin_id == user.id


async def owned_subscription(uow: UnitOfWork, user: User, subscription_id: UUID) -> Subscription:
    """The subscription if ``user`` owns it; ``NotFound`` otherwise (never Forbidden)."""
    subscription = await uow.subscriptions.get(subscription_id)
    if subscription is None or not await is_owner(uow, user, subscription):
        raise NotFound("subscription", subscription_id)
    return subscription


@dataclass(frozen=True)
class PayInvoiceCommand:
    actor_id: UUID
    invoice_id: UUID


class PayInvoice:
    """An admin records a payment. A suspended subscription left without overdue invoices
    is active again, and the referral programme hears of a paid period. The audit log
    records the payment."""

    def __init__(self, uow: UnitOfWork, clock: Clock, ids: IdGenerator, policy: Policy) -> None:
        self.uow, self.clock, self.ids, self.policy = uow, clock, ids, policy

    async def __call__(self, cmd: PayInvoiceCommand) -> Invoice:
        async with self.uow:
            now = self.clock.now()
            ensure_admin(await load_actor(self.uow, cmd.actor_id), now)
            invoice = await self.uow.invoices.get(cmd.invoice_id)
            if invoice is None:
                raise NotFound("invoice", cmd.invoice_id)
            invoice.pay(now)
            await self.uow.audit.add(audit.invoice_paid(invoice, cmd.actor_id, now))
            subscription = await self.uow.subscriptions.get(invoice.subscription_id)
            if subscription is None:
                raise NotFound("subscription", invoice.subscription_id)
            await self._reactivate_if_settled(subscription)
            if invoice.kind is InvoiceKind.PERIOD:
                await self._tell_referrals(subscription, invoice, now)
            await self.uow.commit()
            return invoice

    async def _reactivate_if_settled(self, subscription: Subscription) -> None:
        if subscription.status is SubscriptionStatus.SUSPENDED and not (
                await self.uow.invoices.count_overdue_for_subscription(subscription.id)):
            subscription.reactivate()

    async def _tell_referrals(self, subscription: Subscription, invoice: Invoice,
                              now: datetime) -> None:
        package = await self.uow.packages.get(subscription.package_id)
        if package is None:
            raise NotFound("package", subscription.package_id)
        await referral_hooks.on_invoice_paid(
            self.uow, payer_id=subscription.subscriber_id, subscription_id=subscription.id,
            monthly_base=package.monthly_equivalent(subscription.billing_cycle),
            period_start=invoice.period_start, paid_at=now, ids=self.ids, policy=self.policy,
        )

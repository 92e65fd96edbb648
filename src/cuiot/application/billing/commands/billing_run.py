"""The billing run (CLI and a daily job): renew, expire, mark overdue, suspend, and warn
accounts over their limits. Idempotent for a given date: a second run finds nothing due.

A renewal invoice is issued on the first day of its period, whatever day the run
happens, so a late run bills exactly what a punctual one would have.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from cuiot.application.billing.commands.invoices import InvoiceLines, issue_invoice
from cuiot.application.billing.commands.usage import usage_of
from cuiot.application.shared.ports import Clock, IdGenerator
from cuiot.application.shared.uow import UnitOfWork
from cuiot.domain.errors import NotFound
from cuiot.domain.invoices import InvoiceKind
from cuiot.domain.notifications import Channel, Notification
from cuiot.domain.packages import Package
from cuiot.domain.policy import Policy
from cuiot.domain.subscriptions import Subscription, SubscriptionStatus

BATCH = 100


@dataclass(frozen=True)
class RunBillingCommand:
    on_date: date


@dataclass(frozen=True, slots=True)
class BillingRunSummary:
    renewed: int = 0  # periods started (a late run may start several for one subscription)
    invoices_issued: int = 0
    expired: int = 0
    marked_overdue: int = 0
    suspended: int = 0
    over_limit_notices: int = 0


Progress = Callable[[str, int], None]


class RunBilling:
    """``on_progress(step, done)`` is told after each subscription or invoice handled, so
    a person running it sees it move."""

    def __init__(self, uow: UnitOfWork, clock: Clock, ids: IdGenerator, policy: Policy,
                 on_progress: Progress | None = None) -> None:
        self.uow, self.clock, self.ids, self.policy = uow, clock, ids, policy
        self._progress = on_progress or (lambda step, done: None)

    async def __call__(self, cmd: RunBillingCommand) -> BillingRunSummary:
        counts: Counter[str] = Counter()
        async with self.uow:
            await self._renew_and_expire(cmd.on_date, counts)
            await self._mark_overdue(cmd.on_date, counts)
            await self._suspend(cmd.on_date, counts)
            await self._warn_over_limits(cmd.on_date, counts)
            await self.uow.commit()
        return BillingRunSummary(**counts)

    async def _renew_and_expire(self, on_date: date, counts: Counter[str]) -> None:
        # Each subscription handled leaves the query (renewed past on_date, or expired).
        progress = True
        while progress:
            progress = False
            for subscription in await self.uow.subscriptions.list_period_ended(on_date, BATCH):
                if subscription.is_due_for_renewal(on_date):
                    await self._renew(subscription, on_date, counts)
                    progress = True
                    self._progress("renewing", counts["renewed"])
                elif subscription.is_due_to_expire(on_date):
                    subscription.expire(on_date)
                    counts["expired"] += 1
                    progress = True

    async def _renew(self, subscription: Subscription, on_date: date,
                     counts: Counter[str]) -> None:
        while subscription.is_due_for_renewal(on_date):
            subscription.renew(on_date)
            package = await self._package(subscription.package_id)
            start = subscription.current_period_start
            lines = InvoiceLines(InvoiceKind.PERIOD, package.price_for(subscription.billing_cycle),
                                 start, start, subscription.current_period_end)
            await issue_invoice(self.uow, self.ids, self.policy, self.clock.now(), subscription,
                                lines)
            counts["renewed"] += 1
            counts["invoices_issued"] += 1

    async def _mark_overdue(self, on_date: date, counts: Counter[str]) -> None:
        while batch := await self.uow.invoices.list_pending_due_before(on_date, BATCH):
            for invoice in batch:
                invoice.mark_overdue(on_date)
                counts["marked_overdue"] += 1
                self._progress("marking overdue", counts["marked_overdue"])

    async def _suspend(self, on_date: date, counts: Counter[str]) -> None:
        cutoff = on_date - timedelta(days=self.policy.suspend_after_overdue_days)
        subscription_ids: set[UUID] = set()
        offset = 0
        while batch := await self.uow.invoices.list_overdue_due_on_or_before(cutoff, offset,
                                                                              BATCH):
            offset += len(batch)
            subscription_ids |= {i.subscription_id for i in batch
                                 if i.warrants_suspension(on_date, self.policy)}
        for subscription_id in sorted(subscription_ids):
            subscription = await self.uow.subscriptions.get(subscription_id)
            if subscription is not None and subscription.status is SubscriptionStatus.ACTIVE:
                subscription.suspend(on_date)
                counts["suspended"] += 1

    async def _warn_over_limits(self, on_date: date, counts: Counter[str]) -> None:
        offset = 0
        while batch := await self.uow.subscriptions.list_in_force(offset, BATCH):
            offset += len(batch)
            self._progress("checking limits", offset)
            for subscription in batch:
                package = await self._package(subscription.package_id)
                usage = await usage_of(self.uow, account_id=subscription.account_id,
                                       institution_id=subscription.institution_id)
                exceeded = package.limits.exceeded_by(usage)
                if subscription.note_limits(bool(exceeded), on_date):
                    await self._notify(subscription, package, exceeded)
                    counts["over_limit_notices"] += 1

    async def _notify(self, subscription: Subscription, package: Package,
                      exceeded: list[dict[str, Any]]) -> None:
        recipient_id, address = await self._account_holder(subscription)
        listed = ", ".join(f"{e['dimension']} {e['used']}/{e['limit']}" for e in exceeded)
        await self.uow.notifications.add(Notification(
            id=self.ids.new_id(), channel=Channel.EMAIL, address=address,
            subject=f"Tu cuenta supera los límites del paquete {package.name}",
            body=f"Uso por encima de lo contratado: {listed}. La seguridad no se interrumpe; "
                 "para seguir sumando usuarios o dispositivos, cambiá a un paquete mayor.",
            created_at=self.clock.now(), kind="account", recipient_user_id=recipient_id,
            payload={"subscription_id": str(subscription.id), "exceeded": exceeded},
        ))

    async def _account_holder(self, subscription: Subscription) -> tuple[UUID, str]:
        """The user holding the account (an institution: its email, else its admin's)."""
        institution_email = None
        if subscription.institution_id is not None:
            institution = await self.uow.institutions.get(subscription.institution_id)
            if institution is None:
                raise NotFound("institution", subscription.institution_id)
            holder_id, institution_email = institution.admin_id, institution.email
        else:
            holder_id = subscription.account_id or subscription.subscriber_id
        holder = await self.uow.users.get(holder_id)
        if holder is None:
            raise NotFound("user", holder_id)
        return holder.id, institution_email or holder.email.value

    async def _package(self, package_id: UUID) -> Package:
        package = await self.uow.packages.get(package_id)
        if package is None:
            raise NotFound("package", package_id)
        return package

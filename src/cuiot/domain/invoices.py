"""Invoices: one per billing period, and one per upgrade for the prorated difference."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from uuid import UUID

from cuiot.domain.errors import Conflict, InvalidStateTransition, ValidationFailed
from cuiot.domain.money import Money
from cuiot.domain.policy import Policy


class InvoiceStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    OVERDUE = "overdue"
    CANCELLED = "cancelled"


class InvoiceKind(StrEnum):
    PERIOD = "period"
    PRORATION = "proration"


_UNPAID = {InvoiceStatus.PENDING, InvoiceStatus.OVERDUE}


def invoice_number(year: int, sequence: int) -> str:
    """``CU-2026-000001``: gap-free and unique within a year."""
    if sequence < 1:
        raise ValidationFailed("invoice sequence starts at 1", field="sequence")
    return f"CU-{year}-{sequence:06d}"


def prorated_difference(old_price: Money, new_price: Money, remaining_days: int,
                        days_in_period: int) -> Money:
    """(new − old) × remaining_days / days_in_period, half-up to the cent."""
    return (new_price - old_price).prorate(remaining_days, days_in_period)


@dataclass(eq=False)
class Invoice:
    id: UUID
    number: str
    subscription_id: UUID
    kind: InvoiceKind
    amount: Money
    tax: Money
    total: Money
    issue_date: date
    due_date: date
    period_start: date
    period_end: date  # exclusive, like the subscription's
    created_at: datetime
    status: InvoiceStatus = InvoiceStatus.PENDING
    paid_at: datetime | None = None

    def __post_init__(self) -> None:
        if self.amount.is_negative() or self.tax.is_negative():
            raise ValidationFailed("an invoice amount cannot be negative", field="amount")
        if self.total != self.amount + self.tax:
            raise ValidationFailed("total must be amount + tax", field="total")
        if self.period_end <= self.period_start or self.due_date < self.issue_date:
            raise ValidationFailed("invoice dates out of order", field="period")

    @classmethod
    def issue(cls, *, id: UUID, sequence: int, subscription_id: UUID, kind: InvoiceKind,
              amount: Money, issue_date: date, period_start: date, period_end: date,
              now: datetime, policy: Policy) -> Invoice:
        """An invoice for ``amount`` with IVA (policy.tax_rate, half-up) on top."""
        tax = amount.percent(policy.tax_rate)
        return cls(id=id, number=invoice_number(issue_date.year, sequence),
                   subscription_id=subscription_id, kind=kind, amount=amount, tax=tax,
                   total=amount + tax, issue_date=issue_date,
                   due_date=issue_date + timedelta(days=policy.invoice_due_days),
                   period_start=period_start, period_end=period_end, created_at=now)

    @property
    def is_unpaid(self) -> bool:
        return self.status in _UNPAID

    def days_overdue(self, today: date) -> int:
        """Whole days past the due date (0 on the due date itself)."""
        return max(0, (today - self.due_date).days) if self.is_unpaid else 0

    def is_past_due(self, today: date) -> bool:
        return self.status is InvoiceStatus.PENDING and today > self.due_date

    def warrants_suspension(self, today: date, policy: Policy) -> bool:
        """Overdue for ``policy.suspend_after_overdue_days`` days or more."""
        return (self.status is InvoiceStatus.OVERDUE
                and self.days_overdue(today) >= policy.suspend_after_overdue_days)

    def mark_overdue(self, today: date) -> None:
        if not self.is_past_due(today):
            raise InvalidStateTransition("invoice", self.status.value, "mark overdue")
        self.status = InvoiceStatus.OVERDUE

    def pay(self, now: datetime) -> None:
        """Pending or overdue → paid. Paying twice is a conflict."""
        if self.status is InvoiceStatus.PAID:
            raise Conflict("invoice already paid", invoice_id=str(self.id), number=self.number)
        if self.status not in _UNPAID:
            raise InvalidStateTransition("invoice", self.status.value, "pay")
        self.status, self.paid_at = InvoiceStatus.PAID, now

    def cancel(self) -> None:
        if self.status not in _UNPAID:
            raise InvalidStateTransition("invoice", self.status.value, "cancel")
        self.status = InvoiceStatus.CANCELLED

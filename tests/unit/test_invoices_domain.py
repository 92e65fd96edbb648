from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import UUID

import pytest

from cuiot.domain.errors import Conflict, InvalidStateTransition, ValidationFailed
from cuiot.domain.invoices import (
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    invoice_number,
    prorated_difference,
)
from cuiot.domain.money import Money
from cuiot.domain.policy import DEFAULT_POLICY as POLICY

NOW = datetime(2026, 1, 15, 15, tzinfo=UTC)


def _issue(amount: int = 2_500_000, sequence: int = 1, day: date = date(2026, 1, 15)) -> Invoice:
    return Invoice.issue(id=UUID(int=1), sequence=sequence, subscription_id=UUID(int=2),
                         kind=InvoiceKind.PERIOD, amount=Money(amount), issue_date=day,
                         period_start=day, period_end=date(2026, 2, 15), now=NOW, policy=POLICY)


@pytest.mark.parametrize("year, sequence, number", [
    (2026, 1, "CU-2026-000001"), (2026, 42, "CU-2026-000042"), (2027, 999_999, "CU-2027-999999"),
])
def test_invoice_numbers(year, sequence, number):
    assert invoice_number(year, sequence) == number


def test_sequences_start_at_one():
    with pytest.raises(ValidationFailed):
        invoice_number(2026, 0)


@pytest.mark.parametrize("amount, tax", [
    (2_500_000, 525_000), (150, 32), (149, 31), (50, 11), (2, 0), (3, 1), (0, 0),
])
def test_tax_is_21_percent_half_up(amount, tax):
    invoice = _issue(amount)
    assert invoice.tax == Money(tax)
    assert invoice.total == Money(amount + tax)


def test_issue_sets_number_due_date_and_pending():
    invoice = _issue(sequence=7)
    assert invoice.number == "CU-2026-000007"
    assert invoice.due_date == date(2026, 1, 25)
    assert invoice.status is InvoiceStatus.PENDING


def test_an_invoice_must_add_up():
    with pytest.raises(ValidationFailed):
        Invoice(id=UUID(int=1), number="CU-2026-000001", subscription_id=UUID(int=2),
                kind=InvoiceKind.PERIOD, amount=Money(100), tax=Money(21), total=Money(120),
                issue_date=date(2026, 1, 1), due_date=date(2026, 1, 11),
                period_start=date(2026, 1, 1), period_end=date(2026, 2, 1), created_at=NOW)


@pytest.mark.parametrize("today, past_due", [
    (date(2026, 1, 24), False), (date(2026, 1, 25), False), (date(2026, 1, 26), True),
])
def test_overdue_from_the_day_after_the_due_date(today, past_due):
    invoice = _issue()
    assert invoice.is_past_due(today) is past_due
    if past_due:
        invoice.mark_overdue(today)
        assert invoice.status is InvoiceStatus.OVERDUE
    else:
        with pytest.raises(InvalidStateTransition):
            invoice.mark_overdue(today)


@pytest.mark.parametrize("today, days, suspends", [
    (date(2026, 2, 8), 14, False), (date(2026, 2, 9), 15, True), (date(2026, 2, 10), 16, True),
])
def test_suspension_after_fifteen_days_overdue(today, days, suspends):
    invoice = _issue()
    invoice.mark_overdue(date(2026, 1, 26))
    assert invoice.days_overdue(today) == days
    assert invoice.warrants_suspension(today, POLICY) is suspends


def test_a_pending_invoice_never_warrants_suspension():
    assert not _issue().warrants_suspension(date(2026, 6, 1), POLICY)


def test_pay_pending_or_overdue_and_never_twice():
    invoice = _issue()
    invoice.mark_overdue(date(2026, 2, 1))
    invoice.pay(NOW)
    assert (invoice.status, invoice.paid_at) == (InvoiceStatus.PAID, NOW)
    assert invoice.days_overdue(date(2026, 3, 1)) == 0
    with pytest.raises(Conflict) as refusal:
        invoice.pay(NOW)
    assert refusal.value.code == "conflict"


def test_a_cancelled_invoice_cannot_be_paid():
    invoice = _issue()
    invoice.cancel()
    with pytest.raises(InvalidStateTransition):
        invoice.pay(NOW)
    with pytest.raises(InvalidStateTransition):
        invoice.cancel()


@pytest.mark.parametrize("remaining, days, expected", [
    (31, 31, 2_000_000), (1, 31, 64_516), (16, 31, 1_032_258), (15, 30, 1_000_000), (0, 31, 0),
])
def test_proration_of_an_upgrade(remaining, days, expected):
    difference = prorated_difference(Money(2_500_000), Money(4_500_000), remaining, days)
    assert difference == Money(expected)

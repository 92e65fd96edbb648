"""Invoice numbers stay gap-free and unique when billing transactions run at once.

Each unit of work opens its own connection. On PostgreSQL the counter's row lock makes
the others wait until the holder commits or rolls back; on SQLite the writers queue
behind BEGIN IMMEDIATE. Either way the committed numbers are exactly 1..N.
"""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import select

from cuiot.adapters.persistence.orm.billing import billing_records, invoice_counters
from cuiot.application.billing.commands.billing_run import RunBilling, RunBillingCommand
from cuiot.application.billing.commands.invoices import InvoiceLines, issue_invoice
from cuiot.application.billing.commands.subscriptions import Subscribe, SubscribeCommand
from cuiot.domain.errors import Conflict
from cuiot.domain.invoices import InvoiceKind
from cuiot.domain.money import Money
from cuiot.domain.subscriptions import SubscriptionStatus
from tests.integration.test_billing_persistence import (
    a_subscription,
    a_user,
    catalogue,
    store,
)

UNITS = 40
DAY = date(2026, 1, 15)


class Abandoned(Exception):
    """Raised inside a unit of work on purpose: it rolls back."""


async def stored_numbers(sql_uow) -> list[str]:
    async with sql_uow() as uow:
        rows = await uow.connection.execute(select(billing_records.c.number))
        return sorted(rows.scalars())


def gap_free(count: int) -> list[str]:
    return [f"CU-2026-{n:06d}" for n in range(1, count + 1)]


async def test_concurrent_units_of_work_number_invoices_without_gaps(sql_uow, ids, clock,
                                                                     policy):
    offer, payer = catalogue(ids.new_id), a_user("ana@example.com")
    subscription = a_subscription(offer["familiar"], payer)
    await store(sql_uow, *offer.values(), payer, subscription)
    lines = InvoiceLines(InvoiceKind.PERIOD, Money(2_500_000), DAY, DAY, date(2026, 2, 15))

    async def bill(n: int) -> str:
        async with sql_uow() as uow:
            invoice = await issue_invoice(uow, ids, policy, clock.now(), subscription, lines)
            await asyncio.sleep(0.002)  # hold the number while the others pile up
            if n % 4 == 3:
                raise Abandoned(invoice.number)
            await uow.commit()
            return invoice.number

    results = await asyncio.gather(*(bill(n) for n in range(UNITS)), return_exceptions=True)
    committed = [r for r in results if isinstance(r, str)]
    assert all(isinstance(r, (str, Abandoned)) for r in results), results
    assert len(committed) == UNITS - UNITS // 4
    assert sorted(committed) == gap_free(len(committed)) == await stored_numbers(sql_uow)
    async with sql_uow() as uow:
        counter = await uow.connection.execute(select(invoice_counters.c.last_number))
        assert counter.scalar_one() == len(committed)


async def test_concurrent_subscribes_and_a_billing_run(sql_uow, ids, clock, policy):
    offer = catalogue(ids.new_id)
    people = [a_user(f"u{n}@example.com") for n in range(12)]
    racer = a_user("racer@example.com")
    renewing = a_user("renueva@example.com")
    due = a_subscription(offer["basic"], renewing, start=date(2025, 11, 15))
    due.current_period_start, due.current_period_end = date(2025, 12, 15), DAY
    await store(sql_uow, *offer.values(), *people, racer, renewing, due)

    async def subscribe(user_id, package: str = "familiar") -> str:
        done = await Subscribe(sql_uow(), clock, ids, policy)(
            SubscribeCommand(user_id, offer[package].id, "monthly"))
        return done.invoice.number

    racing = [subscribe(racer.id, package) for package in ("basic", "familiar", "premium")]
    results = await asyncio.gather(
        *(subscribe(p.id) for p in people), *racing,
        RunBilling(sql_uow(), clock, ids, policy)(RunBillingCommand(DAY)),
        return_exceptions=True)
    numbers, raced, summary = results[:12], results[12:15], results[15]
    assert summary.renewed == 1 and summary.invoices_issued == 1
    assert [type(r) for r in raced].count(str) == 1  # one live subscription per account
    assert all(isinstance(r, (str, Conflict)) for r in raced), raced
    assert all(isinstance(n, str) for n in numbers), numbers
    assert await stored_numbers(sql_uow) == gap_free(12 + 1 + 1)
    async with sql_uow() as uow:
        [live] = await uow.subscriptions.list_for_account(racer.id)
        renewed = await uow.subscriptions.get(due.id)
    assert live.status is SubscriptionStatus.ACTIVE
    assert renewed.current_period_start == DAY and renewed.current_period_end == date(2026, 2, 15)


@pytest.mark.parametrize("year", [2026, 2027])
async def test_the_first_number_of_a_year_is_taken_once(sql_uow, year):
    async def take() -> int:
        async with sql_uow() as uow:
            number = await uow.invoices.next_number(year)
            await uow.commit()
            return number

    assert sorted(await asyncio.gather(*(take() for _ in range(10)))) == list(range(1, 11))

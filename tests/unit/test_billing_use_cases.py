from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from cuiot.application.billing.commands.billing_run import (
    BillingRunSummary,
    RunBilling,
    RunBillingCommand,
)
from cuiot.application.billing.commands.invoices import PayInvoice, PayInvoiceCommand
from cuiot.application.billing.commands.plan_changes import ChangePlan, ChangePlanCommand
from cuiot.application.billing.commands.subscriptions import (
    CancelSubscription,
    CancelSubscriptionCommand,
    Subscribe,
    SubscribeCommand,
)
from cuiot.domain.errors import Conflict, Forbidden, NotFound, PackageLimitExceeded
from cuiot.domain.invoices import InvoiceStatus
from cuiot.domain.money import Money
from cuiot.domain.subscriptions import SubscriptionStatus
from tests.support.billing import BillingWorld


@pytest.fixture
async def world() -> BillingWorld:
    world = BillingWorld()
    await world.seed_catalogue()
    await world.user("Ana")
    await world.user("Admin", admin=True)
    return world


async def _subscribe(world: BillingWorld, name: str = "Ana", package: str = "familiar",
                     **extra):
    return await world.use_case(Subscribe)(
        SubscribeCommand(world.users[name].id, world.package_id(package), "monthly", **extra))


async def _run(world: BillingWorld, day: date) -> BillingRunSummary:
    world.on(day)
    return await world.use_case(RunBilling)(RunBillingCommand(day))


def _invoices(world: BillingWorld):
    return sorted(world.store.invoices.items.values(), key=lambda i: i.number)


async def test_the_run_renews_on_the_period_end_with_a_new_invoice(world):
    sub = (await _subscribe(world)).subscription
    assert (await _run(world, date(2026, 2, 14))).renewed == 0
    summary = await _run(world, date(2026, 2, 15))
    assert (summary.renewed, summary.invoices_issued) == (1, 1)
    renewed = await world.store.subscriptions.get(sub.id)
    assert (renewed.current_period_start, renewed.current_period_end) == (date(2026, 2, 15),
                                                                          date(2026, 3, 15))
    latest = _invoices(world)[-1]
    assert (latest.number, latest.issue_date, latest.due_date, latest.amount) == (
        "CU-2026-000002", date(2026, 2, 15), date(2026, 2, 25), Money(2_500_000))


async def test_the_run_is_idempotent_for_a_date(world):
    await _subscribe(world)
    cancelled = (await _subscribe(world, name="Admin")).subscription
    await world.use_case(CancelSubscription)(CancelSubscriptionCommand(world.users["Admin"].id,
                                                                       cancelled.id))
    first = await _run(world, date(2026, 3, 20))
    snapshot = [(i.number, i.status) for i in _invoices(world)]
    statuses = {s.id: s.status for s in world.store.subscriptions.items.values()}
    second = await _run(world, date(2026, 3, 20))
    assert first != BillingRunSummary() and second == BillingRunSummary()
    assert [(i.number, i.status) for i in _invoices(world)] == snapshot
    assert {s.id: s.status for s in world.store.subscriptions.items.values()} == statuses


async def test_a_late_run_catches_up_every_period(world):
    await _subscribe(world)
    summary = await _run(world, date(2026, 4, 20))
    assert summary.renewed == 3
    assert [i.issue_date for i in _invoices(world)] == [
        date(2026, 1, 15), date(2026, 2, 15), date(2026, 3, 15), date(2026, 4, 15)]


async def test_a_scheduled_downgrade_is_billed_from_the_renewal(world):
    sub = (await _subscribe(world, package="premium")).subscription
    await world.use_case(ChangePlan)(ChangePlanCommand(world.users["Ana"].id, sub.id,
                                                       world.package_id("familiar")))
    await _run(world, date(2026, 2, 15))
    assert _invoices(world)[-1].amount == Money(2_500_000)
    assert (await world.store.subscriptions.get(sub.id)).package_id == world.package_id(
        "familiar")


@pytest.mark.parametrize("day, status", [
    (date(2026, 2, 14), SubscriptionStatus.CANCELLED), (date(2026, 2, 15),
                                                       SubscriptionStatus.EXPIRED),
])
async def test_a_cancelled_subscription_expires_at_its_end_date(world, day, status):
    sub = (await _subscribe(world)).subscription
    await world.use_case(CancelSubscription)(CancelSubscriptionCommand(world.users["Ana"].id,
                                                                       sub.id))
    await _run(world, day)
    assert (await world.store.subscriptions.get(sub.id)).status is status
    assert len(world.store.invoices.items) == 1


async def test_without_auto_renew_it_expires(world):
    sub = (await _subscribe(world, auto_renew=False)).subscription
    summary = await _run(world, date(2026, 2, 15))
    assert (summary.expired, summary.renewed) == (1, 0)
    assert (await world.store.subscriptions.get(sub.id)).status is SubscriptionStatus.EXPIRED


async def test_overdue_then_suspended_then_paid_back_to_active(world):
    sub = (await _subscribe(world)).subscription  # due 2026-01-25
    assert (await _run(world, date(2026, 1, 25))).marked_overdue == 0
    assert (await _run(world, date(2026, 1, 26))).marked_overdue == 1
    assert (await _run(world, date(2026, 2, 8))).suspended == 0  # 14 days overdue
    assert (await _run(world, date(2026, 2, 9))).suspended == 1  # 15 days overdue
    assert (await world.store.subscriptions.get(sub.id)).status is SubscriptionStatus.SUSPENDED
    first = _invoices(world)[0]
    await world.use_case(PayInvoice)(PayInvoiceCommand(world.users["Admin"].id, first.id))
    assert (await world.store.subscriptions.get(sub.id)).status is SubscriptionStatus.ACTIVE


async def test_paying_one_of_two_overdue_invoices_keeps_it_suspended(world):
    sub = (await _subscribe(world)).subscription
    await _run(world, date(2026, 3, 12))  # first invoice 46 days overdue, second 15
    assert (await world.store.subscriptions.get(sub.id)).status is SubscriptionStatus.SUSPENDED
    first, second = _invoices(world)[:2]
    pay = world.use_case(PayInvoice)
    await pay(PayInvoiceCommand(world.users["Admin"].id, first.id))
    assert (await world.store.subscriptions.get(sub.id)).status is SubscriptionStatus.SUSPENDED
    await world.use_case(PayInvoice)(PayInvoiceCommand(world.users["Admin"].id, second.id))
    assert (await world.store.subscriptions.get(sub.id)).status is SubscriptionStatus.ACTIVE


async def test_paying_twice_is_a_conflict_and_only_admins_pay(world):
    invoice = (await _subscribe(world)).invoice
    with pytest.raises(Forbidden):
        await world.use_case(PayInvoice)(PayInvoiceCommand(world.users["Ana"].id, invoice.id))
    paid = await world.use_case(PayInvoice)(PayInvoiceCommand(world.users["Admin"].id,
                                                              invoice.id))
    assert (paid.status, paid.paid_at) == (InvoiceStatus.PAID, world.clock.now())
    with pytest.raises(Conflict):
        await world.use_case(PayInvoice)(PayInvoiceCommand(world.users["Admin"].id, invoice.id))
    with pytest.raises(NotFound):
        await world.use_case(PayInvoice)(PayInvoiceCommand(world.users["Admin"].id, UUID(int=7)))


async def test_numbers_restart_in_a_new_year(world):
    world.on(date(2026, 12, 20))
    await _subscribe(world)
    await _run(world, date(2027, 1, 20))
    assert [i.number for i in _invoices(world)] == ["CU-2026-000001", "CU-2027-000001"]


async def test_a_refused_change_leaves_no_gap_in_the_numbers(world):
    person = await world.cared_person(world.users["Ana"])
    sub = (await _subscribe(world, package="premium")).subscription
    await world.devices(person, 9)
    with pytest.raises(PackageLimitExceeded):
        await world.use_case(ChangePlan)(ChangePlanCommand(world.users["Ana"].id, sub.id,
                                                           world.package_id("familiar")))
    await _subscribe(world, name="Admin")
    assert [i.number for i in _invoices(world)] == ["CU-2026-000001", "CU-2026-000002"]


async def test_an_account_over_its_limits_is_notified_once(world):
    person = await world.cared_person(world.users["Ana"])
    await _subscribe(world, package="basic")
    await world.devices(person, 5)
    assert (await _run(world, date(2026, 1, 20))).over_limit_notices == 1
    assert (await _run(world, date(2026, 1, 21))).over_limit_notices == 0
    [notice] = world.store.notifications.items.values()
    assert (notice.kind, notice.address, notice.channel.value) == ("account",
                                                                   "ana@example.com", "email")
    assert notice.payload["exceeded"] == [{"dimension": "devices", "used": 5,
                                            "requested": 0, "limit": 3}]


async def test_an_institution_is_notified_at_its_email(world):
    director = await world.user("Directora")
    home = await world.institution(director, email="sol@example.com")
    await _subscribe(world, name="Directora", package="institutional", institution_id=home.id)
    await world.patients(home, director, 101)
    await _run(world, date(2026, 1, 20))
    [notice] = world.store.notifications.items.values()
    assert (notice.address, notice.recipient_user_id) == ("sol@example.com", director.id)


async def test_a_suspended_subscription_still_renews(world):
    sub = (await _subscribe(world)).subscription
    await _run(world, date(2026, 2, 9))
    assert (await world.store.subscriptions.get(sub.id)).status is SubscriptionStatus.SUSPENDED
    assert (await _run(world, date(2026, 2, 15))).renewed == 1

"""Commission use cases on the in-memory adapters."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cuiot.application.referrals.commands.commissions import (
    CommissionStats,
    CommissionStatsCommand,
    ListCommissions,
    ListCommissionsCommand,
    ListMyCommissions,
    ListMyCommissionsCommand,
    PayCommission,
    PayCommissionCommand,
)
from cuiot.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from cuiot.domain.money import Money
from cuiot.domain.referrals import CommissionPaid, CommissionStatus
from cuiot.domain.users import Role, User
from tests.support.referrals import (
    ReferralHarness,
    harness_fixture,  # noqa: F401
)


async def earning(harness: ReferralHarness, email: str = "ana@example.com",
                  months: int = 1) -> User:
    """A caregiver whose referred user paid ``months`` months."""
    referrer = await harness.user(email, Role.CAREGIVER)
    _, payer = await harness.referred(referrer, f"invited-by-{email}")
    for n in range(months):
        await harness.pay(payer, date(2026, 1 + n, 1))
    return referrer


async def test_my_commissions_are_mine_newest_period_first(harness: ReferralHarness) -> None:
    ana = await earning(harness, months=3)
    await earning(harness, "beto@example.com")
    mine = await ListMyCommissions(harness.uow)(ListMyCommissionsCommand(ana.id))
    assert [(c.type, c.period.month) for c in mine] == [
        ("recurring", 3), ("recurring", 2), ("first_month", 1)]
    page = await ListMyCommissions(harness.uow)(ListMyCommissionsCommand(ana.id, 2, 5))
    assert [c.type for c in page] == ["first_month"]


async def test_an_admin_pays_once_and_the_payment_is_published(harness: ReferralHarness,
                                                               publisher) -> None:
    admin = await harness.user("admin@example.com", Role.ADMIN)
    ana = await earning(harness)
    [commission] = harness.commissions(ana)
    pay = PayCommission(harness.uow, harness.clock)
    paid = await pay(PayCommissionCommand(admin.id, commission.id))
    assert (paid.status, paid.paid_at) == (CommissionStatus.PAID, harness.clock.now())
    assert [e.commission_id for e in publisher.published if isinstance(e, CommissionPaid)] == [
        commission.id]
    harness.clock.advance(timedelta(days=1))
    with pytest.raises(Conflict):
        await pay(PayCommissionCommand(admin.id, commission.id))
    assert harness.commissions(ana)[0].paid_at == paid.paid_at


async def test_only_an_admin_pays_and_only_what_exists(harness: ReferralHarness) -> None:
    admin = await harness.user("admin@example.com", Role.ADMIN)
    ana = await earning(harness)
    [commission] = harness.commissions(ana)
    pay = PayCommission(harness.uow, harness.clock)
    with pytest.raises(Forbidden):
        await pay(PayCommissionCommand(ana.id, commission.id))
    with pytest.raises(NotFound):
        await pay(PayCommissionCommand(admin.id, harness.ids.new_id()))
    assert harness.commissions(ana)[0].status is CommissionStatus.PENDING


async def test_admins_list_every_commission_by_status(harness: ReferralHarness) -> None:
    admin = await harness.user("admin@example.com", Role.ADMIN)
    ana = await earning(harness, months=2)
    beto = await earning(harness, "beto@example.com")
    await PayCommission(harness.uow, harness.clock)(
        PayCommissionCommand(admin.id, harness.commissions(beto)[0].id))
    list_all = ListCommissions(harness.uow, harness.clock)
    everything = await list_all(ListCommissionsCommand(admin.id))
    pending = await list_all(ListCommissionsCommand(admin.id, status="pending"))
    paid = await list_all(ListCommissionsCommand(admin.id, status="paid"))
    assert len(everything) == 3
    assert {c.referrer_id for c in pending} == {ana.id}
    assert [c.referrer_id for c in paid] == [beto.id]
    with pytest.raises(ValidationFailed):
        await list_all(ListCommissionsCommand(admin.id, status="owed"))
    with pytest.raises(Forbidden):
        await list_all(ListCommissionsCommand(ana.id))


async def test_stats_total_by_status_and_by_type_leaving_cancelled_out_of_types(
        harness: ReferralHarness) -> None:
    admin = await harness.user("admin@example.com", Role.ADMIN)
    ana = await earning(harness, months=2)
    _, other = await harness.referred(ana, "cancels@example.com")
    await harness.pay(other, date(2026, 1, 1))
    await harness.cancel(other)
    first = next(c for c in harness.commissions(ana) if c.type == "first_month"
                 and c.status is CommissionStatus.PENDING)
    await PayCommission(harness.uow, harness.clock)(PayCommissionCommand(admin.id, first.id))
    stats = await CommissionStats(harness.uow, harness.policy)(CommissionStatsCommand(ana.id))
    assert stats.by_status == {"pending": Money(125_000), "paid": Money(500_000),
                               "cancelled": Money(500_000)}
    assert stats.count_by_status == {"pending": 1, "paid": 1, "cancelled": 1}
    assert stats.by_type == {"first_month": Money(500_000), "recurring": Money(125_000),
                             "bonus": Money(0)}

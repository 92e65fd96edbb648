"""Commission use cases on the in-memory adapters. The lists and totals are tested on
the views (tests/integration/test_referrals_persistence.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cuiot.application.referrals.commands.commissions import PayCommission, PayCommissionCommand
from cuiot.domain.errors import Conflict, Forbidden, NotFound
from cuiot.domain.referrals import CommissionPaid, CommissionStatus
from cuiot.domain.users import Role
from tests.support.referrals import (
    ReferralHarness,
    earning,
    harness_fixture,  # noqa: F401
)


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

"""One open referral per referrer and email, kept by the database as well as by the use
case: a second open one written without the use case's check (as by a request that
checked before the first was committed) is refused with the domain's ``Conflict``; a
closed one never stands in the way."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from cuiot.application.referrals.commands.referrals import (
    GenerateReferral,
    GenerateReferralCommand,
)
from cuiot.domain.errors import Conflict
from cuiot.domain.referrals import ReferralStatus
from cuiot.domain.users import Role
from tests.integration.test_referrals_persistence import NOW, a_referral, a_user, store


@pytest.fixture
def referrer():
    return a_user("carla@example.com", Role.CAREGIVER)


@pytest.mark.parametrize("status", [ReferralStatus.PENDING, ReferralStatus.REGISTERED])
async def test_a_second_open_referral_is_refused_by_the_database(sql_uow, referrer, status):
    referred = a_user("nuevo@example.com")
    registered = {"registered_at": NOW, "referred_user_id": referred.id}
    await store(sql_uow, referrer, referred, a_referral(
        referrer, status=status, **(registered if status is ReferralStatus.REGISTERED else {})))
    with pytest.raises(Conflict) as refused:
        await store(sql_uow, a_referral(referrer))
    assert (refused.value.message, refused.value.details) == (
        "this email already has an open referral from you", {"reason": "open_referral_exists"})
    other = a_user("otra@example.com", Role.CAREGIVER)  # another email, another referrer
    await store(sql_uow, other, a_referral(referrer, "otro@example.com"), a_referral(other))


async def test_closed_referrals_do_not_count(sql_uow, referrer):
    referred = a_user("nuevo@example.com")
    expired = a_referral(referrer, status=ReferralStatus.EXPIRED, expired_at=NOW)
    converted = a_referral(referrer, status=ReferralStatus.CONVERTED, registered_at=NOW,
                           referred_user_id=referred.id, converted_at=NOW,
                           subscription_id=referred.id, first_paid_period=date(2026, 1, 1))
    await store(sql_uow, referrer, referred, expired, converted, a_referral(referrer))


async def test_an_open_referral_past_its_window_is_expired_and_replaced_at_once(
        sql_uow, referrer, clock, ids, rng, policy):
    await store(sql_uow, referrer)
    generate = GenerateReferral(sql_uow(), clock, ids, rng, policy)
    first = await generate(GenerateReferralCommand(referrer.id, "nuevo@example.com",
                                                   "caregiver"))
    clock.advance(timedelta(days=policy.referral_pending_days + 1))
    second = await generate(GenerateReferralCommand(referrer.id, "nuevo@example.com",
                                                    "caregiver"))
    async with sql_uow() as uow:
        assert (await uow.referrals.get(first.id)).status is ReferralStatus.EXPIRED
        assert (await uow.referrals.get(second.id)).status is ReferralStatus.PENDING

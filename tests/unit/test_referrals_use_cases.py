"""Referral use cases on the in-memory adapters. The reads (checking a code, one's
referrals, the stats) are tested on the views (tests/integration/test_referrals_persistence.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cuiot.application.referrals.commands.referrals import (
    ExpireReferrals,
    GenerateReferral,
    GenerateReferralCommand,
    UpdateReferralStatus,
    UpdateReferralStatusCommand,
)
from cuiot.domain.errors import (
    Conflict,
    Forbidden,
    InvalidStateTransition,
    NotFound,
    Unauthenticated,
    ValidationFailed,
)
from cuiot.domain.referrals import ReferralStatus
from cuiot.domain.users import Role
from tests.support.referrals import (
    ReferralHarness,
    harness_fixture,  # noqa: F401
)


class CollidingRandomSource:
    """Hands out the same codes in turn: a fake that forces collisions."""

    def __init__(self, *codes: str) -> None:
        self.codes = list(codes)

    def choose(self, alphabet: str, length: int) -> str:
        return self.codes.pop(0) if len(self.codes) > 1 else self.codes[0]

    def token(self, nbytes: int = 32) -> str:
        return "t" * nbytes


async def test_a_referrer_invites_with_a_fresh_pending_code(harness: ReferralHarness, uow) -> None:
    ana = await harness.user("ana@example.com", Role.CAREGIVER)
    referral = await harness.invite(ana, "Maria@Example.com")
    stored = await uow.referrals.get(referral.id)
    assert stored is not None and stored.status is ReferralStatus.PENDING
    assert stored.email.value == "maria@example.com" and stored.referrer_id == ana.id
    assert set(stored.code.value) <= set(harness.policy.referral_code_alphabet)
    assert len(stored.code.value) == harness.policy.referral_code_length


@pytest.mark.parametrize("role, kind", [(Role.FAMILY, "caregiver"),
                                        (Role.CAREGIVER, "institution"),
                                        (Role.ADMIN, "family")])
async def test_the_referrer_type_needs_its_role(harness: ReferralHarness, role: Role,
                                                kind: str) -> None:
    someone = await harness.user("someone@example.com", role)
    with pytest.raises(Forbidden):
        await harness.invite(someone, "maria@example.com", kind)


async def test_an_expired_role_does_not_count(harness: ReferralHarness) -> None:
    ana = await harness.user("ana@example.com")
    async with harness.uow:
        stored = await harness.uow.users.get(ana.id)
        stored.grant_role(Role.CAREGIVER, harness.clock.now(),
                          expires_at=harness.clock.now() + timedelta(hours=1))
        await harness.uow.commit()
    harness.clock.advance(timedelta(hours=2))
    with pytest.raises(Forbidden):
        await harness.invite(ana, "maria@example.com")


@pytest.mark.parametrize("email, kind",
                         [("maria@example.com", "nurse"), ("not-an-email", "family")])
async def test_bad_input_is_refused(harness: ReferralHarness, email: str, kind: str) -> None:
    ana = await harness.user("ana@example.com", Role.FAMILY)
    with pytest.raises(ValidationFailed):
        await harness.invite(ana, email, kind)


async def test_an_unknown_actor_is_unauthenticated(harness: ReferralHarness) -> None:
    generate = GenerateReferral(harness.uow, harness.clock, harness.ids, harness.rng,
                                harness.policy)
    with pytest.raises(Unauthenticated):
        await generate(GenerateReferralCommand(harness.ids.new_id(), "maria@example.com",
                                               "caregiver"))


async def test_self_referral_is_refused(harness: ReferralHarness) -> None:
    ana = await harness.user("ana@example.com", Role.CAREGIVER)
    with pytest.raises(ValidationFailed, match="own email"):
        await harness.invite(ana, "ANA@example.com")


async def test_one_open_referral_per_email_until_it_expires(harness: ReferralHarness,
                                                           store) -> None:
    ana = await harness.user("ana@example.com", Role.CAREGIVER)
    first = await harness.invite(ana, "maria@example.com")
    with pytest.raises(Conflict):
        await harness.invite(ana, "MARIA@example.com")
    harness.clock.advance(timedelta(days=31))
    second = await harness.invite(ana, "maria@example.com")
    assert store.referrals.items[first.id].status is ReferralStatus.EXPIRED
    assert second.status is ReferralStatus.PENDING and second.code != first.code


async def test_a_drawn_code_already_taken_is_drawn_again(harness: ReferralHarness) -> None:
    harness.rng = CollidingRandomSource("ABCD2345", "ABCD2345", "WXYZ6789")
    ana = await harness.user("ana@example.com", Role.CAREGIVER)
    assert (await harness.invite(ana, "maria@example.com")).code.value == "ABCD2345"
    assert (await harness.invite(ana, "jose@example.com")).code.value == "WXYZ6789"


async def test_a_source_that_only_collides_ends_in_a_conflict(harness: ReferralHarness,
                                                              uow) -> None:
    harness.rng = CollidingRandomSource("ABCD2345")
    ana = await harness.user("ana@example.com", Role.CAREGIVER)
    await harness.invite(ana, "maria@example.com")
    with pytest.raises(Conflict, match="unused referral code"):
        await harness.invite(ana, "jose@example.com")
    assert len(uow.referrals.items) == 1


async def test_an_admin_expires_an_open_referral_and_nothing_else(harness: ReferralHarness,
                                                                 store) -> None:
    admin = await harness.user("admin@example.com", Role.ADMIN)
    ana = await harness.user("ana@example.com", Role.CAREGIVER)
    referral = await harness.invite(ana, "maria@example.com")
    update = UpdateReferralStatus(harness.uow, harness.clock)
    with pytest.raises(Forbidden):
        await update(UpdateReferralStatusCommand(ana.id, referral.id, "expired"))
    for status in ("registered", "converted", "pending"):
        with pytest.raises(InvalidStateTransition):
            await update(UpdateReferralStatusCommand(admin.id, referral.id, status))
    with pytest.raises(ValidationFailed):
        await update(UpdateReferralStatusCommand(admin.id, referral.id, "cancelled"))
    with pytest.raises(NotFound):
        await update(UpdateReferralStatusCommand(admin.id, harness.ids.new_id(), "expired"))
    done = await update(UpdateReferralStatusCommand(admin.id, referral.id, "expired"))
    assert done.status is ReferralStatus.EXPIRED == store.referrals.items[referral.id].status
    with pytest.raises(InvalidStateTransition):
        await update(UpdateReferralStatusCommand(admin.id, referral.id, "expired"))


async def test_the_expiry_job_expires_due_referrals_once(harness: ReferralHarness,
                                                         store) -> None:
    ana = await harness.user("ana@example.com", Role.CAREGIVER)
    pending = await harness.invite(ana, "pending@example.com")
    registered, _ = await harness.referred(ana, "registered@example.com")
    converted, payer = await harness.referred(ana, "converted@example.com")
    await harness.pay(payer)
    expire = ExpireReferrals(harness.uow, harness.clock, harness.policy)
    harness.clock.advance(timedelta(days=30))
    assert await expire() == 0
    harness.clock.advance(timedelta(days=1))
    assert await expire() == 1 and await expire() == 0
    harness.clock.advance(timedelta(days=60))
    assert await expire() == 1
    statuses = [store.referrals.items[r.id].status for r in (pending, registered, converted)]
    assert statuses == [ReferralStatus.EXPIRED, ReferralStatus.EXPIRED, ReferralStatus.CONVERTED]

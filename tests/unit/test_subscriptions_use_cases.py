from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from cuiot.application.billing.commands.plan_changes import ChangePlan, ChangePlanCommand
from cuiot.application.billing.commands.subscriptions import (
    CancelSubscription,
    CancelSubscriptionCommand,
    Subscribe,
    SubscribeCommand,
)
from cuiot.domain.care import CareType
from cuiot.domain.errors import (
    Conflict,
    Forbidden,
    InvalidStateTransition,
    LegalCapacityDenied,
    NotFound,
    PackageLimitExceeded,
    ValidationFailed,
)
from cuiot.domain.invoices import InvoiceKind
from cuiot.domain.money import Money
from cuiot.domain.subscriptions import SubscriptionStatus
from cuiot.domain.users import CapacityStatus
from tests.support.billing import BillingWorld


@pytest.fixture
async def world() -> BillingWorld:
    world = BillingWorld()
    await world.seed_catalogue()
    await world.user("Ana")
    return world


async def _subscribe(world: BillingWorld, name: str = "Ana", package: str = "familiar",
                     cycle: str = "monthly", **extra):
    actor = world.users[name]
    return await world.use_case(Subscribe)(
        SubscribeCommand(actor.id, world.package_id(package), cycle, **extra))


async def test_subscribe_opens_a_period_and_its_first_invoice(world):
    result = await _subscribe(world, payment_method="card")
    sub, invoice = result.subscription, result.invoice
    assert (sub.status, sub.account_id, sub.subscriber_id) == (
        SubscriptionStatus.ACTIVE, world.users["Ana"].id, world.users["Ana"].id)
    assert (invoice.number, invoice.amount, invoice.tax, invoice.total) == (
        "CU-2026-000001", Money(2_500_000), Money(525_000), Money(3_025_000))
    assert (invoice.period_start, invoice.period_end, invoice.due_date) == (
        date(2026, 1, 15), date(2026, 2, 15), date(2026, 1, 25))
    assert await world.store.subscriptions.get(sub.id) is not None


async def test_yearly_subscription_bills_the_yearly_price(world):
    invoice = (await _subscribe(world, cycle="yearly")).invoice
    assert invoice.amount == Money(25_000_000) and invoice.period_end == date(2027, 1, 15)


async def test_one_live_subscription_per_account(world):
    await _subscribe(world)
    with pytest.raises(Conflict):
        await _subscribe(world, package="premium")
    assert len(world.store.invoices.items) == 1


async def test_after_cancelling_the_account_may_subscribe_again(world):
    first = (await _subscribe(world)).subscription
    await world.use_case(CancelSubscription)(CancelSubscriptionCommand(world.users["Ana"].id,
                                                                       first.id))
    second = (await _subscribe(world, package="premium")).subscription
    assert second.id != first.id


@pytest.mark.parametrize("born, capacity, reason", [
    (date(2010, 1, 1), CapacityStatus.FULL, "minor"),
    (None, CapacityStatus.FULL, "missing_date_of_birth"),
    (date(1960, 1, 1), CapacityStatus.RESTRICTED, "restricted_capacity"),
])
async def test_the_subscriber_must_be_able_to_contract(world, born, capacity, reason):
    await world.user("Luca", born=born, capacity=capacity)
    with pytest.raises(LegalCapacityDenied) as refusal:
        await _subscribe(world, name="Luca")
    assert refusal.value.reason == reason
    assert not world.store.subscriptions.items and not world.store.invoices.items


async def test_a_delegated_person_needs_a_verified_representation(world):
    ana = world.users["Ana"]
    mother = await world.cared_person(ana)
    await world.representation(mother, ana, verified=False)
    with pytest.raises(LegalCapacityDenied) as refusal:
        await _subscribe(world, cared_person_id=mother.id)
    assert refusal.value.reason == "no_active_representative"


async def test_the_representative_subscribes_for_the_cared_persons_account(world):
    ana, son = world.users["Ana"], await world.user("Hijo")
    mother = await world.cared_person(ana)
    mother.member_ids.add(son.id)
    await world.representation(mother, son)
    sub = (await _subscribe(world, name="Hijo", cared_person_id=mother.id)).subscription
    assert (sub.account_id, sub.subscriber_id, sub.cared_person_id) == (ana.id, son.id,
                                                                        mother.id)
    # Ana then lists it as hers: tests/integration/test_billing_views.py


async def test_someone_elses_cared_person_is_not_found(world):
    stranger = await world.user("Extra")
    person = await world.cared_person(stranger)
    with pytest.raises(NotFound):
        await _subscribe(world, cared_person_id=person.id)


async def test_a_self_care_person_subscribes_for_themselves(world):
    me = await world.user("Elsa", born=date(1950, 2, 2))
    person = await world.cared_person(me, care_type=CareType.SELF_CARE, own_user=me)
    sub = (await _subscribe(world, name="Elsa", cared_person_id=person.id)).subscription
    assert sub.account_id == me.id


async def test_an_institution_subscribes_through_its_admin(world):
    director, nurse = await world.user("Directora"), await world.user("Enfermero")
    home = await world.institution(director)
    home.staff_ids.add(nurse.id)
    with pytest.raises(Forbidden):
        await _subscribe(world, name="Enfermero", package="institutional",
                         institution_id=home.id)
    with pytest.raises(NotFound):
        await _subscribe(world, package="institutional", institution_id=home.id)
    with pytest.raises(ValidationFailed):
        await _subscribe(world, name="Directora", package="premium", institution_id=home.id)
    sub = (await _subscribe(world, name="Directora", package="institutional",
                            institution_id=home.id)).subscription
    assert (sub.institution_id, sub.account_id) == (home.id, None)


async def test_both_a_cared_person_and_an_institution_is_refused(world):
    with pytest.raises(ValidationFailed):
        await _subscribe(world, cared_person_id=UUID(int=5), institution_id=UUID(int=6))


async def test_an_unknown_cycle_or_inactive_package_is_refused(world):
    with pytest.raises(ValidationFailed):
        await _subscribe(world, cycle="weekly")
    world.package("basic").deactivate()
    with pytest.raises(NotFound):
        await _subscribe(world, package="basic")


async def test_usage_must_fit_the_package(world):
    person = await world.cared_person(world.users["Ana"])
    await world.devices(person, 4)
    await world.members(person, 2)
    with pytest.raises(PackageLimitExceeded) as refusal:
        await _subscribe(world, package="basic")
    assert refusal.value.exceeded == [
        {"dimension": "users", "used": 3, "requested": 0, "limit": 2},
        {"dimension": "devices", "used": 4, "requested": 0, "limit": 3}]


# --- change plan ----------------------------------------------------------------------
async def _change(world: BillingWorld, sub_id: UUID, package: str, name: str = "Ana"):
    return await world.use_case(ChangePlan)(
        ChangePlanCommand(world.users[name].id, sub_id, world.package_id(package)))


async def test_upgrade_applies_at_once_with_a_prorated_invoice(world):
    sub = (await _subscribe(world)).subscription
    world.on(date(2026, 1, 31))  # 15 of 31 days left
    change = await _change(world, sub.id, "premium")
    assert change.subscription.package_id == world.package_id("premium")
    assert (change.invoice.kind, change.invoice.amount) == (InvoiceKind.PRORATION,
                                                            Money(967_742))
    assert change.invoice.number == "CU-2026-000002" and not change.scheduled


async def test_yearly_upgrade_prorates_the_yearly_prices(world):
    sub = (await _subscribe(world, cycle="yearly")).subscription
    world.on(date(2026, 7, 15))  # 184 of 365 days left
    change = await _change(world, sub.id, "premium")
    assert change.invoice.amount == Money(10_082_192)  # 20,000,000 × 184 / 365


async def test_downgrade_is_scheduled_for_the_renewal(world):
    sub = (await _subscribe(world, package="premium")).subscription
    change = await _change(world, sub.id, "familiar")
    assert change.scheduled and change.invoice is None
    assert (sub.package_id, change.subscription.scheduled_package_id) == (
        world.package_id("premium"), world.package_id("familiar"))
    kept = await _change(world, sub.id, "premium")
    assert kept.subscription.scheduled_package_id is None


async def test_downgrade_refused_when_usage_exceeds_the_smaller_plan(world):
    person = await world.cared_person(world.users["Ana"])
    sub = (await _subscribe(world, package="premium")).subscription
    await world.devices(person, 9)
    with pytest.raises(PackageLimitExceeded) as refusal:
        await _change(world, sub.id, "familiar")
    assert refusal.value.exceeded == [
        {"dimension": "devices", "used": 9, "requested": 0, "limit": 8}]
    assert (await world.store.subscriptions.get(sub.id)).scheduled_package_id is None


async def test_only_the_owner_changes_or_cancels(world):
    sub = (await _subscribe(world)).subscription
    await world.user("Extra")
    with pytest.raises(NotFound):
        await _change(world, sub.id, "premium", name="Extra")
    with pytest.raises(NotFound):
        await world.use_case(CancelSubscription)(
            CancelSubscriptionCommand(world.users["Extra"].id, sub.id))
    with pytest.raises(Conflict):
        await _change(world, sub.id, "familiar")  # already on it, nothing scheduled


async def test_cancel_stops_renewal_and_a_cancelled_plan_cannot_change(world):
    sub = (await _subscribe(world)).subscription
    cancelled = await world.use_case(CancelSubscription)(
        CancelSubscriptionCommand(world.users["Ana"].id, sub.id))
    assert (cancelled.status, cancelled.end_date) == (SubscriptionStatus.CANCELLED,
                                                      date(2026, 2, 15))
    assert cancelled.cancelled_at == world.clock.now()
    with pytest.raises(InvalidStateTransition):
        await _change(world, sub.id, "premium")

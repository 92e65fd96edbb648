from __future__ import annotations

from uuid import UUID

import pytest

from cuiot.application.billing.commands.packages import (
    CreatePackage,
    CreatePackageCommand,
    DeactivatePackage,
    DeactivatePackageCommand,
    UpdatePackage,
    UpdatePackageCommand,
)
from cuiot.application.billing.commands.subscriptions import Subscribe, SubscribeCommand
from cuiot.application.billing.commands.usage import usage_of
from cuiot.application.billing.limits import ensure_within_limits
from cuiot.domain.billing_limits import BYTES_PER_GB, Usage
from cuiot.domain.errors import Forbidden, PackageLimitExceeded, ValidationFailed
from cuiot.domain.money import Money
from tests.support.billing import BillingWorld


@pytest.fixture
async def world() -> BillingWorld:
    world = BillingWorld()
    await world.seed_catalogue()
    await world.user("Admin", admin=True)
    await world.user("Ana")
    return world


def _terms(actor_id: UUID, **changes) -> dict:
    return {"actor_id": actor_id, "type": "premium", "name": "Premium Plus",
            "price_monthly_cents": 5_000_000, "max_users": 12, "max_devices": 25,
            "max_storage_gb": 150, "support_level": "phone", "features": ("alerts",), **changes}


async def test_admin_creates_and_updates_a_package(world):
    admin = world.users["Admin"].id
    created = await world.use_case(CreatePackage)(CreatePackageCommand(**_terms(admin)))
    assert created.yearly_price == Money(60_000_000)
    updated = await world.use_case(UpdatePackage)(UpdatePackageCommand(
        package_id=created.id, **_terms(admin, price_monthly_cents=4_000_000,
                                        price_yearly_cents=40_000_000)))
    assert (updated.price_monthly, updated.yearly_price) == (Money(4_000_000), Money(40_000_000))
    stored = await world.store.packages.get(created.id)
    assert stored.price_monthly == Money(4_000_000)


async def test_only_admins_edit_the_catalogue(world):
    ana = world.users["Ana"].id
    with pytest.raises(Forbidden):
        await world.use_case(CreatePackage)(CreatePackageCommand(**_terms(ana)))
    with pytest.raises(Forbidden):
        await world.use_case(DeactivatePackage)(
            DeactivatePackageCommand(ana, world.package_id("basic")))
    assert len(world.store.packages.items) == 5


@pytest.mark.parametrize("changes", [{"type": "gold"}, {"support_level": "fax"},
                                     {"max_patients": 10}, {"price_monthly_cents": -1}])
async def test_invalid_terms_are_refused(world, changes):
    with pytest.raises(ValidationFailed):
        await world.use_case(CreatePackage)(
            CreatePackageCommand(**_terms(world.users["Admin"].id, **changes)))


# --- usage and the gate -------------------------------------------------------------
async def test_usage_counts_distinct_users_active_devices_and_bytes(world):
    ana, carer = world.users["Ana"], await world.user("Carla")
    mother = await world.cared_person(ana)
    father = await world.cared_person(ana)
    await world.members(mother, 2)
    mother.member_ids.add(carer.id)
    father.assign_caregiver(carer.id)
    await world.devices(mother, 2)
    await world.devices(father, 1)
    await world.devices(father, 4, active=False)
    await world.stored(mother, gb=1)
    await world.stored(father, extra_bytes=5)
    usage = await usage_of(world.uow(), account_id=ana.id)
    assert usage == Usage(users=4, devices=3, storage_bytes=BYTES_PER_GB + 5, patients=0)


async def test_institution_usage_counts_staff_and_patients(world):
    admin = await world.user("Directora")
    home = await world.institution(admin)
    home.staff_ids.add((await world.user("Enfermero")).id)
    await world.patients(home, admin, 3)
    usage = await usage_of(world.uow(), institution_id=home.id)
    assert (usage.users, usage.patients) == (2, 3)


async def test_usage_needs_one_account():
    with pytest.raises(ValueError):
        await usage_of(BillingWorld().uow())


async def _subscribe_basic(world: BillingWorld):
    ana = world.users["Ana"]
    person = await world.cared_person(ana)
    await world.use_case(Subscribe)(SubscribeCommand(ana.id, world.package_id("basic"),
                                                     "monthly"))
    return ana, person


@pytest.mark.parametrize("devices, adding, allowed", [(2, 1, True), (3, 1, False), (0, 3, True)])
async def test_the_gate_fits_the_usage_plus_the_addition(world, devices, adding, allowed):
    ana, person = await _subscribe_basic(world)
    await world.devices(person, devices)
    check = ensure_within_limits(world.uow(), account_id=ana.id, adding={"devices": adding},
                                 policy=world.policy)
    if allowed:
        await check
    else:
        with pytest.raises(PackageLimitExceeded) as refusal:
            await check
        assert refusal.value.exceeded == [  # the usage before the addition
            {"dimension": "devices", "used": 3, "requested": 1, "limit": 3}]


async def test_the_gate_locks_the_account_then_the_institution(world):
    """Every unit of work locks them in this order, so two never wait for each other."""
    director = await world.user("Directora")
    home = await world.institution(director)
    world.store.subscriptions.usage_locks.clear()
    await ensure_within_limits(world.uow(), account_id=director.id, institution_id=home.id,
                               adding={"patients": 1}, policy=world.policy)
    assert world.store.subscriptions.usage_locks == [(director.id, None), (None, home.id)]


async def test_subscribing_locks_the_account_whose_usage_it_counts(world):
    ana, _ = await _subscribe_basic(world)
    assert world.store.subscriptions.usage_locks == [(ana.id, None)]


async def test_an_account_without_a_package_is_not_gated(world):
    ana = world.users["Ana"]
    person = await world.cared_person(ana)
    await world.devices(person, 600)
    await ensure_within_limits(world.uow(), account_id=ana.id, adding={"devices": 1},
                               policy=world.policy)


async def test_dimensions_without_a_limit_are_not_gated(world):
    ana, _ = await _subscribe_basic(world)
    await ensure_within_limits(world.uow(), account_id=ana.id, adding={"patients": 50},
                               policy=world.policy)


async def test_the_gate_checks_the_institution_package(world):
    admin = await world.user("Directora")
    home = await world.institution(admin)
    await world.patients(home, admin, 100)
    await world.use_case(Subscribe)(SubscribeCommand(
        admin.id, world.package_id("institutional"), "monthly", institution_id=home.id))
    with pytest.raises(PackageLimitExceeded) as refusal:
        await ensure_within_limits(world.uow(), account_id=None, institution_id=home.id,
                                   adding={"patients": 1}, policy=world.policy)
    assert refusal.value.exceeded == [
        {"dimension": "patients", "used": 100, "requested": 1, "limit": 100}]

"""Pages of the catalogue and of one's subscriptions (offset/limit on the list commands)."""

from __future__ import annotations

from cuiot.application.billing.commands.packages import ListPackages, ListPackagesCommand
from cuiot.application.billing.commands.subscriptions import (
    CancelSubscription,
    CancelSubscriptionCommand,
    ListSubscriptions,
    ListSubscriptionsCommand,
    Subscribe,
    SubscribeCommand,
)
from tests.support.billing import BillingWorld


async def test_the_catalogue_comes_in_pages_in_the_same_order():
    world = BillingWorld()
    await world.seed_catalogue()
    whole = await world.use_case(ListPackages)(ListPackagesCommand())
    first = await world.use_case(ListPackages)(ListPackagesCommand(offset=0, limit=2))
    rest = await world.use_case(ListPackages)(ListPackagesCommand(offset=2, limit=10))
    assert len(whole) == 5
    assert [p.id for p in first + rest] == [p.id for p in whole]
    beyond = await world.use_case(ListPackages)(ListPackagesCommand(offset=5, limit=2))
    assert beyond == []


async def test_ones_subscriptions_come_in_pages():
    world = BillingWorld()
    await world.seed_catalogue()
    ana = await world.user("Ana")
    subscribed = []
    for package in ("basic", "premium"):
        sub = (await world.use_case(Subscribe)(
            SubscribeCommand(ana.id, world.package_id(package), "monthly"))).subscription
        await world.use_case(CancelSubscription)(CancelSubscriptionCommand(ana.id, sub.id))
        subscribed.append(sub.id)
    everything = await world.use_case(ListSubscriptions)(ListSubscriptionsCommand(ana.id))
    first = await world.use_case(ListSubscriptions)(ListSubscriptionsCommand(ana.id, 0, 1))
    second = await world.use_case(ListSubscriptions)(ListSubscriptionsCommand(ana.id, 1, 1))
    assert [s.id for s in everything] == subscribed
    assert [s.id for s in first + second] == subscribed

"""The reads of billing over the real views, on SQLite and PostgreSQL: the package
catalogue, one's subscriptions and invoices, who sees which, in which order, and one SQL
statement for each page or detail.

Moved here from the unit tests of the old list use cases (same assertions; a page keeps
the ``limit`` rows the API shows of the ``limit + 1`` a view reads)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.billing import (
    SqlInvoiceViews,
    SqlPackageViews,
    SqlSubscriptionViews,
)
from cuiot.application.billing.commands.packages import (
    DeactivatePackage,
    DeactivatePackageCommand,
)
from cuiot.application.billing.commands.subscriptions import (
    CancelSubscription,
    CancelSubscriptionCommand,
    Subscribe,
    SubscribeCommand,
)
from cuiot.application.billing.queries.invoices import (
    GetInvoice,
    GetInvoiceQuery,
    ListInvoices,
    ListInvoicesQuery,
)
from cuiot.application.billing.queries.packages import (
    GetPackage,
    GetPackageQuery,
    ListPackages,
    ListPackagesQuery,
)
from cuiot.application.billing.queries.subscriptions import (
    ListSubscriptions,
    ListSubscriptionsQuery,
)
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.billing_limits import Limits
from cuiot.domain.care import LegalRepresentation, Relationship
from cuiot.domain.errors import NotFound
from cuiot.domain.money import Money
from cuiot.domain.packages import Package, PackageType, SupportLevel
from cuiot.domain.subscriptions import SubscriptionStatus
from cuiot.domain.users import User
from tests.fakes.system import FixedClock
from tests.integration.test_billing_persistence import (
    NOW,
    a_cared_person,
    a_subscription,
    a_user,
    an_institution,
    an_invoice,
    catalogue,
    store,
)
from tests.support.statements import statements

EVERY = Window(0, 100)
VIEWS = {ListPackages: SqlPackageViews, GetPackage: SqlPackageViews,
         ListSubscriptions: SqlSubscriptionViews, ListInvoices: SqlInvoiceViews,
         GetInvoice: SqlInvoiceViews}


async def read(engine: AsyncEngine, clock: FixedClock, handler: Any, query: Any) -> Any:
    """The query in one read transaction, as a request runs it."""
    async with ReadSide(engine).transaction() as conn:
        return await handler(VIEWS[handler](conn), clock)(query)


def viewer(user: User) -> Viewer:
    return Viewer.of(user.id, frozenset(user.active_roles(NOW)))


def shown(rows: list[Any], window: Window) -> list[Any]:
    """What a page shows of the rows read (``Page.of``)."""
    return rows[:window.limit]


@pytest.fixture
async def world(sql_uow, ids) -> dict[str, Any]:
    """The default catalogue, Ana and an admin, stored."""
    offer = catalogue(ids.new_id)
    ana, admin = a_user("ana@example.com"), a_user("admin@example.com", admin=True)
    await store(sql_uow, *offer.values(), ana, admin)
    return {"offer": offer, "Ana": ana, "Admin": admin}


async def subscribe(sql_uow, clock, ids, policy, user: User, package: Package,
                    **extra: Any) -> Any:
    return await Subscribe(sql_uow(), clock, ids, policy)(
        SubscribeCommand(user.id, package.id, "monthly", **extra))


# -- the catalogue -------------------------------------------------------------------------

async def test_the_catalogue_comes_in_pages_in_the_same_order(engine, clock, world):
    whole = await read(engine, clock, ListPackages, ListPackagesQuery())
    first = shown(await read(engine, clock, ListPackages,
                             ListPackagesQuery(window=Window(0, 2))), Window(0, 2))
    rest = shown(await read(engine, clock, ListPackages,
                            ListPackagesQuery(window=Window(2, 10))), Window(2, 10))
    assert len(whole) == 5
    assert [p.id for p in first + rest] == [p.id for p in whole]
    beyond = await read(engine, clock, ListPackages, ListPackagesQuery(window=Window(5, 2)))
    assert beyond == []


async def test_list_shows_active_packages_cheapest_first(sql_uow, engine, clock, world):
    await DeactivatePackage(sql_uow(), clock)(
        DeactivatePackageCommand(world["Admin"].id, world["offer"]["premium"].id))
    listed = await read(engine, clock, ListPackages, ListPackagesQuery())
    assert [p.type for p in listed] == ["basic", "familiar", "professional", "institutional"]
    asked_by_user = await read(engine, clock, ListPackages,
                               ListPackagesQuery(viewer(world["Ana"]), include_inactive=True))
    assert len(asked_by_user) == 4
    asked_by_admin = await read(engine, clock, ListPackages,
                                ListPackagesQuery(viewer(world["Admin"]), include_inactive=True))
    assert len(asked_by_admin) == 5


async def test_an_inactive_package_is_found_by_admins_only(sql_uow, engine, clock, world):
    premium = world["offer"]["premium"].id
    await DeactivatePackage(sql_uow(), clock)(DeactivatePackageCommand(world["Admin"].id,
                                                                     premium))
    with pytest.raises(NotFound):
        await read(engine, clock, GetPackage, GetPackageQuery(premium, viewer(world["Ana"])))
    found = await read(engine, clock, GetPackage, GetPackageQuery(premium,
                                                                  viewer(world["Admin"])))
    assert not found.is_active
    with pytest.raises(NotFound):
        await read(engine, clock, GetPackage, GetPackageQuery(UUID(int=999)))


async def test_the_catalogue_is_cheapest_first_then_by_name_and_hides_inactive(
        sql_uow, engine, clock):
    def priced(name: str, cents: int, active: bool = True) -> Package:
        return Package(id=uuid4(), type=PackageType.PREMIUM, name=name,
                       price_monthly=Money(cents), limits=Limits(1, 1, 1),
                       support_level=SupportLevel.PHONE, is_active=active)
    found = [priced("b", 500), priced("B", 500), priced("Á", 500), priced("a", 500),
             priced("z", 100), priced("gone", 50, active=False)]
    await store(sql_uow, *found)
    offered = await read(engine, clock, ListPackages, ListPackagesQuery())
    everything = await read(engine, clock, ListPackages, ListPackagesQuery(
        Viewer(uuid4(), is_admin=True), include_inactive=True))
    by_terms = sorted(found, key=lambda p: (p.price_monthly.cents, p.name))
    assert [p.name for p in everything] == [p.name for p in by_terms] == [
        "gone", "z", "B", "a", "b", "Á"]
    assert [p.name for p in offered] == ["z", "B", "a", "b", "Á"]


async def test_a_package_reads_as_the_api_shows_it(engine, clock, world):
    institutional = world["offer"]["institutional"]
    seen = await read(engine, clock, GetPackage, GetPackageQuery(institutional.id))
    assert (seen.type, seen.name, seen.support_level) == ("institutional", "Institucional",
                                                          "24/7")
    assert (seen.price_monthly, seen.price_yearly) == (Money(30_000_000), Money(300_000_000))
    assert (seen.max_users, seen.max_devices, seen.max_storage_gb, seen.max_patients) == (
        100, 500, 2_000, 100)
    assert seen.features == tuple(institutional.features) and seen.is_active


async def test_a_package_without_a_yearly_price_shows_twelve_months(sql_uow, engine, clock):
    bare = Package(id=uuid4(), type=PackageType.BASIC, name="Sin límites",
                   price_monthly=Money(1_000, "USD"), limits=Limits(),
                   support_level=SupportLevel.EMAIL)
    await store(sql_uow, bare)
    seen = await read(engine, clock, GetPackage, GetPackageQuery(bare.id))
    assert seen.price_yearly == Money(12_000, "USD") and seen.max_users is None


# -- subscriptions -------------------------------------------------------------------------

async def test_ones_subscriptions_come_in_pages(sql_uow, engine, clock, ids, policy, world):
    ana = world["Ana"]
    subscribed = []
    for package in ("basic", "premium"):
        sub = (await subscribe(sql_uow, clock, ids, policy, ana,
                               world["offer"][package])).subscription
        await CancelSubscription(sql_uow(), clock, ids, policy)(
            CancelSubscriptionCommand(ana.id, sub.id))
        subscribed.append(sub.id)
    everything = await read(engine, clock, ListSubscriptions,
                            ListSubscriptionsQuery(viewer(ana)))
    first = shown(await read(engine, clock, ListSubscriptions,
                             ListSubscriptionsQuery(viewer(ana), Window(0, 1))), Window(0, 1))
    second = shown(await read(engine, clock, ListSubscriptions,
                              ListSubscriptionsQuery(viewer(ana), Window(1, 1))), Window(1, 1))
    assert [s.id for s in everything] == subscribed
    assert [s.id for s in first + second] == subscribed


async def test_the_account_holder_lists_what_her_representative_subscribed(
        sql_uow, engine, clock, ids, policy, world):
    ana, son = world["Ana"], a_user("hijo@example.com")
    mother = a_cared_person(ana)
    mother.member_ids.add(son.id)
    representation = LegalRepresentation(
        id=uuid4(), cared_person_id=mother.id, representative_id=son.id,
        relationship=Relationship.CHILD, document_ref="poder-123",
        valid_from=date(2020, 1, 1), created_at=NOW, verified=True)
    await store(sql_uow, son, mother, representation)
    sub = (await subscribe(sql_uow, clock, ids, policy, son, world["offer"]["familiar"],
                           cared_person_id=mother.id)).subscription
    assert (sub.account_id, sub.subscriber_id, sub.cared_person_id) == (ana.id, son.id,
                                                                        mother.id)
    listed = await read(engine, clock, ListSubscriptions, ListSubscriptionsQuery(viewer(ana)))
    assert [s.id for s in listed] == [sub.id]


async def test_payers_account_holders_and_institution_admins_see_theirs(
        sql_uow, engine, clock, world):
    offer, ana = world["offer"], world["Ana"]
    payer, boss = a_user("payer@example.com"), a_user("boss@example.com")
    home = an_institution(boss)
    later, earlier = NOW + timedelta(days=1), NOW - timedelta(days=1)
    old = a_subscription(offer["basic"], ana, created_at=earlier,
                         status=SubscriptionStatus.EXPIRED)
    paid_by_other = a_subscription(offer["familiar"], payer, account=ana, created_at=later)
    same_time = [a_subscription(offer["institutional"], ana, institution=home,
                                status=SubscriptionStatus.EXPIRED) for _ in range(2)]
    for_home = a_subscription(offer["institutional"], boss, institution=home, created_at=later)
    payers_own = a_subscription(offer["basic"], payer)
    await store(sql_uow, payer, boss, home, old, paid_by_other, *same_time, for_home,
                payers_own)
    tied = sorted(same_time, key=lambda s: s.id)

    async def listed(user: User) -> list[UUID]:
        found = await read(engine, clock, ListSubscriptions,
                           ListSubscriptionsQuery(viewer(user)))
        return [s.id for s in found]

    assert await listed(ana) == [old.id, *(s.id for s in tied), paid_by_other.id]
    assert await listed(payer) == [payers_own.id, paid_by_other.id]
    # their own first (they pay for it), then their institution's, oldest first
    assert await listed(boss) == [for_home.id, *(s.id for s in tied)]
    assert await listed(world["Admin"]) == []  # the role does not widen the list
    [seen] = shown(await read(engine, clock, ListSubscriptions,
                              ListSubscriptionsQuery(viewer(payer), Window(0, 1))), Window(0, 1))
    assert (seen.account_id, seen.institution_id, seen.subscriber_id) == (
        payers_own.account_id, None, payer.id)
    [theirs] = [s for s in await read(engine, clock, ListSubscriptions,
                                      ListSubscriptionsQuery(viewer(boss)))
                if s.id == for_home.id]
    assert (theirs.account_id, theirs.institution_id, theirs.status) == (None, home.id,
                                                                       "active")


# -- invoices ------------------------------------------------------------------------------

async def test_invoices_are_seen_by_their_owner_and_admins_only(
        sql_uow, engine, clock, ids, policy, world):
    ana, admin = world["Ana"], world["Admin"]
    other = a_user("extra@example.com")
    await store(sql_uow, other)
    mine = (await subscribe(sql_uow, clock, ids, policy, ana,
                            world["offer"]["familiar"])).invoice
    theirs = (await subscribe(sql_uow, clock, ids, policy, other,
                              world["offer"]["familiar"])).invoice
    listed = await read(engine, clock, ListInvoices, ListInvoicesQuery(viewer(ana)))
    assert [i.id for i in listed] == [mine.id]
    got = await read(engine, clock, GetInvoice, GetInvoiceQuery(viewer(ana), mine.id))
    assert got.id == mine.id
    with pytest.raises(NotFound):
        await read(engine, clock, GetInvoice, GetInvoiceQuery(viewer(ana), theirs.id))
    every = await read(engine, clock, ListInvoices, ListInvoicesQuery(viewer(admin)))
    assert {i.id for i in every} == {mine.id, theirs.id}
    assert (await read(engine, clock, GetInvoice,
                       GetInvoiceQuery(viewer(admin), theirs.id))).id == theirs.id
    assert other.id != ana.id


@pytest.fixture
async def invoiced(sql_uow, world) -> dict[str, Any]:
    """Ana's subscription and an institution's (Boss runs it), with four invoices."""
    boss = a_user("boss@example.com")
    home = an_institution(boss)
    mine = a_subscription(world["offer"]["familiar"], world["Ana"])
    theirs = a_subscription(world["offer"]["institutional"], boss, institution=home)
    invoices = {
        "first": an_invoice(mine, 1, issued=date(2026, 1, 15)),
        "same_day": an_invoice(theirs, 2, issued=date(2026, 1, 15)),
        "latest": an_invoice(mine, 3, issued=date(2026, 2, 15)),
        "last_year": an_invoice(theirs, 9, issued=date(2025, 12, 1)),
    }
    await store(sql_uow, boss, home, mine, theirs, *invoices.values())
    return {"Boss": boss, **{name: i.id for name, i in invoices.items()}}


async def test_invoice_pages_are_newest_first(engine, clock, world, invoiced):
    async def listed(user: User, window: Window = EVERY) -> list[UUID]:
        found = await read(engine, clock, ListInvoices, ListInvoicesQuery(viewer(user), window))
        return [i.id for i in shown(found, window)]

    i = invoiced
    assert await listed(world["Admin"]) == [i["latest"], i["same_day"], i["first"],
                                            i["last_year"]]
    assert await listed(world["Admin"], Window(1, 2)) == [i["same_day"], i["first"]]
    assert await listed(world["Admin"], Window(2, 5)) == [i["first"], i["last_year"]]
    assert await listed(world["Ana"]) == [i["latest"], i["first"]]
    assert await listed(i["Boss"]) == [i["same_day"], i["last_year"]]  # their institution's
    assert await listed(a_user("nadie@example.com")) == []
    with pytest.raises(NotFound):
        await read(engine, clock, GetInvoice, GetInvoiceQuery(viewer(world["Ana"]),
                                                              i["same_day"]))
    seen = await read(engine, clock, GetInvoice, GetInvoiceQuery(viewer(i["Boss"]),
                                                                 i["same_day"]))
    assert (seen.number, seen.kind, seen.status) == ("CU-2026-000002", "period", "pending")
    assert (seen.amount, seen.tax, seen.total) == (Money(2_500_000), Money(525_000),
                                                   Money(3_025_000))


async def test_each_page_and_detail_is_one_statement(engine, clock, world, invoiced):
    ana = viewer(world["Ana"])
    reads = [(ListPackages, ListPackagesQuery(window=Window(0, 2))),
             (GetPackage, GetPackageQuery(world["offer"]["basic"].id)),
             (ListSubscriptions, ListSubscriptionsQuery(ana, Window(0, 10))),
             (ListInvoices, ListInvoicesQuery(ana, Window(0, 10))),
             (ListInvoices, ListInvoicesQuery(viewer(world["Admin"]), Window(0, 10))),
             (GetInvoice, GetInvoiceQuery(ana, invoiced["first"]))]
    for handler, query in reads:
        with statements(engine) as seen:
            await read(engine, clock, handler, query)
        assert len(seen.queries()) == 1, (handler.__name__, seen)
        assert "FOR UPDATE" not in seen.queries()[0].upper()

"""Packages, subscriptions and invoices on SQLite and PostgreSQL: every repository
method, the database's constraints, and the billing use cases on the real unit of work
(the reads of the API: ``test_billing_views.py``).

Usage counting reads the safety repositories (devices, stored events) and the
over-limit notice goes to the notification outbox: all on SQL here too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from cuiot.adapters.persistence.orm.billing import (
    billing_records,
    institution_packages,
    invoice_counters,
    packages,
    user_packages,
)
from cuiot.adapters.persistence.orm.safety import notifications
from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.billing import (
    SqlInvoiceViews,
    SqlPackageViews,
    SqlSubscriptionViews,
)
from cuiot.application.billing.commands.billing_run import (
    BillingRunSummary,
    RunBilling,
    RunBillingCommand,
)
from cuiot.application.billing.commands.invoices import PayInvoice, PayInvoiceCommand
from cuiot.application.billing.commands.packages import (
    CreatePackage,
    CreatePackageCommand,
    DeactivatePackage,
    DeactivatePackageCommand,
    UpdatePackage,
    UpdatePackageCommand,
)
from cuiot.application.billing.commands.plan_changes import ChangePlan, ChangePlanCommand
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
from cuiot.application.shared.queries import Viewer
from cuiot.domain.billing_limits import Limits
from cuiot.domain.care import CaredPerson, Institution, LegalRepresentation
from cuiot.domain.devices import Device
from cuiot.domain.errors import (
    Conflict,
    Forbidden,
    LegalCapacityDenied,
    NotFound,
    PackageLimitExceeded,
    ValidationFailed,
)
from cuiot.domain.invoices import Invoice, InvoiceKind, InvoiceStatus
from cuiot.domain.money import Money
from cuiot.domain.packages import (
    BillingCycle,
    Package,
    PackageType,
    SupportLevel,
    default_catalogue,
)
from cuiot.domain.policy import DEFAULT_POLICY
from cuiot.domain.sensor_events import DeviceType
from cuiot.domain.subscriptions import (
    InstitutionSubscription,
    Subscription,
    SubscriptionStatus,
    UserSubscription,
    add_months,
)
from cuiot.domain.users import Role, User
from cuiot.domain.values import EmailAddress
from tests.support.statements import statements

NOW = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
TODAY = date(2026, 1, 15)


# -- builders ------------------------------------------------------------------------------

def a_user(email: str, *, admin: bool = False, born: date | None = date(1970, 5, 1)) -> User:
    user = User(id=uuid4(), email=EmailAddress(email), password_hash="h", first_name="Ana",
                last_name="Paz", created_at=NOW, date_of_birth=born)
    if admin:
        user.grant_role(Role.ADMIN, NOW)
    return user


def catalogue(new_id: Callable[[], UUID] = uuid4) -> dict[str, Package]:
    return {p.type.value: p for p in default_catalogue(new_id)}


def an_institution(admin: User) -> Institution:
    return Institution(id=uuid4(), name="Residencia Sol", admin_id=admin.id, created_at=NOW,
                       email="sol@example.com")


def a_cared_person(account: User, institution: Institution | None = None) -> CaredPerson:
    return CaredPerson(id=uuid4(), account_id=account.id, first_name="Rosa", last_name="Paz",
                       date_of_birth=date(1940, 3, 3), created_at=NOW,
                       institution_id=institution.id if institution else None)


def a_subscription(package: Package, subscriber: User, *, institution: Institution | None = None,
                   account: User | None = None, start: date = TODAY, created_at: datetime = NOW,
                   **fields: Any) -> Subscription:
    owner = ({"institution_id": institution.id} if institution
             else {"account_id": (account or subscriber).id})
    kind = InstitutionSubscription if institution else UserSubscription
    return kind(id=uuid4(), subscriber_id=subscriber.id, package_id=package.id,
                        billing_cycle=BillingCycle.MONTHLY, start_date=start,
                        current_period_start=start, current_period_end=add_months(start, 1),
                        created_at=created_at, **owner, **fields)


def an_invoice(subscription: Subscription, sequence: int, *, issued: date = TODAY,
               amount: int = 2_500_000, **fields: Any) -> Invoice:
    invoice = Invoice.issue(id=uuid4(), sequence=sequence, subscription_id=subscription.id,
                            kind=InvoiceKind.PERIOD, amount=Money(amount), issue_date=issued,
                            period_start=issued, period_end=add_months(issued, 1), now=NOW,
                            policy=DEFAULT_POLICY)
    for name, value in fields.items():
        setattr(invoice, name, value)
    return invoice


def repository_for(uow: SqlAlchemyUnitOfWork, entity: Any) -> Any:
    """By the entity's class (a subscription is built as the subclass of its table)."""
    repositories = {User: uow.users, Institution: uow.institutions,
                    CaredPerson: uow.cared_persons, LegalRepresentation: uow.representations,
                    Package: uow.packages, Subscription: uow.subscriptions,
                    Invoice: uow.invoices, Device: uow.devices}
    return next(repositories[cls] for cls in type(entity).__mro__ if cls in repositories)


async def store(sql_uow, *entities: Any) -> None:
    async with sql_uow() as uow:
        for entity in entities:
            await repository_for(uow, entity).add(entity)
        await uow.commit()


def state(entity: Any) -> dict[str, Any]:
    """Every field of the domain class (not the ORM's own attributes)."""
    return {f.name: getattr(entity, f.name) for f in fields(entity)}


async def scalar(sql_uow, stmt: Any) -> Any:
    async with sql_uow() as uow:
        return (await uow.connection.execute(stmt)).scalar_one()


@pytest.fixture
def ana() -> User:
    return a_user("ana@example.com")


@pytest.fixture
def offer() -> dict[str, Package]:
    return catalogue()


# -- packages --------------------------------------------------------------------------

async def test_package_round_trip_of_every_field(sql_uow, offer):
    bare = Package(id=uuid4(), type=PackageType.BASIC, name="Sin límites",
                   price_monthly=Money(0, "USD"), limits=Limits(),
                   support_level=SupportLevel.EMAIL, is_active=False)
    await store(sql_uow, *offer.values(), bare)
    async with sql_uow() as uow:
        loaded = [await uow.packages.get(p.id) for p in (*offer.values(), bare)]
        assert await uow.packages.get(uuid4()) is None
    assert [state(p) for p in loaded] == [state(p) for p in (*offer.values(), bare)]
    institutional = loaded[4]
    assert institutional.limits == Limits(100, 500, 2_000, 100)
    assert institutional.price_yearly == Money(300_000_000) and loaded[-1].price_yearly is None
    assert loaded[-1].yearly_price == Money(0, "USD") and loaded[-1].features == []


async def test_package_changes_are_written_by_dirty_checking(sql_uow, offer):
    basic = offer["basic"]
    await store(sql_uow, basic)
    created = await scalar(sql_uow, select(packages.c.created_at))
    async with sql_uow() as uow:
        loaded = await uow.packages.get(basic.id)
        loaded.update(type=PackageType.FAMILIAR, name=" Familiar plus ",
                      price_monthly=Money(3_000_000), price_yearly=None,
                      limits=Limits(6, None, 30), support_level=SupportLevel.CHAT,
                      features=["alerts"])
        loaded.deactivate()
        offered = select(func.count()).select_from(Package).where(packages.c.is_active)
        assert await uow.session.scalar(offered) == 0  # the query sees the unflushed change
        await uow.commit()
    async with sql_uow() as uow:
        again = await uow.packages.get(basic.id)
    assert state(again) == state(loaded) and again.name == "Familiar plus"
    updated = await scalar(sql_uow, select(packages.c.updated_at))
    assert created.tzinfo is not None and updated >= created


# -- subscriptions ---------------------------------------------------------------------

async def test_subscription_round_trip_in_each_table(sql_uow, offer, ana):
    boss = a_user("boss@example.com")
    home, person = an_institution(boss), a_cared_person(ana)
    full = a_subscription(offer["premium"], ana, cared_person_id=person.id,
                          status=SubscriptionStatus.CANCELLED, auto_renew=False,
                          end_date=date(2026, 2, 15), scheduled_package_id=offer["basic"].id,
                          cancelled_at=NOW + timedelta(hours=3), suspended_on=date(2026, 1, 20),
                          over_limits_since=date(2026, 1, 21), payment_method="transfer")
    full.billing_cycle = BillingCycle.YEARLY
    bare = a_subscription(offer["institutional"], boss, institution=home)
    await store(sql_uow, ana, boss, home, person, *offer.values(), full, bare)
    async with sql_uow() as uow:
        loaded_full = await uow.subscriptions.get(full.id)
        loaded_bare = await uow.subscriptions.get(bare.id)
        assert await uow.subscriptions.get(uuid4()) is None
    assert state(loaded_full) == state(full) and state(loaded_bare) == state(bare)
    assert loaded_full.cancelled_at.tzinfo is not None and loaded_bare.account_id is None
    assert await scalar(sql_uow, select(user_packages.c.id)) == full.id
    assert await scalar(sql_uow, select(institution_packages.c.id)) == bare.id


async def test_subscription_lists_for_accounts_and_institutions(sql_uow, offer, ana):
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
    await store(sql_uow, ana, payer, boss, home, *offer.values(), old, paid_by_other,
                *same_time, for_home, payers_own)
    tied = sorted(same_time, key=lambda s: s.id)
    async with sql_uow() as uow:
        repo = uow.subscriptions
        assert [s.id for s in await repo.list_for_account(ana.id)] == [old.id, paid_by_other.id]
        assert [s.id for s in await repo.list_for_account(payer.id)] == [payers_own.id]
        assert [s.id for s in await repo.list_for_institution(home.id)] == [
            *(s.id for s in tied), for_home.id]
        assert await repo.list_for_account(boss.id) == []
        assert (await repo.list_for_account(ana.id))[1] is await repo.get(paid_by_other.id)


async def test_period_ended_and_in_force_subscriptions_across_both_tables(sql_uow, offer):
    users = [a_user(f"u{i}@example.com") for i in range(6)]
    boss = a_user("boss@example.com")
    home = an_institution(boss)
    day = date(2026, 2, 15)
    ends = {}
    for user, end in zip(users, (day - timedelta(days=1), day, day + timedelta(days=1)),
                         strict=False):
        ends[end] = a_subscription(offer["basic"], user, start=add_months(end, -1))
    expired = a_subscription(offer["basic"], users[3], start=date(2025, 12, 1),
                             status=SubscriptionStatus.EXPIRED)
    cancelled = a_subscription(offer["basic"], users[4], start=date(2026, 1, 15),
                               status=SubscriptionStatus.CANCELLED, cancelled_at=NOW,
                               auto_renew=False, end_date=day)
    institutional = a_subscription(offer["institutional"], boss, institution=home,
                                   start=date(2026, 1, 10))
    await store(sql_uow, *users, boss, home, *offer.values(), *ends.values(), expired,
                cancelled, institutional)
    due = sorted([ends[day - timedelta(days=1)], ends[day], cancelled, institutional],
                 key=lambda s: s.id)
    in_force = sorted([*ends.values(), cancelled, institutional], key=lambda s: s.id)
    async with sql_uow() as uow:
        repo = uow.subscriptions
        assert [s.id for s in await repo.list_period_ended(day)] == [s.id for s in due]
        assert [s.id for s in await repo.list_period_ended(day, limit=2)] == [
            s.id for s in due[:2]]
        assert [s.id for s in await repo.list_in_force()] == [s.id for s in in_force]
        assert [s.id for s in await repo.list_in_force(2, 3)] == [s.id for s in in_force[2:5]]
        assert await repo.list_in_force(6) == []


async def test_subscription_changes_are_written_and_seen_by_queries(sql_uow, offer, ana):
    boss = a_user("boss@example.com")
    home = an_institution(boss)
    mine = a_subscription(offer["familiar"], ana)
    theirs = a_subscription(offer["institutional"], boss, institution=home)
    await store(sql_uow, ana, boss, home, *offer.values(), mine, theirs)
    renewal = mine.current_period_end
    async with sql_uow() as uow:
        for s in await uow.subscriptions.list_period_ended(renewal):
            s.renew(renewal)
        assert await uow.subscriptions.list_period_ended(renewal) == []
        (await uow.subscriptions.get(theirs.id)).suspend(renewal)
        (await uow.subscriptions.get(mine.id)).schedule_downgrade(offer["basic"].id)
        await uow.commit()
    async with sql_uow() as uow:
        again_mine = await uow.subscriptions.get(mine.id)
        again_theirs = await uow.subscriptions.get(theirs.id)
    assert again_mine.current_period_start == renewal
    assert again_mine.scheduled_package_id == offer["basic"].id
    assert again_theirs.status is SubscriptionStatus.SUSPENDED
    assert again_theirs.suspended_on == renewal


async def test_what_is_loaded_and_left_unchanged_is_not_written(sql_uow, engine, offer, ana):
    boss = a_user("boss@example.com")
    home = an_institution(boss)
    mine = a_subscription(offer["familiar"], ana)
    theirs = a_subscription(offer["institutional"], boss, institution=home)
    invoice = an_invoice(theirs, 1)
    await store(sql_uow, ana, boss, home, *offer.values(), mine, theirs, invoice)
    async with sql_uow() as uow:
        with statements(engine) as seen:
            loaded = [await uow.packages.get(p.id) for p in offer.values()]
            loaded += [await uow.subscriptions.get(mine.id), await uow.subscriptions.get(theirs.id)]
            loaded.append(await uow.invoices.get(invoice.id))
            assert [p.price_monthly for p in loaded[:5]] == [
                p.price_monthly for p in offer.values()]
            await uow.commit()
    assert all(found is not None for found in loaded) and seen.writes() == []


async def test_without_commit_nothing_is_written(sql_uow, offer, ana):
    await store(sql_uow, ana, *offer.values())
    async with sql_uow() as uow:
        subscription = a_subscription(offer["basic"], ana)
        await uow.subscriptions.add(subscription)
        invoice = an_invoice(subscription, await uow.invoices.next_number(2026))
        await uow.invoices.add(invoice)
        (await uow.packages.get(offer["basic"].id)).deactivate()
        await uow.flush()
    async with sql_uow() as uow:
        assert await uow.subscriptions.list_for_account(ana.id) == []
        assert await uow.invoices.get(invoice.id) is None
        assert all(p.is_active for p in await uow.packages.list_all())
        assert len(await uow.packages.list_all()) == 5
        assert await uow.invoices.next_number(2026) == 1


# -- invoices ------------------------------------------------------------------------------

@pytest.fixture
async def subscribed(sql_uow, offer, ana) -> tuple[Subscription, Subscription]:
    """Ana's subscription and an institution's, stored."""
    boss = a_user("boss@example.com")
    home = an_institution(boss)
    mine = a_subscription(offer["familiar"], ana)
    theirs = a_subscription(offer["institutional"], boss, institution=home)
    await store(sql_uow, ana, boss, home, *offer.values(), mine, theirs)
    return mine, theirs


async def test_invoice_round_trip_with_the_account_kind(sql_uow, subscribed):
    mine, theirs = subscribed
    paid = an_invoice(mine, 1, amount=1_234_567)
    paid.pay(NOW + timedelta(days=2))
    proration = an_invoice(theirs, 2, amount=333, kind=InvoiceKind.PRORATION)
    await store(sql_uow, paid, proration)
    async with sql_uow() as uow:
        loaded = [await uow.invoices.get(paid.id), await uow.invoices.get(proration.id)]
        kinds = dict((await uow.connection.execute(
            select(billing_records.c.id, billing_records.c.account_kind))).all())
    assert [state(i) for i in loaded] == [state(paid), state(proration)]
    assert loaded[0].tax == Money(259_259) and loaded[0].total == Money(1_493_826)
    assert loaded[0].paid_at == NOW + timedelta(days=2) and loaded[1].paid_at is None
    assert kinds == {paid.id: "user", proration.id: "institution"}


async def test_pending_and_overdue_queries_and_their_boundaries(sql_uow, subscribed):
    mine, theirs = subscribed
    day = date(2026, 2, 1)
    due_before = [an_invoice(s, n, issued=day - timedelta(days=11))
                  for n, s in enumerate((mine, theirs, mine), start=1)]
    due_on_day = an_invoice(mine, 4, issued=day - timedelta(days=10))
    overdue = [an_invoice(s, n, issued=day - timedelta(days=d), status=InvoiceStatus.OVERDUE)
               for n, s, d in ((5, mine, 10), (6, theirs, 11), (7, mine, 10), (8, mine, 9))]
    paid = an_invoice(mine, 10, issued=day - timedelta(days=30))
    paid.pay(NOW)
    await store(sql_uow, *due_before, due_on_day, *overdue, paid)

    def by_id(found):
        return sorted(i.id for i in found)

    async with sql_uow() as uow:
        repo = uow.invoices
        assert [i.id for i in await repo.list_pending_due_before(day)] == by_id(due_before)
        assert len(await repo.list_pending_due_before(day, limit=2)) == 2
        on_or_before = by_id(overdue[:3])
        assert [i.id for i in await repo.list_overdue_due_on_or_before(day)] == on_or_before
        assert [i.id for i in await repo.list_overdue_due_on_or_before(day, 1, 1)] == (
            on_or_before[1:2])
        assert await repo.count_overdue_for_subscription(mine.id) == 3
        assert await repo.count_overdue_for_subscription(theirs.id) == 1
        for invoice in await repo.list_pending_due_before(day):
            invoice.mark_overdue(day)
        assert await repo.list_pending_due_before(day) == []  # the change is flushed first
        assert await repo.count_overdue_for_subscription(theirs.id) == 2
        overdue[0].pay(NOW)  # not loaded in this unit of work: the stored row is unchanged
        (await repo.get(overdue[1].id)).pay(NOW)
        assert await repo.count_overdue_for_subscription(theirs.id) == 1


async def test_numbers_are_per_year_and_a_rollback_gives_the_number_back(sql_uow, subscribed):
    mine, _ = subscribed
    async with sql_uow() as uow:
        assert [await uow.invoices.next_number(2026) for _ in range(3)] == [1, 2, 3]
        assert await uow.invoices.next_number(2027) == 1
        await uow.commit()
    async with sql_uow() as uow:
        assert await uow.invoices.next_number(2026) == 4  # rolled back below
    async with sql_uow() as uow:
        assert await uow.invoices.next_number(2026) == 4
        await uow.commit()
    await store(sql_uow, an_invoice(mine, 41, issued=date(2028, 3, 1)))
    async with sql_uow() as uow:  # a new year's counter starts after the stored invoices
        assert await uow.invoices.next_number(2028) == 42
        await uow.commit()
    rows = await scalar(sql_uow, select(func.sum(invoice_counters.c.last_number)))
    assert rows == 4 + 1 + 42


# -- constraints ---------------------------------------------------------------------------

def package_row(**bad: Any) -> dict[str, Any]:
    return {"id": uuid4(), "type": "basic", "name": "Básico", "price_monthly_cents": 1000,
            "price_yearly_cents": None, "currency": "ARS", "features": [], "max_users": 2,
            "max_devices": 3, "max_storage_gb": 5, "max_patients": None,
            "support_level": "email", "is_active": True, **bad}


@pytest.mark.parametrize("bad", [
    {}, {"type": "gold"}, {"support_level": "fax"}, {"name": "  "},
    {"price_monthly_cents": -1}, {"price_yearly_cents": -1}, {"currency": "AR"},
    {"max_users": 0}, {"max_devices": 0}, {"max_storage_gb": 0},
    {"max_patients": 5}, {"type": "institutional"},
    {"type": "institutional", "max_patients": 0},
], ids=["valid", "type", "support_level", "blank_name", "negative_monthly",
        "negative_yearly", "currency", "no_users", "no_devices", "no_storage",
        "patients_for_a_user_package", "institutional_without_patients", "no_patients"])
async def test_the_packages_table_checks_its_rows(sql_uow, bad):
    async with sql_uow() as uow:
        statement = insert(packages).values(**package_row(**bad))
        if not bad:
            await uow.connection.execute(statement)
            return
        with pytest.raises(IntegrityError):
            await uow.connection.execute(statement)


def subscription_row(user: User, package: Package, **bad: Any) -> dict[str, Any]:
    return {"id": uuid4(), "account_id": user.id, "subscriber_id": user.id,
            "package_id": package.id, "billing_cycle": "monthly", "start_date": TODAY,
            "current_period_start": TODAY, "current_period_end": date(2026, 2, 15),
            "created_at": NOW, "status": "active", "auto_renew": True, **bad}


@pytest.mark.parametrize("bad", [
    {}, {"status": "paused"}, {"billing_cycle": "weekly"},
    {"current_period_end": TODAY}, {"current_period_start": date(2026, 1, 14)},
    {"status": "cancelled"}, {"status": "suspended"},
], ids=["valid", "status", "billing_cycle", "empty_period", "period_before_start",
        "cancelled_without_time", "suspended_without_day"])
async def test_the_subscription_tables_check_their_rows(sql_uow, offer, ana, bad):
    await store(sql_uow, ana, offer["basic"])
    async with sql_uow() as uow:
        statement = insert(user_packages).values(**subscription_row(ana, offer["basic"], **bad))
        if not bad:
            await uow.connection.execute(statement)
            return
        with pytest.raises(IntegrityError):
            await uow.connection.execute(statement)


async def test_an_account_has_one_live_subscription_at_most(sql_uow, offer, ana):
    boss = a_user("boss@example.com")
    home = an_institution(boss)
    expired = [a_subscription(offer["basic"], ana, status=SubscriptionStatus.EXPIRED),
               a_subscription(offer["institutional"], boss, institution=home,
                              status=SubscriptionStatus.EXPIRED)]
    live = [a_subscription(offer["basic"], ana),
            a_subscription(offer["institutional"], boss, institution=home)]
    await store(sql_uow, ana, boss, home, *offer.values(), *expired, *live)
    for second in (a_subscription(offer["premium"], ana, status=SubscriptionStatus.SUSPENDED,
                                  suspended_on=TODAY),
                   a_subscription(offer["institutional"], boss, institution=home)):
        with pytest.raises(Conflict):
            await store(sql_uow, second)


async def test_references_must_exist_at_commit(sql_uow, offer, ana):
    with pytest.raises(Conflict):  # neither the user nor the package was stored
        await store(sql_uow, a_subscription(offer["basic"], ana))


def invoice_row(subscription_id: UUID, **bad: Any) -> dict[str, Any]:
    return {"id": uuid4(), "number": "CU-2026-000001", "subscription_id": subscription_id,
            "account_kind": "user", "kind": "period", "amount_cents": 1000, "tax_cents": 210,
            "total_cents": 1210, "currency": "ARS", "status": "pending", "issue_date": TODAY,
            "due_date": date(2026, 1, 25), "period_start": TODAY,
            "period_end": date(2026, 2, 15), "created_at": NOW, **bad}


@pytest.mark.parametrize("bad", [
    {}, {"number": "CU-26-1"}, {"account_kind": "company"}, {"kind": "extra"},
    {"status": "lost"}, {"amount_cents": -1, "total_cents": 209}, {"tax_cents": -1,
                                                                   "total_cents": 999},
    {"total_cents": 1211}, {"due_date": date(2026, 1, 14)}, {"period_end": TODAY},
    {"status": "paid"}, {"currency": "AR"},
], ids=["valid", "number_format", "account_kind", "kind", "status", "negative_amount",
        "negative_tax", "total", "due_before_issue", "empty_period", "paid_without_time",
        "currency"])
async def test_the_billing_records_table_checks_its_rows(sql_uow, bad):
    async with sql_uow() as uow:
        statement = insert(billing_records).values(**invoice_row(uuid4(), **bad))
        if not bad:
            await uow.connection.execute(statement)
            return
        with pytest.raises(IntegrityError):
            await uow.connection.execute(statement)


async def test_invoice_numbers_are_unique_and_need_a_stored_subscription(sql_uow, offer,
                                                                         subscribed):
    mine, theirs = subscribed
    await store(sql_uow, an_invoice(mine, 1))
    with pytest.raises(Conflict):
        await store(sql_uow, an_invoice(theirs, 1))
    never_stored = a_subscription(offer["basic"], a_user("ghost@example.com"))
    with pytest.raises(Conflict):
        await store(sql_uow, an_invoice(never_stored, 2))


# -- the use cases end to end ------------------------------------------------------------

def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 15, tzinfo=UTC)


@pytest.fixture
async def seeded(sql_uow, ids) -> dict[str, Any]:
    """The default catalogue, Ana (an adult) and an admin."""
    offer = catalogue(ids.new_id)
    ana, admin = a_user("ana@example.com"), a_user("admin@example.com", admin=True)
    await store(sql_uow, *offer.values(), ana, admin)
    return {"offer": offer, "ana": ana, "admin": admin}


def wired(kind: type, sql_uow, clock, ids, policy) -> Any:
    needs = {Subscribe: (clock, ids, policy), ChangePlan: (clock, ids, policy),
             PayInvoice: (clock, ids, policy), RunBilling: (clock, ids, policy),
             CancelSubscription: (clock, ids, policy)}
    return kind(sql_uow(), *needs[kind])


VIEWS = {ListPackages: SqlPackageViews, GetPackage: SqlPackageViews,
         ListSubscriptions: SqlSubscriptionViews, ListInvoices: SqlInvoiceViews,
         GetInvoice: SqlInvoiceViews}


async def read(engine, clock, handler: Any, query: Any) -> Any:
    async with ReadSide(engine).transaction() as conn:
        return await handler(VIEWS[handler](conn), clock)(query)


def viewer(user: User) -> Viewer:
    return Viewer.of(user.id, frozenset(user.active_roles(NOW)))


async def test_subscribe_change_plan_pay_and_run_billing(sql_uow, engine, seeded, clock, ids,
                                                         policy):
    def use(kind: type) -> Any:
        return wired(kind, sql_uow, clock, ids, policy)
    ana, admin, offer = seeded["ana"], seeded["admin"], seeded["offer"]
    subscribed = await use(Subscribe)(SubscribeCommand(ana.id, offer["familiar"].id, "monthly"))
    sub, first = subscribed.subscription, subscribed.invoice
    assert (first.number, first.amount, first.tax, first.total) == (
        "CU-2026-000001", Money(2_500_000), Money(525_000), Money(3_025_000))
    with pytest.raises(Conflict):  # one live subscription per account
        await use(Subscribe)(SubscribeCommand(ana.id, offer["basic"].id, "yearly"))
    clock.set(noon(date(2026, 1, 20)))  # 26 of the period's 31 days remain
    upgraded = await use(ChangePlan)(ChangePlanCommand(ana.id, sub.id, offer["premium"].id))
    assert upgraded.invoice.number == "CU-2026-000002"
    assert upgraded.invoice.amount == Money(1_677_419)  # 2,000,000 × 26 / 31, half-up
    downgrade = await use(ChangePlan)(ChangePlanCommand(ana.id, sub.id, offer["basic"].id))
    assert downgrade.scheduled and downgrade.invoice is None
    paid = await use(PayInvoice)(PayInvoiceCommand(admin.id, first.id))
    assert paid.status is InvoiceStatus.PAID and paid.paid_at == clock.now()
    with pytest.raises(Conflict):
        await use(PayInvoice)(PayInvoiceCommand(admin.id, first.id))

    clock.set(noon(date(2026, 2, 15)))
    summary = await use(RunBilling)(RunBillingCommand(date(2026, 2, 15)))
    assert summary == BillingRunSummary(renewed=1, invoices_issued=1, marked_overdue=1,
                                        suspended=1)
    assert await use(RunBilling)(RunBillingCommand(date(2026, 2, 15))) == BillingRunSummary()
    async with sql_uow() as uow:
        renewed = await uow.subscriptions.get(sub.id)
    third = (await read(engine, clock, ListInvoices, ListInvoicesQuery(viewer(ana))))[0]
    assert (renewed.status, renewed.package_id, renewed.scheduled_package_id) == (
        SubscriptionStatus.SUSPENDED, offer["basic"].id, None)
    assert (third.number, third.amount, third.due_date) == (
        "CU-2026-000003", Money(1_500_000), date(2026, 2, 25))

    await use(PayInvoice)(PayInvoiceCommand(admin.id, upgraded.invoice.id))
    [again] = await read(engine, clock, ListSubscriptions, ListSubscriptionsQuery(viewer(ana)))
    assert again.status is SubscriptionStatus.ACTIVE and again.suspended_on is None
    listed = await read(engine, clock, ListInvoices, ListInvoicesQuery(viewer(ana)))
    assert [i.number for i in listed] == ["CU-2026-000003", "CU-2026-000002", "CU-2026-000001"]
    assert [i.status for i in listed] == [InvoiceStatus.PENDING, InvoiceStatus.PAID,
                                          InvoiceStatus.PAID]
    stranger = a_user("otro@example.com")
    await store(sql_uow, stranger)
    with pytest.raises(NotFound):
        await read(engine, clock, GetInvoice, GetInvoiceQuery(viewer(stranger), third.id))


async def test_refusals_leave_nothing_behind(sql_uow, seeded,
                                             clock, ids, policy):
    offer = seeded["offer"]
    minor = a_user("menor@example.com", born=date(2010, 1, 1))
    family = a_user("familia@example.com")
    person = a_cared_person(family)
    await store(sql_uow, minor, family, person)
    await store(sql_uow, *(Device(
        id=uuid4(), device_id=f"dev-{n}", name="Sensor", cared_person_id=person.id,
        device_type=DeviceType.MOTION_SENSOR, api_key_hash="0" * 64, created_at=NOW)
        for n in range(4)))
    subscribe = wired(Subscribe, sql_uow, clock, ids, policy)
    with pytest.raises(LegalCapacityDenied):
        await subscribe(SubscribeCommand(minor.id, offer["basic"].id, "monthly"))
    with pytest.raises(PackageLimitExceeded) as refused:  # 4 devices on a 3-device package
        await subscribe(SubscribeCommand(family.id, offer["basic"].id, "monthly"))
    assert refused.value.details["exceeded"] == [{"dimension": "devices", "used": 4,
                                                   "requested": 0, "limit": 3}]
    with pytest.raises(ValidationFailed):  # institutional packages are for institutions
        await subscribe(SubscribeCommand(family.id, offer["institutional"].id, "monthly"))
    ok = await subscribe(SubscribeCommand(family.id, offer["familiar"].id, "yearly"))
    assert ok.invoice.number == "CU-2026-000001"  # the refusals took no number
    assert ok.invoice.amount == Money(25_000_000)
    assert await scalar(sql_uow, select(func.count()).select_from(user_packages)) == 1


async def test_an_institution_subscribes_is_warned_over_limits_and_expires(
        sql_uow, engine, seeded, clock, ids, policy):
    offer, boss = seeded["offer"], a_user("boss@example.com")
    home = an_institution(boss)
    await store(sql_uow, boss, home)
    subscribed = await wired(Subscribe, sql_uow, clock, ids, policy)(SubscribeCommand(
        boss.id, offer["institutional"].id, "monthly", institution_id=home.id,
        auto_renew=False, payment_method="transfer"))
    sub = subscribed.subscription
    assert await scalar(sql_uow, select(institution_packages.c.payment_method)) == "transfer"
    assert await scalar(sql_uow, select(billing_records.c.account_kind)) == "institution"
    patients = [a_cared_person(boss, home) for _ in range(101)]
    await store(sql_uow, *patients)
    run = wired(RunBilling, sql_uow, clock, ids, policy)
    warned = await run(RunBillingCommand(date(2026, 1, 20)))
    assert warned == BillingRunSummary(over_limit_notices=1)
    async with sql_uow() as uow:
        [notice_id] = (await uow.connection.execute(select(notifications.c.id))).scalars()
        notice = await uow.notifications.get(notice_id)
    assert notice.address == "sol@example.com" and notice.recipient_user_id == boss.id
    assert notice.payload["exceeded"] == [{"dimension": "patients", "used": 101,
                                           "requested": 0, "limit": 100}]
    clock.set(noon(date(2026, 2, 15)))
    ended = await wired(RunBilling, sql_uow, clock, ids, policy)(
        RunBillingCommand(date(2026, 2, 15)))
    assert ended.expired == 1 and ended.renewed == 0
    [expired] = await read(engine, clock, ListSubscriptions,
                           ListSubscriptionsQuery(viewer(boss)))
    assert (expired.id, expired.status) == (sub.id, SubscriptionStatus.EXPIRED)
    async with sql_uow() as uow:
        assert (await uow.subscriptions.get(sub.id)).over_limits_since == date(2026, 1, 20)


async def test_a_cancelled_subscription_runs_to_its_end(sql_uow, seeded, clock, ids,
                                                        policy):
    ana, offer = seeded["ana"], seeded["offer"]
    sub = (await wired(Subscribe, sql_uow, clock, ids, policy)(
        SubscribeCommand(ana.id, offer["basic"].id, "monthly"))).subscription
    cancelled = await wired(CancelSubscription, sql_uow, clock, ids, policy)(
        CancelSubscriptionCommand(ana.id, sub.id))
    assert (cancelled.status, cancelled.end_date) == (SubscriptionStatus.CANCELLED,
                                                      date(2026, 2, 15))
    run = wired(RunBilling, sql_uow, clock, ids, policy)
    assert (await run(RunBillingCommand(date(2026, 2, 14)))).expired == 0
    assert (await run(RunBillingCommand(date(2026, 2, 15)))).expired == 1
    again = await wired(Subscribe, sql_uow, clock, ids, policy)(
        SubscribeCommand(ana.id, offer["premium"].id, "monthly"))
    assert again.invoice.number == "CU-2026-000002"


async def test_the_catalogue_use_cases(sql_uow, engine, seeded, clock, ids):
    admin, ana = seeded["admin"], seeded["ana"]
    terms = {"type": "premium", "name": "Premium plus", "price_monthly_cents": 5_000_000,
             "max_users": 12, "max_devices": None, "max_storage_gb": 150,
             "support_level": "24/7", "features": ("alerts", "reports")}
    with pytest.raises(Forbidden):
        await CreatePackage(sql_uow(), clock, ids)(CreatePackageCommand(actor_id=ana.id,
                                                                            **terms))
    created = await CreatePackage(sql_uow(), clock, ids)(
        CreatePackageCommand(actor_id=admin.id, **terms))
    listed = await read(engine, clock, ListPackages, ListPackagesQuery())
    assert [p.name for p in listed] == ["Básico", "Familiar", "Premium", "Premium plus",
                                        "Profesional", "Institucional"]
    updated = await UpdatePackage(sql_uow(), clock)(UpdatePackageCommand(
        actor_id=admin.id, package_id=created.id, **{**terms, "price_yearly_cents": 4_000_000}))
    await DeactivatePackage(sql_uow(), clock)(DeactivatePackageCommand(admin.id, created.id))
    with pytest.raises(NotFound):
        await read(engine, clock, GetPackage, GetPackageQuery(created.id, viewer(ana)))
    seen = await read(engine, clock, GetPackage, GetPackageQuery(created.id, viewer(admin)))
    async with sql_uow() as uow:
        stored = await uow.packages.get(created.id)
    assert state(stored) == {**state(updated), "is_active": False}
    assert (seen.id, seen.name, seen.is_active) == (created.id, "Premium plus", False)
    assert seen.price_yearly == Money(4_000_000) and seen.max_devices is None
    everything = await read(engine, clock, ListPackages,
                            ListPackagesQuery(viewer(admin), include_inactive=True))
    assert len(everything) == 6

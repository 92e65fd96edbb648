"""Referrals and commissions on SQLite and PostgreSQL: every repository method, the
views and the queries over them, the database's constraints, and the referral use cases
on the real unit of work."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import fields
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from cuiot.adapters.persistence.orm.referrals import referral_commissions, referrals
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.referrals import SqlReferralViews
from cuiot.application.identity.commands.users import RegisterUser, RegisterUserCommand
from cuiot.application.referrals.commands.commissions import PayCommission, PayCommissionCommand
from cuiot.application.referrals.commands.referrals import (
    ExpireReferrals,
    GenerateReferral,
    GenerateReferralCommand,
)
from cuiot.application.referrals.hooks import on_invoice_paid
from cuiot.application.referrals.queries.commissions import (
    CommissionStats,
    CommissionStatsQuery,
    ListCommissions,
    ListCommissionsQuery,
    ListMyCommissions,
    ListMyCommissionsQuery,
)
from cuiot.application.referrals.queries.referrals import (
    ListMyReferrals,
    ListMyReferralsQuery,
    ReferralStats,
    ReferralStatsQuery,
    ValidateReferral,
    ValidateReferralQuery,
)
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.errors import Conflict, Forbidden, ValidationFailed
from cuiot.domain.money import Money, Percentage
from cuiot.domain.referrals import (
    Commission,
    CommissionEarned,
    CommissionStatus,
    CommissionTotal,
    CommissionType,
    Referral,
    ReferralCode,
    ReferralConverted,
    ReferralStatus,
    ReferrerType,
)
from cuiot.domain.users import Role, User
from cuiot.domain.values import EmailAddress
from tests.support.referrals import (
    ReferralHarness,
    earning,
    sql_harness_fixture,  # noqa: F401
)

NOW = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
CODES = iter(f"ABCD{n:04d}".replace("0", "Z").replace("1", "Y") for n in range(10_000))


def a_user(email: str, *roles: Role) -> User:
    user = User(id=uuid4(), email=EmailAddress(email), password_hash="h", first_name="Ana",
                last_name="Paz", created_at=NOW)
    for role in roles:
        user.grant_role(role, NOW)
    return user


def a_referral(referrer: User, email: str = "nuevo@example.com", *,
               created_at: datetime = NOW, **fields: Any) -> Referral:
    return Referral(id=uuid4(), code=ReferralCode(next(CODES)), referrer_id=referrer.id,
                    referrer_type=ReferrerType.CAREGIVER, email=EmailAddress(email),
                    created_at=created_at, **fields)


def a_commission(referral: Referral, kind: CommissionType = CommissionType.FIRST_MONTH,
                 period: date = date(2026, 1, 1), *, base: int = 1_000_000,
                 pct: str = "20", created_at: datetime = NOW) -> Commission:
    return Commission.earn(id=uuid4(), referral=referral, type=kind, period=period,
                           base=Money(base), percentage=Percentage.of(pct), now=created_at)


async def store(sql_uow, *entities: Any) -> None:
    async with sql_uow() as uow:
        for e in entities:
            repo = {User: uow.users, Referral: uow.referrals, Commission: uow.commissions}
            await repo[type(e)].add(e)
        await uow.commit()


def state(entity: Any) -> dict[str, Any]:
    return {f.name: getattr(entity, f.name) for f in fields(entity)}


@pytest.fixture
async def views(engine) -> AsyncIterator[SqlReferralViews]:
    """The views in one read transaction, as a request gets them."""
    async with ReadSide(engine).transaction() as conn:
        yield SqlReferralViews(conn)


@pytest.fixture
def referrer() -> User:
    return a_user("carla@example.com", Role.CAREGIVER)


# -- round trips and queries ---------------------------------------------------------

async def test_referral_round_trip_of_every_field(sql_uow, referrer):
    referred = a_user("nuevo@example.com")
    fresh = a_referral(referrer, "otro@example.com")
    full = a_referral(referrer, status=ReferralStatus.CONVERTED, registered_at=NOW,
                      referred_user_id=referred.id, converted_at=NOW + timedelta(days=3),
                      subscription_id=uuid4(), first_paid_period=date(2026, 1, 1))
    await store(sql_uow, referrer, referred, fresh, full)
    async with sql_uow() as uow:
        loaded_fresh = await uow.referrals.get(fresh.id)
        loaded_full = await uow.referrals.get(full.id)
    assert state(loaded_fresh) == state(fresh) and loaded_fresh.registered_at is None
    assert state(loaded_full) == state(full)
    assert loaded_full.converted_at.tzinfo is not None and loaded_full.code == full.code


async def test_commission_round_trip_of_every_field(sql_uow, referrer):
    referral = a_referral(referrer)
    commission = a_commission(referral, base=333_333, pct="12.5")
    commission.pay(NOW + timedelta(hours=1))
    await store(sql_uow, referrer, referral, commission)
    async with sql_uow() as uow:
        loaded = await uow.commissions.get(commission.id)
    assert state(loaded) == state(commission)
    assert loaded.percentage.value == Decimal("12.5") and loaded.amount == Money(41_667)


async def test_referral_lookups(sql_uow, engine, referrer):
    other, referred = a_user("otro@example.com", Role.FAMILY), a_user("r@example.com")
    pending = a_referral(referrer, "x@example.com", created_at=NOW - timedelta(days=2))
    registered = a_referral(referrer, "y@example.com", created_at=NOW - timedelta(days=1),
                            status=ReferralStatus.REGISTERED, registered_at=NOW,
                            referred_user_id=referred.id)
    expired = a_referral(referrer, "x@example.com", status=ReferralStatus.EXPIRED,
                         expired_at=NOW)
    others = a_referral(other, "x@example.com")
    await store(sql_uow, referrer, other, referred, pending, registered, expired, others)
    async with sql_uow() as uow:
        repo = uow.referrals
        assert (await repo.get_by_code(pending.code)).id == pending.id
        assert await repo.get_by_code(ReferralCode("ZZZZZZZZ")) is None
        assert (await repo.get_by_referred_user(referred.id)).id == registered.id
        assert await repo.get_by_referred_user(other.id) is None
        for email, open_one in (("X@Example.com", pending), ("y@example.com", registered)):
            open_ones = await repo.list_open_for_referrer_and_email(referrer.id,
                                                                    EmailAddress(email))
            assert [r.id for r in open_ones] == [open_one.id]  # one open per email
    async with ReadSide(engine).transaction() as conn:
        views = SqlReferralViews(conn)
        newest_first = await views.referrals_of(referrer.id, Window())
        assert [r.id for r in newest_first] == [expired.id, registered.id, pending.id]
        assert [r.id for r in await views.referrals_of(referrer.id, Window(1, 1))] == [
            registered.id]
        assert (await views.referral_totals(referrer.id)).by_status == {
            ReferralStatus.PENDING: 1, ReferralStatus.REGISTERED: 1, ReferralStatus.EXPIRED: 1}
        assert (await views.referral_totals(uuid4())).by_status == {}


async def test_converted_count_is_half_open_and_expiry_uses_both_cutoffs(sql_uow, referrer):
    start, end = NOW, NOW + timedelta(days=31)
    users = [a_user(f"u{i}@example.com") for i in range(3)]
    converted = [a_referral(referrer, f"c{i}@example.com", status=ReferralStatus.CONVERTED,
                            registered_at=NOW - timedelta(days=1), referred_user_id=u.id,
                            converted_at=at, subscription_id=uuid4(),
                            first_paid_period=date(2026, 1, 1))
                 for i, (u, at) in enumerate(zip(users, (start - timedelta(seconds=1), start, end),
                                                        strict=True))]
    old_pending = a_referral(referrer, "p1@example.com", created_at=NOW - timedelta(days=40))
    new_pending = a_referral(referrer, "p2@example.com", created_at=NOW)
    await store(sql_uow, referrer, *users, *converted, old_pending, new_pending)
    async with sql_uow() as uow:
        assert await uow.referrals.count_converted_for_referrer_between(
            referrer.id, start, end) == 1
        due = await uow.referrals.list_due_for_expiry(NOW - timedelta(days=30),
                                                      NOW - timedelta(days=90))
    assert [r.id for r in due] == [old_pending.id]


async def test_registered_referrals_are_due_by_registration_date(sql_uow, referrer):
    user = a_user("r@example.com")
    old = a_referral(referrer, created_at=NOW - timedelta(days=200),
                     status=ReferralStatus.REGISTERED, registered_at=NOW - timedelta(days=91),
                     referred_user_id=user.id)
    await store(sql_uow, referrer, user, old)
    async with sql_uow() as uow:
        assert [r.id for r in await uow.referrals.list_due_for_expiry(
            NOW - timedelta(days=300), NOW - timedelta(days=90))] == [old.id]
        assert await uow.referrals.list_due_for_expiry(
            NOW - timedelta(days=300), NOW - timedelta(days=92)) == []


async def test_commission_queries_and_totals_in_sql(sql_uow, engine, referrer):
    r1, r2 = a_referral(referrer, "a@example.com"), a_referral(referrer, "b@example.com")
    first = a_commission(r1, base=1_000_000)
    later = a_commission(r1, CommissionType.RECURRING, date(2026, 2, 1), pct="5")
    third = a_commission(r1, CommissionType.RECURRING, date(2026, 3, 1), pct="5")
    bonus = a_commission(r2, CommissionType.BONUS, date(2026, 1, 1), base=500_000, pct="100")
    first.pay(NOW)
    third.cancel(NOW)
    await store(sql_uow, referrer, r1, r2, first, later, third, bonus)
    async with sql_uow() as uow:
        repo = uow.commissions
        assert (await repo.get_for_referral(r1.id, CommissionType.RECURRING,
                                            date(2026, 2, 1))).id == later.id
        assert await repo.get_for_referral(r2.id, CommissionType.RECURRING,
                                           date(2026, 2, 1)) is None
        assert await repo.count_for_referral(r1.id, CommissionType.RECURRING) == 2
        assert [c.id for c in await repo.list_pending_for_referral(r1.id)] == [later.id]
    async with ReadSide(engine).transaction() as conn:
        views = SqlReferralViews(conn)
        mine = await views.commissions_of(referrer.id, Window())
        assert [c.id for c in mine][:2] == [third.id, later.id]
        assert len(await views.commissions_of(referrer.id, Window(2, 10))) == 2
        assert {c.id for c in await views.commissions(CommissionStatus.PENDING, Window())} == {
            later.id, bonus.id}
        assert [c.id for c in await views.commissions(None, Window(3, 10))] == [third.id]
        totals = await views.commission_totals(referrer.id)
        assert (await views.referral_totals(referrer.id)).commissions == totals
    assert sorted(totals, key=lambda t: (t.status, t.type)) == [
        CommissionTotal(CommissionStatus.CANCELLED, CommissionType.RECURRING, 1, Money(50_000)),
        CommissionTotal(CommissionStatus.PAID, CommissionType.FIRST_MONTH, 1, Money(200_000)),
        CommissionTotal(CommissionStatus.PENDING, CommissionType.BONUS, 1, Money(500_000)),
        CommissionTotal(CommissionStatus.PENDING, CommissionType.RECURRING, 1, Money(50_000)),
    ]


# -- unit of work behaviour ----------------------------------------------------------

async def test_changes_are_written_by_dirty_checking_and_queries_see_them(
        sql_uow, referrer, policy):
    referred, referral = a_user("nuevo@example.com"), a_referral(referrer)
    await store(sql_uow, referrer, referred, referral)
    async with sql_uow() as uow:
        loaded = await uow.referrals.get_by_code(referral.code)
        loaded.register(referred.id, referred.email, NOW, policy)
        assert (await uow.referrals.get_by_referred_user(referred.id)) is loaded
        due = await uow.referrals.list_due_for_expiry(NOW - timedelta(days=1),  # registered
                                                      NOW + timedelta(days=1))  # ones only
        assert [r.status for r in due] == [ReferralStatus.REGISTERED]
        await uow.commit()
    async with sql_uow() as uow:
        again = await uow.referrals.get(referral.id)
    assert again.status is ReferralStatus.REGISTERED and again.registered_at == NOW


async def test_without_commit_nothing_is_written(sql_uow, referrer, views):
    await store(sql_uow, referrer)
    referral = a_referral(referrer)
    async with sql_uow() as uow:
        await uow.referrals.add(referral)
        await uow.flush()
    async with sql_uow() as uow:
        assert await uow.referrals.get(referral.id) is None
    assert await views.referrals_of(referrer.id, Window()) == []


# -- constraints ---------------------------------------------------------------------

async def test_a_code_is_unique(sql_uow, referrer):
    first, second = a_referral(referrer), a_referral(referrer, "b@example.com")
    second.code = first.code
    await store(sql_uow, referrer, first)
    with pytest.raises(Conflict):
        await store(sql_uow, second)


async def test_a_user_registers_with_one_referral_only(sql_uow, referrer):
    user = a_user("r@example.com")
    fields = {"status": ReferralStatus.REGISTERED, "registered_at": NOW,
              "referred_user_id": user.id}
    await store(sql_uow, referrer, user, a_referral(referrer, **fields))
    with pytest.raises(Conflict):
        await store(sql_uow, a_referral(referrer, "b@example.com", **fields))


async def test_a_commission_is_created_once_per_referral_type_and_period(sql_uow, referrer):
    referral = a_referral(referrer)
    await store(sql_uow, referrer, referral, a_commission(referral))
    with pytest.raises(Conflict):
        await store(sql_uow, a_commission(referral, pct="10"))


async def test_references_must_exist(sql_uow, referrer):
    with pytest.raises(Conflict):
        await store(sql_uow, a_referral(referrer))  # the referrer was never stored


def referral_row(referrer_id: UUID, **bad: Any) -> dict[str, Any]:
    return {"id": uuid4(), "code": "ABCDEFGH", "referrer_id": referrer_id,
            "referrer_type": "caregiver", "email": "x@example.com", "status": "pending",
            "created_at": NOW, **bad}


def commission_row(referral_id: UUID, referrer_id: UUID, **bad: Any) -> dict[str, Any]:
    return {"id": uuid4(), "referral_id": referral_id, "referrer_id": referrer_id,
            "type": "first_month", "period": date(2026, 1, 1), "base_cents": 1000,
            "currency": "ARS", "percentage": Decimal(20), "amount_cents": 200,
            "status": "pending", "created_at": NOW, **bad}


@pytest.mark.parametrize("bad", [
    {}, {"referrer_type": "friend"}, {"status": "lost"}, {"code": "ABCDEFG"},
    {"email": "X@example.com"}, {"status": "registered"},
    {"status": "converted", "registered_at": NOW, "converted_at": NOW},
    {"status": "expired"},
], ids=["valid", "referrer_type", "status", "code_length", "email_case",
        "registered_without_user", "converted_without_subscription", "expired_without_time"])
async def test_the_referrals_table_checks_its_rows(sql_uow, referrer, bad):
    await store(sql_uow, referrer)
    if bad.get("status") == "converted":
        bad["referred_user_id"] = referrer.id
    async with sql_uow() as uow:
        statement = insert(referrals).values(**referral_row(referrer.id, **bad))
        if not bad:
            await uow.connection.execute(statement)
            return
        with pytest.raises(IntegrityError):
            await uow.connection.execute(statement)


@pytest.mark.parametrize("bad", [
    {}, {"type": "tip"}, {"status": "lost"}, {"base_cents": -1}, {"amount_cents": -1},
    {"percentage": Decimal("100.5")}, {"percentage": Decimal(-1)}, {"status": "paid"},
    {"status": "cancelled"},
], ids=["valid", "type", "status", "negative_base", "negative_amount", "over_100",
        "negative_percentage", "paid_without_time", "cancelled_without_time"])
async def test_the_commissions_table_checks_its_rows(sql_uow, referrer, bad):
    referral = a_referral(referrer)
    await store(sql_uow, referrer, referral)
    async with sql_uow() as uow:
        statement = insert(referral_commissions).values(
            **commission_row(referral.id, referrer.id, **bad))
        if not bad:
            await uow.connection.execute(statement)
            return
        with pytest.raises(IntegrityError):
            await uow.connection.execute(statement)


# -- the use cases end to end ----------------------------------------------------------

async def test_refer_register_pay_and_pay_the_commission(
        sql_uow, engine, referrer, clock, ids, rng, hasher, policy, publisher):
    async def read(handler: Any, query: Any, **extra: Any) -> Any:
        async with ReadSide(engine).transaction() as conn:
            return await handler(SqlReferralViews(conn), clock=clock, **extra)(query)

    admin = a_user("admin@example.com", Role.ADMIN)
    await store(sql_uow, referrer, admin)
    referral = await GenerateReferral(sql_uow(), clock, ids, rng, policy)(
        GenerateReferralCommand(referrer.id, "Nuevo@Example.com", "caregiver"))
    with pytest.raises(Conflict):  # one open referral per invited email
        await GenerateReferral(sql_uow(), clock, ids, rng, policy)(
            GenerateReferralCommand(referrer.id, "nuevo@example.com", "caregiver"))
    assert (await read(ValidateReferral, ValidateReferralQuery(
        referral.code.value, "NUEVO@example.com"), policy=policy)).valid
    referred = await RegisterUser(sql_uow(), clock, ids, hasher, policy)(RegisterUserCommand(
        "nuevo@example.com", "secreto123", "Nico", "Paz", referral_code=referral.code.value))
    subscription_id = uuid4()
    for _ in range(2):  # the same period paid twice earns once
        clock.advance(timedelta(days=1))
        async with sql_uow() as uow:
            await on_invoice_paid(uow, payer_id=referred.id, subscription_id=subscription_id,
                                  monthly_base=Money(1_234_567), period_start=date(2026, 1, 16),
                                  paid_at=clock.now(), ids=ids, policy=policy)
            await uow.commit()
    async with sql_uow() as uow:
        converted = await uow.referrals.get(referral.id)
    commissions = await read(ListMyCommissions, ListMyCommissionsQuery(Viewer(referrer.id)))
    assert (converted.status is ReferralStatus.CONVERTED
            and converted.referred_user_id == referred.id)
    assert (converted.subscription_id, converted.first_paid_period) == (subscription_id,
                                                                        date(2026, 1, 1))
    [commission] = commissions
    assert (commission.type, commission.period, commission.base, commission.amount) == (
        CommissionType.FIRST_MONTH, date(2026, 1, 1), Money(1_234_567), Money(246_913))
    assert {type(e) for e in publisher.published} >= {ReferralConverted, CommissionEarned}
    pay = PayCommission(sql_uow(), clock)
    paid = await pay(PayCommissionCommand(admin.id, commission.id))
    with pytest.raises(Conflict):
        await pay(PayCommissionCommand(admin.id, commission.id))
    assert paid.status is CommissionStatus.PAID
    stats = await read(ReferralStats, ReferralStatsQuery(Viewer(referrer.id)), policy=policy)
    assert stats.by_status["converted"] == 1 and stats.conversion_rate == Decimal("100.00")
    assert stats.commissions_paid == Money(246_913)
    by = await read(CommissionStats, CommissionStatsQuery(Viewer(referrer.id)), policy=policy)
    assert by.count_by_status == {"pending": 0, "paid": 1, "cancelled": 0}
    listed = await read(ListCommissions, ListCommissionsQuery(Viewer(admin.id, True), "paid"))
    assert [c.paid_at for c in listed] == [clock.now()]


async def test_the_expiry_job_expires_stale_referrals_once(sql_uow, views, referrer, clock,
                                                           ids, rng, policy):
    await store(sql_uow, referrer)
    referral = await GenerateReferral(sql_uow(), clock, ids, rng, policy)(
        GenerateReferralCommand(referrer.id, "tarde@example.com", "caregiver"))
    clock.advance(timedelta(days=31))
    assert await ExpireReferrals(sql_uow(), clock, policy)() == 1
    assert await ExpireReferrals(sql_uow(), clock, policy)() == 0
    [mine] = await ListMyReferrals(views, clock)(ListMyReferralsQuery(Viewer(referrer.id)))
    assert mine.id == referral.id and mine.status is ReferralStatus.EXPIRED
    assert mine.expired_at == clock.now()


# -- the queries over the views (the unit tests of the reads, moved here) --------------

async def test_validation_gives_the_reason(sql_harness: ReferralHarness) -> None:
    harness = sql_harness

    async def validate(query: ValidateReferralQuery) -> Any:
        return await harness.read(ValidateReferral, query)

    ana = await harness.user("ana@example.com", Role.INSTITUTION_ADMIN)
    code = (await harness.invite(ana, "maria@example.com", "institution")).code.value
    ok = await validate(ValidateReferralQuery(code.lower(), "MARIA@example.com"))
    assert (ok.valid, ok.reason, ok.referrer_type) == (True, None, "institution")
    for query, reason in [(ValidateReferralQuery("ZZZZ9999"), "unknown_code"),
                          (ValidateReferralQuery("0O1I"), "unknown_code"),
                          (ValidateReferralQuery(code, "jose@example.com"), "email_mismatch")]:
        assert await validate(query) == type(ok)(False, reason)
    harness.clock.advance(timedelta(days=31))
    assert (await validate(ValidateReferralQuery(code))).reason == "expired"


async def test_a_registered_code_is_not_pending(sql_harness: ReferralHarness) -> None:
    harness = sql_harness
    ana = await harness.user("ana@example.com", Role.CAREGIVER)
    referral, _ = await harness.referred(ana, "maria@example.com")
    found = await harness.read(ValidateReferral, ValidateReferralQuery(referral.code.value))
    assert found.reason == "not_pending"


async def test_my_referrals_are_mine_newest_first_and_paged(
        sql_harness: ReferralHarness) -> None:
    harness = sql_harness
    ana = await harness.user("ana@example.com", Role.CAREGIVER)
    beto = await harness.user("beto@example.com", Role.CAREGIVER)
    for n in range(3):
        await harness.invite(ana, f"invited{n}@example.com")
        harness.clock.advance(timedelta(minutes=1))
    await harness.invite(beto, "other@example.com")
    mine = await harness.read(ListMyReferrals, ListMyReferralsQuery(harness.viewer(ana)))
    assert [r.email.value for r in mine] == [f"invited{n}@example.com" for n in (2, 1, 0)]
    page = await harness.read(ListMyReferrals,
                              ListMyReferralsQuery(harness.viewer(ana), Window(1, 1)))
    assert [r.email.value for r in page] == ["invited1@example.com"]


async def test_stats_count_statuses_rate_and_commissions(sql_harness: ReferralHarness) -> None:
    harness = sql_harness
    ana = await harness.user("ana@example.com", Role.CAREGIVER)
    query = ReferralStatsQuery(harness.viewer(ana))
    empty = await harness.read(ReferralStats, query)
    assert (empty.total, empty.conversion_rate, empty.commissions_paid) == (0, Decimal("0.00"),
                                                                             Money(0))
    await harness.invite(ana, "a@example.com")
    await harness.invite(ana, "b@example.com")
    _, payer = await harness.referred(ana, "c@example.com")
    await harness.pay(payer)
    result = await harness.read(ReferralStats, query)
    assert result.by_status == {"pending": 2, "registered": 0, "converted": 1, "expired": 0}
    assert (result.total, result.conversion_rate) == (3, Decimal("33.33"))
    assert (result.commissions_pending, result.commissions_paid) == (Money(500_000), Money(0))


async def test_my_commissions_are_mine_newest_period_first(
        sql_harness: ReferralHarness) -> None:
    harness = sql_harness
    ana = await earning(harness, months=3)
    await earning(harness, "beto@example.com")
    mine = await harness.read(ListMyCommissions, ListMyCommissionsQuery(harness.viewer(ana)))
    assert [(c.type, c.period.month) for c in mine] == [
        ("recurring", 3), ("recurring", 2), ("first_month", 1)]
    page = await harness.read(ListMyCommissions,
                              ListMyCommissionsQuery(harness.viewer(ana), Window(2, 5)))
    assert [c.type for c in page] == ["first_month"]


async def test_admins_list_every_commission_by_status(sql_harness: ReferralHarness) -> None:
    harness = sql_harness
    admin = await harness.user("admin@example.com", Role.ADMIN)
    ana = await earning(harness, months=2)
    beto = await earning(harness, "beto@example.com")
    [beto_commission] = await harness.commission_records(beto)
    await PayCommission(harness.uow, harness.clock)(
        PayCommissionCommand(admin.id, beto_commission.id))

    async def list_all(status: str | None = None, who: User = admin) -> Any:
        return await harness.read(ListCommissions,
                                  ListCommissionsQuery(harness.viewer(who), status))

    everything = await list_all()
    pending = await list_all("pending")
    paid = await list_all("paid")
    assert len(everything) == 3
    assert {c.referrer_id for c in pending} == {ana.id}
    assert [c.referrer_id for c in paid] == [beto.id]
    with pytest.raises(ValidationFailed):
        await list_all("owed")
    with pytest.raises(Forbidden):
        await list_all(who=ana)


async def test_stats_total_by_status_and_by_type_leaving_cancelled_out_of_types(
        sql_harness: ReferralHarness) -> None:
    harness = sql_harness
    admin = await harness.user("admin@example.com", Role.ADMIN)
    ana = await earning(harness, months=2)
    _, other = await harness.referred(ana, "cancels@example.com")
    await harness.pay(other, date(2026, 1, 1))
    await harness.cancel(other)
    first = next(c for c in await harness.commission_records(ana) if c.type == "first_month"
                 and c.status is CommissionStatus.PENDING)
    await PayCommission(harness.uow, harness.clock)(PayCommissionCommand(admin.id, first.id))
    stats = await harness.read(CommissionStats, CommissionStatsQuery(harness.viewer(ana)))
    assert stats.by_status == {"pending": Money(125_000), "paid": Money(500_000),
                               "cancelled": Money(500_000)}
    assert stats.count_by_status == {"pending": 1, "paid": 1, "cancelled": 1}
    assert stats.by_type == {"first_month": Money(500_000), "recurring": Money(125_000),
                             "bonus": Money(0)}

"""Sessions and password resets on SQLite and PostgreSQL: the repositories, the
database's constraints, and the auth use cases on the real unit of work."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from sqlalchemy import select

from cuiot.adapters.persistence.orm.identity import refresh_token_families
from cuiot.adapters.persistence.orm.safety import notifications
from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.identity import SqlPrincipalViews
from cuiot.application.identity.commands.authenticate import revoke_sessions
from cuiot.application.identity.commands.login import Refresh, RefreshCommand
from cuiot.application.identity.commands.passwords import (
    ForgotPassword,
    ForgotPasswordCommand,
    ResetPassword,
    ResetPasswordCommand,
)
from cuiot.application.identity.ports import TokenType
from cuiot.application.identity.queries.authenticate import Authenticate, AuthenticateQuery
from cuiot.domain.auth import PasswordReset, RefreshTokenFamily, RevokeReason, hash_token
from cuiot.domain.errors import Conflict, Unauthenticated
from cuiot.domain.policy import DEFAULT_POLICY
from cuiot.domain.users import Role, User
from cuiot.domain.values import EmailAddress
from tests.support.auth import PASSWORD, AuthBench

NOW = datetime(2026, 1, 15, 15, 0, 0, 123000, tzinfo=UTC)
WEEK = timedelta(days=7)
UowFactory = Callable[[], SqlAlchemyUnitOfWork]


def a_user(email: str = "laura@example.com") -> User:
    user = User(id=uuid4(), email=EmailAddress(email), password_hash=f"plain${PASSWORD}",
                first_name="Laura", last_name="Pérez", created_at=NOW)
    user.grant_role(Role.FAMILY, NOW)
    return user


def a_family(user_id: UUID, created_at: datetime = NOW) -> RefreshTokenFamily:
    return RefreshTokenFamily(id=uuid4(), user_id=user_id, current_jti=uuid4().hex,
                              current_expires_at=created_at + WEEK, created_at=created_at)


def fields(entity: object) -> dict[str, object]:
    """What the domain set on ``entity`` (not the mapping's ``_sa_instance_state``)."""
    return {k: v for k, v in vars(entity).items() if not k.startswith("_")}


async def stored(sql_uow: UowFactory, *entities: object) -> None:
    async with sql_uow() as uow:
        for entity in entities:
            if isinstance(entity, User):
                await uow.users.add(entity)
            elif isinstance(entity, RefreshTokenFamily):
                await uow.token_families.add(entity)
            else:
                await uow.password_resets.add(entity)
        await uow.commit()


async def test_a_family_round_trips_every_field(sql_uow: UowFactory) -> None:
    user = a_user()
    fresh, used = a_family(user.id), a_family(user.id)
    used.rotate(used.current_jti, "next-jti", NOW + 2 * WEEK, NOW + timedelta(hours=1))
    used.revoke(NOW + timedelta(hours=2), RevokeReason.REUSE)
    await stored(sql_uow, user, fresh, used)
    async with sql_uow() as uow:
        got_fresh = await uow.token_families.get(fresh.id)
        got_used = await uow.token_families.get(used.id)
    assert fields(got_fresh) == fields(fresh) and fields(got_used) == fields(used)
    assert got_used.revoke_reason is RevokeReason.REUSE
    assert got_fresh.last_used_at is None and got_fresh.revoked_at is None


async def test_rotation_and_revocation_are_written_at_commit(sql_uow: UowFactory) -> None:
    user = a_user()
    family = a_family(user.id)
    await stored(sql_uow, user, family)
    async with sql_uow() as uow:
        loaded = await uow.token_families.get(family.id)
        loaded.rotate(family.current_jti, "jti-2", NOW + 2 * WEEK, NOW + timedelta(days=1))
        await uow.commit()
    async with sql_uow() as uow:
        loaded = await uow.token_families.get(family.id)
        assert (loaded.current_jti, loaded.last_used_at) == ("jti-2", NOW + timedelta(days=1))
        loaded.revoke(NOW + timedelta(days=2), RevokeReason.LOGOUT)
    async with sql_uow() as uow:  # not committed: rolled back
        assert not (await uow.token_families.get(family.id)).is_revoked


async def test_list_for_user_newest_first_paged_and_active_only(sql_uow: UowFactory) -> None:
    user, other = a_user(), a_user("ines@example.com")
    old, mid, new = (a_family(user.id, NOW + timedelta(days=n)) for n in (0, 1, 2))
    mid.revoke(NOW + timedelta(days=1), RevokeReason.LOGOUT)
    await stored(sql_uow, user, other, old, mid, new, a_family(other.id))
    async with sql_uow() as uow:
        every = await uow.token_families.list_for_user(user.id)
        page = await uow.token_families.list_for_user(user.id, offset=1, limit=1)
        active = await uow.token_families.list_for_user(user.id, active_at=NOW + timedelta(days=3))
        later = await uow.token_families.list_for_user(user.id, active_at=NOW + WEEK)
    assert [f.id for f in every] == [new.id, mid.id, old.id]
    assert [f.id for f in page] == [mid.id]
    assert [f.id for f in active] == [new.id, old.id]
    assert [f.id for f in later] == [new.id]  # the oldest one's token expired at NOW + WEEK


async def test_a_reset_round_trips_and_is_found_by_its_hash(sql_uow: UowFactory) -> None:
    user = a_user()
    reset = PasswordReset.issue(uuid4(), user.id, "s3cret", NOW, DEFAULT_POLICY)
    await stored(sql_uow, user, reset)
    async with sql_uow() as uow:
        found = await uow.password_resets.get_by_token_hash(hash_token("s3cret"))
        assert await uow.password_resets.get_by_token_hash(hash_token("other")) is None
        assert fields(found) == fields(reset) and found.used_at is None
        found.use(NOW + timedelta(minutes=1))
        await uow.commit()
    async with sql_uow() as uow:
        assert (await uow.password_resets.get(reset.id)).used_at == NOW + timedelta(minutes=1)


async def test_a_token_hash_is_unique(sql_uow: UowFactory) -> None:
    user = a_user()
    await stored(sql_uow, user, PasswordReset.issue(uuid4(), user.id, "same", NOW, DEFAULT_POLICY))
    with pytest.raises(Conflict) as caught:
        await stored(sql_uow, PasswordReset.issue(uuid4(), user.id, "same", NOW, DEFAULT_POLICY))
    assert "token_hash" in caught.value.details["constraint"]


async def test_a_current_jti_is_unique(sql_uow: UowFactory) -> None:
    user = a_user()
    first, second = a_family(user.id), a_family(user.id)
    second.current_jti = first.current_jti
    with pytest.raises(Conflict):
        await stored(sql_uow, user, first, second)


@pytest.mark.parametrize("breakage", ["revoked_without_reason", "reason_without_revocation",
                                      "unknown_reason", "expires_before_created"])
async def test_the_database_refuses_an_inconsistent_family(sql_uow: UowFactory,
                                                           breakage: str) -> None:
    user = a_user()
    family = a_family(user.id)
    if breakage == "revoked_without_reason":
        family.revoked_at = NOW
    elif breakage == "reason_without_revocation":
        family.revoke_reason = RevokeReason.LOGOUT
    elif breakage == "unknown_reason":
        family.revoked_at = NOW
        family.revoke_reason = "stolen"  # type: ignore[assignment]
    else:
        family.current_expires_at = NOW - timedelta(seconds=1)
    with pytest.raises(Conflict):
        await stored(sql_uow, user, family)


@pytest.mark.parametrize("breakage", ["short_hash", "expires_before_created",
                                      "used_before_created"])
async def test_the_database_refuses_an_inconsistent_reset(sql_uow: UowFactory,
                                                          breakage: str) -> None:
    user = a_user()
    reset = PasswordReset.issue(uuid4(), user.id, "t", NOW, DEFAULT_POLICY)
    if breakage == "short_hash":
        reset.token_hash = "abc"
    elif breakage == "expires_before_created":
        reset.expires_at = NOW
    else:
        reset.used_at = NOW - timedelta(minutes=1)
    with pytest.raises(Conflict):
        await stored(sql_uow, user, reset)


@pytest.mark.parametrize("entity", ["family", "reset"])
async def test_a_family_or_reset_of_an_unknown_user_is_refused(sql_uow: UowFactory,
                                                               entity: str) -> None:
    orphan = (a_family(uuid4()) if entity == "family"
              else PasswordReset.issue(uuid4(), uuid4(), "t", NOW, DEFAULT_POLICY))
    with pytest.raises(Conflict):
        await stored(sql_uow, orphan)


# -- the use cases on the real unit of work ---------------------------------------------

@pytest.fixture
def sql_bench(sql_uow, clock, ids, rng, policy) -> AuthBench:
    ids.new_id = uuid4  # ids unique across the runs sharing one PostgreSQL
    return AuthBench(sql_uow(), clock, ids, rng, policy)


async def test_login_refresh_and_reuse_on_sql(sql_uow: UowFactory, sql_bench: AuthBench) -> None:
    user = a_user()
    await stored(sql_uow, user)
    first = await sql_bench.login()
    second = await sql_bench.call(Refresh, RefreshCommand(first.refresh_token))
    async with ReadSide(sql_bench.uow.engine).transaction() as conn:
        principal = await Authenticate(SqlPrincipalViews(conn), sql_bench.clock, sql_bench.tokens,
                                       sql_bench.revocations)(
            AuthenticateQuery(second.access_token))
    assert principal.user_id == user.id and principal.roles == {Role.FAMILY}
    with pytest.raises(Unauthenticated):
        await sql_bench.call(Refresh, RefreshCommand(first.refresh_token))
    async with sql_uow() as uow:
        [family] = await uow.token_families.list_for_user(user.id)
        row = (await uow.connection.execute(select(refresh_token_families))).mappings().one()
    current = sql_bench.tokens.decode(second.refresh_token, TokenType.REFRESH).jti
    assert family.revoke_reason is RevokeReason.REUSE and family.current_jti == current
    assert row["revoke_reason"] == "reuse"
    assert await sql_bench.revocations.is_revoked(current)


async def test_a_wrong_password_on_sql_writes_nothing(sql_uow: UowFactory,
                                                      sql_bench: AuthBench) -> None:
    user = a_user()
    await stored(sql_uow, user)
    with pytest.raises(Unauthenticated):
        await sql_bench.login(password="wrong-password")
    async with sql_uow() as uow:
        assert await uow.token_families.list_for_user(user.id) == []


async def test_forgot_and_reset_password_on_sql(sql_uow: UowFactory,
                                                sql_bench: AuthBench) -> None:
    user = a_user()
    await stored(sql_uow, user)
    sessions = [await sql_bench.login(), await sql_bench.login()]
    await sql_bench.call(ForgotPassword, ForgotPasswordCommand("laura@example.com"))
    async with sql_uow() as uow:
        row = (await uow.connection.execute(select(notifications))).mappings().one()
    assert (row["kind"], row["channel"], row["address"]) == ("auth", "email", "laura@example.com")
    token = row["payload"]["token"]
    await sql_bench.call(ResetPassword, ResetPasswordCommand(token, "nueva-clave-1"))
    with pytest.raises(Unauthenticated):
        await sql_bench.call(ResetPassword, ResetPasswordCommand(token, "otra-clave-22"))
    async with sql_uow() as uow:
        stored_user = await uow.users.get(user.id)
        families = await uow.token_families.list_for_user(user.id)
        used = await uow.password_resets.get_by_token_hash(hash_token(token))
    assert stored_user.password_hash == "plain$nueva-clave-1" and used.used_at is not None
    assert [f.revoke_reason for f in families] == [RevokeReason.PASSWORD_RESET] * len(sessions)
    assert (await sql_bench.login(password="nueva-clave-1")).token_type == "bearer"


async def test_revoking_every_session_pages_through_them(sql_uow: UowFactory,
                                                        sql_bench: AuthBench) -> None:
    user = a_user()
    families = [a_family(user.id, NOW + timedelta(seconds=n)) for n in range(130)]
    await stored(sql_uow, user, *families)
    async with sql_uow() as uow:
        revoked = await revoke_sessions(uow, user.id, NOW + timedelta(hours=1),
                                        RevokeReason.PASSWORD_RESET)
        await uow.commit()
    async with sql_uow() as uow:
        still_active = await uow.token_families.list_for_user(user.id, active_at=NOW)
    assert len(revoked) == 130 and still_active == []


async def test_two_refreshes_racing_with_one_token_cannot_both_win(
        sql_uow: UowFactory, sql_bench: AuthBench) -> None:
    user = a_user()
    await stored(sql_uow, user)
    pair = await sql_bench.login()
    racers = [AuthBench(sql_uow(), sql_bench.clock, sql_bench.ids, None, sql_bench.policy)
              for _ in range(2)]
    for racer in racers:
        racer.tokens, racer.revocations = sql_bench.tokens, sql_bench.revocations
        racer.ports.update(tokens=racer.tokens, revocations=racer.revocations)
    outcomes = await asyncio.gather(
        *(r.call(Refresh, RefreshCommand(pair.refresh_token)) for r in racers),
        return_exceptions=True)
    assert sorted(type(o).__name__ for o in outcomes) == ["TokenPair", "Unauthenticated"]
    async with sql_uow() as uow:
        [family] = await uow.token_families.list_for_user(user.id)
    assert family.revoke_reason is RevokeReason.REUSE

"""Logging in (with its failure budget) and refreshing a session."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cuiot.application.identity.commands.login import (
    LOGIN_FAILED,
    Login,
    LoginCommand,
    Refresh,
    RefreshCommand,
)
from cuiot.application.identity.ports import TokenType
from cuiot.domain.auth import RevokeReason
from cuiot.domain.errors import RateLimited, Unauthenticated
from cuiot.domain.users import Role
from tests.support.auth import AuthBench


@pytest.fixture
def bench(uow, clock, ids, rng, policy) -> AuthBench:
    return AuthBench(uow, clock, ids, rng, policy)


async def failed(bench: AuthBench, email: str, password: str) -> Exception:
    with pytest.raises((Unauthenticated, RateLimited)) as caught:
        await bench.login(email, password)
    return caught.value


async def test_login_gives_a_bearer_pair_and_opens_a_session(bench: AuthBench) -> None:
    user = bench.user("laura@example.com", Role.FAMILY, Role.CAREGIVER)
    pair = await bench.login("  Laura@Example.COM ", "secreto-123")
    assert (pair.token_type, pair.expires_in) == ("bearer", 30 * 60)
    access = bench.tokens.decode(pair.access_token, TokenType.ACCESS)
    refresh = bench.tokens.decode(pair.refresh_token, TokenType.REFRESH)
    assert access.user_id == refresh.user_id == user.id
    assert access.roles == ("caregiver", "family")
    [family] = bench.families()
    assert (family.id, family.user_id, family.current_jti) == (refresh.family_id, user.id,
                                                               refresh.jti)
    assert family.current_expires_at == bench.clock.now() + timedelta(days=7)
    assert bench.uow.commits == 1


async def test_wrong_password_unknown_email_and_inactive_user_look_the_same(
        bench: AuthBench) -> None:
    bench.user("laura@example.com")
    bench.user("ines@example.com", active=False)
    errors = [await failed(bench, "laura@example.com", "wrong-password"),
              await failed(bench, "nobody@example.com", "secreto-123"),
              await failed(bench, "ines@example.com", "secreto-123"),
              await failed(bench, "not an email", "secreto-123")]
    assert {(type(e), e.message, tuple(e.details)) for e in errors} == {
        (Unauthenticated, LOGIN_FAILED, ())}
    assert bench.hasher.verified == 4  # an unknown email is verified against a dummy too
    assert bench.families() == [] and bench.uow.commits == 0


async def attempt(bench: AuthBench, password: str, client: str = "10.0.0.9",
                  email: str = "laura@example.com") -> str:
    """One try: "ok", "wrong" (401) or "wait N" (429 with its Retry-After)."""
    try:
        await bench.call(Login, LoginCommand(email, password, client))
    except Unauthenticated:
        return "wrong"
    except RateLimited as limited:
        return f"wait {limited.retry_after_seconds}"
    return "ok"


async def test_five_failures_cost_nothing_then_the_client_waits_doubling(
        bench: AuthBench) -> None:
    bench.user("laura@example.com")
    assert [await attempt(bench, "wrong") for _ in range(5)] == ["wrong"] * 5
    waits = []
    for _ in range(6):
        assert await attempt(bench, "wrong") == "wrong"
        waits.append(await attempt(bench, "wrong"))  # refused at once: no hashing
        bench.clock.advance(timedelta(seconds=int(waits[-1].split()[1])))
    assert waits == ["wait 1", "wait 2", "wait 4", "wait 8", "wait 16", "wait 32"]
    assert bench.hasher.verified == 11


async def test_the_wait_never_exceeds_15_minutes(bench: AuthBench) -> None:
    bench.user("laura@example.com")
    for _ in range(25):
        outcome = await attempt(bench, "wrong")
        if outcome.startswith("wait"):
            assert int(outcome.split()[1]) <= 15 * 60
            bench.clock.advance(timedelta(seconds=int(outcome.split()[1])))
    assert await attempt(bench, "wrong") == "wrong"
    assert await attempt(bench, "wrong") == "wait 900"


async def test_a_guesser_never_locks_out_the_account_holder(bench: AuthBench) -> None:
    """Anyone who knows a caregiver's email could otherwise keep them out of CUIOT
    during an emergency: the guesser's address is slowed, the caregiver's is not."""
    bench.user("laura@example.com")
    for _ in range(40):
        await attempt(bench, "wrong", client="203.0.113.66")
    assert (await attempt(bench, "wrong", client="203.0.113.66")).startswith("wait")
    assert await attempt(bench, "secreto-123", client="10.0.0.9") == "ok"


async def test_the_holder_who_mistyped_waits_a_second_not_15_minutes(bench: AuthBench) -> None:
    bench.user("laura@example.com")
    for _ in range(6):
        await attempt(bench, "wrong")
    assert await attempt(bench, "secreto-123") == "wait 1"  # even the right password
    bench.clock.advance(timedelta(seconds=1))
    assert await attempt(bench, "secreto-123") == "ok"
    assert await attempt(bench, "wrong") == "wrong"  # a success cleared the count
    assert [await attempt(bench, "wrong") for _ in range(4)] == ["wrong"] * 4


async def test_an_address_failing_at_many_emails_is_refused_for_the_window(
        bench: AuthBench) -> None:
    """Credential stuffing: one address trying many emails, each within its allowance."""
    bench.user("laura@example.com")
    limit = bench.policy.login_failures_per_address
    for n in range(limit):
        assert await attempt(bench, "x", client="198.51.100.7",
                             email=f"victim{n}@example.com") == "wrong"
    assert await attempt(bench, "secreto-123", client="198.51.100.7") == "wait 900"
    assert await attempt(bench, "secreto-123", client="10.0.0.9") == "ok"
    bench.clock.advance(timedelta(minutes=15))
    assert await attempt(bench, "secreto-123", client="198.51.100.7") == "ok"


async def test_unknown_emails_are_slowed_like_known_ones(bench: AuthBench) -> None:
    bench.user("laura@example.com")
    for _ in range(6):
        await attempt(bench, "x", email="nobody@example.com")
    assert await attempt(bench, "x", email="nobody@example.com") == "wait 1"
    assert await attempt(bench, "secreto-123") == "ok"  # another email of the same client


async def test_refresh_rotates_the_session(bench: AuthBench) -> None:
    bench.user()
    first = await bench.login()
    bench.clock.advance(timedelta(hours=1))
    second = await bench.call(Refresh, RefreshCommand(first.refresh_token))
    new_refresh = bench.tokens.decode(second.refresh_token, TokenType.REFRESH)
    [family] = bench.families()
    assert family.current_jti == new_refresh.jti and family.last_used_at == bench.clock.now()
    assert family.current_expires_at == bench.clock.now() + timedelta(days=7)
    assert second.expires_in == 1800 and second.access_token != first.access_token


async def test_refresh_reads_roles_from_the_database(bench: AuthBench) -> None:
    user = bench.user()
    pair = await bench.login()
    user.grant_role(Role.ADMIN, bench.clock.now())
    again = await bench.call(Refresh, RefreshCommand(pair.refresh_token))
    assert bench.tokens.decode(again.access_token, TokenType.ACCESS).roles == ("admin", "family")


async def test_a_reused_refresh_token_revokes_the_whole_family(bench: AuthBench) -> None:
    bench.user()
    stolen = await bench.login()
    legit = await bench.call(Refresh, RefreshCommand(stolen.refresh_token))
    with pytest.raises(Unauthenticated) as caught:
        await bench.call(Refresh, RefreshCommand(stolen.refresh_token))  # the thief replays
    assert caught.value.details["reason"] == "reused"
    [family] = bench.families()
    assert family.revoke_reason is RevokeReason.REUSE and family.revoked_at is not None
    current = bench.tokens.decode(legit.refresh_token, TokenType.REFRESH)
    assert await bench.revocations.is_revoked(current.jti)
    with pytest.raises(Unauthenticated):  # and the legitimate holder is out too
        await bench.call(Refresh, RefreshCommand(legit.refresh_token))


async def test_a_reuse_does_not_touch_the_users_other_sessions(bench: AuthBench) -> None:
    bench.user()
    phone, laptop = await bench.login(), await bench.login()
    await bench.call(Refresh, RefreshCommand(phone.refresh_token))
    with pytest.raises(Unauthenticated):
        await bench.call(Refresh, RefreshCommand(phone.refresh_token))
    assert (await bench.call(Refresh, RefreshCommand(laptop.refresh_token))).token_type == "bearer"


async def test_an_access_token_cannot_refresh(bench: AuthBench) -> None:
    bench.user()
    pair = await bench.login()
    with pytest.raises(Unauthenticated) as caught:
        await bench.call(Refresh, RefreshCommand(pair.access_token))
    assert caught.value.details["reason"] == "wrong_type"


async def test_an_expired_refresh_token_cannot_refresh(bench: AuthBench) -> None:
    bench.user()
    pair = await bench.login()
    bench.clock.advance(timedelta(days=7))
    with pytest.raises(Unauthenticated) as caught:
        await bench.call(Refresh, RefreshCommand(pair.refresh_token))
    assert caught.value.details["reason"] == "expired"


async def test_a_refresh_token_of_an_unknown_session_is_refused(bench: AuthBench) -> None:
    user = bench.user()
    forged = bench.tokens.issue_refresh(user.id, bench.ids.new_id(), bench.clock.now())
    with pytest.raises(Unauthenticated) as caught:
        await bench.call(Refresh, RefreshCommand(forged.token))
    assert caught.value.details["reason"] == "unknown_session"


async def test_a_refresh_token_naming_someone_elses_session_is_refused(bench: AuthBench) -> None:
    bench.user("laura@example.com")
    mallory = bench.user("mallory@example.com")
    pair = await bench.login()
    family_id = bench.tokens.decode(pair.refresh_token, TokenType.REFRESH).family_id
    forged = bench.tokens.issue_refresh(mallory.id, family_id, bench.clock.now())
    with pytest.raises(Unauthenticated):
        await bench.call(Refresh, RefreshCommand(forged.token))
    assert not bench.families()[0].is_revoked


async def test_an_inactive_user_cannot_refresh(bench: AuthBench) -> None:
    user = bench.user()
    pair = await bench.login()
    user.is_active = False
    with pytest.raises(Unauthenticated):
        await bench.call(Refresh, RefreshCommand(pair.refresh_token))

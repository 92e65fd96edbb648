"""Who is calling (Authenticate) and ending a session (Logout)."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest

from cuiot.application.identity.commands.authenticate import (
    Logout,
    LogoutCommand,
)
from cuiot.application.identity.commands.login import Refresh, RefreshCommand
from cuiot.application.identity.queries.authenticate import (
    Authenticate,
    AuthenticateQuery,
    Principal,
)
from cuiot.domain.auth import RevokeReason
from cuiot.domain.errors import Unauthenticated
from cuiot.domain.users import Role
from tests.support.auth import SECRET, AuthBench


@pytest.fixture
def bench(uow, clock, ids, rng, policy) -> AuthBench:
    return AuthBench(uow, clock, ids, rng, policy)


async def authenticate(bench: AuthBench, token: str) -> Principal:
    return await bench.call(Authenticate, AuthenticateQuery(token))


async def refused(bench: AuthBench, token: str) -> Unauthenticated:
    with pytest.raises(Unauthenticated) as caught:
        await authenticate(bench, token)
    return caught.value


async def test_a_valid_access_token_names_the_caller(bench: AuthBench) -> None:
    user = bench.user("laura@example.com", Role.FAMILY, Role.CAREGIVER)
    pair = await bench.login()
    principal = await authenticate(bench, pair.access_token)
    assert principal.user_id == user.id
    assert principal.roles == frozenset({Role.FAMILY, Role.CAREGIVER})
    assert principal.expires_at == bench.clock.now() + timedelta(minutes=30)


async def test_roles_come_from_the_database_not_the_token(bench: AuthBench) -> None:
    user = bench.user("laura@example.com", Role.FAMILY, Role.ADMIN)
    pair = await bench.login()
    user.revoke_role(Role.ADMIN)
    assert (await authenticate(bench, pair.access_token)).roles == {Role.FAMILY}


async def test_a_role_that_expired_is_not_in_the_principal(bench: AuthBench) -> None:
    user = bench.user()
    user.grant_role(Role.ADMIN, bench.clock.now(), bench.clock.now() + timedelta(minutes=10))
    pair = await bench.login()
    bench.clock.advance(timedelta(minutes=10))
    assert (await authenticate(bench, pair.access_token)).roles == {Role.FAMILY}


async def test_a_token_with_admin_in_its_roles_claim_grants_nothing(bench: AuthBench) -> None:
    user = bench.user()
    [session] = (await bench.login(), bench.families())[1]
    forged = bench.tokens.issue_access(user.id, ["admin"], session.id, bench.clock.now())
    assert (await authenticate(bench, forged.token)).roles == {Role.FAMILY}


async def test_an_expired_access_token_is_refused(bench: AuthBench) -> None:
    bench.user()
    pair = await bench.login()
    bench.clock.advance(timedelta(minutes=30))
    assert (await refused(bench, pair.access_token)).details["reason"] == "expired"


async def test_a_refresh_token_is_not_accepted_as_access(bench: AuthBench) -> None:
    bench.user()
    pair = await bench.login()
    assert (await refused(bench, pair.refresh_token)).details["reason"] == "wrong_type"


async def test_a_token_signed_elsewhere_is_refused(bench: AuthBench) -> None:
    user = bench.user()
    claims = jwt.decode((await bench.login()).access_token, options={"verify_signature": False})
    forged = jwt.encode({**claims, "sub": str(user.id)}, SECRET[::-1], algorithm="HS256")
    assert (await refused(bench, forged)).details["reason"] == "invalid"


async def test_an_unsigned_token_is_refused(bench: AuthBench) -> None:
    bench.user()
    claims = jwt.decode((await bench.login()).access_token, options={"verify_signature": False})
    assert (await refused(bench, jwt.encode(claims, None, algorithm="none"))).details[
        "reason"] == "invalid"


async def test_a_revoked_jti_is_refused(bench: AuthBench) -> None:
    bench.user()
    pair = await bench.login()
    principal = await authenticate(bench, pair.access_token)
    await bench.revocations.revoke(principal.jti, principal.expires_at)
    assert (await refused(bench, pair.access_token)).details["reason"] == "revoked"


async def test_a_token_of_an_inactive_or_deleted_user_is_refused(bench: AuthBench) -> None:
    user = bench.user()
    pair = await bench.login()
    user.is_active = False
    await refused(bench, pair.access_token)
    del bench.uow.store.users.items[user.id]
    await refused(bench, pair.access_token)


async def test_a_reused_refresh_token_ends_every_token_of_its_login_at_once(
        bench: AuthBench) -> None:
    """The contract: reusing a spent refresh token revokes every token of that login, so
    a thief whose theft was detected keeps no access; the user's other logins go on."""
    bench.user()
    stolen, other_login = await bench.login(), await bench.login()
    renewed = await bench.call(Refresh, RefreshCommand(stolen.refresh_token))
    with pytest.raises(Unauthenticated):
        await bench.call(Refresh, RefreshCommand(stolen.refresh_token))  # the reuse
    for token in (stolen.access_token, renewed.access_token):
        assert (await refused(bench, token)).details["reason"] == "revoked"
    with pytest.raises(Unauthenticated):
        await bench.call(Refresh, RefreshCommand(renewed.refresh_token))
    assert (await authenticate(bench, other_login.access_token)).user_id


async def test_a_token_naming_another_users_session_is_refused(bench: AuthBench) -> None:
    bench.user("laura@example.com")
    mallory = bench.user("mallory@example.com")
    await bench.login("laura@example.com")
    [lauras] = bench.families()
    forged = bench.tokens.issue_access(mallory.id, [], lauras.id, bench.clock.now())
    assert (await refused(bench, forged.token)).details["reason"] == "revoked"


async def logout(bench: AuthBench, principal: Principal, refresh_token: str | None) -> bool:
    return await bench.call(Logout, LogoutCommand(principal.user_id, principal.jti,
                                                  principal.expires_at, refresh_token))


async def test_logout_revokes_the_access_token_and_the_session(bench: AuthBench) -> None:
    bench.user()
    pair = await bench.login()
    principal = await authenticate(bench, pair.access_token)
    assert await logout(bench, principal, pair.refresh_token) is True
    await refused(bench, pair.access_token)
    [family] = bench.families()
    assert family.revoke_reason is RevokeReason.LOGOUT
    assert await bench.revocations.is_revoked(family.current_jti)
    with pytest.raises(Unauthenticated):
        await bench.call(Refresh, RefreshCommand(pair.refresh_token))


async def test_logout_without_a_refresh_token_ends_only_the_access_token(
        bench: AuthBench) -> None:
    bench.user()
    pair = await bench.login()
    assert await logout(bench, await authenticate(bench, pair.access_token), None) is False
    await refused(bench, pair.access_token)
    assert not bench.families()[0].is_revoked


async def test_the_access_revocation_expires_with_the_token(bench: AuthBench) -> None:
    bench.user()
    pair = await bench.login()
    principal = await authenticate(bench, pair.access_token)
    await logout(bench, principal, None)
    bench.clock.advance(timedelta(minutes=29))
    assert await bench.revocations.is_revoked(principal.jti)
    bench.clock.advance(timedelta(minutes=1))
    assert not await bench.revocations.is_revoked(principal.jti)
    assert (await refused(bench, pair.access_token)).details["reason"] == "expired"


async def test_logout_ignores_someone_elses_or_a_bad_refresh_token(bench: AuthBench) -> None:
    bench.user("laura@example.com")
    bench.user("mallory@example.com")
    laura = await bench.login("laura@example.com")
    mallory = await bench.login("mallory@example.com")
    principal = await authenticate(bench, mallory.access_token)
    assert await logout(bench, principal, laura.refresh_token) is False
    assert await logout(bench, principal, "not-a-token") is False
    assert await logout(bench, principal, mallory.access_token) is False
    assert not any(f.is_revoked for f in bench.families())


async def test_logging_out_twice_is_harmless(bench: AuthBench) -> None:
    bench.user()
    pair = await bench.login()
    principal = await authenticate(bench, pair.access_token)
    assert await logout(bench, principal, pair.refresh_token) is True
    assert await logout(bench, principal, pair.refresh_token) is False
    assert bench.families()[0].revoke_reason is RevokeReason.LOGOUT

"""Forgotten passwords: the emailed single-use secret, and setting a new password."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cuiot.application.identity.commands.login import Refresh, RefreshCommand
from cuiot.application.identity.commands.passwords import (
    ForgotPassword,
    ForgotPasswordCommand,
    ResetPassword,
    ResetPasswordCommand,
)
from cuiot.application.identity.ports import TokenType
from cuiot.application.identity.queries.authenticate import Authenticate, AuthenticateQuery
from cuiot.domain.auth import RevokeReason, hash_token
from cuiot.domain.errors import Unauthenticated, ValidationFailed
from cuiot.domain.notifications import Channel
from tests.support.auth import AuthBench


@pytest.fixture
def bench(uow, clock, ids, rng, policy) -> AuthBench:
    return AuthBench(uow, clock, ids, rng, policy)


async def forgot(bench: AuthBench, email: str = "laura@example.com") -> str | None:
    """Ask for a reset; the secret from the email written, if one was."""
    before = set(bench.uow.store.notifications.items)
    await bench.call(ForgotPassword, ForgotPasswordCommand(email))
    new = [n for k, n in bench.uow.store.notifications.items.items() if k not in before]
    return new[0].payload["token"] if new else None


async def reset(bench: AuthBench, token: str, password: str = "nueva-clave-1") -> None:
    await bench.call(ResetPassword, ResetPasswordCommand(token, password))


async def test_a_known_email_gets_a_single_use_secret_by_email(bench: AuthBench) -> None:
    user = bench.user()
    token = await forgot(bench, "Laura@Example.com")
    [notice] = bench.uow.store.notifications.items.values()
    assert (notice.kind, notice.channel, notice.address) == ("auth", Channel.EMAIL,
                                                             "laura@example.com")
    assert notice.recipient_user_id == user.id and token in notice.body
    [stored] = bench.uow.store.password_resets.items.values()
    assert stored.token_hash == hash_token(token) and token not in repr(stored)
    assert stored.expires_at == bench.clock.now() + timedelta(minutes=30)
    assert bench.uow.commits == 1


async def test_an_unknown_or_inactive_email_writes_nothing_but_does_the_same_work(
        bench: AuthBench) -> None:
    bench.user("ines@example.com", active=False)
    ids_before = bench.ids.new_id().int
    assert await forgot(bench, "nobody@example.com") is None
    assert await forgot(bench, "ines@example.com") is None
    assert bench.ids.new_id().int == ids_before + 5  # two ids drawn per request, as for a user
    assert bench.uow.store.password_resets.items == {} and bench.uow.commits == 0


async def test_a_malformed_email_is_a_validation_error(bench: AuthBench) -> None:
    with pytest.raises(ValidationFailed):
        await forgot(bench, "not an email")


async def test_reset_sets_the_new_password_and_ends_every_session(bench: AuthBench) -> None:
    user = bench.user()
    phone, laptop = await bench.login(), await bench.login()
    token = await forgot(bench)
    await reset(bench, token, "nueva-clave-1")
    assert user.password_hash == "plain$nueva-clave-1"
    assert {f.revoke_reason for f in bench.families()} == {RevokeReason.PASSWORD_RESET}
    for pair in (phone, laptop):
        jti = bench.tokens.decode(pair.refresh_token, TokenType.REFRESH).jti
        assert await bench.revocations.is_revoked(jti)
        with pytest.raises(Unauthenticated):
            await bench.call(Refresh, RefreshCommand(pair.refresh_token))
        with pytest.raises(Unauthenticated):  # at once, not when it expires
            await bench.call(Authenticate, AuthenticateQuery(pair.access_token))
    with pytest.raises(Unauthenticated):
        await bench.login(password="secreto-123")
    assert (await bench.login(password="nueva-clave-1")).token_type == "bearer"


async def test_a_reset_secret_works_once(bench: AuthBench) -> None:
    bench.user()
    token = await forgot(bench)
    await reset(bench, token)
    with pytest.raises(Unauthenticated) as caught:
        await reset(bench, token, "otra-clave-22")
    assert caught.value.details["reason"] == "used"


@pytest.mark.parametrize(("after", "accepted"), [
    (timedelta(minutes=29, seconds=59), True), (timedelta(minutes=30), False)])
async def test_a_reset_secret_expires_after_30_minutes(bench: AuthBench, after: timedelta,
                                                       accepted: bool) -> None:
    user = bench.user()
    token = await forgot(bench)
    bench.clock.advance(after)
    if accepted:
        await reset(bench, token)
        assert user.password_hash == "plain$nueva-clave-1"
    else:
        with pytest.raises(Unauthenticated) as caught:
            await reset(bench, token)
        assert caught.value.details["reason"] == "expired"
        assert user.password_hash == "plain$secreto-123"


async def test_an_unknown_secret_is_refused(bench: AuthBench) -> None:
    bench.user()
    await forgot(bench)
    with pytest.raises(Unauthenticated) as caught:
        await reset(bench, "guessed")
    assert caught.value.details["reason"] == "unknown"


async def test_the_new_password_must_follow_the_password_rule(bench: AuthBench) -> None:
    user = bench.user()
    token = await forgot(bench)
    with pytest.raises(ValidationFailed):
        await reset(bench, token, "corta")
    with pytest.raises(ValidationFailed):
        await reset(bench, token, "x" * 73)
    assert user.password_hash == "plain$secreto-123"
    await reset(bench, token)  # the secret was not spent by the refusals


async def test_a_deactivated_user_cannot_reset(bench: AuthBench) -> None:
    user = bench.user()
    token = await forgot(bench)
    user.is_active = False
    with pytest.raises(Unauthenticated):
        await reset(bench, token)


async def test_reset_emails_per_address_are_capped_known_or_not(bench: AuthBench) -> None:
    from datetime import timedelta

    from cuiot.domain.errors import RateLimited

    bench.user("laura@example.com")
    for _ in range(3):
        assert await forgot(bench, "laura@example.com") is not None
        assert await forgot(bench, "nadie@example.com") is None
    for address in ("laura@example.com", "NADIE@example.com"):
        with pytest.raises(RateLimited) as limited:
            await forgot(bench, address)
        assert 0 < limited.value.retry_after_seconds <= 3600
    assert await forgot(bench, "otra@example.com") is None  # other addresses are not held up
    bench.clock.advance(timedelta(hours=1))
    assert await forgot(bench, "laura@example.com") is not None

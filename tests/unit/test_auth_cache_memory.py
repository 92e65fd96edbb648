"""The in-process rate limiter and revocation list, on a clock the tests move."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from cuiot.adapters.cache.memory import SWEEP_EVERY, InMemoryRateLimiter, InMemoryRevocationList
from tests.fakes.system import FixedClock


@pytest.fixture
def limiter(clock: FixedClock) -> InMemoryRateLimiter:
    return InMemoryRateLimiter(clock)


@pytest.fixture
def revoked(clock: FixedClock) -> InMemoryRevocationList:
    return InMemoryRevocationList(clock)


async def test_hits_inside_the_limit_are_allowed_and_count_down(limiter) -> None:
    decisions = [await limiter.hit("k", 3, 60) for _ in range(3)]
    assert [(d.allowed, d.remaining, d.retry_after_seconds) for d in decisions] == [
        (True, 2, 0), (True, 1, 0), (True, 0, 0)]


async def test_a_hit_over_the_limit_says_when_the_window_ends(limiter, clock) -> None:
    for _ in range(3):
        await limiter.hit("k", 3, 60)
    clock.advance(timedelta(seconds=20, milliseconds=500))
    decision = await limiter.hit("k", 3, 60)
    assert (decision.allowed, decision.remaining, decision.retry_after_seconds) == (False, 0, 40)


async def test_the_window_opens_at_the_first_hit_and_ends_after_its_length(limiter, clock) -> None:
    await limiter.hit("k", 1, 60)
    clock.advance(timedelta(seconds=59))
    assert not (await limiter.hit("k", 1, 60)).allowed
    clock.advance(timedelta(seconds=1))
    fresh = await limiter.hit("k", 1, 60)
    assert fresh.allowed and fresh.remaining == 0


async def test_peek_does_not_count(limiter) -> None:
    for _ in range(5):
        assert (await limiter.peek("k", 2, 60)).allowed
    await limiter.hit("k", 2, 60)
    assert (await limiter.peek("k", 2, 60)).remaining == 1
    await limiter.hit("k", 2, 60)
    blocked = await limiter.peek("k", 2, 60)
    assert (blocked.allowed, blocked.retry_after_seconds) == (False, 60)


async def test_keys_have_separate_budgets_and_reset_clears_one(limiter) -> None:
    await limiter.hit("a", 1, 60)
    assert (await limiter.hit("b", 1, 60)).allowed
    await limiter.reset("a")
    assert (await limiter.hit("a", 1, 60)).allowed
    assert not (await limiter.hit("b", 1, 60)).allowed


async def test_concurrent_hits_never_exceed_the_budget(limiter) -> None:
    decisions = await asyncio.gather(*(limiter.hit("k", 5, 60) for _ in range(50)))
    assert sum(d.allowed for d in decisions) == 5


async def test_expired_windows_are_swept_away(limiter, clock) -> None:
    for n in range(SWEEP_EVERY - 1):
        await limiter.hit(f"old-{n}", 1, 1)
    clock.advance(timedelta(seconds=2))
    await limiter.hit("new", 1, 60)
    assert len(limiter._counts._entries) == 1


async def test_a_revocation_lasts_until_the_token_would_expire(revoked, clock) -> None:
    await revoked.revoke("jti-1", clock.now() + timedelta(minutes=30))
    assert await revoked.is_revoked("jti-1") and not await revoked.is_revoked("jti-2")
    clock.advance(timedelta(minutes=29, seconds=59))
    assert await revoked.is_revoked("jti-1")
    clock.advance(timedelta(seconds=1))
    assert not await revoked.is_revoked("jti-1")


async def test_revoking_an_already_expired_token_stores_nothing(revoked, clock) -> None:
    await revoked.revoke("jti-1", clock.now() - timedelta(seconds=1))
    assert not await revoked.is_revoked("jti-1")
    assert revoked._revoked._entries == {}

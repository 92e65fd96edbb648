"""Rate limits and revoked tokens in this process, expiring by the given clock.

Each operation reads and writes without awaiting in between, so coroutines on one event
loop never see a half-done update. Expired entries are swept every few hundred writes.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from cuiot.application.identity.ports import RateDecision
from cuiot.application.shared.ports import Clock

SWEEP_EVERY = 500


class _Expiring:
    """A dict whose entries vanish at their own instant."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._entries: dict[str, tuple[int, datetime]] = {}
        self._writes = 0

    def get(self, key: str) -> tuple[int, datetime] | None:
        entry = self._entries.get(key)
        if entry is not None and entry[1] <= self.clock.now():
            del self._entries[key]
            return None
        return entry

    def set(self, key: str, value: int, expires_at: datetime) -> None:
        self._entries[key] = (value, expires_at)
        self._writes += 1
        if self._writes % SWEEP_EVERY == 0:
            now = self.clock.now()
            self._entries = {k: e for k, e in self._entries.items() if e[1] > now}

    def delete(self, key: str) -> None:
        self._entries.pop(key, None)


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


class InMemoryRateLimiter:
    """A fixed window per key, opened by its first hit."""

    def __init__(self, clock: Clock) -> None:
        self._counts = _Expiring(clock)
        self._clock = clock

    async def hit(self, key: str, limit: int, window_seconds: int) -> RateDecision:
        now = self._clock.now()
        count, ends = self._counts.get(key) or (0, now + timedelta(seconds=window_seconds))
        count += 1
        self._counts.set(key, count, ends)
        return self._decision(count, limit, ends, now, fits=count <= limit)

    async def peek(self, key: str, limit: int, window_seconds: int) -> RateDecision:
        now = self._clock.now()
        count, ends = self._counts.get(key) or (0, now)
        return self._decision(count, limit, ends, now, fits=count < limit)

    async def reset(self, key: str) -> None:
        self._counts.delete(key)

    @staticmethod
    def _decision(count: int, limit: int, ends: datetime, now: datetime,
                  fits: bool) -> RateDecision:
        retry_after = 0 if fits else _seconds_until(ends, now)
        return RateDecision(fits, max(0, limit - count), retry_after, count)


class InMemoryRevocationList:
    """Revoked token ids, each forgotten once its token would have expired anyway."""

    def __init__(self, clock: Clock) -> None:
        self._revoked = _Expiring(clock)
        self._clock = clock

    async def revoke(self, jti: str, until: datetime) -> None:
        if until > self._clock.now():
            self._revoked.set(jti, 1, until)

    async def is_revoked(self, jti: str) -> bool:
        return self._revoked.get(jti) is not None

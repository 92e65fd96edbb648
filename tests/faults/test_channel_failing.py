"""A notification channel (push) refuses everything for a minute, as the issue asks:
longer than a notification's five attempts (2 + 4 + 8 + 16 s). The alerts and their
escalation go on (email is not affected), the refused notifications are retried with
backoff, and each ends delivered or, past its attempts, failed: none is left pending,
none sent twice."""

from __future__ import annotations

import asyncio

FAILING_SECONDS = 60.0


async def test_a_failing_channel_delays_notifications_and_loses_none(stage):
    async def push_fails_for_a_while(_worker) -> None:
        stage.push.failing.set()
        await asyncio.sleep(FAILING_SECONDS)
        stage.push.failing.clear()

    await stage.survive(f"push channel failing {FAILING_SECONDS:.0f} s", push_fails_for_a_while)
    assert stage.push.refused > 0  # the fault did happen
    assert stage.push.delivered > 0  # and was over before the end

"""Several dispatchers on one database deliver every row exactly once: on PostgreSQL
each claims rows the others skip (``FOR UPDATE SKIP LOCKED``) and holds them until the
outcome is committed; SQLite lets one writer in at a time. The local server counts the
requests each notification got."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from cuiot.adapters.notifications.router import ChannelRouter
from cuiot.application.safety.commands.dispatch import (
    DispatchDueNotifications,
    DispatchDueNotificationsCommand,
)
from cuiot.domain.notifications import DeliveryStatus
from tests.integration.test_dispatch_webhook import SECRET, WebhookServer, a_hook, load
from tests.integration.test_safety_persistence import NOW, store


@pytest.fixture
async def webhooks():
    async with WebhookServer(delay=0.02) as server:  # slow enough for the runs to overlap
        yield server


@pytest.fixture
async def router():
    r = ChannelRouter(webhook_secret=SECRET, timeout_seconds=5)
    yield r
    await r.aclose()


async def test_two_dispatchers_at_once_deliver_each_row_once(sql_uow, clock, policy, router,
                                                              webhooks, database_url):
    rows = [a_hook(webhooks.url(f"/p{i}")) for i in range(24)]
    await store(sql_uow, *rows)

    async def dispatcher() -> int:
        delivered = 0
        while claimed := (await DispatchDueNotifications(sql_uow(), clock, policy, router)(
                DispatchDueNotificationsCommand(limit=5, timeout_seconds=5))).sent:
            delivered += claimed
        return delivered

    first, second = await asyncio.wait_for(asyncio.gather(dispatcher(), dispatcher()), 60)
    assert first + second == 24
    if database_url.startswith("postgresql"):
        assert first and second  # both did share the work
    assert webhooks.per_notification() == {str(r.id): 1 for r in rows}
    for row in rows:
        assert (await load(sql_uow, row)).status is DeliveryStatus.SENT


async def test_a_claimed_row_is_skipped_not_waited_for(sql_uow, database_url, webhooks):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers (BEGIN IMMEDIATE): no two claims at once")
    rows = [a_hook(webhooks.url(), created_at=NOW - timedelta(seconds=i)) for i in range(3)]
    await store(sql_uow, *rows)
    async with sql_uow() as first, sql_uow() as second:
        held = await first.notifications.list_due(NOW, limit=2)
        others = await asyncio.wait_for(second.notifications.list_due(NOW), 5)
        assert {n.id for n in held} == {rows[2].id, rows[1].id}  # the longest waiting first
        assert [n.id for n in others] == [rows[0].id]

"""Rejected device messages are kept for a person to inspect, but not for ever and not
without bound: the scheduler's hourly pass deletes those past ``Policy``'s keeping and
all but the newest ``rejected_messages_kept_most`` (a device flooding nonsense must not
fill the disk). On SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from uuid import uuid4

from sqlalchemy import insert, select

from cuiot.adapters.persistence.orm.safety import rejected_messages
from cuiot.adapters.persistence.repositories import rejections
from tests.integration.test_scheduler import scheduler_for


async def received(engine, *ages: timedelta, now) -> None:
    async with engine.begin() as conn:
        await conn.execute(insert(rejected_messages), [
            {"id": uuid4(), "received_at": now - age, "source": "mqtt",
             "topic": "cuiot/devices/x/telemetry", "device_id": "x", "reason": "invalid_json",
             "detail": f"{age.total_seconds():.0f} s old", "payload": "{"} for age in ages])


async def kept(engine) -> list[str]:
    async with engine.connect() as conn:
        rows = await conn.execute(select(rejected_messages.c.detail)
                                  .order_by(rejected_messages.c.received_at.desc()))
    return list(rows.scalars())


async def test_what_is_past_its_keeping_goes(engine, clock, policy):
    now, days = clock.now(), policy.rejected_messages_kept_for.days
    await received(engine, timedelta(days=days, seconds=1), timedelta(days=days - 1),
                   timedelta(0), now=now)
    async with engine.begin() as conn:
        assert await rejections.prune(conn, now - policy.rejected_messages_kept_for,
                                      keep_most=10) == 1
    assert await kept(engine) == ["0 s old", f"{(days - 1) * 86400} s old"]


async def test_only_the_newest_are_kept_past_the_most(engine, clock):
    await received(engine, *(timedelta(seconds=n) for n in range(5)), now=clock.now())
    async with engine.begin() as conn:
        assert await rejections.prune(conn, clock.now() - timedelta(days=1), keep_most=3) == 2
        assert await rejections.prune(conn, clock.now() - timedelta(days=1), keep_most=3) == 0
    assert await kept(engine) == ["0 s old", "1 s old", "2 s old"]


async def test_the_scheduler_prunes_them_by_the_policy(sql_uow, clock, ids, policy, engine):
    policy = replace(policy, rejected_messages_kept_for=timedelta(hours=1),
                     rejected_messages_kept_most=2)
    await received(engine, timedelta(hours=2), timedelta(seconds=3), timedelta(seconds=2),
                   timedelta(seconds=1), now=clock.now())
    outcomes = await scheduler_for(sql_uow, clock, ids, policy, engine).tick()
    assert outcomes["rejected_messages"] == "ok"
    assert await kept(engine) == ["1 s old", "2 s old"]

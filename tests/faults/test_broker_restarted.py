"""The broker restarted mid-stream: the worker and the devices reconnect by themselves,
the sessions survive in the broker's persistence, and nothing is lost or doubled."""

from __future__ import annotations

import asyncio


async def test_a_broker_restart_mid_stream_loses_and_doubles_nothing(stage):
    async def restart_the_broker(_worker) -> None:
        await asyncio.to_thread(stage.broker.restart)

    await stage.survive("broker restarted", restart_the_broker)

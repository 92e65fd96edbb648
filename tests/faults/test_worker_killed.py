"""``cuiot worker`` killed with SIGKILL mid-stream, and started again: what it had taken
but not committed comes back from its MQTT session, and nothing is stored twice."""

from __future__ import annotations

import asyncio


async def test_a_worker_killed_mid_stream_loses_and_doubles_nothing(stage):
    async def kill_and_start_again(worker) -> None:
        worker.kill()
        await asyncio.to_thread(worker.start)

    await stage.survive("worker killed (SIGKILL) and restarted", kill_and_start_again)

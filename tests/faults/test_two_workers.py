"""Two workers share the stream (an MQTT shared subscription) and the database, and one
is killed mid-stream and started again: no message is stored twice, no escalation step
fires twice and no notification is sent twice, though both workers' schedulers and
dispatchers run all along."""

from __future__ import annotations

import asyncio


async def test_two_workers_one_killed_never_double_anything(stage):
    async def kill_one_and_start_it_again(worker) -> None:
        worker.kill()
        await asyncio.to_thread(worker.start)

    await stage.survive("one of two workers killed and restarted",
                        kill_one_and_start_it_again, workers=2)

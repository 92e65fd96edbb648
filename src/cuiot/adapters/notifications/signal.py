"""The outbox signal inside one process: the bell this process's dispatcher waits on.

On SQLite — one process by design, or ``cuiot serve`` with the pipeline inside the API
process — this is all the signalling there is; the cross-process signals (PostgreSQL
``NOTIFY``, Redis) ring this bell when they hear from another process.
"""

from __future__ import annotations

import asyncio
import contextlib


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


class InProcessOutboxSignal:
    """``ring()`` wakes whoever ``wait()``s. A ring while nobody waits is kept for the
    next wait, so a ring during a dispatch pass is not lost; several rings before a wait
    count as one. Safe to ring from another event loop or thread: the ring is handed to
    the waiter's loop."""

    def __init__(self) -> None:
        self._rung = asyncio.Event()
        self._waiter_loop: asyncio.AbstractEventLoop | None = None

    async def ring(self) -> None:
        self.ring_nowait()

    def ring_nowait(self) -> None:
        """``ring`` for plain callbacks (asyncpg's listeners) and other threads."""
        loop = self._waiter_loop
        if loop is None or loop is _running_loop():
            self._rung.set()
            return
        with contextlib.suppress(RuntimeError):  # that loop has closed: nobody waits
            loop.call_soon_threadsafe(self._rung.set)

    async def wait(self) -> None:
        """Until rung (at once if it rang since the last wait), taking the ring."""
        self._waiter_loop = asyncio.get_running_loop()
        await self._rung.wait()
        self._rung.clear()

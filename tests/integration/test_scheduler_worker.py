"""``cuiot worker`` as a process: it runs the scheduler on the database (on the real
clock) and stops cleanly on SIGTERM or SIGINT, with exit code 0."""

from __future__ import annotations

import asyncio
import os
import queue
import signal
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

import pytest

from tests.integration.test_safety_persistence import a_device, a_person, a_user, an_alert, store

START = "from cuiot.entrypoints.cli.worker import worker; worker()"


class WorkerProcess:
    """The worker command in a child process; its output read on a thread, so waiting
    for a line never blocks past its deadline."""

    def __init__(self, database_url: str, *cli: str, **settings: str) -> None:
        """``cli``: run the command line (e.g. ``"worker"``) rather than the worker
        function alone; ``settings``: more environment (e.g. ``CUIOT_MQTT_URL=…``)."""
        env = os.environ | {"CUIOT_DATABASE_URL": database_url, "CUIOT_LOG_FORMAT": "json",
                            "CUIOT_SCHEDULER_TICK_SECONDS": "0.05"} | settings
        argv = ["-m", "cuiot.entrypoints.cli", *cli] if cli else ["-c", START]
        self.process = subprocess.Popen([sys.executable, *argv], env=env, text=True,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for_line(self, text: str, timeout: float = 20) -> None:
        try:
            while text not in (line := self.lines.get(timeout=timeout)):
                self.seen.append(line)
        except queue.Empty:
            raise AssertionError(f"no {text!r} from the worker: {''.join(self.seen)}") from None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


async def level_of(sql_uow, alert_id) -> int:
    async with sql_uow() as uow:
        return (await uow.alerts.get(alert_id)).escalation_level


@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
async def test_the_worker_escalates_and_stops_on_a_signal(sql_uow, database_url, stop_with):
    ana = a_user("Ana")
    elena = a_person(ana)
    device = a_device(elena)
    overdue = an_alert(device, at=datetime.now(UTC) - timedelta(minutes=3))  # critical: 2 min
    await store(sql_uow, ana, elena, device, overdue)
    worker = WorkerProcess(database_url)
    try:
        worker.wait_for_line("scheduler started")
        async with asyncio.timeout(20):
            while await level_of(sql_uow, overdue.id) != 2:
                await asyncio.sleep(0.05)
        worker.process.send_signal(stop_with)
        worker.wait_for_line("scheduler stopped")
        assert await asyncio.to_thread(worker.process.wait, 20) == 0
    finally:
        worker.stop()

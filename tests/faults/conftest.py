"""The fault suite's fixtures: a fresh database, a broker and a push endpoint of the
test's own, and the stage that runs one fault (``tests/faults/stream.py``)."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field

import pytest

from tests.faults.stream import (
    PushEndpoint,
    Stream,
    Worker,
    checks,
    migrated_database,
    report,
    seed,
    settled,
    streaming,
)
from tests.support.mosquitto import Mosquitto, throwaway_mosquitto
from tests.support.servers import postgres_server

DEVICES = 4


@pytest.fixture
def database_server() -> Iterator[str]:
    """The PostgreSQL server the test's database is made on (one test restarts its own)."""
    with postgres_server() as url:
        yield url


@pytest.fixture
def broker() -> Iterator[Mosquitto]:
    with throwaway_mosquitto() as broker:
        yield broker


@pytest.fixture
def push() -> Iterator[PushEndpoint]:
    endpoint = PushEndpoint()
    yield endpoint
    endpoint.close()


@dataclass
class Stage:
    database_url: str
    broker: Mosquitto
    push: PushEndpoint
    settings: dict[str, str] = field(default_factory=dict)
    workers: list[Worker] = field(default_factory=list)

    def worker(self, client_id: str) -> Worker:
        worker = Worker(self.database_url, self.broker.url, self.push.url, client_id,
                        **self.settings)
        self.workers.append(worker)
        return worker

    async def survive(self, fault_name: str, fault: Callable[[Worker], Awaitable[None]],
                      workers: int = 1) -> None:
        """``workers`` drain the stream (in one MQTT shared-subscription group when there
        are several) while ``fault`` breaks something a third of the way in (given the
        first worker); then every check must hold."""
        started = time.monotonic()
        family = await seed(self.database_url, DEVICES)
        if workers > 1:
            self.settings["mqtt_shared_group"] = "cuiot-faults"
        running = [self.worker(f"cuiot-faults-{uuid.uuid4().hex[:8]}") for _ in range(workers)]
        for one in running:
            one.start()
        worker = running[0]
        stream = Stream(self.broker.url, family.devices)
        await streaming(stream, lambda: fault(worker))
        try:
            await settled(self.database_url, stream)
        except AssertionError as error:
            found = await checks(self.database_url, stream)
            raise AssertionError("\n".join([str(error), *found.problems, str(found),
                                             "the worker's log ends:", worker.log()])) from None
        checked = await checks(self.database_url, stream)
        report(fault_name, checked, time.monotonic() - started)
        assert checked.problems == [], "\n".join(checked.problems)


@pytest.fixture
async def stage(database_server: str, broker: Mosquitto,
                push: PushEndpoint) -> AsyncIterator[Stage]:
    with migrated_database(database_server) as url:
        stage = Stage(url, broker, push)
        try:
            yield stage
        finally:
            for worker in stage.workers:
                worker.stop()

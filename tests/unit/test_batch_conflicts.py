"""A batch the database gave up on for a concurrent transaction's sake (PostgreSQL's
deadlock or serialization failure) is tried again whole, not message by message: the
conflict is nobody's fault, and a batch split into single messages takes many times
as long to commit."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.exc import DBAPIError

from cuiot.adapters.mqtt.processing import Received, is_conflict
from tests.support.alerts import SafetyBench
from tests.unit.test_device_messages_processing import FAST, TOPIC, Setup, reading


class PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


def conflict(sqlstate: str = "40P01") -> DBAPIError:
    return DBAPIError("UPDATE devices …", {}, PgError(sqlstate))


@pytest.fixture
async def bench() -> SafetyBench:
    bench = SafetyBench()
    await bench.device(bench.person(bench.user("Ana")), device_id="bp-1")
    return bench


async def _batch(setup: Setup, count: int) -> list[str]:
    messages = [setup.processor.read(_received(setup, f"m-{n}")) for n in range(count)]
    return [outcome.outcome for outcome in await setup.processor.process_batch(messages)]


def _received(setup: Setup, msg_id: str) -> Received:
    return Received(TOPIC, json.dumps(reading(msg_id)).encode(), setup.bench.clock.now())


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"], ids=["deadlock", "serialization"])
async def test_a_batch_that_met_a_conflict_is_tried_again_whole(bench, sqlstate):
    setup = Setup(bench, failures=1, error=conflict(sqlstate))
    assert await _batch(setup, 5) == ["stored"] * 5
    assert setup.calls == 2  # the failed batch, then the batch again: not 1 + 5
    assert len(bench.events()) == 5


async def test_a_batch_that_keeps_conflicting_is_taken_message_by_message(bench):
    setup = Setup(bench, failures=FAST.attempts, error=conflict())
    assert await _batch(setup, 3) == ["stored"] * 3
    assert setup.calls == FAST.attempts + 3


async def test_another_failure_splits_the_batch_at_once(bench):
    setup = Setup(bench, failures=1, error=RuntimeError("a bug"))
    assert await _batch(setup, 3) == ["stored"] * 3
    assert setup.calls == 1 + 3


def test_only_the_databases_conflicts_count_as_conflicts():
    assert is_conflict(conflict("40P01")) and is_conflict(conflict("40001"))
    assert not is_conflict(conflict("23505"))  # a unique violation is no one's turn
    assert not is_conflict(RuntimeError("40P01"))

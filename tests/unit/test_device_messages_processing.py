"""One message from its bytes to a commit (``MessageProcessor``, what the MQTT consumer
runs for each message): counted by outcome, retried while the database is down, and
given up on — kept as ``processing_error`` — when a failure is not an outage."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from prometheus_client import CollectorRegistry

from cuiot.adapters.mqtt.processing import Backoff, MessageProcessor, MqttMetrics, Received
from tests.fakes.uow import InMemoryUnitOfWork
from tests.support.alerts import BP_NORMAL, SafetyBench

TOPIC = "cuiot/devices/bp-1/telemetry"
FAST = Backoff(first_s=0.001, most_s=0.005, attempts=3)


class Failing(InMemoryUnitOfWork):
    def __init__(self, store, error: Exception) -> None:
        super().__init__(store)
        self.error = error

    async def _commit(self) -> None:
        raise self.error


class Setup:
    """A processor whose first ``failures`` units of work fail with ``error``."""

    def __init__(self, bench: SafetyBench, failures: int = 0,
                 error: Exception | None = None) -> None:
        self.bench, self.registry, self.calls = bench, CollectorRegistry(), 0
        self.failures = failures
        self.error = error or ConnectionRefusedError("database down")
        self.processor = MessageProcessor(self.uow, bench.clock, bench.ids, bench.policy,
                                          MqttMetrics(self.registry), FAST)

    def uow(self) -> InMemoryUnitOfWork:
        self.calls += 1
        if self.calls <= self.failures:
            return Failing(self.bench.store, self.error)
        return InMemoryUnitOfWork(self.bench.store)

    def metric(self, name: str, **labels: str) -> float:
        return self.registry.get_sample_value(name, labels) or 0.0

    async def send(self, payload: bytes | dict, topic: str = TOPIC, ts_ago: float = 0):
        if isinstance(payload, dict):
            payload = json.dumps(payload).encode()
        at = self.bench.clock.now() + timedelta(seconds=ts_ago)
        return await self.processor.process(Received(topic, payload, at))


@pytest.fixture
async def bench() -> SafetyBench:
    bench = SafetyBench()
    ana = bench.user("Ana")
    await bench.device(bench.person(ana), device_id="bp-1")
    return bench


def reading(msg_id: str, **extra) -> dict:
    return {"msg_id": msg_id, "type": "blood_pressure", "data": BP_NORMAL, **extra}


async def test_outcomes_are_counted_by_kind_and_reason_and_lag_measured(bench):
    setup = Setup(bench)
    ts = (bench.clock.now() - timedelta(seconds=3)).isoformat()
    assert (await setup.send(reading("m-1", ts=ts))).outcome == "stored"
    assert (await setup.send(reading("m-1", ts=ts))).outcome == "duplicate"
    assert (await setup.send(b"{oops")).reason == "invalid_json"
    assert (await setup.send(reading("m-2"), topic="cuiot/devices/ghost/telemetry")
            ).reason == "unknown_device"
    assert setup.metric("cuiot_mqtt_messages_accepted_total", kind="telemetry") == 1
    assert setup.metric("cuiot_mqtt_messages_duplicate_total", kind="telemetry") == 1
    assert setup.metric("cuiot_mqtt_messages_rejected_total", reason="invalid_json") == 1
    assert setup.metric("cuiot_mqtt_messages_rejected_total", reason="unknown_device") == 1
    assert setup.metric("cuiot_mqtt_ingest_lag_seconds_count") == 1
    assert setup.metric("cuiot_mqtt_ingest_lag_seconds_sum") == 3
    assert setup.metric("cuiot_mqtt_ingest_lag_seconds_bucket", le="2.5") == 0


async def test_while_the_database_is_down_the_message_is_retried_until_it_commits(bench):
    setup = Setup(bench, failures=7)  # more than FAST.attempts: outages are waited out
    outcome = await setup.send(reading("m-1"))
    assert outcome.outcome == "stored" and len(bench.events()) == 1
    assert setup.metric("cuiot_mqtt_processing_retries_total") == 7
    assert list(bench.store.rejected_messages.all()) == []


async def test_a_failure_that_is_not_an_outage_is_given_up_on_and_kept(bench):
    setup = Setup(bench, failures=FAST.attempts, error=RuntimeError("a bug"))
    outcome = await setup.send(reading("m-1"))
    assert (outcome.outcome, outcome.reason) == ("rejected", "processing_error")
    assert setup.calls == FAST.attempts + 1 and bench.events() == []
    [kept] = bench.store.rejected_messages.all()
    assert (kept.reason, kept.topic, kept.device_id) == ("processing_error", TOPIC, "bp-1")
    assert "a bug" in kept.detail and json.loads(kept.payload)["msg_id"] == "m-1"
    assert setup.metric("cuiot_mqtt_messages_rejected_total", reason="processing_error") == 1


async def test_a_rejection_that_cannot_be_stored_is_retried_too(bench):
    setup = Setup(bench, failures=FAST.attempts + 2, error=RuntimeError("a bug"))
    assert (await setup.send(reading("m-1"))).reason == "processing_error"
    assert setup.calls == FAST.attempts + 3
    assert len(list(bench.store.rejected_messages.all())) == 1


def test_backoff_doubles_up_to_its_ceiling():
    backoff = Backoff(first_s=0.5, most_s=3)
    assert [backoff.delay(n) for n in range(1, 6)] == [0.5, 1, 2, 3, 3]

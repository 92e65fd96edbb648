"""Hostile payloads (generated as in tests/unit/test_mqtt_hostile_payloads.py) through a
real Mosquitto into a running consumer, on SQLite and PostgreSQL: every message is
stored or rejected with a reason and kept, nothing is retried (a refusal PostgreSQL
could not store — NUL in text, a topic longer than its column — was once retried for
ever), and a reading published behind them is stored."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paho.mqtt.client import topic_matches_sub
from prometheus_client import CollectorRegistry

from cuiot.adapters.mqtt.envelope import subscriptions
from cuiot.adapters.mqtt.processing import PROCESSING_ERROR
from tests.integration.test_mqtt_consumer import (  # noqa: F401
    _count_is,
    _stored,
    count,
    eventually,
    reading,
    start_consumer,
    telemetry,
)
from tests.integration.test_safety_flows import family, run  # noqa: F401
from tests.support.mosquitto import Publisher, mosquitto  # noqa: F401
from tests.unit.test_mqtt_hostile_payloads import DEVICES, LIMIT, messages

# Mosquitto refuses topics holding control characters: every other id a device may name.
printable_ids = st.text(st.characters(exclude_categories=["Cc", "Cs"],
                                      exclude_characters="/+#"), min_size=1, max_size=300)
# Besides those drawn, what a broker delivers and PostgreSQL once could not keep.
ALWAYS = [(telemetry("bp-1"), b"\x00{\x00}\xff"),  # NUL bytes, not JSON
          (telemetry("d" * 300), b'{"msg_id": "m", "type": "blood_pressure", "data": {}}'),
          ("cuiot/devices/bp-1/status", b'{"status": "online", "note": "\\u0000"}')]
COUNTERS = ("cuiot_mqtt_messages_accepted", "cuiot_mqtt_messages_duplicate",
            "cuiot_mqtt_messages_rejected")


def counted(registry: CollectorRegistry, only: str | None = None) -> dict[str, float]:
    """Label → count of the consumer's outcome counters (or of the one named ``only``)."""
    return {f"{metric.name}:{','.join(sample.labels.values())}": sample.value
            for metric in registry.collect() if metric.name in (only,) or (
                only is None and metric.name in COUNTERS)
            for sample in metric.samples if sample.name.endswith("_total")}


async def test_every_hostile_payload_is_stored_or_rejected_and_none_holds_up_the_next(
        mosquitto, start_consumer, run, family, engine):
    elena, people = family
    for device_id, kind in DEVICES.items():
        await run.register(people["Root"], elena, device_id, kind)
    registry = CollectorRegistry()
    await start_consumer(metrics_registry=registry, max_payload_bytes=LIMIT)
    published: list[Any] = []

    @settings(max_examples=6, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(batch=st.lists(messages(printable_ids), min_size=1, max_size=10))
    def through_the_broker(batch: list[tuple[str, bytes]]) -> None:
        published.append(batch)

    through_the_broker()  # the examples, drawn up front: the broker and loop are async
    published.append(ALWAYS)
    sent = 0  # the messages the consumer subscribes to (not "elsewhere/…", say)
    with Publisher(mosquitto.url) as publisher:
        for n, batch in enumerate(published):
            for topic, payload in batch:
                publisher.publish(topic, payload)
                sent += any(topic_matches_sub(sub, topic) for sub in subscriptions())
            publisher.publish(telemetry("bp-1"), reading(f"behind-{n}"))
            sent += 1
        publisher.wait_all_acknowledged()
    await eventually(lambda: _stored(engine, f"behind-{len(published) - 1}"))
    await eventually(lambda: _all_handled(registry, sent))
    rejected = counted(registry, "cuiot_mqtt_messages_rejected")
    assert not any(PROCESSING_ERROR in label for label in rejected), rejected
    assert registry.get_sample_value("cuiot_mqtt_processing_retries_total") == 0
    assert await count(engine, "SELECT count(*) FROM rejected_messages") == sum(
        rejected.values())
    for n in range(len(published)):
        assert await _stored(engine, f"behind-{n}")


async def _all_handled(registry: CollectorRegistry, sent: int) -> bool:
    return sum(counted(registry).values()) == sent

"""Hostile MQTT payloads, generated (Hypothesis): valid, truncated, oversized, of the
wrong types, odd unicode, nested deep. Decoding never fails but with a reason, and the
consumer's handling (``MessageProcessor``: reading on arrival, then batches) never
raises and never stalls: every message is stored (or found a duplicate) or rejected
with a reason and kept, and nothing is retried."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry

from cuiot.adapters.mqtt.envelope import KINDS, PAYLOAD_TOO_LARGE, Refused, decode
from cuiot.adapters.mqtt.processing import Backoff, MessageProcessor, MqttMetrics, Received
from cuiot.adapters.persistence.database import json_dumps
from cuiot.application.safety.commands.readings import DUPLICATE, REJECTED, STORED
from cuiot.domain.sensor_events import json_size
from cuiot.domain.users import Role
from tests.fakes.uow import InMemoryUnitOfWork
from tests.support.alerts import SafetyBench

LIMIT = 8192  # the size limit in these tests: room for deep nesting, oversized ones cheap
DEVICES = {"bp-1": "blood_pressure", "gas-1": "gas_sensor", "motion-1": "motion_sensor",
           "panic-1": "panic_button"}
# What decoding may refuse with; after it the rules may also refuse (the domain's codes).
DECODING = {"unknown_topic", "invalid_json", "invalid_schema", PAYLOAD_TOO_LARGE}
NEVER = {"processing_error"}  # a refusal no payload may lead to: a bug, after retries
EXAMPLES = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
BATCHES = settings(EXAMPLES, max_examples=25)  # each builds a family and runs use cases

# --- payloads ------------------------------------------------------------------------------
odd_text = st.one_of(
    st.text(max_size=12),
    st.text(st.characters(codec="utf-8"), max_size=12),  # any code point JSON can carry
    st.sampled_from(["\x00", "a\x00b", "\ud800", "é" * 200, "‮", "\U0001f6a8", " ", "x" * 129]))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False) | odd_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(odd_text, inner, max_size=3),
    max_leaves=10)
zones = st.sampled_from([UTC, timezone(timedelta(hours=14)), timezone(-timedelta(hours=12)),
                         None])
instants = st.datetimes(timezones=zones).map(lambda t: t.isoformat())
bp = st.fixed_dictionaries({"systolic": st.integers(40, 260), "diastolic": st.integers(20, 160),
                            "pulse": st.integers(20, 220)})
gas = st.fixed_dictionaries({}, optional={"CO": st.integers(0, 500),
                                          "CO2": st.integers(0, 5000),
                                          "smoke": st.floats(0, 1)})
msg_ids = st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=1, max_size=8)


def _telemetry(device: str) -> st.SearchStrategy[dict[str, Any]]:
    kind = DEVICES.get(device, "blood_pressure")
    data = {"gas_sensor": gas, "motion_sensor": st.just({})}.get(kind, bp)
    return st.fixed_dictionaries(
        {"msg_id": msg_ids, "type": st.just(kind), "data": data},
        optional={"ts": instants, "battery_level": st.integers(-5, 120)})


small_objects = st.dictionaries(st.text(max_size=5), st.integers(), max_size=2)


def _message(topic: str) -> st.SearchStrategy[dict[str, Any]]:
    """A message of the contract's shape for ``topic`` (its values may be out of range)."""
    device, _, kind = topic.removeprefix("cuiot/devices/").partition("/")
    if kind == "events":
        events = ["fall", "motion", "pressed", "person_down", "motion_detected", "sneeze"]
        return st.fixed_dictionaries({"msg_id": msg_ids, "event": st.sampled_from(events)},
                                     optional={"ts": instants, "data": small_objects})
    if kind == "status":
        return st.fixed_dictionaries(
            {"status": st.sampled_from(["online", "offline", "x"])},
            optional={"ts": instants, "heartbeat_s": st.integers(-5, 10**6)})
    if kind == "commands/reply":
        return st.fixed_dictionaries({"command_id": st.uuids().map(str), "ok": st.booleans()},
                                     optional={"result": small_objects})
    return _telemetry(device)


def _encoded(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _nested(depth: int, opener: str) -> bytes:
    closer = "}" if opener == '{"a":' else "]"
    return (opener * depth + "1" + closer * depth).encode()


NESTED_IN = {"events": "data", "commands/reply": "result", "status": "note"}  # else: data


@st.composite
def payloads(draw: st.DrawFn, topic: str) -> bytes:
    """One payload for ``topic``: valid, truncated, oversized, a field of a wrong type,
    odd unicode, nested deep, or bytes at random."""
    body = draw(_message(topic))
    shape = draw(st.sampled_from(["valid", "truncated", "oversized", "wrong_type", "unicode",
                                  "deep", "bytes", "not_an_object"]))
    if shape == "truncated":
        whole = _encoded(body)
        return whole[:draw(st.integers(0, len(whole) - 1))]
    if shape == "oversized":
        return _encoded(body | {"pad": "x" * draw(st.integers(LIMIT, 2 * LIMIT))})
    if shape == "wrong_type":
        return _encoded(body | {draw(st.sampled_from([*body, "data", "ts"])): draw(json_values)})
    if shape == "unicode":
        return _encoded(body | {draw(st.sampled_from([*body, "note"])): draw(odd_text)})
    if shape == "deep":  # past what orjson writes (254), Python measures (~990), orjson reads
        depth = draw(st.sampled_from([2, 8, 9, 100, 255, 600, 990, 1024]))
        field = NESTED_IN.get(topic.removeprefix("cuiot/devices/").partition("/")[2], "data")
        inner = _nested(depth, draw(st.sampled_from(['{"a":', "["])))
        return _encoded(body | {field: {"x": "DEEP"}}).replace(b'"DEEP"', inner)
    if shape == "bytes":
        return draw(st.binary(max_size=64))
    if shape == "not_an_object":
        return _encoded(draw(json_values))
    return _encoded(body)


ODD_TOPICS = ["cuiot/devices//telemetry", "cuiot/devices/bp-1/commands",
              "elsewhere/bp-1/telemetry"]
# Any id a device may put in its topic (a broker may refuse control characters in it).
any_device_id = st.text(st.characters(exclude_characters="/+#\x00", codec="utf-8"),
                        min_size=1, max_size=300)


@st.composite
def topics(draw: st.DrawFn, device_ids: st.SearchStrategy[str] = any_device_id) -> str:
    """Mostly the family's devices (and an unknown one); now and then another id of
    ``device_ids``, or a topic that is not a device's."""
    pick = draw(st.integers(0, 9))
    if pick == 9:
        return draw(st.sampled_from(ODD_TOPICS))
    device = draw(device_ids if pick == 8 else st.sampled_from([*DEVICES, "ghost"]))
    return f"cuiot/devices/{device}/{draw(st.sampled_from(KINDS))}"


def messages(device_ids: st.SearchStrategy[str] = any_device_id
             ) -> st.SearchStrategy[tuple[str, bytes]]:
    """(topic, payload) pairs, the payload made for its topic."""
    return topics(device_ids).flatmap(lambda topic: st.tuples(st.just(topic), payloads(topic)))


# --- the pure part: decoding -----------------------------------------------------------------
@EXAMPLES
@given(message=messages())
def test_decoding_gives_a_command_or_a_reason_and_nothing_else(message: tuple[str, bytes]):
    topic, payload = message
    try:
        envelope = decode(topic, payload, LIMIT)
    except Refused as refused:
        assert refused.reason in DECODING and refused.detail
        assert refused.reason != PAYLOAD_TOO_LARGE or len(payload) > LIMIT
        return
    assert len(payload) <= LIMIT and envelope.kind in KINDS
    # What is kept of it can be written: as JSON (orjson, the JSON columns' serializer),
    # as text SQL can hold (no NUL), and measured as the domain measures data.
    fields = {f.name: getattr(envelope.body, f.name) for f in dataclasses.fields(envelope.body)}
    assert "\\u0000" not in json_dumps(fields)
    for value in (fields.get("data"), fields.get("result")):
        if isinstance(value, dict):
            json_size(value)


@EXAMPLES
@given(topic=topics(), garbage=st.binary(min_size=1, max_size=64))
def test_an_oversized_payload_is_refused_before_it_is_read(topic: str, garbage: bytes):
    """Whatever it holds (here bytes that are not JSON at all): its size is the reason."""
    try:
        decode(topic, garbage * (LIMIT // len(garbage) + 1), LIMIT)
    except Refused as refused:
        assert refused.reason in {PAYLOAD_TOO_LARGE, "unknown_topic"}
    else:
        raise AssertionError("an oversized payload was decoded")


# --- the consumer's handling -------------------------------------------------------------
async def _bench() -> SafetyBench:
    bench = SafetyBench()
    person = bench.person(bench.user("Ana", Role.ADMIN))  # no package needed
    for device_id, device_type in DEVICES.items():
        await bench.device(person, device_type=device_type, device_id=device_id)
    return bench


@BATCHES
@given(batch=st.lists(messages(), min_size=1, max_size=8))
async def test_every_payload_is_stored_or_rejected_with_a_reason(batch: list[tuple[str, bytes]]):
    bench, registry = await _bench(), CollectorRegistry()
    processor = MessageProcessor(lambda: InMemoryUnitOfWork(bench.store), bench.clock,
                                 bench.ids, bench.policy, MqttMetrics(registry),
                                 Backoff(first_s=0.001, most_s=0.001, attempts=2), LIMIT)
    at = bench.clock.now() - timedelta(seconds=1)
    arrived = [processor.read(Received(topic, payload, at)) for topic, payload in batch]
    urgent = [processor.closes_batch(incoming) for incoming in arrived]  # on arrival too
    outcomes = await processor.process_batch(arrived)
    assert len(outcomes) == len(batch) == len(urgent)
    rejected = [o for o in outcomes if o.outcome == REJECTED]
    assert all(o.outcome in {STORED, DUPLICATE, REJECTED} for o in outcomes)
    assert all(o.reason and o.reason not in NEVER and o.detail for o in rejected), rejected
    kept = list(bench.store.rejected_messages.all())
    assert sorted(k.reason for k in kept) == sorted(o.reason for o in rejected)
    assert registry.get_sample_value("cuiot_mqtt_processing_retries_total") == 0
    for (_, payload), outcome in zip(batch, outcomes, strict=True):
        if len(payload) > LIMIT:
            assert outcome.reason in {PAYLOAD_TOO_LARGE, "unknown_topic"}


async def test_an_oversized_message_is_kept_counted_and_the_next_one_stored():
    bench, registry = await _bench(), CollectorRegistry()
    processor = MessageProcessor(lambda: InMemoryUnitOfWork(bench.store), bench.clock,
                                 bench.ids, bench.policy, MqttMetrics(registry),
                                 max_payload_bytes=LIMIT)
    topic, at = "cuiot/devices/bp-1/telemetry", bench.clock.now()
    big = _encoded({"msg_id": "big", "type": "blood_pressure",
                    "data": {"systolic": 120, "diastolic": 80}, "pad": "x" * LIMIT})
    good = _encoded({"msg_id": "good", "type": "blood_pressure",
                     "data": {"systolic": 120, "diastolic": 80, "pulse": 70}})
    arrived = [processor.read(Received(topic, payload, at)) for payload in (big, good)]
    refused, stored = await processor.process_batch(arrived)
    assert (refused.outcome, refused.reason, stored.outcome) == (REJECTED, PAYLOAD_TOO_LARGE,
                                                                 STORED)
    [kept] = bench.store.rejected_messages.all()
    assert (kept.reason, kept.device_id, kept.topic) == (PAYLOAD_TOO_LARGE, "bp-1", topic)
    assert kept.payload.startswith('{"msg_id": "big"') and str(len(big)) in kept.detail
    assert registry.get_sample_value("cuiot_mqtt_messages_rejected_total",
                                     {"reason": PAYLOAD_TOO_LARGE}) == 1
    assert [e.msg_id for e in bench.events()] == ["good"]

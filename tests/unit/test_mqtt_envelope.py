"""Decoding what devices publish: each topic's payload becomes its use case's command,
and every refusal names its reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from cuiot.adapters.mqtt.envelope import (
    EVENTS,
    REPLY,
    STATUS,
    TELEMETRY,
    Refused,
    decode,
    subscriptions,
)
from cuiot.application.safety.commands.device_messages import CommandReply
from cuiot.application.safety.commands.ingest import IngestDeviceEventCommand, IngestReadingCommand
from cuiot.application.safety.commands.monitoring import RecordDeviceStatusCommand

BP = {"systolic": 120, "diastolic": 80, "pulse": 72}
TS = datetime(2026, 1, 15, 10, 30, tzinfo=UTC)


def payload(**fields: object) -> bytes:
    return json.dumps(fields).encode()


def test_subscriptions_cover_the_four_device_topics_plain_or_shared():
    assert subscriptions() == ["cuiot/devices/+/telemetry", "cuiot/devices/+/events",
                               "cuiot/devices/+/status", "cuiot/devices/+/commands/reply"]
    assert subscriptions("cuiot")[0] == "$share/cuiot/cuiot/devices/+/telemetry"


def test_telemetry_becomes_a_reading():
    envelope = decode("cuiot/devices/bp-1/telemetry", payload(
        msg_id="m-1", ts="2026-01-15T10:30:00Z", type="blood_pressure", data=BP,
        battery_level=85))
    assert (envelope.kind, envelope.device_id, envelope.ts) == (TELEMETRY, "bp-1", TS)
    assert envelope.body == IngestReadingCommand("bp-1", "m-1", "blood_pressure", BP, TS, 85)


def test_a_missing_ts_means_the_receive_time():
    envelope = decode("cuiot/devices/gas-1/telemetry", payload(
        msg_id="m-1", type="gas_sensor", data={"CO": 12}))
    assert envelope.ts is None and envelope.body.ts is None and envelope.body.battery_level is None


def test_events_statuses_and_replies():
    event = decode("cuiot/devices/p-1/events", payload(msg_id="e-1", event="pressed"))
    assert (event.kind, event.body) == (EVENTS, IngestDeviceEventCommand("p-1", "e-1", "pressed"))
    status = decode("cuiot/devices/p-1/status", payload(status="offline", heartbeat_s=300,
                                                        ts="2026-01-15T10:30:00+00:00"))
    assert (status.kind, status.body) == (STATUS, RecordDeviceStatusCommand(
        "p-1", "offline", 300, TS))
    reply = decode("cuiot/devices/p-1/commands/reply", payload(command_id="c-1", ok=False,
                                                               result={"error": "busy"}))
    assert (reply.kind, reply.body) == (REPLY, CommandReply("p-1", "c-1", False,
                                                            {"error": "busy"}))


@pytest.mark.parametrize("topic", [
    "cuiot/devices/bp-1/commands",  # what the backend sends, not what it reads
    "cuiot/devices/bp-1/other",
    "cuiot/devices//telemetry",
    "elsewhere/bp-1/telemetry",
    "cuiot/devices/bp-1/telemetry/extra",
])
def test_a_topic_that_is_not_a_device_topic_is_refused(topic):
    with pytest.raises(Refused) as refused:
        decode(topic, payload(msg_id="m", type="blood_pressure", data=BP))
    assert (refused.value.reason, refused.value.device_id) == ("unknown_topic", None)


@pytest.mark.parametrize("raw", [b"{not json", b"\xff\xfe", b"", b'{"a": NaN}', b"[1, 2"])
def test_what_is_not_json_is_refused_as_invalid_json(raw):
    with pytest.raises(Refused) as refused:
        decode("cuiot/devices/bp-1/telemetry", raw)
    assert (refused.value.reason, refused.value.device_id) == ("invalid_json", "bp-1")


@pytest.mark.parametrize("topic, body", [
    ("telemetry", [1, 2]),
    ("telemetry", {"type": "blood_pressure", "data": BP}),  # no msg_id
    ("telemetry", {"msg_id": "", "type": "blood_pressure", "data": BP}),
    ("telemetry", {"msg_id": 7, "type": "blood_pressure", "data": BP}),
    ("telemetry", {"msg_id": "x" * 129, "type": "blood_pressure", "data": BP}),
    ("telemetry", {"msg_id": "m", "data": BP}),  # no type
    ("telemetry", {"msg_id": "m", "type": "blood_pressure", "data": [120, 80]}),
    ("telemetry", {"msg_id": "m", "type": "blood_pressure", "data": BP, "ts": "yesterday"}),
    ("telemetry", {"msg_id": "m", "type": "blood_pressure", "data": BP, "ts": 1736937000}),
    ("telemetry", {"msg_id": "m", "type": "blood_pressure", "data": BP, "battery_level": "85"}),
    ("telemetry", {"msg_id": "m", "type": "blood_pressure", "data": BP, "battery_level": True}),
    ("events", {"msg_id": "m"}),  # no event
    ("events", {"msg_id": "m", "event": "fall", "data": "hard"}),
    ("status", {"ts": "2026-01-15T10:30:00Z"}),  # no status
    ("status", {"status": "online", "heartbeat_s": 2.5}),
    ("commands/reply", {"command_id": "c-1"}),  # no ok
    ("commands/reply", {"command_id": "c-1", "ok": "yes"}),
    ("commands/reply", {"ok": True}),
])
def test_a_payload_of_the_wrong_shape_is_refused_as_invalid_schema(topic, body):
    with pytest.raises(Refused) as refused:
        decode(f"cuiot/devices/bp-1/{topic}", json.dumps(body).encode())
    assert (refused.value.reason, refused.value.device_id) == ("invalid_schema", "bp-1")


def test_values_are_left_to_the_domain():
    """The envelope checks shapes; whether a reading or a status can be is the domain's."""
    envelope = decode("cuiot/devices/bp-1/telemetry", payload(
        msg_id="m", type="blood_pressure", data={"systolic": 80, "diastolic": 90},
        ts="2026-01-15T10:30:00", battery_level=140))
    assert envelope.body.ts == datetime(2026, 1, 15, 10, 30)  # no zone: refused later
    assert envelope.body.battery_level == 140
    assert decode("cuiot/devices/bp-1/status", payload(status="asleep")).body.status == "asleep"


def test_a_payload_over_the_limit_is_refused_unread():
    """Its size is the reason, even when it is not JSON at all."""
    for raw in (b"{not json" + b" " * 100, payload(msg_id="m", type="blood_pressure",
                                                   data=BP, note="x" * 100)):
        with pytest.raises(Refused) as refused:
            decode("cuiot/devices/bp-1/telemetry", raw, max_bytes=100)
        assert (refused.value.reason, refused.value.device_id) == ("payload_too_large", "bp-1")
        assert f"{len(raw)} bytes" in refused.value.detail
    small = payload(msg_id="m", type="blood_pressure", data=BP)
    assert decode("cuiot/devices/bp-1/telemetry", small, max_bytes=len(small)).kind == TELEMETRY


def nested(levels: int) -> dict:
    value: dict = {"systolic": 120}
    for _ in range(levels - 1):
        value = {"a": value}
    return value


@pytest.mark.parametrize("body", [
    {"msg_id": "m\x00", "type": "blood_pressure", "data": BP},
    {"msg_id": "m", "type": "blood_pressure", "data": {"note": "a\x00b"}},
    {"msg_id": "m", "type": "blood_pressure", "data": {"a\x00": 1}},
    {"msg_id": "m", "type": "blood_pressure", "data": nested(9)},
    {"msg_id": "m", "type": "blood_pressure", "data": {"a": [[[[[[[[1]]]]]]]]}},
])
def test_what_sql_cannot_store_is_refused_as_invalid_schema(body):
    """NUL in any text, or data nested more than 8 levels (deeper once overflowed the
    recursion limit where the data was measured, and the message was retried for seconds)."""
    with pytest.raises(Refused) as refused:
        decode("cuiot/devices/bp-1/telemetry", json.dumps(body).encode())
    assert (refused.value.reason, refused.value.device_id) == ("invalid_schema", "bp-1")


def test_data_nested_8_levels_deep_is_left_to_the_domain():
    envelope = decode("cuiot/devices/bp-1/telemetry", payload(
        msg_id="m", type="blood_pressure", data=nested(8)))
    assert envelope.body.data == nested(8)

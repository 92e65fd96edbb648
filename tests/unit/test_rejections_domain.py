"""A refused device message can always be kept, whatever the device sent: text SQL can
hold, cut to the columns' lengths. One that could not be stored would be tried again and
again, holding up the messages behind it."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from cuiot.domain.rejections import (
    MAX_DETAIL_CHARS,
    MAX_DEVICE_ID_CHARS,
    MAX_PAYLOAD_CHARS,
    MAX_TOPIC_CHARS,
    RejectedMessage,
)

NOW = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)


def kept(raw: bytes, **fields: object) -> RejectedMessage:
    defaults: dict[str, object] = {"id": uuid4(), "received_at": NOW, "source": "mqtt",
                                   "topic": "cuiot/devices/bp-1/telemetry",
                                   "reason": "invalid_json", "detail": "bad"}
    return RejectedMessage.of_bytes(raw, **(defaults | fields))


def test_nul_is_written_out_as_bytes_that_are_not_text_are():
    message = kept(b'{"a": "\x00"}\xff', detail="at \x00", device_id="bp\x001")
    assert message.payload == '{"a": "\\x00"}\\xff'
    assert (message.detail, message.device_id) == ("at \\x00", "bp\\x001")


def test_long_text_is_cut_to_what_is_kept_of_it():
    device = "d" * 1000
    message = kept(b"x" * (MAX_PAYLOAD_CHARS + 1), topic=f"cuiot/devices/{device}/telemetry",
                   device_id=device, detail="y" * 5000)
    assert len(message.payload) == MAX_PAYLOAD_CHARS
    assert len(message.topic) == MAX_TOPIC_CHARS and len(message.detail) == MAX_DETAIL_CHARS
    assert message.device_id == "d" * MAX_DEVICE_ID_CHARS
    assert kept(b"{}", device_id=None).device_id is None

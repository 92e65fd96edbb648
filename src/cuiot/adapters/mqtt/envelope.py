"""What devices publish (CONTRACTS.md, "MQTT"), decoded and checked into the command of
its use case. The topic names the device and the kind; the payload is a JSON object.

Every refusal is a ``Refused`` with a reason code: ``unknown_topic`` (not one of the
device topics), ``payload_too_large`` (over the size limit: refused before it is read),
``invalid_json`` (not UTF-8 JSON), ``invalid_schema`` (JSON, but not the shape of its
kind, or not what SQL can store: text holding NUL, values nested more than
``MAX_NESTING`` levels deep). Whether the values make sense (a reading no person can
have, an unknown device) is the domain's to say, after this.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from cuiot.application.safety.commands.device_messages import CommandReply, MessageBody
from cuiot.application.safety.commands.ingest import IngestDeviceEventCommand, IngestReadingCommand
from cuiot.application.safety.commands.monitoring import RecordDeviceStatusCommand
from cuiot.domain.sensor_events import MSG_ID_MAX_CHARS, SENSOR_DATA_MAX_NESTING

ROOT = "cuiot/devices"
TELEMETRY, EVENTS, STATUS, REPLY = "telemetry", "events", "status", "commands/reply"
KINDS = (TELEMETRY, EVENTS, STATUS, REPLY)
MAX_ID_CHARS = MSG_ID_MAX_CHARS  # ids and names in a message: the domain's bound
DEFAULT_MAX_PAYLOAD_BYTES = 65_536  # CUIOT_MAX_MQTT_PAYLOAD_BYTES unless set
PAYLOAD_TOO_LARGE = "payload_too_large"
MAX_NESTING = SENSOR_DATA_MAX_NESTING  # the domain's bound, the same over HTTP


class Refused(Exception):
    def __init__(self, reason: str, detail: str, device_id: str | None = None) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail, self.device_id = reason, detail, device_id


@dataclass(frozen=True, slots=True)
class Envelope:
    kind: str  # one of KINDS
    device_id: str
    body: MessageBody
    ts: datetime | None = None  # the device's time, when it gave one


def subscriptions(shared_group: str | None = None) -> list[str]:
    """The topic filters to subscribe to; with a group, an MQTT 5 shared subscription."""
    prefix = f"$share/{shared_group}/" if shared_group else ""
    return [f"{prefix}{ROOT}/+/{kind}" for kind in KINDS]


def parse_topic(topic: str) -> tuple[str, str]:
    """``cuiot/devices/{device_id}/{kind}`` → (device_id, kind)."""
    head = f"{ROOT}/"
    device_id, _, kind = topic.removeprefix(head).partition("/")
    if not topic.startswith(head) or not device_id or kind not in KINDS:
        raise Refused("unknown_topic", f"not a device topic: {topic[:200]!r}")
    return device_id, kind


def decode(topic: str, payload: bytes,
           max_bytes: int = DEFAULT_MAX_PAYLOAD_BYTES) -> Envelope:
    """The message's command; a payload over ``max_bytes`` is refused unread."""
    device_id, kind = parse_topic(topic)
    if len(payload) > max_bytes:
        raise Refused(PAYLOAD_TOO_LARGE, f"{len(payload)} bytes, more than the {max_bytes} "
                                         "a message may have", device_id)
    try:
        body = _json_object(payload)
        if _may_not_be_storable(payload):
            _storable(body)
        return _DECODERS[kind](device_id, body)
    except Refused as refused:
        raise Refused(refused.reason, refused.detail, device_id) from None


def _json_object(payload: bytes) -> dict[str, Any]:
    """orjson refuses what JSON does not allow (NaN, Infinity, invalid UTF-8, lone
    surrogates) and integers past 64 bits, each as invalid JSON."""
    try:
        value = orjson.loads(payload)
    except orjson.JSONDecodeError as error:
        raise Refused("invalid_json", str(error)[:200]) from None
    if not isinstance(value, dict):
        raise Refused("invalid_schema", f"expected a JSON object, got {type(value).__name__}")
    return value


def _may_not_be_storable(payload: bytes) -> bool:
    """The common case, in two scans of the bytes: JSON writes NUL only as ``\\u0000``,
    and values cannot nest deeper than there are ``{`` and ``[`` in the payload."""
    return b"\\u0000" in payload or payload.count(b"{") + payload.count(b"[") > MAX_NESTING


def _storable(body: dict[str, Any]) -> None:
    """What SQL can store, walked without recursion: no NUL in any text (PostgreSQL
    refuses it) and no object or array more than ``MAX_NESTING`` levels below the
    message's own fields (deeper data once overflowed Python's recursion limit when its
    size was measured, and the message was retried for seconds before it was given up)."""
    pending: list[tuple[Any, int]] = [(body, 0)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise Refused("invalid_schema", "text may not hold the NUL character")
            continue
        children = (value.values() if isinstance(value, dict)
                    else value if isinstance(value, list) else None)
        if children is None:
            continue
        if depth > MAX_NESTING:
            raise Refused("invalid_schema", f"nested more than {MAX_NESTING} levels deep")
        if isinstance(value, dict):
            pending.extend((key, depth) for key in value)
        pending.extend((child, depth + 1) for child in children)


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID_CHARS:
        raise Refused("invalid_schema", f"{key} must be a non-empty string of at most "
                                        f"{MAX_ID_CHARS} characters")
    return value


def _object(body: dict[str, Any], key: str, *, required: bool = True) -> dict[str, Any]:
    value = body.get(key)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise Refused("invalid_schema", f"{key} must be a JSON object")
    return value


def _number(body: dict[str, Any], key: str, *, whole: bool = False) -> int | float | None:
    value = body.get(key)
    kinds = (int,) if whole else (int, float)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, kinds) or (
            isinstance(value, float) and not math.isfinite(value)):
        raise Refused("invalid_schema", f"{key} must be a {'whole ' if whole else ''}number")
    return value


def _timestamp(body: dict[str, Any]) -> datetime | None:
    """ISO 8601 (``Z`` allowed); missing means the receive time. A time without a
    zone passes: the use case refuses it as an impossible reading."""
    value = body.get("ts")
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise Refused("invalid_schema", "ts must be an ISO 8601 date and time") from None


def _telemetry(device_id: str, body: dict[str, Any]) -> Envelope:
    ts = _timestamp(body)
    return Envelope(TELEMETRY, device_id, IngestReadingCommand(
        device_id=device_id, msg_id=_text(body, "msg_id"), type=_text(body, "type"),
        data=_object(body, "data"), ts=ts, battery_level=_number(body, "battery_level")), ts)


def _event(device_id: str, body: dict[str, Any]) -> Envelope:
    ts = _timestamp(body)
    return Envelope(EVENTS, device_id, IngestDeviceEventCommand(
        device_id=device_id, msg_id=_text(body, "msg_id"), event=_text(body, "event"),
        data=_object(body, "data", required=False), ts=ts), ts)


def _status(device_id: str, body: dict[str, Any]) -> Envelope:
    ts = _timestamp(body)
    heartbeat = _number(body, "heartbeat_s", whole=True)
    return Envelope(STATUS, device_id, RecordDeviceStatusCommand(
        device_id=device_id, status=_text(body, "status"),
        heartbeat_s=int(heartbeat) if heartbeat is not None else None, ts=ts), ts)


def _reply(device_id: str, body: dict[str, Any]) -> Envelope:
    if not isinstance(body.get("ok"), bool):
        raise Refused("invalid_schema", "ok must be true or false")
    return Envelope(REPLY, device_id, CommandReply(
        device_id=device_id, command_id=_text(body, "command_id"), ok=body["ok"],
        result=_object(body, "result", required=False)))


_DECODERS = {TELEMETRY: _telemetry, EVENTS: _event, STATUS: _status, REPLY: _reply}

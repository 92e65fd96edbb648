"""Device messages refused at the door: kept with their reason and raw payload so a
person can see what a device sent and why it was not accepted.

Whatever a device sent, the record can be kept: long text is cut to what is kept of it
and NUL (which SQL text cannot hold) is written ``\\x00``, as bytes that are not UTF-8
are. A refusal that could not be stored would be tried again and again, holding up the
messages behind it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

MAX_PAYLOAD_CHARS = 65_536
MAX_TOPIC_CHARS = 300
MAX_DEVICE_ID_CHARS = 200  # as the topic named it: a device may name any id
MAX_DETAIL_CHARS = 1000


def _kept(text: str, most: int) -> str:
    return text.replace("\x00", "\\x00")[:most]


@dataclass(eq=False)
class RejectedMessage:
    id: UUID
    received_at: datetime
    source: str  # mqtt or http
    topic: str
    reason: str  # invalid_json, invalid_schema, unknown_device, invalid_reading, …
    detail: str
    payload: str
    device_id: str | None = None

    def __post_init__(self) -> None:
        self.topic = _kept(self.topic, MAX_TOPIC_CHARS)
        self.detail = _kept(self.detail, MAX_DETAIL_CHARS)
        self.payload = _kept(self.payload, MAX_PAYLOAD_CHARS)
        if self.device_id is not None:
            self.device_id = _kept(self.device_id, MAX_DEVICE_ID_CHARS)

    @classmethod
    def of_bytes(cls, raw: bytes, **fields: object) -> RejectedMessage:
        """Keep what was received even when it is not text."""
        return cls(payload=raw[:MAX_PAYLOAD_CHARS].decode("utf-8", errors="backslashreplace"),
                   **fields)  # type: ignore[arg-type]

"""Device messages refused at the door: kept with their reason and raw payload so a
person can see what a device sent and why it was not accepted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

MAX_PAYLOAD_CHARS = 65_536


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
        self.detail = self.detail[:1000]
        if len(self.payload) > MAX_PAYLOAD_CHARS:
            self.payload = self.payload[:MAX_PAYLOAD_CHARS]

    @classmethod
    def of_bytes(cls, raw: bytes, **fields: object) -> RejectedMessage:
        """Keep what was received even when it is not text."""
        return cls(payload=raw[:MAX_PAYLOAD_CHARS].decode("utf-8", errors="backslashreplace"),
                   **fields)  # type: ignore[arg-type]

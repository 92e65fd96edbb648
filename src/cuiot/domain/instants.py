"""How CUIOT writes an instant wherever it shows one (HTTP, WebSocket, webhooks, CLI):
ISO 8601 in UTC ending in ``Z``, the form pydantic gives the HTTP API's."""

from __future__ import annotations

from datetime import UTC, datetime


def iso_utc(moment: datetime) -> str:
    """``2026-01-15T15:00:00Z``; microseconds kept when there are any."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")

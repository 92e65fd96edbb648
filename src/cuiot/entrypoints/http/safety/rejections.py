"""/admin/rejected-messages: the device messages CUIOT refused (bad JSON, a wrong shape,
an unknown device, an impossible reading, a payload over the size limit…), kept for an
admin to see what a device sent and why. A query: one SQL statement per page."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from cuiot.adapters.persistence.views.devices import SqlRejectedMessageViews
from cuiot.application.safety.ports import (
    LISTED_PAYLOAD_CHARS,
    RejectedMessageFilter,
    RejectedMessageView,
)
from cuiot.application.safety.queries.rejections import (
    ListRejectedMessages,
    ListRejectedMessagesQuery,
)
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.rejections import MAX_PAYLOAD_CHARS
from cuiot.entrypoints.http.deps import AdminPrincipal, PageParams, query
from cuiot.entrypoints.http.safety.schemas import NO_CONTROL, Since
from cuiot.entrypoints.http.schemas import Page

router = APIRouter(prefix="/admin/rejected-messages", tags=["admin"])

REASON_DOC = ("Why it was refused: `payload_too_large`, `invalid_json`, `invalid_schema`, "
              "`unknown_topic`, `unknown_device`, `invalid_reading`, `processing_error`…")


class RejectedMessageOut(BaseModel):
    id: UUID
    received_at: datetime = Field(examples=["2026-01-15T10:30:02Z"])
    source: str = Field(examples=["mqtt"], description="`mqtt`, or `http` for a reading "
                                                        "posted to /devices/{x}/telemetry")
    topic: str = Field(examples=["cuiot/devices/bp-elena-01/telemetry"],
                       description="The MQTT topic (for HTTP, the topic of the same payload)")
    device_id: str | None = Field(
        examples=["bp-elena-01"],
        description="The device id the message named (its topic's), registered or not; "
                    "null when it named none")
    reason: str = Field(examples=["invalid_schema"], description=REASON_DOC)
    detail: str = Field(examples=["msg_id must be a non-empty string of at most 128 "
                                  "characters"])
    payload: str = Field(
        examples=['{"type": "blood_pressure", "data": {"systolic": 120}}'],
        description=f"What the device sent, as text (bytes that are not UTF-8 written "
                    f"`\\xNN`), cut to its first {LISTED_PAYLOAD_CHARS:,} characters in "
                    f"this list: a device may send large payloads (up to "
                    f"{MAX_PAYLOAD_CHARS:,} characters of each are kept)")
    payload_chars: int = Field(examples=[58],
                               description="How many characters were kept of the payload")
    payload_truncated: bool = Field(
        examples=[False], description="Whether `payload` shows less than was kept")

    @classmethod
    def of(cls, row: RejectedMessageView) -> RejectedMessageOut:
        """From a view's row, typed already: built without validating it again."""
        return cls.model_construct(
            id=row.id, received_at=row.received_at, source=row.source, topic=row.topic,
            device_id=row.device_id, reason=row.reason, detail=row.detail, payload=row.payload,
            payload_chars=row.payload_chars,
            payload_truncated=row.payload_chars > len(row.payload))


DeviceId = Annotated[str | None, Query(
    max_length=200, pattern=NO_CONTROL, examples=["bp-elena-01"],
    description="Only those naming this device id (as in their topic)")]
Reason = Annotated[str | None, Query(
    max_length=40, pattern=r"^[a-z_]+$", examples=["payload_too_large"],
    description=REASON_DOC)]
From = Annotated[Since | None, Query(
    examples=["2026-01-15T00:00:00Z"], description="Received at or after this instant")]
Until = Annotated[Since | None, Query(
    examples=["2026-01-16T00:00:00Z"], description="Received before this instant")]


@router.get("", response_model=Page[RejectedMessageOut],
            summary="Device messages refused, newest first (admins)")
async def list_rejected_messages(
        principal: AdminPrincipal, page: PageParams,
        list_: Annotated[ListRejectedMessages,
                         Depends(query(ListRejectedMessages, SqlRejectedMessageViews))],
        device_id: DeviceId = None, reason: Reason = None, since: From = None,
        until: Until = None) -> Response:
    viewer = Viewer.of(principal.user_id, principal.roles)
    rows = await list_(ListRejectedMessagesQuery(
        viewer, Window(page.offset, page.limit),
        RejectedMessageFilter(device_id, reason, since, until)))
    return Page[RejectedMessageOut].response([RejectedMessageOut.of(r) for r in rows],
                                             page.offset, page.limit)

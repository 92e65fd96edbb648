"""``cuiot devices rejected``: the device messages CUIOT refused, read by an admin with
the filters of ``GET /api/v1/admin/rejected-messages``: a device, a reason, a time range.
``--json`` prints what the HTTP API answers (each payload cut to its first
``LISTED_PAYLOAD_CHARS`` characters); the table shows the start of each on one line."""

from __future__ import annotations

from typing import Any

import typer

from cuiot.adapters.persistence.views.devices import SqlRejectedMessageViews
from cuiot.application.safety.ports import RejectedMessageFilter, RejectedMessageView
from cuiot.application.safety.queries.rejections import (
    ListRejectedMessages,
    ListRejectedMessagesQuery,
)
from cuiot.application.shared.queries import Viewer
from cuiot.entrypoints.cli.arguments import LIMIT, OFFSET, instant, window
from cuiot.entrypoints.cli.output import Page, emit
from cuiot.entrypoints.cli.runtime import admin_actor, run
from cuiot.entrypoints.cli.users import AS_ADMIN, JSON
from cuiot.entrypoints.container import Container

COLUMNS = {"received_at": "received", "source": "via", "device_id": "device",
           "reason": "reason", "detail": "detail", "payload": "payload"}
TABLE_PAYLOAD_CHARS = 60  # a table row shows this much of a payload, on one line
TIME_HELP = ("ISO 8601, e.g. 2026-01-15 or 2026-01-15T10:00:00Z; without a zone, in the "
             "zone the table shows")


def message_row(m: RejectedMessageView) -> dict[str, Any]:
    """What ``--json`` prints: the HTTP API's fields."""
    return {"id": m.id, "received_at": m.received_at, "source": m.source, "topic": m.topic,
            "device_id": m.device_id, "reason": m.reason, "detail": m.detail,
            "payload": m.payload, "payload_chars": m.payload_chars,
            "payload_truncated": m.payload_chars > len(m.payload)}


def one_line(text: str, most: int) -> str:
    """The start of ``text`` on one line: line breaks and tabs written as escapes."""
    flat = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    flat = flat.replace("\t", "\\t")
    return flat if len(flat) <= most else flat[:most - 1] + "…"


def shown_row(m: RejectedMessageView) -> dict[str, Any]:
    """What a person reads: the device as the message named it, the payload's start."""
    return message_row(m) | {"detail": one_line(m.detail, 80),
                             "payload": one_line(m.payload, TABLE_PAYLOAD_CHARS)}


def rejected(
    device: str | None = typer.Option(None, "--device",
                                      help="Only those naming this device id (as in their "
                                           "topic), registered or not."),
    reason: str | None = typer.Option(None, "--reason",
                                      help="Only those refused for this reason, e.g. "
                                           "invalid_json, payload_too_large, unknown_device."),
    since: str | None = typer.Option(None, "--since", help=f"Received from: {TIME_HELP}."),
    until: str | None = typer.Option(None, "--until", help=f"Received before: {TIME_HELP}."),
    offset: int = OFFSET, limit: int = LIMIT,
    as_: str | None = AS_ADMIN, json_: bool = JSON,
) -> None:
    """Device messages CUIOT refused (bad JSON, a wrong shape, an unknown device, an
    impossible reading, too large…), newest first, with why."""
    page = window(offset, limit)
    only = RejectedMessageFilter(device, reason, instant(since, "--since"),
                                 instant(until, "--until"))

    async def work(c: Container) -> Page:
        viewer = Viewer(await admin_actor(c, as_), is_admin=True)
        async with c.read_side().transaction() as conn:
            found = await ListRejectedMessages(SqlRejectedMessageViews(conn), clock=c.clock())(
                ListRejectedMessagesQuery(viewer, page, only))
        return Page.of([(message_row if json_ else shown_row)(m) for m in found], page)

    emit(run(work), COLUMNS, json_, "Rejected device messages")

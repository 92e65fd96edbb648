"""``cuiot devices rejected``: the refused device messages on a real database, a table for
people (each payload's start on one line) and JSON for scripts, with the filters of
GET /api/v1/admin/rejected-messages."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from cuiot.application.safety.ports import LISTED_PAYLOAD_CHARS
from cuiot.domain.rejections import RejectedMessage
from cuiot.entrypoints.cli.runtime import container
from cuiot.entrypoints.container import dispose_engines
from tests.integration.test_cli import as_json, cli, items  # noqa: F401

NOW = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)  # 12:00 in Buenos Aires


def refused(seconds: int, reason: str, device: str | None, payload: bytes) -> RejectedMessage:
    return RejectedMessage.of_bytes(
        payload, id=uuid4(), received_at=NOW + timedelta(seconds=seconds), source="mqtt",
        topic=f"cuiot/devices/{device}/telemetry", reason=reason, detail="why\nnot",
        device_id=device)


def keep(*messages: RejectedMessage) -> None:
    """Kept as the consumer keeps them, through the CLI's own container."""

    async def add() -> None:
        c = container()
        try:
            async with c.uow() as uow:
                for message in messages:
                    await uow.rejected_messages.add(message)
                await uow.commit()
        finally:
            await dispose_engines(c)

    asyncio.run(add())


def test_an_admin_reads_them_as_a_table_and_as_json(cli):
    cli("admin", "create", "--email", "root@example.com", "--password", "una clave larga")
    keep(refused(0, "invalid_json", "bp-1", b'{"msg_id":\n "m-1", oops'),
         refused(60, "unknown_device", "ghost-7", b"{}"),
         refused(120, "payload_too_large", "bp-1", b"y" * 70_000))
    table = cli("devices", "rejected")
    assert table.exit_code == 0, table.output
    lines = table.stdout.splitlines()
    assert any("ghost-7" in line and "unknown_device" in line for line in lines)
    assert any('{"msg_id":\\n "m-1", oops' in line for line in lines)  # one line each
    assert any("12:02" in line and "yyyy" in line for line in lines)  # local time
    assert max(len(line) for line in lines) < 200
    listed = items(cli("devices", "rejected", "--device", "bp-1", "--json"))
    assert [m["reason"] for m in listed] == ["payload_too_large", "invalid_json"]
    assert listed[0]["payload"] == "y" * LISTED_PAYLOAD_CHARS
    assert (listed[0]["payload_chars"], listed[0]["payload_truncated"]) == (65_536, True)
    assert listed[1]["received_at"] == "2026-01-15T15:00:00Z"
    only = items(cli("devices", "rejected", "--reason", "unknown_device", "--json"))
    assert [m["device_id"] for m in only] == ["ghost-7"]
    timed = items(cli("devices", "rejected", "--since", "2026-01-15T12:01:00",
                      "--until", "2026-01-15T15:02:00Z", "--json"))  # the first in local time
    assert [m["device_id"] for m in timed] == ["ghost-7"]
    page = as_json(cli("devices", "rejected", "--limit", "2", "--json"))
    assert (len(page["items"]), page["next_offset"]) == (2, 2)


def test_bad_options_are_one_line_and_a_usage_exit(cli):
    cli("admin", "create", "--email", "root@example.com", "--password", "una clave larga")
    for args in (["--since", "yesterday"], ["--limit", "500"]):
        result = cli("devices", "rejected", *args)
        assert result.exit_code == 2, result.output
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    backwards = cli("devices", "rejected", "--since", "2026-01-16", "--until", "2026-01-15")
    assert backwards.exit_code == 1 and "validation_error" in backwards.stderr

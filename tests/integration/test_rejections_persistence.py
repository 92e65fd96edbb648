from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.devices import SqlRejectedMessageViews
from cuiot.application.safety.ports import LISTED_PAYLOAD_CHARS, RejectedMessageFilter
from cuiot.application.safety.queries.rejections import (
    CountRejectedMessages,
    CountRejectedMessagesQuery,
    ListRejectedMessages,
    ListRejectedMessagesQuery,
)
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.errors import Forbidden, ValidationFailed
from cuiot.domain.rejections import MAX_PAYLOAD_CHARS, RejectedMessage
from tests.fakes.system import FixedClock
from tests.support.statements import statements

NOW = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
ADMIN = Viewer(uuid4(), is_admin=True)
EVERY = Window(0, 100)


async def kept(engine, window: Window = EVERY) -> list:
    """The rejected messages an admin reads, newest first (``limit + 1`` at most)."""
    async with ReadSide(engine).transaction() as conn:
        return await ListRejectedMessages(SqlRejectedMessageViews(conn), clock=FixedClock(NOW))(
            ListRejectedMessagesQuery(ADMIN, window))


async def counted(engine, viewer: Viewer = ADMIN) -> dict[str, int]:
    async with ReadSide(engine).transaction() as conn:
        return await CountRejectedMessages(SqlRejectedMessageViews(conn),
                                           clock=FixedClock(NOW))(
            CountRejectedMessagesQuery(viewer))


def rejected(reason: str, at: datetime, payload: bytes = b"{not json") -> RejectedMessage:
    return RejectedMessage.of_bytes(payload, id=uuid4(), received_at=at, source="mqtt",
                                    topic="cuiot/devices/bp-1/telemetry", reason=reason,
                                    detail="Expecting property name", device_id="bp-1")


async def test_rejected_messages_are_kept_newest_first_and_counted(sql_uow, engine):
    first = rejected("invalid_json", NOW)
    second = rejected("unknown_device", NOW + timedelta(seconds=1))
    third = rejected("invalid_json", NOW + timedelta(seconds=2), payload=b"\xff\xfe binary")
    async with sql_uow() as uow:
        for message in (first, second, third):
            await uow.rejected_messages.add(message)
        await uow.commit()
    listed = await kept(engine)
    counts = await counted(engine)
    page = await kept(engine, Window(1, 1))
    assert [m.id for m in listed] == [third.id, second.id, first.id]
    assert listed[0].payload == "\\xff\\xfe binary" and listed[2].payload == "{not json"
    assert listed[1].received_at == NOW + timedelta(seconds=1)
    assert counts == {"invalid_json": 2, "unknown_device": 1}
    assert [m.id for m in page[:1]] == [second.id]
    assert [m.id for m in page] == [second.id, first.id]  # limit + 1


async def test_only_an_admin_reads_them_in_one_statement(sql_uow, engine):
    message = rejected("invalid_json", NOW)
    async with sql_uow() as uow:
        await uow.rejected_messages.add(message)
        await uow.commit()
    with statements(engine) as run:
        (read,) = await kept(engine)
    assert len(run.queries()) == 1
    assert (read.topic, read.reason, read.device_id, read.source) == (
        message.topic, "invalid_json", "bp-1", "mqtt")
    with pytest.raises(Forbidden):
        await counted(engine, Viewer(uuid4()))


async def test_a_huge_payload_is_kept_up_to_the_cap_and_listed_cut_short(sql_uow, engine):
    big = rejected("invalid_schema", NOW, payload=b"x" * (MAX_PAYLOAD_CHARS + 10))
    accented = rejected("invalid_schema", NOW - timedelta(seconds=1),
                        payload="é".encode() * (LISTED_PAYLOAD_CHARS + 5))
    async with sql_uow() as uow:
        await uow.rejected_messages.add(big)
        await uow.rejected_messages.add(accented)
        await uow.commit()
    stored, other = await kept(engine)
    assert (stored.payload_chars, stored.payload) == (MAX_PAYLOAD_CHARS,
                                                      "x" * LISTED_PAYLOAD_CHARS)
    # Characters, not bytes, on both databases.
    assert (other.payload_chars, other.payload) == (LISTED_PAYLOAD_CHARS + 5,
                                                    "é" * LISTED_PAYLOAD_CHARS)


async def test_a_list_filters_by_device_reason_and_time_in_one_statement(sql_uow, engine):
    def at(seconds: int, reason: str = "invalid_json", device: str | None = "bp-1"):
        message = rejected(reason, NOW + timedelta(seconds=seconds))
        message.device_id = device
        return message

    messages = [at(0), at(1, "unknown_device", "ghost"), at(2, device=None), at(3),
                at(4, "payload_too_large"), at(5)]
    async with sql_uow() as uow:
        for message in messages:
            await uow.rejected_messages.add(message)
        await uow.commit()

    async def ids(**only) -> list:
        query = ListRejectedMessagesQuery(ADMIN, EVERY, RejectedMessageFilter(**only))
        async with ReadSide(engine).transaction() as conn:
            found = await ListRejectedMessages(SqlRejectedMessageViews(conn), FixedClock(NOW))(
                query)
        return [messages.index(next(m for m in messages if m.id == f.id)) for f in found]

    assert await ids() == [5, 4, 3, 2, 1, 0]
    assert await ids(device_id="bp-1") == [5, 4, 3, 0]
    assert await ids(device_id="ghost") == [1]
    assert await ids(reason="invalid_json") == [5, 3, 2, 0]
    assert await ids(device_id="bp-1", reason="payload_too_large") == [4]
    since, until = NOW + timedelta(seconds=1), NOW + timedelta(seconds=4)
    assert await ids(since=since) == [5, 4, 3, 2, 1]
    assert await ids(until=until) == [3, 2, 1, 0]  # until is exclusive
    assert await ids(since=since, until=until, reason="invalid_json") == [3, 2]
    assert await ids(since=until, until=until) == []
    with pytest.raises(ValidationFailed):
        await ids(since=until, until=since)
    with statements(engine) as run:
        await ids(device_id="bp-1", reason="invalid_json", since=since, until=until)
    assert len(run.queries()) == 1

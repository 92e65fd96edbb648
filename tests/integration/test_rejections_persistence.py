from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from cuiot.adapters.persistence.views import ReadSide
from cuiot.adapters.persistence.views.devices import SqlRejectedMessageViews
from cuiot.application.safety.queries.rejections import (
    CountRejectedMessages,
    CountRejectedMessagesQuery,
    ListRejectedMessages,
    ListRejectedMessagesQuery,
)
from cuiot.application.shared.queries import Viewer, Window
from cuiot.domain.errors import Forbidden
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


async def test_a_huge_payload_is_kept_up_to_the_cap(sql_uow, engine):
    big = rejected("invalid_schema", NOW, payload=b"x" * (MAX_PAYLOAD_CHARS + 10))
    async with sql_uow() as uow:
        await uow.rejected_messages.add(big)
        await uow.commit()
    (stored,) = await kept(engine)
    assert len(stored.payload) == MAX_PAYLOAD_CHARS

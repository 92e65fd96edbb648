from __future__ import annotations

from datetime import datetime, timedelta, timezone
from uuid import uuid4

from cuiot.domain.rejections import MAX_PAYLOAD_CHARS, RejectedMessage

NOW = datetime(2026, 1, 15, 15, 0, tzinfo=timezone.utc)


def rejected(reason: str, at: datetime, payload: bytes = b"{not json") -> RejectedMessage:
    return RejectedMessage.of_bytes(payload, id=uuid4(), received_at=at, source="mqtt",
                                    topic="cuiot/devices/bp-1/telemetry", reason=reason,
                                    detail="Expecting property name", device_id="bp-1")


async def test_rejected_messages_are_kept_newest_first_and_counted(sql_uow):
    first = rejected("invalid_json", NOW)
    second = rejected("unknown_device", NOW + timedelta(seconds=1))
    third = rejected("invalid_json", NOW + timedelta(seconds=2), payload=b"\xff\xfe binary")
    async with sql_uow() as uow:
        for message in (first, second, third):
            await uow.rejected_messages.add(message)
        await uow.commit()
    async with sql_uow() as uow:
        listed = await uow.rejected_messages.list()
        counts = await uow.rejected_messages.count_by_reason()
        page = await uow.rejected_messages.list(offset=1, limit=1)
    assert [m.id for m in listed] == [third.id, second.id, first.id]
    assert listed[0].payload == "\\xff\\xfe binary" and listed[2].payload == "{not json"
    assert listed[1].received_at == NOW + timedelta(seconds=1)
    assert counts == {"invalid_json": 2, "unknown_device": 1}
    assert [m.id for m in page] == [second.id]


async def test_a_huge_payload_is_kept_up_to_the_cap(sql_uow):
    big = rejected("invalid_schema", NOW, payload=b"x" * (MAX_PAYLOAD_CHARS + 10))
    async with sql_uow() as uow:
        await uow.rejected_messages.add(big)
        await uow.commit()
    async with sql_uow() as uow:
        (stored,) = await uow.rejected_messages.list()
    assert len(stored.payload) == MAX_PAYLOAD_CHARS

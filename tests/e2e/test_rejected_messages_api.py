"""GET /api/v1/admin/rejected-messages: the device messages CUIOT refused, for admins,
newest first, by device, reason and time, a page at a time, each payload cut short (a
hostile device may send large ones). Everyone else is refused before anything is read
(tests/e2e/test_function_level_authorization.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from cuiot.application.safety.ports import LISTED_PAYLOAD_CHARS
from cuiot.domain.rejections import RejectedMessage

URL = "/api/v1/admin/rejected-messages"
NOW = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)


async def keep(api, *messages: RejectedMessage) -> None:
    async with api.container.uow() as uow:
        for message in messages:
            await uow.rejected_messages.add(message)
        await uow.commit()


def refused(seconds: int, reason: str = "invalid_json", device: str | None = "bp-1",
            payload: bytes = b"{not json") -> RejectedMessage:
    return RejectedMessage.of_bytes(
        payload, id=uuid4(), received_at=NOW + timedelta(seconds=seconds), source="mqtt",
        topic=f"cuiot/devices/{device or ''}/telemetry", reason=reason,
        detail="Expecting property name", device_id=device)


async def test_an_admin_reads_them_newest_first_a_page_at_a_time(api):
    admin = await api.admin()
    first, second, third = refused(0), refused(1, "unknown_device", "ghost"), refused(2)
    await keep(api, first, second, third)
    page = await api.client.get(URL, headers=admin, params={"limit": 2})
    assert page.status_code == 200, page.text
    body = page.json()
    assert [m["id"] for m in body["items"]] == [str(third.id), str(second.id)]
    assert (body["offset"], body["limit"], body["next_offset"]) == (0, 2, 2)
    rest = (await api.client.get(URL, headers=admin, params={"offset": 2, "limit": 2})).json()
    assert [m["id"] for m in rest["items"]] == [str(first.id)] and rest["next_offset"] is None
    assert body["items"][1] | {"id": None} == {
        "id": None, "received_at": "2026-01-15T15:00:01Z", "source": "mqtt",
        "topic": "cuiot/devices/ghost/telemetry", "device_id": "ghost",
        "reason": "unknown_device", "detail": "Expecting property name",
        "payload": "{not json", "payload_chars": 9, "payload_truncated": False}


async def test_filtered_by_device_reason_and_time(api):
    admin = await api.admin()
    messages = [refused(0), refused(1, "unknown_device", "ghost"), refused(2, device=None),
                refused(3, "payload_too_large"), refused(4)]
    await keep(api, *messages)

    async def shown(**params: str) -> list[int]:
        answer = await api.client.get(URL, headers=admin, params=params)
        assert answer.status_code == 200, answer.text
        ids = [m.id for m in messages]
        return [ids.index(UUID(m["id"])) for m in answer.json()["items"]]

    assert await shown(device_id="bp-1") == [4, 3, 0]
    assert await shown(reason="invalid_json") == [4, 2, 0]
    assert await shown(device_id="bp-1", reason="payload_too_large") == [3]
    assert await shown(since="2026-01-15T15:00:01Z", until="2026-01-15T15:00:04Z") == [3, 2, 1]
    assert await shown(since="2026-01-15T12:00:03-03:00") == [4, 3]  # any zone
    assert await shown(device_id="nobody") == []


async def test_a_large_payload_is_cut_short_in_the_list(api):
    admin = await api.admin()
    await keep(api, refused(0, "payload_too_large", payload=b"x" * 70_000 + b"\xff"))
    [shown] = (await api.client.get(URL, headers=admin)).json()["items"]
    assert shown["payload"] == "x" * LISTED_PAYLOAD_CHARS
    assert (shown["payload_chars"], shown["payload_truncated"]) == (65_536, True)


async def test_bad_filters_and_pages_are_refused_for_an_admin_too(api):
    admin = await api.admin()
    for params in ({"limit": 201}, {"limit": 0}, {"offset": -1}, {"since": "yesterday"},
                   {"since": "2026-01-15T10:00:00"},  # no zone
                   {"reason": "x" * 41}, {"device_id": "bp\x01"},
                   {"since": "2026-01-16T00:00:00Z", "until": "2026-01-15T00:00:00Z"}):
        answer = await api.client.get(URL, headers=admin, params=params)
        assert answer.status_code == 422, (params, answer.text)
        assert set(answer.json()) == {"error", "message", "details"}


async def test_the_docs_show_the_route_with_examples(api):
    schema = (await api.client.get("/openapi.json")).json()
    operation = schema["paths"][URL]["get"]
    filters = {p["name"]: p for p in operation["parameters"]}
    assert {"device_id", "reason", "since", "until", "offset", "limit"} <= set(filters)
    assert all("examples" in filters[n]["schema"] or "examples" in filters[n]
               for n in ("device_id", "reason", "since", "until"))
    listed = schema["components"]["schemas"]["RejectedMessageOut"]["properties"]
    assert f"first {LISTED_PAYLOAD_CHARS:,} characters" in listed["payload"]["description"]
    assert {"403", "422"} <= set(operation["responses"])

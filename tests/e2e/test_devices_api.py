"""Devices, their telemetry and events through HTTP: registering under the package
limits, changing and removing, a device posting readings with its own key (stored once;
impossible ones refused and kept), the event feeds, and ownership (someone else's
device does not exist)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from cuiot.adapters.persistence.views.devices import SqlRejectedMessageViews
from cuiot.application.billing.commands.packages import SeedCatalogue
from cuiot.application.billing.commands.subscriptions import Subscribe, SubscribeCommand
from cuiot.application.care.commands.members import AddMember, AddMemberCommand
from cuiot.application.care.commands.persons import AddCaredPerson, AddCaredPersonCommand
from cuiot.application.safety.ports import RejectedMessageView
from cuiot.application.safety.queries.rejections import (
    ListRejectedMessages,
    ListRejectedMessagesQuery,
)
from cuiot.application.shared.queries import Viewer, Window
from cuiot.entrypoints.container import use_case
from tests.support.subscriptions import subscribe_account

V1 = "/api/v1"
BP_NORMAL = {"systolic": 120, "diastolic": 80, "pulse": 72}
BP_HIGH = {"systolic": 150, "diastolic": 95, "pulse": 80}
BP_CRITICAL = {"systolic": 190, "diastolic": 100, "pulse": 80}
BP_IMPOSSIBLE = {"systolic": 80, "diastolic": 120, "pulse": 72}


@dataclass
class Family:
    """An account holder (``headers``) and the cared person on their account."""

    headers: dict[str, str]
    user_id: UUID
    person_id: str


async def family(api, email: str, person: str = "Elena", subscribed: bool = True) -> Family:
    """``subscribed``: the account has a subscription in force (a package without
    limits): registering devices and inviting users need one."""
    headers = await api.user(email)
    user_id = await api.user_id(headers)
    if subscribed:
        await subscribe_account(api.container, user_id)
    cared = await use_case(api.container, AddCaredPerson)(AddCaredPersonCommand(
        user_id, person, "Gómez", date(1940, 3, 1)))
    return Family(headers, user_id, str(cared.id))


async def member_of(api, holder: Family, email: str) -> dict[str, str]:
    """A user the holder gave access to the person (sees, may not manage devices)."""
    headers = await api.user(email)
    await use_case(api.container, AddMember)(AddMemberCommand(holder.user_id,
                                                              UUID(holder.person_id), email))
    return headers


async def subscribe_basic(api, holder: Family) -> UUID:
    """The default catalogue, and the holder on its basic package (3 devices)."""
    basic = next(p for p in await use_case(api.container, SeedCatalogue)()
                 if p.type.value == "basic")
    await use_case(api.container, Subscribe)(SubscribeCommand(holder.user_id, basic.id,
                                                              "monthly"))
    return basic.id


async def register(api, holder: Family, device_id: str = "bp-1",
                   device_type: str = "blood_pressure", **extra: Any) -> dict[str, Any]:
    response = await api.client.post(f"{V1}/devices", headers=holder.headers, json={
        "device_id": device_id, "name": f"Equipo {device_id}", "device_type": device_type,
        "cared_person_id": holder.person_id} | extra)
    assert response.status_code == 201, response.text
    return response.json()


async def send(api, device: dict[str, Any], data: dict[str, Any], msg_id: str = "m-1",
               key: str | None = None, **extra: Any):
    """The device posts a reading with its own key (or ``key``)."""
    body = {"msg_id": msg_id, "type": device["device_type"], "data": data} | extra
    return await api.client.post(f"{V1}/devices/{device['device_id']}/telemetry", json=body,
                                 headers={"X-Device-Key": key or device["api_key"]})


async def rejected_messages(api) -> list[RejectedMessageView]:
    """What an admin reads of the messages refused (the query over its view)."""
    async with api.container.read_side().transaction() as conn:
        return await ListRejectedMessages(SqlRejectedMessageViews(conn),
                                          clock=api.container.clock())(
            ListRejectedMessagesQuery(Viewer(uuid4(), is_admin=True), Window(0, 100)))


def refusal(response, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.json()["error"] == error, response.text
    return response.json()["details"]


# --- devices ----------------------------------------------------------------------------
async def test_register_see_list_change_and_remove_a_device(api):
    ana = await family(api, "ana@example.com")
    device = await register(api, ana, location="living", config={"heartbeat_s": 60})
    assert len(device["api_key"]) >= 20
    assert {k: device[k] for k in ("device_id", "name", "device_type", "cared_person_id",
                                   "location", "config", "is_active", "status",
                                   "last_seen_at", "battery_level")} == {
        "device_id": "bp-1", "name": "Equipo bp-1", "device_type": "blood_pressure",
        "cared_person_id": ana.person_id, "location": "living", "config": {"heartbeat_s": 60},
        "is_active": True, "status": "unknown", "last_seen_at": None, "battery_level": None}
    url = f"{V1}/devices/{device['id']}"
    seen = (await api.client.get(url, headers=ana.headers)).json()
    assert "api_key" not in seen and seen == {k: v for k, v in device.items() if k != "api_key"}
    listed = (await api.client.get(f"{V1}/devices", headers=ana.headers)).json()
    assert [d["id"] for d in listed["items"]] == [device["id"]]
    changed = await api.client.patch(url, headers=ana.headers, json={
        "name": "Tensiómetro", "config": {"bp_critical_systolic_above": 170}})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["name"], changed.json()["location"], changed.json()["config"]) == (
        "Tensiómetro", "living", {"bp_critical_systolic_above": 170})
    removed = await api.client.delete(url, headers=ana.headers)
    assert removed.status_code == 200 and removed.json()["is_active"] is False
    assert (await api.client.get(url, headers=ana.headers)).json()["is_active"] is False
    refusal(await api.client.delete(url, headers=ana.headers), 409, "invalid_state_transition")
    refusal(await send(api, device, BP_NORMAL), 401, "unauthenticated")  # refused from now on


async def test_registering_and_changing_refusals(api):
    ana = await family(api, "ana@example.com")
    await register(api, ana)
    body = {"device_id": "bp-2", "name": "Otro", "device_type": "blood_pressure",
            "cared_person_id": ana.person_id}
    post = api.client.post
    refusal(await post(f"{V1}/devices", headers=ana.headers, json=body | {"device_id": "bp-1"}),
            409, "conflict")
    refusal(await post(f"{V1}/devices", headers=ana.headers, json=body | {"device_id": "a/b"}),
            422, "validation_error")
    refusal(await post(f"{V1}/devices", headers=ana.headers, json=body | {"device_type": "tv"}),
            422, "validation_error")
    refusal(await post(f"{V1}/devices", headers=ana.headers,
                       json=body | {"config": {"volume": 3}}), 422, "validation_error")
    refusal(await post(f"{V1}/devices", headers=ana.headers,
                       json=body | {"config": {"heartbeat_s": 10**30}}), 422, "validation_error")
    refusal(await post(f"{V1}/devices", headers=ana.headers, json=body | {"owner": "x"}),
            422, "validation_error")
    refusal(await post(f"{V1}/devices", headers=ana.headers, json=body | {"name": "a\x00b"}),
            422, "validation_error")  # PostgreSQL refuses NUL in text: never a 500
    refusal(await post(f"{V1}/devices", json=body), 401, "unauthenticated")
    member = await member_of(api, ana, "bea@example.com")  # sees Elena, does not manage
    refusal(await post(f"{V1}/devices", headers=member, json=body), 403, "forbidden")
    listed = (await api.client.get(f"{V1}/devices", headers=member)).json()
    url = f"{V1}/devices/{listed['items'][0]['id']}"
    refusal(await api.client.patch(url, headers=member, json={"name": "Mío"}), 403, "forbidden")
    refusal(await api.client.delete(url, headers=member), 403, "forbidden")
    refusal(await api.client.patch(url, headers=ana.headers, json={"name": " "}),
            422, "validation_error")


async def test_registering_past_the_package_limit_is_refused_with_the_numbers(api):
    ana = await family(api, "ana@example.com", subscribed=False)
    await subscribe_basic(api, ana)
    for n in range(3):
        await register(api, ana, f"bp-{n}")
    response = await api.client.post(f"{V1}/devices", headers=ana.headers, json={
        "device_id": "bp-3", "name": "Cuarto", "device_type": "blood_pressure",
        "cared_person_id": ana.person_id})
    details = refusal(response, 409, "package_limit_exceeded")
    assert details["exceeded"] == [  # the usage before the refused addition
        {"dimension": "devices", "used": 3, "requested": 1, "limit": 3}]


async def test_device_lists_are_paginated_and_filtered_by_person(api):
    ana = await family(api, "ana@example.com")
    raul_id = str((await use_case(api.container, AddCaredPerson)(AddCaredPersonCommand(
        ana.user_id, "Raúl", "Gómez", date(1938, 5, 2)))).id)
    for n in range(3):
        await register(api, ana, f"bp-{n}")
    await register(api, ana, "gas-1", "gas_sensor", cared_person_id=raul_id)
    first = (await api.client.get(f"{V1}/devices?limit=3", headers=ana.headers)).json()
    assert [d["device_id"] for d in first["items"]] == ["bp-0", "bp-1", "bp-2"]
    assert first["next_offset"] == 3
    rest = (await api.client.get(f"{V1}/devices?offset=3&limit=3", headers=ana.headers)).json()
    assert [d["device_id"] for d in rest["items"]] == ["gas-1"] and rest["next_offset"] is None
    raul = (await api.client.get(f"{V1}/devices?cared_person_id={raul_id}",
                                 headers=ana.headers)).json()
    assert [d["device_id"] for d in raul["items"]] == ["gas-1"]
    refusal(await api.client.get(f"{V1}/devices?limit=0", headers=ana.headers),
            422, "validation_error")


# --- telemetry --------------------------------------------------------------------------
async def test_a_reading_is_stored_once_and_listed_with_its_device(api):
    ana = await family(api, "ana@example.com")
    device = await register(api, ana)
    stored = await send(api, device, BP_HIGH, ts="2026-01-15T10:30:00-03:00", battery_level=85)
    assert stored.status_code == 201, stored.text
    assert stored.json()["outcome"] == "stored" and len(stored.json()["event_ids"]) == 1
    assert len(stored.json()["alert_ids"]) == 1 and stored.json()["battery_rejected"] is None
    again = await send(api, device, BP_HIGH, ts="2026-01-15T10:30:00-03:00")
    assert again.status_code == 200 and again.json() == {
        "outcome": "duplicate", "event_ids": [], "alert_ids": [], "battery_rejected": None}
    events = (await api.client.get(f"{V1}/devices/{device['id']}/events",
                                   headers=ana.headers)).json()
    (event,) = events["items"]
    assert event["id"] == stored.json()["event_ids"][0] and events["next_offset"] is None
    assert {k: event[k] for k in ("event_type", "severity", "device_id", "device_pk",
                                  "cared_person_id", "timestamp", "sensor_data", "alert_id")} == {
        "event_type": "blood_pressure", "severity": "high", "device_id": "bp-1",
        "device_pk": device["id"], "cared_person_id": ana.person_id,
        "timestamp": "2026-01-15T13:30:00Z", "sensor_data": BP_HIGH,
        "alert_id": stored.json()["alert_ids"][0]}
    seen = (await api.client.get(f"{V1}/devices/{device['id']}", headers=ana.headers)).json()
    assert (seen["status"], seen["battery_level"]) == ("online", 85)


async def test_a_reading_without_time_takes_the_receive_time(api):
    ana = await family(api, "ana@example.com")
    device = await register(api, ana)
    assert (await send(api, device, BP_NORMAL)).status_code == 201
    (event,) = (await api.client.get(f"{V1}/events", headers=ana.headers)).json()["items"]
    assert event["timestamp"] == event["received_at"]


async def test_only_the_devices_own_key_is_accepted(api):
    ana = await family(api, "ana@example.com")
    device, other = await register(api, ana), await register(api, ana, "bp-2")
    refusal(await send(api, device, BP_NORMAL, key="not-the-key"), 401, "unauthenticated")
    refusal(await send(api, device, BP_NORMAL, key=other["api_key"]), 401, "unauthenticated")
    refusal(await send(api, device | {"device_id": "ghost"}, BP_NORMAL), 401, "unauthenticated")
    missing = await api.client.post(f"{V1}/devices/bp-1/telemetry", json={
        "msg_id": "m-1", "type": "blood_pressure", "data": BP_NORMAL})
    refusal(missing, 401, "unauthenticated")
    bearer = await api.client.post(f"{V1}/devices/bp-1/telemetry", headers=ana.headers, json={
        "msg_id": "m-1", "type": "blood_pressure", "data": BP_NORMAL})
    refusal(bearer, 401, "unauthenticated")  # a person's token is not the device's key
    assert (await api.client.get(f"{V1}/events", headers=ana.headers)).json()["items"] == []
    assert await rejected_messages(api) == []


async def test_an_impossible_reading_is_refused_and_kept_as_rejected(api):
    ana = await family(api, "ana@example.com")
    device = await register(api, ana)
    details = refusal(await send(api, device, BP_IMPOSSIBLE, msg_id="m-7"), 422,
                      "invalid_reading")
    assert details["field"] == "systolic"
    refusal(await send(api, device, BP_NORMAL, msg_id="m-8", ts="2026-01-15T10:30:00"),
            422, "invalid_reading")  # a time without zone
    refusal(await send(api, device, {"CO": 3}, msg_id="m-9", type="gas_sensor"),
            422, "invalid_reading")  # not what this device measures
    kept = await rejected_messages(api)
    assert {(m.source, m.reason, m.device_id, m.topic) for m in kept} == {
        ("http", "invalid_reading", "bp-1", "cuiot/devices/bp-1/telemetry")}
    assert {m.payload.count('"m-7"') + m.payload.count('"m-8"') + m.payload.count('"m-9"')
            for m in kept} == {1} and len(kept) == 3
    assert (await api.client.get(f"{V1}/events", headers=ana.headers)).json()["items"] == []
    assert (await send(api, device, BP_NORMAL, msg_id="m-7")).status_code == 201


async def test_malformed_telemetry_is_a_schema_error_never_a_server_error(api):
    ana = await family(api, "ana@example.com")
    device = await register(api, ana)
    url, key = f"{V1}/devices/bp-1/telemetry", {"X-Device-Key": device["api_key"],
                                                "content-type": "application/json"}
    start = b'{"msg_id": "m", "type": "blood_pressure", '
    bodies = [start[:-2] + b"}",  # no data
              start + b'"data": {"pulse": NaN}}',
              start + b'"data": {"note": "a\\u0000b"}}',
              start + b'"data": {"note": "\\ud800"}}',
              start + b'"data": {}, "ts": "0001-01-01T00:00+05:00"}',  # before year 1 in UTC
              start + b'"data": {}, "ts": 1768476600}',  # a time is ISO 8601 text
              start + b'"data": {}, "battery_level": "85"}',
              start + b'"data": [1]}',
              b'{"msg_id": "m\\u0000", "type": "blood_pressure", "data": {}}']
    for body in bodies:
        refusal(await api.client.post(url, content=body, headers=key), 422, "validation_error")
    assert await rejected_messages(api) == []


async def test_the_devices_key_is_checked_before_its_body_is_read(api):
    """Authorization before validation: without the device's own key a body is 401 like
    any other, never a 422 telling what a reading should look like."""
    ana = await family(api, "ana@example.com")
    device = await register(api, ana)
    key = {"X-Device-Key": device["api_key"]}
    for body in ({}, {"msg_id": 7, "data": "x"}, [], "not an object"):
        for url, headers in [(f"{V1}/devices/bp-1/telemetry", {}),
                             (f"{V1}/devices/bp-1/telemetry", {"X-Device-Key": "not-the-key"}),
                             (f"{V1}/devices/bp-1/telemetry", ana.headers),
                             (f"{V1}/devices/ghost/telemetry", key),
                             (f"{V1}/devices/{'x' * 65}/telemetry", key)]:
            refusal(await api.client.post(url, json=body, headers=headers), 401,
                    "unauthenticated")
        refusal(await api.client.post(f"{V1}/devices/bp-1/telemetry", json=body, headers=key),
                422, "validation_error")
    assert await rejected_messages(api) == []


async def test_the_event_feed_filters_by_person_severity_and_time(api):
    ana = await family(api, "ana@example.com")
    device = await register(api, ana)
    for n, (data, ts) in enumerate([(BP_NORMAL, "2026-01-15T10:00:00Z"),
                                    (BP_HIGH, "2026-01-15T11:00:00Z"),
                                    (BP_NORMAL, "2026-01-15T12:00:00Z")]):
        assert (await send(api, device, data, msg_id=f"m-{n}", ts=ts)).status_code == 201

    async def feed(query: str) -> dict[str, Any]:
        response = await api.client.get(f"{V1}/events?{query}", headers=ana.headers)
        assert response.status_code == 200, response.text
        return response.json()

    first = await feed("limit=2")
    assert [e["timestamp"] for e in first["items"]] == ["2026-01-15T12:00:00Z",
                                                        "2026-01-15T11:00:00Z"]
    assert first["next_offset"] == 2 and (await feed("offset=2&limit=2"))["next_offset"] is None
    assert [e["severity"] for e in (await feed("severity=high"))["items"]] == ["high"]
    since = await feed("since=2026-01-15T08:00:00-03:00")  # 11:00Z, included
    assert [e["timestamp"] for e in since["items"]] == ["2026-01-15T12:00:00Z",
                                                        "2026-01-15T11:00:00Z"]
    assert len((await feed(f"cared_person_id={ana.person_id}"))["items"]) == 3
    device_feed = (await api.client.get(f"{V1}/devices/{device['id']}/events?limit=1",
                                        headers=ana.headers)).json()
    assert len(device_feed["items"]) == 1 and device_feed["next_offset"] == 1
    for query in ("severity=dire", "since=2026-01-15T08:30:00", "since=yesterday",
                  "cared_person_id=42"):
        refusal(await api.client.get(f"{V1}/events?{query}", headers=ana.headers),
                422, "validation_error")


# --- ownership --------------------------------------------------------------------------
async def test_someone_elses_devices_and_events_do_not_exist(api):
    ana = await family(api, "ana@example.com")
    device = await register(api, ana)
    assert (await send(api, device, BP_HIGH)).status_code == 201
    carlos = await family(api, "carlos@example.com", "Marta")
    url = f"{V1}/devices/{device['id']}"
    for response in (await api.client.get(url, headers=carlos.headers),
                     await api.client.patch(url, headers=carlos.headers, json={"name": "Mío"}),
                     await api.client.delete(url, headers=carlos.headers),
                     await api.client.get(f"{url}/events", headers=carlos.headers),
                     await api.client.get(f"{V1}/devices?cared_person_id={ana.person_id}",
                                          headers=carlos.headers),
                     await api.client.get(f"{V1}/events?cared_person_id={ana.person_id}",
                                          headers=carlos.headers)):
        refusal(response, 404, "not_found")
    refusal(await api.client.post(f"{V1}/devices", headers=carlos.headers, json={
        "device_id": "bp-9", "name": "Mío", "device_type": "blood_pressure",
        "cared_person_id": ana.person_id}), 404, "not_found")
    for path in ("devices", "events"):
        page = (await api.client.get(f"{V1}/{path}", headers=carlos.headers)).json()
        assert page["items"] == []
    seen = (await api.client.get(url, headers=ana.headers)).json()
    assert (seen["name"], seen["is_active"]) == ("Equipo bp-1", True)  # untouched

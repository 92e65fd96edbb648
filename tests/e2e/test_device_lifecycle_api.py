"""A device's life through HTTP, on SQLite and PostgreSQL: registered again once removed,
reactivated, moved, given a new key; and the subscription gate (402
``subscription_required``) on registering, adding a person and inviting, never on
telemetry. Someone else's device is 404 whatever the body says."""

from __future__ import annotations

from uuid import uuid4

from tests.e2e.test_care_api import ROSA
from tests.e2e.test_devices_api import (
    BP_CRITICAL,
    BP_NORMAL,
    V1,
    family,
    member_of,
    refusal,
    register,
    send,
)


def device_url(device: dict, action: str = "") -> str:
    return f"{V1}/devices/{device['id']}" + (f"/{action}" if action else "")


async def test_without_a_subscription_registering_and_inviting_are_402(api):
    ana = await family(api, "ana@example.com", subscribed=False)
    await api.user("bea@example.com")
    body = {"device_id": "bp-1", "name": "Tensiómetro", "device_type": "blood_pressure",
            "cared_person_id": ana.person_id}
    refused = await api.client.post(f"{V1}/devices", headers=ana.headers, json=body)
    assert refusal(refused, 402, "subscription_required") == {"action": "register_device"}
    assert "subscription in force" in refused.json()["message"]
    second = await api.client.post(f"{V1}/cared-persons", headers=ana.headers, json=ROSA)
    assert refusal(second, 402, "subscription_required") == {"action": "add_cared_person"}
    invited = await api.client.post(f"{V1}/cared-persons/{ana.person_id}/members",
                                    headers=ana.headers, json={"email": "bea@example.com"})
    assert refusal(invited, 402, "subscription_required") == {"action": "invite_user"}
    admin = await api.admin()  # admins are not gated
    by_admin = await api.client.post(f"{V1}/devices", headers=admin, json=body)
    assert by_admin.status_code == 201, by_admin.text
    sent = await send(api, by_admin.json(), BP_CRITICAL)  # nor is the safety path
    assert sent.status_code == 201 and len(sent.json()["alert_ids"]) == 1


async def test_a_removed_device_id_is_registered_again_as_a_new_device(api):
    ana = await family(api, "ana@example.com")
    old = await register(api, ana)
    refusal(await api.client.post(f"{V1}/devices", headers=ana.headers, json={
        "device_id": "bp-1", "name": "Otro", "device_type": "blood_pressure",
        "cared_person_id": ana.person_id}), 409, "conflict")
    assert (await send(api, old, BP_NORMAL, "m-1")).status_code == 201
    assert (await api.client.delete(device_url(old), headers=ana.headers)).status_code == 200
    new = await register(api, ana)
    assert new["id"] != old["id"] and new["api_key"] != old["api_key"]
    refusal(await send(api, new, BP_NORMAL, "m-2", key=old["api_key"]), 401, "unauthenticated")
    assert (await send(api, new, BP_NORMAL, "m-1")).status_code == 201  # a new device's m-1
    listed = (await api.client.get(f"{V1}/devices", headers=ana.headers)).json()["items"]
    assert [(d["id"], d["is_active"]) for d in listed] == [(old["id"], False), (new["id"], True)]
    events = (await api.client.get(device_url(old, "events"), headers=ana.headers)).json()
    assert len(events["items"]) == 1  # its history stays its own


async def test_reactivating_a_removed_device(api):
    ana = await family(api, "ana@example.com")
    device = await register(api, ana)
    url = device_url(device, "reactivate")
    refusal(await api.client.post(url, headers=ana.headers), 409, "invalid_state_transition")
    await api.client.delete(device_url(device), headers=ana.headers)
    back = await api.client.post(url, headers=ana.headers)
    assert back.status_code == 200, back.text
    assert (back.json()["is_active"], back.json()["status"]) == (True, "unknown")
    assert (await send(api, device, BP_NORMAL)).status_code == 201  # with its own key
    await api.client.delete(device_url(device), headers=ana.headers)
    await register(api, ana)  # another device holds bp-1 now
    held = refusal(await api.client.post(url, headers=ana.headers), 409, "conflict")
    assert held["device_id"] == "bp-1"


async def test_moving_a_device_sends_what_follows_to_the_other_person(api):
    ana = await family(api, "ana@example.com")
    raul = (await api.client.post(f"{V1}/cared-persons", headers=ana.headers,
                                  json=ROSA | {"first_name": "Raúl"})).json()
    device = await register(api, ana)
    first = (await send(api, device, BP_CRITICAL, "m-1")).json()["alert_ids"]
    moved = await api.client.post(device_url(device, "move"), headers=ana.headers,
                                  json={"cared_person_id": raul["id"]})
    assert moved.status_code == 200, moved.text
    assert moved.json()["cared_person_id"] == raul["id"]
    second = (await send(api, device, BP_CRITICAL, "m-2")).json()["alert_ids"]
    assert second != first
    alerts = (await api.client.get(f"{V1}/alerts", headers=ana.headers)).json()["items"]
    assert {(a["id"], a["cared_person_id"], a["occurrences"]) for a in alerts} == {
        (first[0], ana.person_id, 1), (second[0], raul["id"], 1)}
    again = await api.client.post(device_url(device, "move"), headers=ana.headers,
                                  json={"cared_person_id": raul["id"]})
    refusal(again, 409, "invalid_state_transition")


async def test_a_device_moves_only_within_its_account(api):
    ana, carlos = await family(api, "ana@example.com"), await family(api, "carlos@example.com",
                                                                     "Marta")
    device = await register(api, ana)
    elsewhere = await api.client.post(device_url(device, "move"), headers=ana.headers,
                                      json={"cared_person_id": carlos.person_id})
    refusal(elsewhere, 404, "not_found")  # a person Ana does not see does not exist
    await api.client.post(f"{V1}/cared-persons/{carlos.person_id}/members",
                          headers=carlos.headers, json={"email": "ana@example.com"})
    still = await api.client.post(device_url(device, "move"), headers=ana.headers,
                                  json={"cared_person_id": carlos.person_id})
    refusal(still, 403, "forbidden")  # she sees Marta, but may not give her devices


async def test_authorization_comes_before_the_body(api):
    ana = await family(api, "ana@example.com")
    bea = await member_of(api, ana, "bea@example.com")
    zoe = await family(api, "zoe@example.com", "Marta")
    device = await register(api, ana)
    url = device_url(device, "move")
    for body in ({"cared_person_id": "not-a-uuid"}, {"extra": 1}, None):
        refusal(await api.client.post(url, headers=zoe.headers, json=body), 404, "not_found")
        refusal(await api.client.post(url, headers=bea, json=body), 403, "forbidden")
        refusal(await api.client.post(url, headers=ana.headers, json=body),
                422, "validation_error")
    unknown = f"{V1}/devices/{uuid4()}/move"
    refusal(await api.client.post(unknown, headers=ana.headers, json={}), 404, "not_found")
    for action in ("reactivate", "rotate-key"):
        refusal(await api.client.post(device_url(device, action), headers=zoe.headers),
                404, "not_found")
        refusal(await api.client.post(device_url(device, action), headers=bea), 403,
                "forbidden")


async def test_a_new_key_works_at_once_and_the_old_one_no_more(api):
    ana = await family(api, "ana@example.com")
    device = await register(api, ana)
    rotated = await api.client.post(device_url(device, "rotate-key"), headers=ana.headers)
    assert rotated.status_code == 200, rotated.text
    new_key = rotated.json()["api_key"]
    assert new_key and new_key != device["api_key"]
    refusal(await send(api, device, BP_NORMAL, "m-1"), 401, "unauthenticated")
    assert (await send(api, device, BP_NORMAL, "m-1", key=new_key)).status_code == 201
    seen = (await api.client.get(device_url(device), headers=ana.headers)).json()
    assert "api_key" not in seen


async def test_the_openapi_documents_the_402_with_its_example(api):
    paths = (await api.client.get("/openapi.json")).json()["paths"]
    gated = {("/devices", "post"): "register_device",
             ("/devices/{device_pk}/reactivate", "post"): "reactivate_device",
             ("/cared-persons", "post"): "add_cared_person",
             ("/cared-persons/{cared_person_id}/members", "post"): "invite_user",
             ("/cared-persons/{cared_person_id}/caregivers", "post"): "invite_user",
             ("/institutions/{institution_id}/staff", "post"): "invite_user"}
    for (path, method), action in gated.items():
        answer = paths[V1 + path][method]["responses"]["402"]
        example = answer["content"]["application/json"]["example"]
        assert (example["error"], example["details"]) == ("subscription_required",
                                                          {"action": action}), path
    telemetry = paths[V1 + "/devices/{device_id}/telemetry"]["post"]["responses"]
    assert "402" not in telemetry
    for action in ("move", "rotate-key"):
        assert f"{V1}/devices/{{device_pk}}/{action}" in paths

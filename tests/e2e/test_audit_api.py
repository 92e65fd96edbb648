"""The audit log through HTTP, on SQLite and PostgreSQL: every change that matters to
safety or money, made through the API, is read back once from ``GET /api/v1/audit`` with
who made it and to what; a refused change leaves nothing; admins filter and page the log;
nobody else learns anything of it, whatever they ask."""

from __future__ import annotations

from collections import Counter
from typing import Any

from cuiot.application.billing.commands.packages import SeedCatalogue
from cuiot.entrypoints.container import use_case
from tests.e2e.conftest import Api
from tests.e2e.test_care_api import ROSA, request_representation

V1 = "/api/v1"
BP_CRITICAL = {"systolic": 190, "diastolic": 100, "pulse": 80}
PACKAGE = {"type": "premium", "name": "Premium Plus", "price_monthly_cents": 5_000_000,
           "max_users": 12, "max_devices": 25, "max_storage_gb": 150,
           "support_level": "phone", "features": ["alerts", "reports"]}


async def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


async def audit(api: Api, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    return await ok(await api.client.get(f"{V1}/audit", headers=headers, params=params))


async def a_family_with_an_alert(api: Api, admin: dict[str, str]) -> dict[str, Any]:
    """Lucía subscribes (her invoice paid by the admin), adds her mother Rosa (her
    representation verified by the admin) and Rosa's blood-pressure meter, which sends a
    critical reading."""
    lucia = await api.user("lucia@example.com")
    familiar = next(p for p in await use_case(api.container, SeedCatalogue)()
                    if p.type.value == "familiar")
    subscribed = await ok(await api.client.post(f"{V1}/user-packages/", headers=lucia, json={
        "package_id": str(familiar.id), "billing_cycle": "monthly"}), 201)
    invoice = subscribed["invoice"]["id"]
    await ok(await api.client.post(f"{V1}/invoices/{invoice}/mark-paid", headers=admin))
    rosa = await ok(await api.client.post(f"{V1}/cared-persons", headers=lucia, json=ROSA), 201)
    representation = await request_representation(api, lucia, rosa["id"])
    await ok(await api.client.post(
        f"{V1}/legal-capacity/representations/{representation['id']}/verify", headers=admin))
    device = await ok(await api.client.post(f"{V1}/devices", headers=lucia, json={
        "device_id": "bp-1", "name": "Tensiómetro", "device_type": "blood_pressure",
        "cared_person_id": rosa["id"]}), 201)
    sent = await ok(await api.client.post(
        f"{V1}/devices/bp-1/telemetry", headers={"X-Device-Key": device["api_key"]},
        json={"msg_id": "m-1", "type": "blood_pressure", "data": BP_CRITICAL}), 201)
    (alert_id,) = sent["alert_ids"]
    return {"lucia": lucia, "lucia_id": await api.user_id(lucia), "invoice": invoice,
            "representation": representation["id"], "alert": alert_id}


async def test_each_change_is_recorded_once_with_who_made_it_and_to_what(api: Api):
    admin = await api.admin()
    admin_id = await api.user_id(admin)
    family = await a_family_with_an_alert(api, admin)
    lucia, lucia_id, alert = family["lucia"], family["lucia_id"], family["alert"]
    package = await ok(await api.client.post(f"{V1}/packages/", headers=admin, json=PACKAGE),
                       201)
    path = f"{V1}/packages/{package['id']}"
    await ok(await api.client.put(path, headers=admin, json=PACKAGE | {"name": "Premium Max"}))
    await ok(await api.client.delete(path, headers=admin))
    roles = f"{V1}/users/{lucia_id}/roles"
    await ok(await api.client.post(roles, headers=admin, json={"role": "caregiver"}))
    await ok(await api.client.delete(f"{roles}/caregiver", headers=admin))
    await ok(await api.client.post(f"{V1}/alerts/{alert}/acknowledge", headers=lucia))
    await ok(await api.client.post(f"{V1}/alerts/{alert}/resolve", headers=admin))
    # Refused: twice, by someone else, or not allowed. None of them is recorded.
    for refused, status in [
        (api.client.post(f"{V1}/alerts/{alert}/acknowledge", headers=lucia), 409),
        (api.client.post(f"{V1}/alerts/{alert}/resolve", headers=lucia), 409),
        (api.client.post(f"{V1}/invoices/{family['invoice']}/mark-paid", headers=admin), 409),
        (api.client.post(f"{V1}/invoices/{family['invoice']}/mark-paid", headers=lucia), 403),
        (api.client.post(roles, headers=lucia, json={"role": "admin"}), 403),
        (api.client.delete(f"{roles}/caregiver", headers=admin), 409),
        (api.client.delete(path, headers=admin), 409),
    ]:
        assert (await refused).status_code == status

    entries = (await audit(api, admin, limit=200))["items"]
    seen = {(e["action"], e["actor_id"], e["subject_type"], e["subject_id"]) for e in entries}
    admin_, lucia_ = str(admin_id), str(lucia_id)
    assert Counter(e["action"] for e in entries) == Counter({
        "role.granted": 2, "role.revoked": 1, "invoice.paid": 1,
        "representation.verified": 1, "package.created": 1, "package.changed": 1,
        "package.deactivated": 1, "alert.acknowledged": 1, "alert.resolved": 1})
    assert seen == {
        ("role.granted", None, "user", admin_),  # the operator made the first admin
        ("invoice.paid", admin_, "invoice", family["invoice"]),
        ("representation.verified", admin_, "representation", family["representation"]),
        ("package.created", admin_, "package", package["id"]),
        ("package.changed", admin_, "package", package["id"]),
        ("package.deactivated", admin_, "package", package["id"]),
        ("role.granted", admin_, "user", lucia_),
        ("role.revoked", admin_, "user", lucia_),
        ("alert.acknowledged", lucia_, "alert", alert),
        ("alert.resolved", admin_, "alert", alert)}
    by_action = {e["action"]: e for e in entries if e["actor_id"] is not None}
    assert by_action["alert.acknowledged"]["actor_name"] == "Ana Paz"  # Lucía's registration
    assert by_action["alert.acknowledged"]["subject_label"] == "presión arterial · Rosa Gómez"
    assert by_action["package.changed"]["details"] == {
        "changes": {"name": ["Premium Plus", "Premium Max"]}}
    assert by_action["role.granted"]["subject_label"] == "Ana Paz"
    assert by_action["invoice.paid"]["subject_label"].startswith("CU-")
    assert [e["at"] for e in entries] == sorted((e["at"] for e in entries), reverse=True)


async def test_admins_filter_and_page_the_log(api: Api):
    admin = await api.admin()
    admin_id = await api.user_id(admin)
    people = [await api.user(f"user{n}@example.com") for n in range(3)]
    ids = [await api.user_id(h) for h in people]
    for user_id in ids:
        await ok(await api.client.post(f"{V1}/users/{user_id}/roles", headers=admin,
                                       json={"role": "caregiver"}))
    granted = await audit(api, admin, action="role.granted", actor_id=str(admin_id), limit=2)
    assert [e["subject_id"] for e in granted["items"]] == [str(ids[2]), str(ids[1])]
    assert (granted["offset"], granted["limit"], granted["next_offset"]) == (0, 2, 2)
    rest = await audit(api, admin, action="role.granted", actor_id=str(admin_id), offset=2,
                       limit=2)
    assert ([e["subject_id"] for e in rest["items"]], rest["next_offset"]) == ([str(ids[0])],
                                                                             None)
    one = await audit(api, admin, subject_id=str(ids[1]), subject_type="user")
    assert [(e["action"], e["subject_id"]) for e in one["items"]] == [("role.granted",
                                                                       str(ids[1]))]
    middle = granted["items"][-1]["at"]  # ids[1]'s
    assert len((await audit(api, admin, since=middle))["items"]) == 2  # ids[1] and ids[2]
    assert len((await audit(api, admin, until=middle))["items"]) == 2  # the bootstrap, ids[0]
    assert (await audit(api, admin, action="invoice.paid"))["items"] == []


async def test_an_admin_gets_the_query_checked(api: Api):
    admin = await api.admin()
    for params in [{"action": "alert.deleted"}, {"subject_type": "device"},
                   {"since": "yesterday"}, {"since": "2026-01-15T10:00:00"},  # no zone
                   {"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"},
                   {"action": "invoice.paid", "subject_type": "alert"},
                   {"limit": 201}, {"limit": 0}, {"offset": -1}, {"actor_id": "ana"}]:
        refused = await api.client.get(f"{V1}/audit", headers=admin, params=params)
        assert refused.status_code == 422, (params, refused.text)
        assert refused.json()["error"] == "validation_error", refused.text


async def test_nobody_else_reads_the_log_whatever_they_ask(api: Api):
    await api.admin()
    lucia = await api.user("lucia@example.com")
    for params in [{}, {"action": "role.granted"}, {"action": "alert.deleted"},
                   {"limit": 5000}, {"since": "yesterday"}]:
        refused = await api.client.get(f"{V1}/audit", headers=lucia, params=params)
        assert (refused.status_code, refused.json()) == (403, {
            "error": "forbidden", "message": refused.json()["message"], "details": {}})
        anonymous = await api.client.get(f"{V1}/audit", params=params)
        assert (anonymous.status_code, anonymous.json()["error"]) == (401, "unauthenticated")

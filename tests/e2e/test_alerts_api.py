"""Alerts through HTTP: a serious reading a device posts opens one, people with access
see it, acknowledge it (once) and resolve it (once); nobody else finds it; and an
account over its package limits still gets its alerts."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from cuiot.application.billing.commands.packages import UpdatePackage, UpdatePackageCommand
from cuiot.entrypoints.container import use_case
from tests.e2e.test_devices_api import (
    BP_CRITICAL,
    BP_HIGH,
    V1,
    family,
    member_of,
    refusal,
    register,
    send,
    subscribe_basic,
)

GAS_CO2_HIGH = {"CO": 5, "CO2": 1200, "smoke": 0.01}  # medium


async def alerts(api, headers: dict[str, str], query: str = "") -> dict[str, Any]:
    response = await api.client.get(f"{V1}/alerts?{query}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_critical_reading_opens_an_alert_a_member_acknowledges_and_resolves(api):
    ana = await family(api, "ana@example.com")
    bea = await member_of(api, ana, "bea@example.com")
    device = await register(api, ana)
    sent = await send(api, device, BP_CRITICAL)
    assert sent.status_code == 201, sent.text
    (alert,) = (await alerts(api, bea))["items"]
    assert [alert["id"]] == sent.json()["alert_ids"]
    assert {k: alert[k] for k in ("alert_type", "severity", "status", "escalation_level",
                                  "occurrences", "cared_person_id", "device_id", "device_pk",
                                  "acknowledged_at", "resolved_at")} == {
        "alert_type": "blood_pressure", "severity": "critical", "status": "pending",
        "escalation_level": 1, "occurrences": 1, "cared_person_id": ana.person_id,
        "device_id": "bp-1", "device_pk": device["id"], "acknowledged_at": None,
        "resolved_at": None}
    url = f"{V1}/alerts/{alert['id']}"
    assert (await api.client.get(url, headers=bea)).json() == alert
    acked = await api.client.post(f"{url}/acknowledge", headers=bea)
    assert acked.status_code == 200, acked.text
    assert acked.json()["status"] == "acknowledged" and acked.json()["acknowledged_at"]
    assert acked.json()["acknowledged_by"] == str(await api.user_id(bea))
    refusal(await api.client.post(f"{url}/acknowledge", headers=ana.headers),
            409, "invalid_state_transition")
    resolved = await api.client.post(f"{url}/resolve", headers=bea)
    assert resolved.status_code == 200, resolved.text
    assert (resolved.json()["status"], resolved.json()["acknowledged_at"]) == (
        "resolved", acked.json()["acknowledged_at"])
    assert resolved.json()["resolved_at"] and resolved.json()["device_id"] == "bp-1"
    refusal(await api.client.post(f"{url}/resolve", headers=ana.headers),
            409, "invalid_state_transition")
    refusal(await api.client.post(f"{url}/acknowledge", headers=ana.headers),
            409, "invalid_state_transition")


async def test_readings_of_the_same_kind_join_the_open_alert(api):
    ana = await family(api, "ana@example.com")
    device = await register(api, ana)
    first = (await send(api, device, BP_HIGH, msg_id="m-1")).json()
    again = (await send(api, device, BP_CRITICAL, msg_id="m-2")).json()
    assert first["alert_ids"] == again["alert_ids"]
    (alert,) = (await alerts(api, ana.headers))["items"]
    assert (alert["occurrences"], alert["severity"]) == (2, "critical")


async def test_alerts_are_filtered_and_paginated(api):
    ana = await family(api, "ana@example.com")
    bp, gas = await register(api, ana), await register(api, ana, "gas-1", "gas_sensor")
    assert (await send(api, bp, BP_CRITICAL)).status_code == 201
    assert (await send(api, gas, GAS_CO2_HIGH)).status_code == 201
    everything = await alerts(api, ana.headers)
    assert {a["device_id"] for a in everything["items"]} == {"bp-1", "gas-1"}
    medium = await alerts(api, ana.headers, "severity=medium")
    assert [(a["alert_type"], a["device_id"]) for a in medium["items"]] == [("gas_sensor",
                                                                              "gas-1")]
    gas_alert = medium["items"][0]["id"]
    await api.client.post(f"{V1}/alerts/{gas_alert}/acknowledge", headers=ana.headers)
    assert [a["id"] for a in (await alerts(api, ana.headers, "status=acknowledged"))["items"]] \
        == [gas_alert]
    assert len((await alerts(api, ana.headers, "status=pending"))["items"]) == 1
    assert len((await alerts(api, ana.headers, f"cared_person_id={ana.person_id}"))["items"]) == 2
    first = await alerts(api, ana.headers, "limit=1")
    rest = await alerts(api, ana.headers, "offset=1&limit=1")
    assert first["next_offset"] == 1 and rest["next_offset"] is None
    assert {first["items"][0]["id"], rest["items"][0]["id"]} == {a["id"] for a in
                                                                  everything["items"]}
    for query in ("status=lost", "severity=dire", "limit=201", "offset=-1"):
        refusal(await api.client.get(f"{V1}/alerts?{query}", headers=ana.headers),
                422, "validation_error")
    refusal(await api.client.get(f"{V1}/alerts/not-a-uuid", headers=ana.headers),
            422, "validation_error")
    refusal(await api.client.get(f"{V1}/alerts"), 401, "unauthenticated")


async def test_someone_elses_alerts_do_not_exist(api):
    ana = await family(api, "ana@example.com")
    device = await register(api, ana)
    (alert_id,) = (await send(api, device, BP_CRITICAL)).json()["alert_ids"]
    carlos = await family(api, "carlos@example.com", "Marta")
    url = f"{V1}/alerts/{alert_id}"
    for response in (await api.client.get(url, headers=carlos.headers),
                     await api.client.post(f"{url}/acknowledge", headers=carlos.headers),
                     await api.client.post(f"{url}/resolve", headers=carlos.headers),
                     await api.client.get(f"{V1}/alerts/{UUID(int=7)}", headers=carlos.headers),
                     await api.client.get(f"{V1}/alerts?cared_person_id={ana.person_id}",
                                          headers=carlos.headers)):
        refusal(response, 404, "not_found")
    assert (await alerts(api, carlos.headers))["items"] == []
    (alert,) = (await alerts(api, ana.headers))["items"]
    assert alert["status"] == "pending"  # untouched


async def test_an_account_over_its_limits_still_gets_its_alerts(api):
    ana = await family(api, "ana@example.com", subscribed=False)
    basic_id = await subscribe_basic(api, ana)
    devices = [await register(api, ana, f"bp-{n}") for n in range(3)]
    await shrink_device_limit(api, basic_id, 1)  # the admin edits the catalogue: 3 of 1
    refused = await api.client.post(f"{V1}/devices", headers=ana.headers, json={
        "device_id": "bp-9", "name": "Otro", "device_type": "blood_pressure",
        "cared_person_id": ana.person_id})
    details = refusal(refused, 409, "package_limit_exceeded")
    assert details["exceeded"] == [{"dimension": "devices", "used": 3, "requested": 1,
                                    "limit": 1}]
    sent = await send(api, devices[2], BP_CRITICAL)
    assert sent.status_code == 201 and len(sent.json()["alert_ids"]) == 1
    (alert,) = (await alerts(api, ana.headers))["items"]
    assert (alert["device_id"], alert["severity"], alert["status"]) == ("bp-2", "critical",
                                                                        "pending")


async def shrink_device_limit(api, package_id: UUID, max_devices: int) -> None:
    admin_id = await api.user_id(await api.admin())
    async with api.container.uow() as uow:  # the package's terms as stored
        package = await uow.packages.get(package_id)
    limits = package.limits
    await use_case(api.container, UpdatePackage)(UpdatePackageCommand(
        actor_id=admin_id, package_id=package_id, type=package.type.value, name=package.name,
        price_monthly_cents=package.price_monthly.cents,
        price_yearly_cents=package.yearly_price.cents, max_users=limits.max_users,
        max_devices=max_devices, max_storage_gb=limits.max_storage_gb,
        support_level=package.support_level.value, features=tuple(package.features),
        currency=package.price_monthly.currency))

"""Two families, each owning one real object of every kind a route takes an id of, set
up through the HTTP API as their users would (OWASP API1:2023,
``tests/e2e/test_api1_object_level_authorization.py``). No tests here."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import httpx
from dependency_injector import providers

from cuiot.application.billing.commands.packages import SeedCatalogue
from cuiot.entrypoints.container import use_case
from tests.e2e.conftest import Api
from tests.e2e.console.forms import sign_in
from tests.fakes.device_commands import RecordingDeviceCommandGateway
from tests.support.subscriptions import subscribe_institution

V1 = "/api/v1"
BP_CRITICAL = {"systolic": 190, "diastolic": 100, "pulse": 80}


@dataclass
class Owner:
    """A family account holder on a subscription, and the id of each thing they own,
    by the name routes give that id in their paths (``ids["cared_person_id"]``…)."""

    email: str
    headers: dict[str, str]
    user_id: UUID
    ids: dict[str, str] = field(default_factory=dict)


@dataclass
class World:
    """A and B, two families that know nothing of each other; the caregiver both invited;
    another caregiver nobody invited; the catalogue's packages by type."""

    api: Api
    a: Owner
    b: Owner
    caregiver_id: str
    free_caregiver_id: str
    packages: dict[str, str]


async def created(api: Api, path: str, headers: dict[str, str], body: dict[str, Any],
                  status: int = 201) -> Any:
    response = await api.client.post(f"{V1}{path}", headers=headers, json=body)
    assert response.status_code == status, (path, response.text)
    return response.json()


async def world(api: Api) -> World:
    """Commands reach no broker here: the container's gateway records them instead."""
    api.container.command_gateway.override(providers.Object(RecordingDeviceCommandGateway()))
    packages = {p.type.value: str(p.id) for p in await use_case(api.container, SeedCatalogue)()}
    admin = await api.admin()
    carla, dora = [await caregiver(api, admin, name) for name in ("carla", "dora")]
    a = await owner(api, admin, "ana", packages["familiar"], carla)
    b = await owner(api, admin, "bruno", packages["familiar"], carla)
    return World(api, a, b, carla, dora, packages)


async def caregiver(api: Api, admin: dict[str, str], name: str) -> str:
    user_id = str(await api.user_id(await api.user(f"{name}.caregiver@example.com")))
    await created(api, f"/users/{user_id}/roles", admin, {"role": "caregiver"}, 200)
    return user_id


async def owner(api: Api, admin: dict[str, str], name: str, package_id: str,
                caregiver_id: str) -> Owner:
    """``name``'s account, subscribed through the API (so it has an invoice), with a
    cared person and everything around them."""
    email = f"{name}@example.com"
    headers = await api.user(email)
    found = Owner(email, headers, await api.user_id(headers))
    paid = await created(api, "/user-packages/", headers,
                         {"package_id": package_id, "billing_cycle": "monthly"})
    found.ids |= {"subscription_id": paid["subscription"]["id"],
                  "invoice_id": paid["invoice"]["id"], "package_id": package_id}
    await person_and_people(api, admin, found, caregiver_id)
    await devices_and_alerts(api, found)
    await institution(api, found)
    token = await created(api, "/users/me/push-tokens", headers,
                          {"token": f"push-token-of-{name}", "label": "Teléfono"})
    found.ids["token_id"] = token["id"]
    return found


async def person_and_people(api: Api, admin: dict[str, str], owner: Owner,
                            caregiver_id: str) -> None:
    """The cared person; a member; the caregiver, invited (pending); the holder as their
    legal representative (verified by an admin); and another person, deactivated."""
    name = owner.email.split("@")[0]
    person = await created(api, "/cared-persons", owner.headers, {
        "first_name": "Rosa", "last_name": name.title(), "date_of_birth": "1940-04-03"})
    person_id = owner.ids["cared_person_id"] = person["id"]
    gone = await created(api, "/cared-persons", owner.headers, {
        "first_name": "Julio", "last_name": name.title(), "date_of_birth": "1938-02-01"})
    await created(api, f"/cared-persons/{gone['id']}/deactivate", owner.headers, {}, 200)
    owner.ids["deactivated_person_id"] = gone["id"]
    member_email = f"member-of-{name}@example.com"
    owner.ids["member_id"] = str(await api.user_id(await api.user(member_email)))
    await created(api, f"/cared-persons/{person_id}/members", owner.headers,
                  {"email": member_email})
    await created(api, f"/cared-persons/{person_id}/caregivers", owner.headers,
                  {"caregiver_id": caregiver_id})
    owner.ids["caregiver_id"] = caregiver_id
    representation = await created(api, "/legal-capacity/validate-representative",
                                   owner.headers, {
                                       "cared_person_id": person_id, "relationship": "child",
                                       "document_ref": "Poder general 1234",
                                       "valid_from": api.container.clock().today().isoformat()})
    owner.ids["representation_id"] = representation["id"]
    await created(api, f"/legal-capacity/representations/{representation['id']}/verify",
                  admin, {}, 200)


async def devices_and_alerts(api: Api, owner: Owner) -> None:
    """A device of the person, the alert a critical reading of it opened, and a command
    sent to it."""
    name = owner.email.split("@")[0]
    device = await created(api, "/devices", owner.headers, {
        "device_id": f"bp-{name}", "name": "Tensiómetro", "device_type": "blood_pressure",
        "cared_person_id": owner.ids["cared_person_id"]})
    owner.ids["device_pk"] = device["id"]
    reading = await api.client.post(
        f"{V1}/devices/{device['device_id']}/telemetry",
        headers={"X-Device-Key": device["api_key"]},
        json={"msg_id": "m-1", "type": "blood_pressure", "data": BP_CRITICAL})
    assert reading.status_code == 201, reading.text
    (owner.ids["alert_id"],) = reading.json()["alert_ids"]
    command = await created(api, f"/devices/{device['id']}/commands", owner.headers,
                            {"command": "reboot"}, 202)
    owner.ids["command_id"] = command["command_id"]


async def institution(api: Api, owner: Owner) -> None:
    """An institution the holder runs (on a subscription), with a staff member."""
    name = owner.email.split("@")[0]
    home = await created(api, "/institutions", owner.headers, {"name": f"Hogar de {name}"})
    owner.ids["institution_id"] = home["id"]
    await subscribe_institution(api.container, owner.user_id, home["id"])
    staff_email = f"staff-of-{name}@example.com"
    owner.ids["staff_id"] = str(await api.user_id(await api.user(staff_email)))
    await created(api, f"/institutions/{home['id']}/staff", owner.headers,
                  {"email": staff_email})


def reads(owner: Owner) -> list[str]:
    """What the owner reads of their own things (paths under /api/v1; not the coverage,
    which tells the time)."""
    ids = owner.ids
    person, device = ids["cared_person_id"], ids["device_pk"]
    return ["/users/me", "/users/me/channels", "/cared-persons", "/cared-persons/deactivated",
            f"/cared-persons/{person}",
            f"/legal-capacity/representative/{person}",
            f"/devices/{device}", f"/devices/{device}/events",
            f"/devices/{device}/commands/{ids['command_id']}", f"/alerts/{ids['alert_id']}",
            f"/alerts/{ids['alert_id']}/notifications", f"/institutions/{ids['institution_id']}",
            "/user-packages/", f"/invoices/{ids['invoice_id']}"]


async def snapshot(api: Api, owner: Owner) -> dict[str, Any]:
    """Everything the owner reads of their things: equal before and after means untouched."""
    seen = {}
    for path in reads(owner):
        response = await api.client.get(f"{V1}{path}", headers=owner.headers)
        assert response.status_code == 200, (path, response.text)
        seen[path] = response.json()
    return seen


def changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [path for path in before if before[path] != after[path]]


async def console_of(api: Api, owner: Owner) -> httpx.AsyncClient:
    """A browser of the owner's, signed in to the console (its cookies its own)."""
    client = api.client_at("127.0.0.2")
    signed = await sign_in(client, owner.email)
    assert signed.status_code == 303, signed.text
    return client

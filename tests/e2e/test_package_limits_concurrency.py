"""Package limits hold when the requests that would pass them arrive together: the
number of devices, users or patients never goes over the package, and every request
turned away is refused with the numbers as they stood (used before it, what it asked
for, the limit). On PostgreSQL each check holds the account's row until its write is
committed; SQLite lets one writer in at a time."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date
from typing import Any
from uuid import UUID

import httpx

from cuiot.application.billing.commands.packages import (
    CreatePackage,
    CreatePackageCommand,
    SeedCatalogue,
)
from cuiot.application.billing.commands.subscriptions import Subscribe, SubscribeCommand
from cuiot.application.care.commands.institutions import (
    CreateInstitution,
    CreateInstitutionCommand,
)
from cuiot.application.care.commands.persons import AddCaredPerson, AddCaredPersonCommand
from cuiot.entrypoints.container import use_case

V1 = "/api/v1"
AT_ONCE = 6


async def subscribe(api, actor_id: UUID, package_type: str) -> None:
    """The user's account on a package of the default catalogue."""
    catalogue = await use_case(api.container, SeedCatalogue)()
    package = next(p for p in catalogue if p.type.value == package_type)
    await use_case(api.container, Subscribe)(SubscribeCommand(actor_id, package.id, "monthly"))


async def small_institution(api, director: dict[str, str]) -> UUID:
    """Residencia Sol, its director's, on an institutional package of 3 users (the
    director and 2 more) and 2 patients."""
    admin_id = await api.user_id(await api.admin())
    director_id = await api.user_id(director)
    package = await use_case(api.container, CreatePackage)(CreatePackageCommand(
        actor_id=admin_id, type="institutional", name="Residencia chica",
        price_monthly_cents=100_000, max_users=3, max_devices=10, max_storage_gb=1,
        max_patients=2, support_level="email"))
    home = await use_case(api.container, CreateInstitution)(CreateInstitutionCommand(
        director_id, "Residencia Sol"))
    await subscribe(api, director_id, "basic")  # the director's own account, too
    await use_case(api.container, Subscribe)(SubscribeCommand(
        director_id, package.id, "monthly", institution_id=home.id))
    return home.id


async def at_once(api, url: str, headers: dict[str, str],
                  bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    return await asyncio.gather(*(api.client.post(url, headers=headers, json=body)
                                  for body in bodies))


def device(person_id: UUID, name: str) -> dict[str, Any]:
    return {"device_id": name, "name": f"Equipo {name}", "device_type": "blood_pressure",
            "cared_person_id": str(person_id)}


def outcome(responses: list[httpx.Response], dimension: str, used: int,
            limit: int) -> Counter[int]:
    """The status codes; every refusal checked to name the limit with its numbers."""
    for response in responses:
        if response.status_code != 201:
            assert response.json()["error"] == "package_limit_exceeded", response.text
            assert response.json()["details"]["exceeded"] == [
                {"dimension": dimension, "used": used, "requested": 1, "limit": limit}]
    return Counter(r.status_code for r in responses)


async def test_simultaneous_devices_never_pass_the_package(api):
    ana = await api.user("ana@example.com")
    ana_id = await api.user_id(ana)
    elena = await use_case(api.container, AddCaredPerson)(AddCaredPersonCommand(
        ana_id, "Elena", "Gómez", date(1940, 3, 1)))
    await subscribe(api, ana_id, "basic")  # 3 devices
    first = await api.client.post(f"{V1}/devices", headers=ana, json=device(elena.id, "bp-0"))
    assert first.status_code == 201, first.text
    responses = await at_once(api, f"{V1}/devices", ana,
                              [device(elena.id, f"bp-{n}") for n in range(1, AT_ONCE + 1)])
    assert outcome(responses, "devices", 3, 3) == {201: 2, 409: AT_ONCE - 2}
    listed = (await api.client.get(f"{V1}/devices", headers=ana)).json()
    assert len(listed["items"]) == 3


async def test_simultaneous_members_never_pass_the_package(api):
    ana = await api.user("ana@example.com")
    ana_id = await api.user_id(ana)
    elena = await use_case(api.container, AddCaredPerson)(AddCaredPersonCommand(
        ana_id, "Elena", "Gómez", date(1940, 3, 1)))
    await subscribe(api, ana_id, "basic")  # 2 users: Ana and one more
    emails = [f"hijo{n}@example.com" for n in range(AT_ONCE)]
    for email in emails:
        await api.register(email)
    responses = await at_once(api, f"{V1}/cared-persons/{elena.id}/members", ana,
                              [{"email": email} for email in emails])
    assert outcome(responses, "users", 2, 2) == {201: 1, 409: AT_ONCE - 1}
    seen = (await api.client.get(f"{V1}/cared-persons/{elena.id}", headers=ana)).json()
    assert len(seen["member_ids"]) == 1


async def test_simultaneous_staff_never_pass_the_institution_package(api):
    director = await api.user("director@example.com")
    home = await small_institution(api, director)
    emails = [f"enfermera{n}@example.com" for n in range(AT_ONCE)]
    for email in emails:
        await api.register(email)
    responses = await at_once(api, f"{V1}/institutions/{home}/staff", director,
                              [{"email": email} for email in emails])
    assert outcome(responses, "users", 3, 3) == {201: 2, 409: AT_ONCE - 2}
    seen = (await api.client.get(f"{V1}/institutions/{home}", headers=director)).json()
    assert len(seen["staff_ids"]) == 2


async def test_simultaneous_patients_never_pass_the_institution_package(api):
    director = await api.user("director@example.com")
    home = await small_institution(api, director)
    responses = await at_once(api, f"{V1}/cared-persons", director, [
        {"first_name": f"Paciente{n}", "last_name": "Sol", "date_of_birth": "1940-01-01",
         "institution_id": str(home)} for n in range(AT_ONCE)])
    assert outcome(responses, "patients", 2, 2) == {201: 2, 409: AT_ONCE - 2}
    listed = (await api.client.get(f"{V1}/cared-persons", headers=director)).json()
    assert len(listed["items"]) == 2


async def test_a_device_added_while_subscribing_is_counted_by_one_or_the_other(api):
    """Subscribing counts the usage too: of an account with 3 devices (an admin put them
    in, as no subscription is in force) subscribing to the basic package (3) while adding
    a fourth, one of the two is refused: the device by the gate if it comes first, by the
    limit if it comes second."""
    basic = next(p for p in await use_case(api.container, SeedCatalogue)()
                 if p.type.value == "basic")
    admin = await api.admin()
    requests = []
    for n in range(3):
        headers = await api.user(f"familia{n}@example.com")
        elena = await use_case(api.container, AddCaredPerson)(AddCaredPersonCommand(
            await api.user_id(headers), "Elena", "Gómez", date(1940, 3, 1)))
        for d in range(3):
            added = await api.client.post(f"{V1}/devices", headers=admin,
                                          json=device(elena.id, f"bp-{n}-{d}"))
            assert added.status_code == 201, added.text
        requests += [api.client.post(f"{V1}/user-packages/", headers=headers, json={
                         "package_id": str(basic.id), "billing_cycle": "monthly"}),
                     api.client.post(f"{V1}/devices", headers=headers,
                                     json=device(elena.id, f"bp-{n}-3"))]
    responses = await asyncio.gather(*requests)
    for subscribed, registered in zip(responses[::2], responses[1::2], strict=True):
        assert [subscribed.status_code, registered.status_code].count(201) == 1, (
            subscribed.text, registered.text)

"""Packages, subscriptions and invoices through HTTP: the public catalogue, the admin's
edits, subscribing under the legal and limit rules, changing plan, cancelling, invoices,
and ownership (someone else's subscription or invoice does not exist)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

from cuiot.application.billing.commands.packages import SeedCatalogue
from cuiot.application.care.commands.institutions import CreateInstitution, CreateInstitutionCommand
from cuiot.application.care.commands.persons import AddCaredPerson, AddCaredPersonCommand
from cuiot.application.care.commands.representation import (
    RequestRepresentation,
    RequestRepresentationCommand,
    VerifyRepresentation,
    VerifyRepresentationCommand,
)
from cuiot.application.safety.commands.devices import RegisterDevice, RegisterDeviceCommand
from cuiot.entrypoints.container import use_case

V1 = "/api/v1"
NEW_PACKAGE = {"type": "premium", "name": "Premium Plus", "price_monthly_cents": 5_000_000,
               "max_users": 12, "max_devices": 25, "max_storage_gb": 150,
               "support_level": "phone", "features": ["alerts", "reports"]}


async def catalogue(api) -> dict[str, str]:
    """The default catalogue (the operator's seed): package type → id."""
    seeded = await use_case(api.container, SeedCatalogue)()
    return {p.type.value: str(p.id) for p in seeded}


def today(api) -> date:
    return api.container.clock().today()


async def subscribe(api, headers: dict[str, str], package_id: str, /, **extra: Any):
    body = {"package_id": package_id, "billing_cycle": "monthly"} | extra
    return await api.client.post(f"{V1}/user-packages/", headers=headers, json=body)


async def cared_person(api, actor_id: UUID) -> UUID:
    person = await use_case(api.container, AddCaredPerson)(AddCaredPersonCommand(
        actor_id, "Rosa", "Paz", date(1940, 3, 3)))
    return person.id


async def register_devices(api, actor_id: UUID, person_id: UUID, count: int) -> None:
    for n in range(count):
        await use_case(api.container, RegisterDevice)(RegisterDeviceCommand(
            actor_id, f"bp-{uuid4().hex[:8]}-{n}", f"Tensiómetro {n}", "blood_pressure",
            person_id))


def refusal(response, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.json()["error"] == error, response.text
    return response.json()["details"]


# --- the catalogue -----------------------------------------------------------------------
async def test_the_catalogue_is_public_cheapest_first_and_paginated(api):
    ids = await catalogue(api)
    listed = await api.client.get(f"{V1}/packages/")  # no token: anyone may browse
    assert listed.status_code == 200, listed.text
    page = listed.json()
    assert [p["type"] for p in page["items"]] == ["basic", "familiar", "premium",
                                                  "professional", "institutional"]
    assert page["next_offset"] is None
    basic = page["items"][0]
    assert basic["price_monthly"] == {"cents": 1_500_000, "currency": "ARS",
                                      "display": "ARS 15,000.00"}
    assert basic["price_yearly"]["cents"] == 15_000_000
    assert (basic["max_users"], basic["max_devices"], basic["max_storage_gb"],
            basic["max_patients"], basic["support_level"], basic["is_active"]) == (
        2, 3, 5, None, "email", True)
    first = (await api.client.get(f"{V1}/packages/?limit=2")).json()
    rest = (await api.client.get(f"{V1}/packages/?offset=2&limit=3")).json()
    assert first["next_offset"] == 2 and rest["next_offset"] is None
    assert [p["id"] for p in first["items"] + rest["items"]] == [p["id"] for p in page["items"]]
    one = await api.client.get(f"{V1}/packages/{ids['institutional']}")
    assert one.status_code == 200 and one.json()["max_patients"] == 100
    refusal(await api.client.get(f"{V1}/packages/{uuid4()}"), 404, "not_found")
    refusal(await api.client.get(f"{V1}/packages/not-a-uuid"), 422, "validation_error")
    refusal(await api.client.get(f"{V1}/packages/?limit=0"), 422, "validation_error")
    # A token, when sent, must be valid; a user's token browses the same catalogue.
    bad = await api.client.get(f"{V1}/packages/", headers={"Authorization": "Bearer nope"})
    refusal(bad, 401, "unauthenticated")
    lucia = await api.user("lucia@example.com")
    mine = await api.client.get(f"{V1}/packages/", headers=lucia)
    assert [p["id"] for p in mine.json()["items"]] == [p["id"] for p in page["items"]]


async def test_slashless_paths_answer_in_place_without_a_redirect(api):
    await catalogue(api)
    lucia = await api.user("lucia@example.com")
    for path in ("/packages", "/user-packages"):
        response = await api.client.get(V1 + path, headers=lucia)
        assert response.status_code == 200, (path, response.status_code)
        assert "location" not in response.headers
    slashless = await api.client.get(f"{V1}/packages")
    assert slashless.status_code == 200 and len(slashless.json()["items"]) == 5


async def test_admin_creates_replaces_and_deactivates_a_package(api):
    admin = await api.admin()
    created = await api.client.post(f"{V1}/packages/", headers=admin, json=NEW_PACKAGE)
    assert created.status_code == 201, created.text
    package = created.json()
    assert (package["name"], package["type"], package["features"], package["is_active"]) == (
        "Premium Plus", "premium", ["alerts", "reports"], True)
    assert package["price_yearly"]["cents"] == 60_000_000  # 12 × monthly when not given
    path = f"{V1}/packages/{package['id']}"
    replaced = await api.client.put(path, headers=admin, json=NEW_PACKAGE | {
        "name": "Premium Max", "price_yearly_cents": 50_000_000, "max_devices": None})
    assert replaced.status_code == 200, replaced.text
    assert (replaced.json()["name"], replaced.json()["price_yearly"]["cents"],
            replaced.json()["max_devices"]) == ("Premium Max", 50_000_000, None)
    # DELETE deactivates: it answers the package, now inactive.
    removed = await api.client.delete(path, headers=admin)
    assert removed.status_code == 200 and removed.json()["is_active"] is False
    refusal(await api.client.get(path), 404, "not_found")  # no longer offered
    assert (await api.client.get(path, headers=admin)).json()["is_active"] is False
    public = await api.client.get(f"{V1}/packages/?include_inactive=true")
    assert public.json()["items"] == []
    everything = await api.client.get(f"{V1}/packages/?include_inactive=true", headers=admin)
    assert [p["id"] for p in everything.json()["items"]] == [package["id"]]
    refusal(await api.client.delete(path, headers=admin), 409, "invalid_state_transition")
    refusal(await api.client.put(f"{V1}/packages/{uuid4()}", headers=admin, json=NEW_PACKAGE),
            404, "not_found")


async def test_package_routes_are_for_admins_only(api):
    ids = await catalogue(api)
    lucia = await api.user("lucia@example.com")
    path = f"{V1}/packages/{ids['basic']}"
    refusal(await api.client.post(f"{V1}/packages/", headers=lucia, json=NEW_PACKAGE),
            403, "forbidden")
    refusal(await api.client.put(path, headers=lucia, json=NEW_PACKAGE), 403, "forbidden")
    refusal(await api.client.delete(path, headers=lucia), 403, "forbidden")
    refusal(await api.client.post(f"{V1}/packages/", json=NEW_PACKAGE), 401, "unauthenticated")
    assert (await api.client.get(path)).json()["is_active"] is True


async def test_bad_package_terms_are_refused_with_422(api):
    admin = await api.admin()
    for change in ({"type": "gold"}, {"support_level": "pigeon"},
                   {"price_monthly_cents": "2500000"}, {"price_monthly_cents": -1},
                   {"price_monthly_cents": 10**30}, {"max_users": 0}, {"max_devices": True},
                   {"max_patients": 10}, {"name": "   "}, {"name": "x" * 101}, {"name": None},
                   {"currency": "ars"}, {"features": ["x" * 101]}, {"features": [""]},
                   {"name": "a\u0000b"}, {"features": ["a\u0000b"]}, {"discount": 10}):
        response = await api.client.post(f"{V1}/packages/", headers=admin,
                                         json=NEW_PACKAGE | change)
        refusal(response, 422, "validation_error")
    institutional = NEW_PACKAGE | {"type": "institutional"}  # needs max_patients
    refusal(await api.client.post(f"{V1}/packages/", headers=admin, json=institutional),
            422, "validation_error")
    lone_surrogate = json.dumps(NEW_PACKAGE | {"name": "@@"}).replace("@@", "\\ud800")
    raw = await api.client.post(f"{V1}/packages/", content=lone_surrogate.encode(),
                                headers=admin | {"Content-Type": "application/json"})
    refusal(raw, 422, "validation_error")
    odd = await api.client.post(f"{V1}/packages/", headers=admin,
                                json=NEW_PACKAGE | {"name": "Ñandú 🐦 ﷽"})
    assert odd.status_code == 201 and odd.json()["name"] == "Ñandú 🐦 ﷽"


# --- subscribing -------------------------------------------------------------------------
async def test_subscribe_answers_the_subscription_and_its_first_invoice(api):
    ids = await catalogue(api)
    lucia = await api.user("lucia@example.com")
    lucia_id = await api.user_id(lucia)
    response = await subscribe(api, lucia, ids["familiar"], payment_method="card")
    assert response.status_code == 201, response.text
    sub, invoice = response.json()["subscription"], response.json()["invoice"]
    day = today(api)
    assert (sub["package_id"], sub["status"], sub["billing_cycle"], sub["auto_renew"]) == (
        ids["familiar"], "active", "monthly", True)
    assert (sub["subscriber_id"], sub["account_id"], sub["institution_id"]) == (
        str(lucia_id), str(lucia_id), None)
    assert (sub["start_date"], sub["current_period_start"], sub["payment_method"]) == (
        day.isoformat(), day.isoformat(), "card")
    assert invoice["number"] == f"CU-{day.year}-000001"
    assert (invoice["amount"]["cents"], invoice["tax"]["cents"], invoice["total"]["cents"]) == (
        2_500_000, 525_000, 3_025_000)  # 21 % IVA on top
    assert invoice["total"]["display"] == "ARS 30,250.00"
    assert (invoice["kind"], invoice["status"], invoice["subscription_id"]) == (
        "period", "pending", sub["id"])
    assert invoice["due_date"] == (day + timedelta(days=10)).isoformat()
    assert (invoice["period_start"], invoice["period_end"]) == (
        sub["current_period_start"], sub["current_period_end"])
    again = await subscribe(api, lucia, ids["premium"])
    assert refusal(again, 409, "conflict")["subscription_id"] == sub["id"]
    listed = (await api.client.get(f"{V1}/user-packages/", headers=lucia)).json()
    assert [s["id"] for s in listed["items"]] == [sub["id"]] and listed["next_offset"] is None


async def test_a_yearly_subscription_bills_the_yearly_price_with_the_next_number(api):
    ids = await catalogue(api)
    await subscribe(api, await api.user("lucia@example.com"), ids["basic"])
    response = await subscribe(api, await api.user("pablo@example.com"), ids["premium"],
                               billing_cycle="yearly", auto_renew=False)
    assert response.status_code == 201, response.text
    sub, invoice = response.json()["subscription"], response.json()["invoice"]
    assert invoice["number"] == f"CU-{today(api).year}-000002"
    assert (invoice["amount"]["cents"], invoice["tax"]["cents"], invoice["total"]["cents"]) == (
        45_000_000, 9_450_000, 54_450_000)
    assert sub["auto_renew"] is False and sub["end_date"] == sub["current_period_end"]


async def test_bad_subscriptions_are_refused(api):
    ids = await catalogue(api)
    lucia = await api.user("lucia@example.com")
    for extra in ({"billing_cycle": "weekly"}, {"billing_cycle": None}, {"auto_renew": "yes"},
                  {"package_id": "basic"}, {"payment_method": "x" * 51},
                  {"payment_method": "c\u0000d"}, {"coupon": "FREE"}):
        refusal(await subscribe(api, lucia, ids["basic"], **extra), 422, "validation_error")
    refusal(await subscribe(api, lucia, str(uuid4())), 404, "not_found")
    refusal(await subscribe(api, lucia, ids["institutional"]), 422, "validation_error")
    both = await subscribe(api, lucia, ids["basic"], cared_person_id=str(uuid4()),
                           institution_id=str(uuid4()))
    refusal(both, 422, "validation_error")
    refusal(await api.client.post(f"{V1}/user-packages/", json={
        "package_id": ids["basic"], "billing_cycle": "monthly"}), 401, "unauthenticated")
    assert (await api.client.get(f"{V1}/invoices", headers=lucia)).json()["items"] == []


async def test_a_minor_cannot_subscribe(api):
    ids = await catalogue(api)
    born = today(api) - timedelta(days=15 * 366)
    teen = await api.user("teen@example.com", date_of_birth=born.isoformat())
    details = refusal(await subscribe(api, teen, ids["basic"]), 403, "legal_capacity_denied")
    assert details["reason"] == "minor"


async def test_a_delegated_person_needs_a_verified_representative(api):
    ids = await catalogue(api)
    admin, lucia = await api.admin(), await api.user("lucia@example.com")
    lucia_id = await api.user_id(lucia)
    rosa = await cared_person(api, lucia_id)
    denied = await subscribe(api, lucia, ids["familiar"], cared_person_id=str(rosa))
    assert refusal(denied, 403, "legal_capacity_denied")["reason"] == "no_active_representative"
    representation = await use_case(api.container, RequestRepresentation)(
        RequestRepresentationCommand(lucia_id, rosa, "child", "poder-123",
                                     today(api) - timedelta(days=30)))
    unverified = await subscribe(api, lucia, ids["familiar"], cared_person_id=str(rosa))
    assert refusal(unverified, 403, "legal_capacity_denied")["reason"] == (
        "no_active_representative")
    await use_case(api.container, VerifyRepresentation)(
        VerifyRepresentationCommand(await api.user_id(admin), representation.id))
    allowed = await subscribe(api, lucia, ids["familiar"], cared_person_id=str(rosa))
    assert allowed.status_code == 201, allowed.text
    sub = allowed.json()["subscription"]
    assert (sub["cared_person_id"], sub["account_id"]) == (str(rosa), str(lucia_id))
    stranger = await api.user("pablo@example.com")
    hidden = await subscribe(api, stranger, ids["familiar"], cared_person_id=str(rosa))
    refusal(hidden, 404, "not_found")


async def test_a_subscription_over_the_package_limits_is_refused(api):
    ids = await catalogue(api)
    lucia = await api.user("lucia@example.com")
    lucia_id = await api.user_id(lucia)
    # Registered by an admin (not gated by a subscription): 4 devices, no package yet.
    admin_id = await api.user_id(await api.admin())
    await register_devices(api, admin_id, await cared_person(api, lucia_id), 4)
    details = refusal(await subscribe(api, lucia, ids["basic"]), 409, "package_limit_exceeded")
    assert details["exceeded"] == [
        {"dimension": "devices", "used": 4, "requested": 0, "limit": 3}]
    assert (await api.client.get(f"{V1}/user-packages/", headers=lucia)).json()["items"] == []
    fits = await subscribe(api, lucia, ids["familiar"])
    assert fits.status_code == 201, fits.text
    sub_id = fits.json()["subscription"]["id"]
    down = await api.client.put(f"{V1}/user-packages/{sub_id}", headers=lucia,
                                json={"package_id": ids["basic"]})
    assert refusal(down, 409, "package_limit_exceeded")["exceeded"] == [
        {"dimension": "devices", "used": 4, "requested": 0, "limit": 3}]


# --- changing plan and cancelling ----------------------------------------------------------
async def test_an_upgrade_applies_now_with_a_prorated_invoice(api):
    ids = await catalogue(api)
    lucia = await api.user("lucia@example.com")
    sub_id = (await subscribe(api, lucia, ids["familiar"])).json()["subscription"]["id"]
    changed = await api.client.put(f"{V1}/user-packages/{sub_id}", headers=lucia,
                                   json={"package_id": ids["premium"]})
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["scheduled"] is False and body["subscription"]["package_id"] == ids["premium"]
    invoice = body["invoice"]
    # Changed on the first day: the whole difference, 45,000 − 25,000, plus IVA.
    assert (invoice["kind"], invoice["amount"]["cents"], invoice["tax"]["cents"],
            invoice["total"]["cents"]) == ("proration", 2_000_000, 420_000, 2_420_000)
    assert invoice["number"] == f"CU-{today(api).year}-000002"
    invoices = (await api.client.get(f"{V1}/invoices?limit=1", headers=lucia)).json()
    assert len(invoices["items"]) == 1 and invoices["next_offset"] == 1


async def test_a_downgrade_is_scheduled_for_the_next_renewal(api):
    ids = await catalogue(api)
    lucia = await api.user("lucia@example.com")
    sub_id = (await subscribe(api, lucia, ids["premium"])).json()["subscription"]["id"]
    path = f"{V1}/user-packages/{sub_id}"
    changed = await api.client.put(path, headers=lucia, json={"package_id": ids["basic"]})
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["scheduled"], body["invoice"]) == (True, None)
    assert (body["subscription"]["package_id"], body["subscription"]["scheduled_package_id"]) == (
        ids["premium"], ids["basic"])
    kept = await api.client.put(path, headers=lucia, json={"package_id": ids["premium"]})
    assert kept.json()["subscription"]["scheduled_package_id"] is None
    refusal(await api.client.put(path, headers=lucia, json={"package_id": ids["institutional"]}),
            422, "validation_error")
    refusal(await api.client.put(path, headers=lucia, json={"package_id": str(uuid4())}),
            404, "not_found")
    refusal(await api.client.put(path, headers=lucia, json={}), 422, "validation_error")


async def test_cancel_stops_renewal_and_cannot_be_repeated(api):
    ids = await catalogue(api)
    lucia = await api.user("lucia@example.com")
    sub = (await subscribe(api, lucia, ids["basic"])).json()["subscription"]
    path = f"{V1}/user-packages/{sub['id']}/cancel"
    cancelled = await api.client.patch(path, headers=lucia)
    assert cancelled.status_code == 200, cancelled.text
    body = cancelled.json()
    assert (body["status"], body["auto_renew"], body["end_date"]) == (
        "cancelled", False, sub["current_period_end"])
    assert body["cancelled_at"] is not None
    refusal(await api.client.patch(path, headers=lucia), 409, "invalid_state_transition")
    upgrade = await api.client.put(f"{V1}/user-packages/{sub['id']}", headers=lucia,
                                   json={"package_id": ids["premium"]})
    refusal(upgrade, 409, "invalid_state_transition")
    again = await subscribe(api, lucia, ids["premium"])  # a new one may start
    assert again.status_code == 201


async def test_an_institution_subscribes_through_its_admin(api):
    ids = await catalogue(api)
    director = await api.user("director@example.com")
    institution = await use_case(api.container, CreateInstitution)(CreateInstitutionCommand(
        await api.user_id(director), "Residencia Sol"))
    body = {"institution_id": str(institution.id), "package_id": ids["institutional"],
            "billing_cycle": "yearly"}
    stranger = await api.user("pablo@example.com")
    refusal(await api.client.post(f"{V1}/institution-packages", headers=stranger, json=body),
            404, "not_found")
    refusal(await api.client.post(f"{V1}/institution-packages", headers=director,
                                  json=body | {"package_id": ids["premium"]}),
            422, "validation_error")
    response = await api.client.post(f"{V1}/institution-packages", headers=director, json=body)
    assert response.status_code == 201, response.text
    sub, invoice = response.json()["subscription"], response.json()["invoice"]
    assert (sub["institution_id"], sub["account_id"], sub["billing_cycle"]) == (
        str(institution.id), None, "yearly")
    assert (invoice["amount"]["cents"], invoice["total"]["cents"]) == (300_000_000, 363_000_000)
    listed = (await api.client.get(f"{V1}/user-packages/", headers=director)).json()
    assert [s["id"] for s in listed["items"]] == [sub["id"]]
    refusal(await api.client.post(f"{V1}/institution-packages", headers=director, json=body),
            409, "conflict")


# --- invoices ------------------------------------------------------------------------------
async def test_an_admin_marks_an_invoice_paid_once(api):
    ids = await catalogue(api)
    admin, lucia = await api.admin(), await api.user("lucia@example.com")
    invoice = (await subscribe(api, lucia, ids["basic"])).json()["invoice"]
    path = f"{V1}/invoices/{invoice['id']}"
    seen = await api.client.get(path, headers=lucia)
    assert seen.status_code == 200 and seen.json() == invoice
    refusal(await api.client.post(f"{path}/mark-paid", headers=lucia), 403, "forbidden")
    paid = await api.client.post(f"{path}/mark-paid", headers=admin)
    assert paid.status_code == 200, paid.text
    assert paid.json()["status"] == "paid" and paid.json()["paid_at"] is not None
    twice = await api.client.post(f"{path}/mark-paid", headers=admin)
    assert refusal(twice, 409, "conflict")["number"] == invoice["number"]
    refusal(await api.client.post(f"{V1}/invoices/{uuid4()}/mark-paid", headers=admin),
            404, "not_found")
    assert (await api.client.get(path, headers=lucia)).json()["status"] == "paid"


async def test_nobody_else_sees_or_touches_a_users_subscriptions_and_invoices(api):
    ids = await catalogue(api)
    admin, lucia = await api.admin(), await api.user("lucia@example.com")
    pablo = await api.user("pablo@example.com")
    created = (await subscribe(api, lucia, ids["familiar"])).json()
    sub_id, invoice_id = created["subscription"]["id"], created["invoice"]["id"]
    for method, path, body in (
            ("PUT", f"/user-packages/{sub_id}", {"package_id": ids["premium"]}),
            ("PATCH", f"/user-packages/{sub_id}/cancel", None),
            ("GET", f"/invoices/{invoice_id}", None),
            ("GET", f"/invoices/{uuid4()}", None)):
        response = await api.client.request(method, V1 + path, headers=pablo, json=body)
        refusal(response, 404, "not_found")
    for path in ("/user-packages/", "/invoices"):
        response = await api.client.get(V1 + path, headers=pablo)
        assert response.status_code == 200 and response.json()["items"] == [], path
    # Still untouched, and an admin sees every invoice.
    mine = (await api.client.get(f"{V1}/user-packages/", headers=lucia)).json()["items"]
    assert (mine[0]["status"], mine[0]["package_id"]) == ("active", ids["familiar"])
    everyone = (await api.client.get(f"{V1}/invoices", headers=admin)).json()["items"]
    assert [i["id"] for i in everyone] == [invoice_id]
    refusal(await api.client.get(f"{V1}/invoices"), 401, "unauthenticated")

"""Cared persons, legal capacity and institutions through HTTP: who may see, change and
contract for a person, and that nobody else even finds them."""

from __future__ import annotations

from datetime import date
from typing import Any

from tests.support.subscriptions import subscribe_account, subscribe_institution

API = "/api/v1"
ROSA = {"first_name": "Rosa", "last_name": "Gómez", "date_of_birth": "1940-04-03"}


def today(api) -> date:
    return api.container.clock().today()


def years_ago(api, years: int, days: int = 0) -> str:
    now = today(api)
    return date.fromordinal(now.replace(year=now.year - years).toordinal() - days).isoformat()


def refusal(response, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.json()["error"] == error, response.text
    return response.json()["details"]


async def subscribed(api, headers: dict[str, str]) -> dict[str, str]:
    """The user's account gets a subscription in force: adding a second person and
    inviting users need one."""
    await subscribe_account(api.container, await api.user_id(headers))
    return headers


async def add_person(api, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    response = await api.client.post(f"{API}/cared-persons", headers=headers,
                                     json=ROSA | fields)
    assert response.status_code == 201, response.text
    return response.json()


async def ask(api, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = await api.client.post(f"{API}/legal-capacity/verify", headers=headers, json=body)
    assert response.status_code == 200, response.text
    return response.json()


async def request_representation(api, headers: dict[str, str], person_id: str) -> dict[str, Any]:
    response = await api.client.post(f"{API}/legal-capacity/validate-representative",
                                     headers=headers, json={
                                         "cared_person_id": person_id, "relationship": "child",
                                         "document_ref": "Poder general 1234",
                                         "valid_from": today(api).isoformat()})
    assert response.status_code == 201, response.text
    return response.json()


async def test_add_see_and_list_a_delegated_cared_person(api):
    laura = await api.user("laura@example.com")
    rosa = await add_person(api, laura, emergency_contacts=[
        {"name": "Vecina", "email": "Vecina@Example.com"}], thresholds={"pulse_high_above": 110})
    assert rosa["account_id"] == str(await api.user_id(laura)) and rosa["user_id"] is None
    assert (rosa["care_type"], rosa["capacity_status"], rosa["date_of_birth"]) == (
        "delegated", "full", "1940-04-03")
    assert rosa["emergency_contacts"] == [{"name": "Vecina", "email": "vecina@example.com",
                                           "phone": None}]
    assert rosa["thresholds"] == {"pulse_high_above": 110}
    assert rosa["member_ids"] == [] and rosa["caregivers"] == []
    seen = await api.client.get(f"{API}/cared-persons/{rosa['id']}", headers=laura)
    assert seen.status_code == 200 and seen.json() == rosa
    listed = await api.client.get(f"{API}/cared-persons", headers=laura)
    assert listed.json()["items"] == [rosa] and listed.json()["next_offset"] is None


async def test_the_list_pages_oldest_first(api):
    laura = await subscribed(api, await api.user("laura@example.com"))
    ids = [(await add_person(api, laura, first_name=name))["id"] for name in ("A", "B", "C")]
    first = (await api.client.get(f"{API}/cared-persons?limit=2", headers=laura)).json()
    assert [p["id"] for p in first["items"]] == ids[:2] and first["next_offset"] == 2
    rest = (await api.client.get(f"{API}/cared-persons?offset=2&limit=2", headers=laura)).json()
    assert [p["id"] for p in rest["items"]] == ids[2:] and rest["next_offset"] is None
    too_big = await api.client.get(f"{API}/cared-persons?limit=100000", headers=laura)
    refusal(too_big, 422, "validation_error")


async def test_an_adult_takes_self_care_and_a_minor_is_refused(api):
    elena = await api.user("elena@example.com", date_of_birth="1950-02-10")
    own = await add_person(api, elena, first_name="Elena", care_type="self_care",
                           date_of_birth=None)
    assert own["user_id"] == str(await api.user_id(elena))
    assert own["date_of_birth"] == "1950-02-10" and own["care_type"] == "self_care"
    again = await api.client.post(f"{API}/cared-persons", headers=elena,
                                  json=ROSA | {"care_type": "self_care"})
    refusal(again, 409, "conflict")
    teen = await api.user("teen@example.com", date_of_birth=years_ago(api, 18, days=-1))
    minor = await api.client.post(f"{API}/cared-persons", headers=teen, json={
        "first_name": "Teo", "last_name": "Paz", "care_type": "self_care"})
    assert refusal(minor, 403, "legal_capacity_denied")["reason"] == "minor"
    assert (await api.client.get(f"{API}/cared-persons", headers=teen)).json()["items"] == []


async def test_bad_cared_person_input_is_refused_never_a_server_error(api):
    laura = await api.user("laura@example.com")
    future = date.fromordinal(today(api).toordinal() + 1).isoformat()
    bodies = [ROSA | {"care_type": "both"}, ROSA | {"capacity_status": "partial"},
              ROSA | {"thresholds": {"not_a_threshold": 1}},
              ROSA | {"thresholds": {"pulse_high_above": -1}},
              ROSA | {"thresholds": {"pulse_high_above": "120"}},
              ROSA | {"first_name": "x" * 101}, ROSA | {"first_name": None},
              ROSA | {"first_name": "Ro\u0000sa"}, ROSA | {"first_name": "   "},
              ROSA | {"date_of_birth": future}, ROSA | {"date_of_birth": 0},
              ROSA | {"admin": True},
              ROSA | {"emergency_contacts": [{"name": "V", "email": "not an email"}]},
              ROSA | {"emergency_contacts": [{"name": "V", "fax": "1"}]},
              ROSA | {"institution_id": "not-a-uuid"}]
    for body in bodies:
        response = await api.client.post(f"{API}/cared-persons", headers=laura, json=body)
        refusal(response, 422, "validation_error")
    missing = await api.client.post(f"{API}/cared-persons", headers=laura, json=ROSA | {
        "institution_id": "6f1c2a3e-8d4b-4c1e-9a7f-2b3c4d5e6f70"})
    refusal(missing, 404, "not_found")
    assert (await api.client.get(f"{API}/cared-persons")).status_code == 401


async def test_a_representative_contracts_once_an_admin_verifies(api):
    admin, laura = await api.admin(), await api.user("laura@example.com")
    rosa = await add_person(api, laura)
    check = await ask(api, laura, cared_person_id=rosa["id"])
    assert check["can_contract"] is True and check["age"] >= 80  # Rosa herself could
    assert check["contracting_right"] == {"allowed": False, "reason": "no_active_representative",
                                          "cause": None}
    change = await api.client.patch(f"{API}/cared-persons/{rosa['id']}", headers=laura,
                                    json={"capacity_status": "restricted"})
    assert refusal(change, 403, "legal_capacity_denied")["reason"] == "no_active_representative"
    asked = await request_representation(api, laura, rosa["id"])
    assert (asked["verified"], asked["relationship"], asked["representative_id"]) == (
        False, "child", str(await api.user_id(laura)))
    still = await ask(api, laura, cared_person_id=rosa["id"])
    assert still["contracting_right"]["reason"] == "no_active_representative"
    none = await api.client.get(f"{API}/legal-capacity/representative/{rosa['id']}", headers=laura)
    assert none.status_code == 200 and none.json() == {"representative": None}
    verify = f"{API}/legal-capacity/representations/{asked['id']}/verify"
    refusal(await api.client.post(verify, headers=laura), 403, "forbidden")
    verified = await api.client.post(verify, headers=admin)
    assert verified.status_code == 200 and verified.json()["verified"] is True
    assert verified.json()["verified_by"] == str(await api.user_id(admin))
    now = await ask(api, laura, cared_person_id=rosa["id"])
    assert now["contracting_right"] == {"allowed": True, "reason": None, "cause": None}
    current = await api.client.get(f"{API}/legal-capacity/representative/{rosa['id']}",
                                   headers=laura)
    assert current.json()["representative"] == verified.json()
    changed = await api.client.patch(f"{API}/cared-persons/{rosa['id']}", headers=laura,
                                     json={"capacity_status": "restricted"})
    assert changed.status_code == 200 and changed.json()["capacity_status"] == "restricted"
    refusal(await api.client.post(verify, headers=admin), 409, "conflict")
    unknown = f"{API}/legal-capacity/representations/{rosa['id']}/verify"
    refusal(await api.client.post(unknown, headers=admin), 404, "not_found")


async def test_a_representation_request_is_checked(api):
    laura, elena = await api.user("laura@example.com"), await api.user("elena@example.com")
    rosa = await add_person(api, laura)
    url = f"{API}/legal-capacity/validate-representative"
    base = {"cared_person_id": rosa["id"], "relationship": "child", "document_ref": "Poder 1",
            "valid_from": "2026-01-01"}
    for wrong in ({"relationship": "friend"}, {"document_ref": ""}, {"document_ref": "x" * 201},
                  {"valid_until": "2025-12-31"}, {"valid_from": None}):
        refusal(await api.client.post(url, headers=laura, json=base | wrong),
                422, "validation_error")
    own = await add_person(api, elena, care_type="self_care")
    refusal(await api.client.post(url, headers=elena, json=base | {"cared_person_id": own["id"]}),
            409, "conflict")


async def test_legal_capacity_by_date_of_birth_status_and_user(api):
    laura = await api.user("laura@example.com")
    cases = [({"date_of_birth": years_ago(api, 18)}, True, 18, None),
             ({"date_of_birth": years_ago(api, 18, days=-1)}, False, 17, "minor"),
             ({"date_of_birth": "1970-01-01", "capacity_status": "restricted"}, False, None,
              "restricted_capacity"),
             ({"date_of_birth": "1970-01-01", "capacity_status": "incapacitated"}, False, None,
              "incapacitated"),
             ({}, False, None, "missing_date_of_birth"),
             ({"date_of_birth": "2008-03-01", "on_date": "2026-03-01"}, True, 18, None)]
    for body, can, age, reason in cases:
        answer = await ask(api, laura, **body)
        assert (answer["can_contract"], answer["reason"]) == (can, reason), body
        assert age is None or answer["age"] == age
        assert answer["contracting_right"] is None
    mine = await ask(api, laura, user_id=str(await api.user_id(laura)))
    assert mine["can_contract"] is True
    rosa = await add_person(api, laura)
    both = await api.client.post(f"{API}/legal-capacity/verify", headers=laura, json={
        "user_id": str(await api.user_id(laura)), "cared_person_id": rosa["id"]})
    refusal(both, 422, "validation_error")
    for odd in ({"capacity_status": "gone"}, {"on_date": 0}, {"date_of_birth": "1970-02-30"}):
        response = await api.client.post(f"{API}/legal-capacity/verify", headers=laura, json=odd)
        refusal(response, 422, "validation_error")


async def test_a_member_sees_the_person_but_may_not_change_the_care(api):
    laura, marta = await api.user("laura@example.com"), await api.user("marta@example.com")
    await api.user("tito@example.com")
    rosa = await add_person(api, await subscribed(api, laura))
    members = f"{API}/cared-persons/{rosa['id']}/members"
    added = await api.client.post(members, headers=laura, json={"email": "MARTA@example.com"})
    assert added.status_code == 201
    assert added.json()["member_ids"] == [str(await api.user_id(marta))]
    listed = (await api.client.get(f"{API}/cared-persons", headers=marta)).json()
    assert [p["id"] for p in listed["items"]] == [rosa["id"]]
    renamed = await api.client.patch(f"{API}/cared-persons/{rosa['id']}", headers=marta,
                                     json={"first_name": "Rosa María"})
    assert renamed.status_code == 200 and renamed.json()["first_name"] == "Rosa María"
    care = await api.client.patch(f"{API}/cared-persons/{rosa['id']}", headers=marta,
                                  json={"thresholds": {"pulse_low_below": 45}})
    assert refusal(care, 403, "legal_capacity_denied")["reason"] == "no_active_representative"
    refusal(await api.client.post(members, headers=marta, json={"email": "tito@example.com"}),
            403, "forbidden")
    refusal(await api.client.post(members, headers=laura, json={"email": "marta@example.com"}),
            409, "conflict")
    refusal(await api.client.post(members, headers=laura, json={"email": "nadie@example.com"}),
            404, "not_found")
    refusal(await api.client.post(members, headers=laura, json={"email": "no es un email"}),
            422, "validation_error")
    refusal(await api.client.post(members, headers=laura, json={"email": "a\u0000@b.co"}),
            422, "validation_error")


async def test_caregivers_are_assigned_and_see_the_person(api):
    admin, laura = await api.admin(), await api.user("laura@example.com")
    carla, pablo = await api.user("carla@example.com"), await api.user("pablo@example.com")
    carla_id, pablo_id = await api.user_id(carla), await api.user_id(pablo)
    for user_id in (carla_id, pablo_id):
        granted = await api.client.post(f"{API}/users/{user_id}/roles", headers=admin,
                                        json={"role": "caregiver"})
        assert granted.status_code == 200
    rosa = await add_person(api, await subscribed(api, laura))
    url = f"{API}/cared-persons/{rosa['id']}/caregivers"
    first = await api.client.post(url, headers=laura,
                                  json={"caregiver_id": str(carla_id), "primary": True})
    assert first.status_code == 201
    assert first.json() == {"cared_person_id": rosa["id"], "caregiver_id": str(carla_id),
                            "primary": True, "status": "pending"}
    accepted = await api.client.post(f"{url}/{carla_id}/accept", headers=carla)
    assert accepted.json()["status"] == "accepted"
    second = await api.client.post(url, headers=laura,
                                   json={"caregiver_id": str(pablo_id), "primary": True})
    assert second.status_code == 201
    assert (await api.client.post(f"{url}/{pablo_id}/accept", headers=pablo)).status_code == 200
    person = (await api.client.get(f"{API}/cared-persons/{rosa['id']}", headers=laura)).json()
    assert person["caregivers"] == [
        {"caregiver_id": str(pablo_id), "primary": True, "status": "accepted"},
        {"caregiver_id": str(carla_id), "primary": False, "status": "accepted"}]
    seen = await api.client.get(f"{API}/cared-persons/{rosa['id']}", headers=carla)
    assert seen.status_code == 200
    refusal(await api.client.post(url, headers=laura, json={"caregiver_id": str(carla_id)}),
            409, "conflict")
    laura_id = str(await api.user_id(laura))
    refusal(await api.client.post(url, headers=laura, json={"caregiver_id": laura_id}),
            422, "validation_error")  # not a caregiver
    refusal(await api.client.post(url, headers=laura, json={"caregiver_id": rosa["id"]}),
            404, "not_found")
    refusal(await api.client.post(url, headers=laura, json={"caregiver_id": laura_id,
                                                            "primary": "yes"}),
            422, "validation_error")
    refusal(await api.client.post(url, headers=carla, json={"caregiver_id": str(pablo_id)}),
            403, "forbidden")


async def test_a_stranger_finds_nothing_of_someone_elses_cared_person(api):
    laura, pedro = await api.user("laura@example.com"), await api.user("pedro@example.com")
    rosa = await add_person(api, laura)
    await request_representation(api, laura, rosa["id"])
    person = f"{API}/cared-persons/{rosa['id']}"
    responses = [
        await api.client.get(person, headers=pedro),
        await api.client.patch(person, headers=pedro, json={"first_name": "X"}),
        await api.client.post(f"{person}/members", headers=pedro,
                              json={"email": "pedro@example.com"}),
        await api.client.post(f"{person}/caregivers", headers=pedro,
                              json={"caregiver_id": str(await api.user_id(pedro))}),
        await api.client.get(f"{API}/legal-capacity/representative/{rosa['id']}", headers=pedro),
        await api.client.post(f"{API}/legal-capacity/validate-representative", headers=pedro,
                              json={"cared_person_id": rosa["id"], "relationship": "other",
                                    "document_ref": "x", "valid_from": "2026-01-01"}),
        await api.client.post(f"{API}/legal-capacity/verify", headers=pedro,
                              json={"cared_person_id": rosa["id"]}),
        await api.client.post(f"{API}/legal-capacity/verify", headers=pedro,
                              json={"user_id": rosa["account_id"]}),
    ]
    for response in responses:
        refusal(response, 404, "not_found")
    assert (await api.client.get(f"{API}/cared-persons", headers=pedro)).json()["items"] == []
    untouched = await api.client.get(person, headers=laura)
    assert untouched.json()["first_name"] == "Rosa" and untouched.json()["member_ids"] == []


async def test_an_institution_its_staff_and_its_cared_persons(api):
    director, nurse = await api.user("director@example.com"), await api.user("nurse@example.com")
    stranger = await api.user("pedro@example.com")
    created = await api.client.post(f"{API}/institutions", headers=director, json={
        "name": "Hogar Sol", "email": "Info@HogarSol.com", "phone": "+54 11 5555-0200"})
    assert created.status_code == 201
    home = created.json()
    assert (home["name"], home["email"], home["admin_id"]) == (
        "Hogar Sol", "info@hogarsol.com", str(await api.user_id(director)))
    me = (await api.client.get(f"{API}/users/me", headers=director)).json()
    assert "institution_admin" in [r["role"] for r in me["roles"]]
    staff = f"{API}/institutions/{home['id']}/staff"
    await subscribe_institution(api.container, await api.user_id(director), home["id"])
    added = await api.client.post(staff, headers=director,
                                  json={"email": "nurse@example.com", "on_call": True})
    nurse_id = str(await api.user_id(nurse))
    assert added.status_code == 201
    assert added.json()["staff_ids"] == added.json()["on_call_ids"] == [nurse_id]
    seen = await api.client.get(f"{API}/institutions/{home['id']}", headers=nurse)
    assert seen.status_code == 200 and seen.json() == added.json()
    rosa = await add_person(api, director, institution_id=home["id"])
    listed = (await api.client.get(f"{API}/cared-persons", headers=nurse)).json()["items"]
    assert [p["id"] for p in listed] == [rosa["id"]]
    refusal(await api.client.post(staff, headers=nurse, json={"email": "pedro@example.com"}),
            403, "forbidden")
    refusal(await api.client.post(staff, headers=director, json={"email": "nurse@example.com"}),
            409, "conflict")
    refusal(await api.client.post(staff, headers=director, json={"email": "nadie@example.com"}),
            404, "not_found")
    refusal(await api.client.post(staff, headers=director,
                                  json={"email": "pedro@example.com", "on_call": 1}),
            422, "validation_error")
    refusal(await api.client.get(f"{API}/institutions/{home['id']}", headers=stranger),
            404, "not_found")
    refusal(await api.client.post(staff, headers=stranger, json={"email": "pedro@example.com"}),
            404, "not_found")
    refusal(await api.client.get(f"{API}/institutions/{rosa['id']}", headers=director),
            404, "not_found")
    assert (await api.client.get(f"{API}/cared-persons", headers=stranger)).json()["items"] == []
    for body in ({"name": ""}, {"name": "x" * 101}, {"name": "Hogar", "email": "no"}):
        refusal(await api.client.post(f"{API}/institutions", headers=director, json=body),
                422, "validation_error")

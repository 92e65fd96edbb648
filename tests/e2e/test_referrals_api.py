"""Referrals and commissions through HTTP: the whole journey from an invitation to a paid
commission, every refusal, pagination, and that nobody sees another's referrals."""

from __future__ import annotations

from uuid import UUID, uuid4

import httpx

from tests.e2e.conftest import PASSWORD, Api

V1 = "/api/v1"
INVITED = "nueva@example.com"
MONTHLY_CENTS = 1_815_000  # ARS 18,150.00; a caregiver earns 20 % of it the first month


async def caregiver(api: Api, admin: dict[str, str], email: str) -> tuple[dict[str, str], UUID]:
    """A user an admin made a caregiver; their headers and id."""
    headers = await api.user(email)
    user_id = await api.user_id(headers)
    granted = await api.client.post(f"{V1}/users/{user_id}/roles", headers=admin,
                                    json={"role": "caregiver"})
    assert granted.status_code == 200, granted.text
    return headers, user_id


async def invite(api: Api, headers: dict[str, str], email: str = INVITED,
                 referrer_type: str = "caregiver") -> dict:
    response = await api.client.post(f"{V1}/referrals/generate-code", headers=headers,
                                     json={"email": email, "referrer_type": referrer_type})
    assert response.status_code == 201, response.text
    return response.json()


async def validate(api: Api, **body: object) -> dict:
    response = await api.client.post(f"{V1}/referrals/validate", json=body)
    assert response.status_code == 200, response.text
    return response.json()


async def subscribe_and_pay(api: Api, admin: dict[str, str], payer: dict[str, str]) -> UUID:
    """An admin offers a package; the payer subscribes monthly; the admin records the
    first invoice paid. The subscription's id."""
    package = await api.client.post(f"{V1}/packages/", headers=admin, json={
        "type": "familiar", "name": "Familiar", "price_monthly_cents": MONTHLY_CENTS,
        "max_users": 5, "max_devices": 8, "max_storage_gb": 20, "support_level": "chat"})
    assert package.status_code == 201, package.text
    subscribed = await api.client.post(f"{V1}/user-packages/", headers=payer, json={
        "package_id": package.json()["id"], "billing_cycle": "monthly"})
    assert subscribed.status_code == 201, subscribed.text
    invoice_id = subscribed.json()["invoice"]["id"]
    paid = await api.client.post(f"{V1}/invoices/{invoice_id}/mark-paid", headers=admin)
    assert paid.status_code == 200 and paid.json()["status"] == "paid", paid.text
    return UUID(subscribed.json()["subscription"]["id"])


async def register_with(api: Api, email: str, code: str) -> httpx.Response:
    return await api.client.post(f"{V1}/auth/register", json={
        "email": email, "password": PASSWORD, "first_name": "Nueva", "last_name": "Paz",
        "date_of_birth": "1980-05-01", "referral_code": code})


async def test_the_referral_journey_from_invitation_to_a_paid_commission(api: Api) -> None:
    admin = await api.admin()
    marta, marta_id = await caregiver(api, admin, "marta@example.com")
    referral = await invite(api, marta)
    assert (referral["email"], referral["referrer_type"], referral["status"]) == (
        INVITED, "caregiver", "pending")
    assert UUID(referral["referrer_id"]) == marta_id and len(referral["code"]) == 8
    assert await validate(api, code=referral["code"].lower(), email="NUEVA@example.com") == {
        "valid": True, "reason": None, "referrer_type": "caregiver"}
    await bad_codes_register_nobody(api, referral["code"])
    await the_invited_registers(api, marta, referral["code"])
    subscription_id = await subscribe_and_pay(api, admin, await api.login(INVITED))
    commission = await a_first_month_commission_of_20_percent(api, marta, referral,
                                                              subscription_id)
    await only_an_admin_pays_it_once(api, admin, marta, commission)
    await a_stranger_sees_none_of_it(api, referral)


async def bad_codes_register_nobody(api: Api, code: str) -> None:
    for email, bad, reason in ((INVITED, "ZZZZZZZZ", "unknown_code"),
                               (INVITED, "not a code", "unknown_code"),
                               ("otra@example.com", code, "email_mismatch")):
        refused = await register_with(api, email, bad)
        assert refused.status_code == 422 and refused.json()["error"] == "referral_invalid"
        assert refused.json()["details"]["reason"] == reason
    for email in (INVITED, "otra@example.com"):
        login = await api.client.post(f"{V1}/auth/login",
                                      json={"email": email, "password": PASSWORD})
        assert login.status_code == 401


async def the_invited_registers(api: Api, referrer: dict[str, str], code: str) -> None:
    registered = await register_with(api, INVITED, code)
    assert registered.status_code == 201, registered.text
    assert (await validate(api, code=code))["reason"] == "not_pending"
    mine = (await api.client.get(f"{V1}/referrals/my-referrals", headers=referrer)).json()
    assert [(r["status"], r["referred_user_id"]) for r in mine["items"]] == [
        ("registered", registered.json()["id"])]


async def a_first_month_commission_of_20_percent(
        api: Api, marta: dict[str, str], referral: dict, subscription_id: UUID) -> dict:
    mine = (await api.client.get(f"{V1}/referrals/my-referrals", headers=marta)).json()
    assert (mine["items"][0]["status"], mine["items"][0]["subscription_id"]) == (
        "converted", str(subscription_id))
    commissions = (await api.client.get(f"{V1}/referral-commissions/my-commissions",
                                        headers=marta)).json()
    assert commissions["next_offset"] is None and len(commissions["items"]) == 1
    commission = commissions["items"][0]
    assert (commission["type"], commission["status"], commission["referral_id"]) == (
        "first_month", "pending", referral["id"])
    assert commission["base"]["cents"] == MONTHLY_CENTS and commission["percentage"] == "20"
    assert commission["amount"] == {"cents": 363_000, "currency": "ARS",
                                    "display": "ARS 3,630.00"}
    stats = (await api.client.get(f"{V1}/referral-commissions/stats", headers=marta)).json()
    assert stats["by_status"]["pending"]["cents"] == 363_000
    assert stats["by_type"]["first_month"]["cents"] == 363_000
    assert stats["count_by_status"] == {"pending": 1, "paid": 0, "cancelled": 0}
    referral_stats = (await api.client.get(f"{V1}/referrals/stats", headers=marta)).json()
    assert referral_stats["by_status"] == {"pending": 0, "registered": 0, "converted": 1,
                                           "expired": 0}
    assert (referral_stats["total"], referral_stats["conversion_rate"]) == (1, "100.00")
    assert referral_stats["commissions_pending"]["cents"] == 363_000
    return commission


async def only_an_admin_pays_it_once(api: Api, admin: dict[str, str], marta: dict[str, str],
                                     commission: dict) -> None:
    path = f"{V1}/referral-commissions/{commission['id']}/mark-paid"
    by_marta = await api.client.patch(path, headers=marta)
    assert by_marta.status_code == 403 and by_marta.json()["error"] == "forbidden"
    paid = await api.client.patch(path, headers=admin)
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    assert paid.json()["paid_at"] is not None
    twice = await api.client.patch(path, headers=admin)
    assert twice.status_code == 409 and twice.json()["error"] == "invalid_state_transition"
    after = (await api.client.get(f"{V1}/referrals/stats", headers=marta)).json()
    assert (after["commissions_paid"]["cents"], after["commissions_pending"]["cents"]) == (
        363_000, 0)


async def a_stranger_sees_none_of_it(api: Api, referral: dict) -> None:
    """Lists and totals are the caller's own; the routes taking an id are admin-only and
    answer a stranger 403 whether the id exists or not."""
    stranger = await api.user("extrana@example.com")
    for list_path in ("/referrals/my-referrals", "/referral-commissions/my-commissions"):
        seen = await api.client.get(V1 + list_path, headers=stranger)
        assert seen.status_code == 200 and seen.json()["items"] == []
    assert (await api.client.get(f"{V1}/referrals/stats", headers=stranger)).json()["total"] == 0
    theirs = (await api.client.get(f"{V1}/referral-commissions/stats", headers=stranger)).json()
    assert theirs["count_by_status"] == {"pending": 0, "paid": 0, "cancelled": 0}
    for taken in (referral["id"], str(uuid4())):
        status = await api.client.patch(f"{V1}/referrals/{taken}/update-status",
                                        headers=stranger, json={"status": "expired"})
        assert status.status_code == 403


async def test_generating_a_code_is_refused_when_a_rule_says_so(api: Api) -> None:
    lucia = await api.user("lucia@example.com")
    as_caregiver = await api.client.post(f"{V1}/referrals/generate-code", headers=lucia,
                                         json={"email": INVITED, "referrer_type": "caregiver"})
    assert as_caregiver.status_code == 403 and as_caregiver.json()["error"] == "forbidden"
    assert as_caregiver.json()["details"]["role"] == "caregiver"
    own = await api.client.post(f"{V1}/referrals/generate-code", headers=lucia,
                                json={"email": "LUCIA@example.com", "referrer_type": "family"})
    assert own.status_code == 422 and own.json()["details"]["reason"] == "self_referral"
    first = await invite(api, lucia, referrer_type="family")
    again = await api.client.post(f"{V1}/referrals/generate-code", headers=lucia,
                                  json={"email": "Nueva@Example.com", "referrer_type": "family"})
    assert again.status_code == 409 and again.json()["error"] == "conflict"
    assert again.json()["details"] == {"referral_id": first["id"],
                                       "reason": "open_referral_exists"}
    for body in ({"email": INVITED, "referrer_type": "emperor"},
                 {"email": "not-an-email", "referrer_type": "family"},
                 {"email": "x" * 300 + "@example.com", "referrer_type": "family"},
                 {"email": None, "referrer_type": "family"},
                 {"email": INVITED},
                 {"email": INVITED, "referrer_type": "family", "extra": 1}):
        refused = await api.client.post(f"{V1}/referrals/generate-code", headers=lucia, json=body)
        assert refused.status_code == 422, body
        assert refused.json()["error"] == "validation_error"
    anonymous = await api.client.post(f"{V1}/referrals/generate-code",
                                      json={"email": INVITED, "referrer_type": "family"})
    assert anonymous.status_code == 401


async def test_validating_a_code_is_public_and_says_why_not(api: Api) -> None:
    lucia = await api.user("lucia@example.com")
    code = (await invite(api, lucia, referrer_type="family"))["code"]
    assert await validate(api, code=code) == {"valid": True, "reason": None,
                                              "referrer_type": "family"}
    assert (await validate(api, code=code, email="otra@example.com"))["reason"] == (
        "email_mismatch")
    for unknown in ("ZZZZZZZZ", "abc", "", "ÑÑÑÑÑÑÑÑ", "😀" * 8):
        assert await validate(api, code=unknown) == {"valid": False, "reason": "unknown_code",
                                                     "referrer_type": None}
    for body in ({"code": "Z" * 65}, {"code": None}, {}, {"code": 12345678},
                 {"code": code, "email": "not-an-email"}):
        refused = await api.client.post(f"{V1}/referrals/validate", json=body)
        assert refused.status_code == 422 and refused.json()["error"] == "validation_error"


async def test_my_referrals_come_newest_first_by_page(api: Api) -> None:
    lucia = await api.user("lucia@example.com")
    made = [await invite(api, lucia, f"amiga{n}@example.com", "family") for n in range(3)]
    first = await api.client.get(f"{V1}/referrals/my-referrals?limit=2", headers=lucia)
    assert first.status_code == 200 and first.json()["next_offset"] == 2
    second = await api.client.get(f"{V1}/referrals/my-referrals?offset=2&limit=2", headers=lucia)
    assert second.json()["next_offset"] is None
    listed = [r["id"] for r in first.json()["items"] + second.json()["items"]]
    assert listed == [r["id"] for r in reversed(made)]
    stats = (await api.client.get(f"{V1}/referrals/stats", headers=lucia)).json()
    assert (stats["by_status"]["pending"], stats["total"], stats["conversion_rate"]) == (
        3, 3, "0.00")
    assert stats["commissions_pending"] == {"cents": 0, "currency": "ARS",
                                            "display": "ARS 0.00"}
    for query in ("limit=0", "limit=201", "offset=-1", "limit=abc"):
        bad = await api.client.get(f"{V1}/referrals/my-referrals?{query}", headers=lucia)
        assert bad.status_code == 422, query
    assert (await api.client.get(f"{V1}/referrals/my-referrals")).status_code == 401


async def test_an_admin_expires_an_open_referral_and_nothing_else(api: Api) -> None:
    admin = await api.admin()
    lucia = await api.user("lucia@example.com")
    referral = await invite(api, lucia, referrer_type="family")
    path = f"{V1}/referrals/{referral['id']}/update-status"
    by_referrer = await api.client.patch(path, headers=lucia, json={"status": "expired"})
    assert by_referrer.status_code == 403 and by_referrer.json()["error"] == "forbidden"
    converted = await api.client.patch(path, headers=admin, json={"status": "converted"})
    assert converted.status_code == 409
    assert converted.json()["error"] == "invalid_state_transition"
    expired = await api.client.patch(path, headers=admin, json={"status": "expired"})
    assert expired.status_code == 200
    assert expired.json()["status"] == "expired" and expired.json()["expired_at"] is not None
    assert (await validate(api, code=referral["code"]))["reason"] == "expired"
    again = await api.client.patch(path, headers=admin, json={"status": "expired"})
    assert again.status_code == 409
    for body in ({"status": "bogus"}, {"status": None}, {}, {"status": "expired", "x": 1}):
        refused = await api.client.patch(path, headers=admin, json=body)
        assert refused.status_code == 422 and refused.json()["error"] == "validation_error"
    unknown = await api.client.patch(f"{V1}/referrals/{uuid4()}/update-status", headers=admin,
                                     json={"status": "expired"})
    assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"
    not_an_id = await api.client.patch(f"{V1}/referrals/123/update-status", headers=admin,
                                       json={"status": "expired"})
    assert not_an_id.status_code == 422


async def test_commission_routes_refuse_strangers_and_unknown_ids(api: Api) -> None:
    admin = await api.admin()
    lucia = await api.user("lucia@example.com")
    empty = (await api.client.get(f"{V1}/referral-commissions/my-commissions?limit=1",
                                  headers=lucia)).json()
    assert empty == {"items": [], "offset": 0, "limit": 1, "next_offset": None}
    stats = (await api.client.get(f"{V1}/referral-commissions/stats", headers=lucia)).json()
    assert stats["by_type"]["bonus"]["cents"] == 0 and stats["by_status"]["paid"]["cents"] == 0
    unknown = await api.client.patch(f"{V1}/referral-commissions/{uuid4()}/mark-paid",
                                     headers=admin)
    assert unknown.status_code == 404 and unknown.json()["error"] == "not_found"
    by_lucia = await api.client.patch(f"{V1}/referral-commissions/{uuid4()}/mark-paid",
                                      headers=lucia)
    assert by_lucia.status_code == 403
    for path in ("/referral-commissions/my-commissions", "/referral-commissions/stats",
                 "/referrals/stats"):
        assert (await api.client.get(V1 + path)).status_code == 401

"""Authentication through HTTP: the happy path and every token attack."""

from __future__ import annotations

import base64
import json
import time

import jwt

from tests.e2e.conftest import PASSWORD
from tests.support.statements import statements


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


async def test_register_login_me_and_refresh_rotation(api):
    user = await api.register("lucia@example.com", first_name="Lucía")
    assert user["email"] == "lucia@example.com" and [r["role"] for r in user["roles"]] == ["family"]
    assert "password" not in json.dumps(user) and "hash" not in json.dumps(user)
    login = await api.client.post("/api/v1/auth/login",
                                  json={"email": "LUCIA@example.com", "password": PASSWORD})
    pair = login.json()
    assert (login.status_code == 200 and pair["token_type"] == "bearer"
            and pair["expires_in"] == 1800)
    me = await api.client.get("/api/v1/users/me",
                              headers={"Authorization": f"Bearer {pair['access_token']}"})
    assert me.status_code == 200 and me.json()["first_name"] == "Lucía"
    renewed = await api.client.post("/api/v1/auth/refresh",
                                    json={"refresh_token": pair["refresh_token"]})
    assert renewed.status_code == 200
    new = renewed.json()
    assert new["refresh_token"] != pair["refresh_token"]
    # The spent refresh token again: 401, and the whole login is over.
    reused = await api.client.post("/api/v1/auth/refresh",
                                   json={"refresh_token": pair["refresh_token"]})
    assert reused.status_code == 401 and reused.json()["error"] == "unauthenticated"
    after = await api.client.post("/api/v1/auth/refresh",
                                  json={"refresh_token": new["refresh_token"]})
    assert after.status_code == 401
    # ... its access tokens too, at once: the first pair's and the renewed one's.
    for access in (pair["access_token"], new["access_token"]):
        me = await api.client.get("/api/v1/users/me",
                                  headers={"Authorization": f"Bearer {access}"})
        assert me.status_code == 401 and me.json()["error"] == "unauthenticated"


async def test_a_reused_refresh_token_ends_only_its_own_login(api):
    await api.register("lucia@example.com")
    body = {"email": "lucia@example.com", "password": PASSWORD}
    phone = (await api.client.post("/api/v1/auth/login", json=body)).json()
    laptop = (await api.client.post("/api/v1/auth/login", json=body)).json()
    await api.client.post("/api/v1/auth/refresh", json={"refresh_token": phone["refresh_token"]})
    reused = await api.client.post("/api/v1/auth/refresh",
                                   json={"refresh_token": phone["refresh_token"]})
    assert reused.status_code == 401
    me = await api.client.get("/api/v1/users/me",
                              headers={"Authorization": f"Bearer {laptop['access_token']}"})
    assert me.status_code == 200


async def test_wrong_password_and_unknown_email_look_the_same(api):
    await api.register("lucia@example.com")
    wrong = await api.client.post("/api/v1/auth/login",
                                  json={"email": "lucia@example.com", "password": "no es esta"})
    unknown = await api.client.post("/api/v1/auth/login",
                                    json={"email": "nadie@example.com", "password": "no es esta"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["message"] == unknown.json()["message"]
    assert wrong.headers["www-authenticate"] == "Bearer"


async def test_failed_logins_slow_their_address_not_the_account_holder(api):
    await api.register("lucia@example.com")
    wrong = {"email": "lucia@example.com", "password": "mala clave"}
    right = {"email": "lucia@example.com", "password": PASSWORD}
    for _ in range(6):
        failed = await api.client.post("/api/v1/auth/login", json=wrong)
        assert failed.status_code == 401
    slowed = await api.client.post("/api/v1/auth/login", json=right)
    assert slowed.status_code == 429 and slowed.json()["error"] == "rate_limited"
    assert int(slowed.headers["retry-after"]) == 1
    # Lucía from her own phone, at another address, is not kept out.
    async with api.client_at("10.1.2.3") as phone:
        assert (await phone.post("/api/v1/auth/login", json=right)).status_code == 200


async def test_password_of_more_than_72_bytes_is_refused_not_truncated(api):
    response = await api.client.post("/api/v1/auth/register", json={
        "email": "x@example.com", "password": "ñ" * 37, "first_name": "X", "last_name": "Y"})
    assert response.status_code == 422 and response.json()["error"] == "validation_error"
    assert "72" in response.json()["message"]


async def test_token_attacks_all_get_401(api):
    headers = await api.user("lucia@example.com")
    good = headers["Authorization"].split()[1]
    header, payload, signature = good.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    alg_none = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}."
    wrong_key = jwt.encode(claims, "another secret of enough length for hs256!!", algorithm="HS256")
    expired = jwt.encode(claims | {"exp": int(time.time()) - 10},
                         api.container.secret(), algorithm="HS256")
    someone_else = claims | {"sub": "00000000-0000-0000-0000-000000000001"}
    tampered = f"{header}.{_b64(someone_else)}.{signature}"
    login = await api.client.post("/api/v1/auth/login",
                                  json={"email": "lucia@example.com", "password": PASSWORD})
    refresh_as_access = login.json()["refresh_token"]
    no_jti = jwt.encode({k: v for k, v in claims.items() if k != "jti"},
                        api.container.secret(), algorithm="HS256")
    for token in (alg_none, wrong_key, expired, tampered, refresh_as_access, no_jti, "garbage"):
        response = await api.client.get("/api/v1/users/me",
                                        headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, token
        assert response.json()["error"] == "unauthenticated"
    missing = await api.client.get("/api/v1/users/me")
    assert missing.status_code == 401


async def test_logout_revokes_the_access_token_and_the_session(api):
    await api.register("lucia@example.com")
    pair = (await api.client.post("/api/v1/auth/login",
                                  json={"email": "lucia@example.com", "password": PASSWORD})).json()
    headers = {"Authorization": f"Bearer {pair['access_token']}"}
    out = await api.client.post("/api/v1/auth/logout", headers=headers,
                                json={"refresh_token": pair["refresh_token"]})
    assert out.status_code == 204
    assert (await api.client.get("/api/v1/users/me", headers=headers)).status_code == 401
    refreshed = await api.client.post("/api/v1/auth/refresh",
                                      json={"refresh_token": pair["refresh_token"]})
    assert refreshed.status_code == 401


async def test_forgot_and_reset_password(api):
    await api.register("lucia@example.com")
    before = (await api.client.post("/api/v1/auth/login", json={
        "email": "lucia@example.com", "password": PASSWORD})).json()
    accepted = await api.client.post("/api/v1/auth/forgot-password",
                                     json={"email": "lucia@example.com"})
    unknown = await api.client.post("/api/v1/auth/forgot-password",
                                    json={"email": "nadie@example.com"})
    assert accepted.status_code == unknown.status_code == 202
    async with api.container.uow() as uow:
        token = await _reset_token_from_outbox(uow)
    reset = await api.client.post("/api/v1/auth/reset-password",
                                  json={"token": token, "new_password": "otra clave larga"})
    assert reset.status_code == 204
    # Every session ends at once: an access token from before the reset answers 401.
    me = await api.client.get("/api/v1/users/me",
                              headers={"Authorization": f"Bearer {before['access_token']}"})
    assert me.status_code == 401
    again = await api.client.post("/api/v1/auth/reset-password",
                                  json={"token": token, "new_password": "una tercera clave"})
    assert again.status_code == 401  # single use
    await api.login("lucia@example.com", "otra clave larga")


async def _reset_token_from_outbox(uow) -> str:
    from sqlalchemy import select

    from cuiot.adapters.persistence.orm.safety import notifications

    rows = (await uow.connection.execute(
        select(notifications.c.payload).where(notifications.c.kind == "auth"))).all()
    assert len(rows) == 1  # nothing written for the unknown email
    return rows[0][0]["token"]


async def test_profile_update_and_admin_role_management(api):
    admin = await api.admin()
    lucia = await api.user("lucia@example.com")
    changed = await api.client.patch("/api/v1/users/me", headers=lucia,
                                     json={"phone": "+54 11 5555-0101"})
    assert changed.status_code == 200 and changed.json()["phone"] == "+54 11 5555-0101"
    lucia_id = changed.json()["id"]
    forbidden = await api.client.get("/api/v1/users", headers=lucia)
    assert forbidden.status_code == 403 and forbidden.json()["error"] == "forbidden"
    listed = await api.client.get("/api/v1/users?limit=1", headers=admin)
    assert listed.status_code == 200 and len(listed.json()["items"]) == 1
    assert listed.json()["next_offset"] == 1
    granted = await api.client.post(f"/api/v1/users/{lucia_id}/roles", headers=admin,
                                    json={"role": "caregiver"})
    assert sorted(r["role"] for r in granted.json()["roles"]) == ["caregiver", "family"]
    revoked = await api.client.delete(f"/api/v1/users/{lucia_id}/roles/caregiver", headers=admin)
    assert [r["role"] for r in revoked.json()["roles"]] == ["family"]
    bogus = await api.client.post(f"/api/v1/users/{lucia_id}/roles", headers=admin,
                                  json={"role": "emperor"})
    assert bogus.status_code == 422


async def test_the_profile_and_the_user_list_are_one_statement_after_authentication(api):
    admin = await api.admin()
    await api.user("lucia@example.com")
    for path in ("/api/v1/users/me", "/api/v1/users?limit=1"):
        with statements(api.container.read_engine()) as seen:
            response = await api.client.get(path, headers=admin)
        assert response.status_code == 200
        assert len(seen.queries()) == 2, seen  # who is calling, then the read itself


async def test_forgot_password_cannot_flood_an_inbox(api):
    await api.register("lucia@example.com")
    for _ in range(3):
        sent = await api.client.post("/api/v1/auth/forgot-password",
                                     json={"email": "lucia@example.com"})
        assert sent.status_code == 202
    held = await api.client.post("/api/v1/auth/forgot-password",
                                 json={"email": "lucia@example.com"})
    assert held.status_code == 429 and held.json()["error"] == "rate_limited"
    assert int(held.headers["retry-after"]) > 0

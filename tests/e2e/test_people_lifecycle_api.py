"""Taking access back through HTTP, on SQLite and PostgreSQL: a cared person deactivated
(their alerts closed, their devices refused, gone from every list but their managers'),
reactivated and erased; an account deactivated (401 at once, no more alerts, its live
socket closed), reactivated and erased. Someone else's person is 404; the admin routes
are in test_function_level_authorization.py."""

from __future__ import annotations

import asyncio
from uuid import UUID

import pytest
from websockets.exceptions import ConnectionClosed

from cuiot.entrypoints.http.routers import ws as ws_route
from tests.e2e.conftest import PASSWORD
from tests.e2e.test_care_api import refusal, request_representation
from tests.e2e.test_devices_api import BP_CRITICAL, V1, family, member_of, register, send
from tests.e2e.test_ws_alerts import UNAUTHORIZED, Worker, receive, worker  # noqa: F401


def person_url(person_id: str, action: str = "") -> str:
    return f"{V1}/cared-persons/{person_id}" + (f"/{action}" if action else "")


def user_url(user_id: UUID | str, action: str) -> str:
    return f"{V1}/users/{user_id}/{action}"


async def listed(api, headers: dict[str, str], path: str = "") -> list[str]:
    response = await api.client.get(f"{V1}/cared-persons{path}", headers=headers)
    assert response.status_code == 200, response.text
    return [p["id"] for p in response.json()["items"]]


async def test_a_deactivated_person_closes_their_alerts_and_leaves_every_list(api):
    ana = await family(api, "ana@example.com")
    bruno = await member_of(api, ana, "bruno@example.com")
    zoe, admin = await api.user("zoe@example.com"), await api.admin()
    device = await register(api, ana)
    [alert_id] = (await send(api, device, BP_CRITICAL)).json()["alert_ids"]
    refusal(await api.client.post(person_url(ana.person_id, "deactivate"), headers=zoe),
            404, "not_found")
    refusal(await api.client.post(person_url(ana.person_id, "deactivate"), headers=bruno),
            403, "forbidden")
    done = await api.client.post(person_url(ana.person_id, "deactivate"), headers=ana.headers)
    assert done.status_code == 200 and done.json()["deactivated_at"], done.text
    for headers in (ana.headers, bruno):
        refusal(await api.client.get(person_url(ana.person_id), headers=headers), 404,
                "not_found")
        assert await listed(api, headers) == []
        alerts = await api.client.get(f"{V1}/alerts", headers=headers)
        assert alerts.json()["items"] == []
    assert await listed(api, ana.headers, "/deactivated") == [ana.person_id]
    assert await listed(api, bruno, "/deactivated") == []
    closed = await api.client.get(f"{V1}/alerts/{alert_id}", headers=admin)
    assert (closed.json()["status"], closed.json()["resolved_by"]) == (
        "resolved", str(ana.user_id))
    refused = refusal(await send(api, device, BP_CRITICAL, "m-2"), 409,
                      "cared_person_deactivated")
    assert refused["cared_person_id"] == ana.person_id
    seen = await api.client.get(person_url(ana.person_id), headers=admin)
    assert seen.status_code == 200 and seen.json()["deactivated_at"], seen.text


async def test_reactivated_as_they_were_then_erased_for_good(api):
    ana = await family(api, "ana@example.com")
    device = await register(api, ana)
    await send(api, device, BP_CRITICAL)
    url = person_url(ana.person_id)
    refusal(await api.client.post(f"{url}/reactivate", headers=ana.headers), 409,
            "invalid_state_transition")
    refusal(await api.client.post(f"{url}/erase", headers=ana.headers), 409,
            "invalid_state_transition")
    await api.client.post(f"{url}/deactivate", headers=ana.headers)
    back = await api.client.post(f"{url}/reactivate", headers=ana.headers)
    assert back.status_code == 200 and back.json()["deactivated_at"] is None, back.text
    assert await listed(api, ana.headers) == [ana.person_id]
    assert (await send(api, device, BP_CRITICAL, "m-2")).status_code == 201
    await api.client.post(f"{url}/deactivate", headers=ana.headers)
    erased = await api.client.post(f"{url}/erase", headers=ana.headers)
    assert erased.status_code == 200, erased.text
    body = erased.json()
    assert (body["first_name"], body["last_name"], body["date_of_birth"]) == (
        "Erased", "person", None)
    assert body["erased_at"] and body["id"] == ana.person_id
    refusal(await api.client.post(f"{url}/reactivate", headers=ana.headers), 409,
            "invalid_state_transition")


async def test_a_deactivated_account_is_refused_at_once_and_comes_back_by_an_admin(api):
    bea, admin = await api.user("bea@example.com"), await api.admin()
    bea_id = await api.user_id(bea)
    pair = (await api.client.post(f"{V1}/auth/login", json={
        "email": "bea@example.com", "password": PASSWORD})).json()
    refusal(await api.client.post(user_url(bea_id, "deactivate"), headers=bea), 403,
            "forbidden")
    done = await api.client.post(user_url(bea_id, "deactivate"), headers=admin)
    assert done.status_code == 200 and done.json()["is_active"] is False, done.text
    refusal(await api.client.get(f"{V1}/users/me", headers=bea), 401, "unauthenticated")
    refusal(await api.client.post(f"{V1}/auth/refresh",
                                  json={"refresh_token": pair["refresh_token"]}),
            401, "unauthenticated")
    refusal(await api.client.post(f"{V1}/auth/login", json={
        "email": "bea@example.com", "password": PASSWORD}), 401, "unauthenticated")
    back = await api.client.post(user_url(bea_id, "reactivate"), headers=admin)
    assert back.status_code == 200 and back.json()["is_active"] is True, back.text
    assert (await api.client.get(f"{V1}/users/me",
                                 headers=await api.login("bea@example.com"))).status_code == 200


async def test_an_account_holding_persons_deactivates_itself_once_they_are(api):
    ana = await family(api, "ana@example.com")
    held = refusal(await api.client.post(f"{V1}/users/me/deactivate", headers=ana.headers),
                   409, "conflict")
    assert held["cared_person_ids"] == [ana.person_id]
    await api.client.post(person_url(ana.person_id, "deactivate"), headers=ana.headers)
    done = await api.client.post(f"{V1}/users/me/deactivate", headers=ana.headers)
    assert done.status_code == 200 and done.json()["deactivated_at"], done.text
    refusal(await api.client.get(f"{V1}/users/me", headers=ana.headers), 401,
            "unauthenticated")


async def test_a_deactivated_representative_is_no_recipient(api):
    ana = await family(api, "ana@example.com")
    bea, admin = await member_of(api, ana, "bea@example.com"), await api.admin()
    asked = await request_representation(api, bea, ana.person_id)
    await api.client.post(f"{V1}/legal-capacity/representations/{asked['id']}/verify",
                          headers=admin)
    device = await register(api, ana)
    [first] = (await send(api, device, BP_CRITICAL, "m-1")).json()["alert_ids"]
    assert "bea@example.com" in await told(api, first, admin)
    await api.client.post(user_url(await api.user_id(bea), "deactivate"), headers=admin)
    await api.client.post(f"{V1}/alerts/{first}/resolve", headers=ana.headers)
    [second] = (await send(api, device, BP_CRITICAL, "m-2")).json()["alert_ids"]
    assert second != first
    recipients = await told(api, second, admin)
    assert recipients == {"admin@example.com"}  # level 1 had her alone: it falls back


async def told(api, alert_id: str, admin: dict[str, str]) -> set[str | None]:
    rows = (await api.client.get(f"{V1}/alerts/{alert_id}/notifications",
                                 headers=admin)).json()["items"]
    ids = {UUID(r["recipient_user_id"]) for r in rows if r["recipient_user_id"]}
    users = (await api.client.get(f"{V1}/users", headers=admin,
                                  params={"limit": 200})).json()["items"]
    return {u["email"] for u in users if UUID(u["id"]) in ids}


async def test_an_erased_account_frees_its_email(api):
    bea, admin = await api.user("bea@example.com"), await api.admin()
    bea_id = await api.user_id(bea)
    refusal(await api.client.post(user_url(bea_id, "erase"), headers=admin), 409,
            "invalid_state_transition")
    await api.client.post(user_url(bea_id, "deactivate"), headers=admin)
    erased = await api.client.post(user_url(bea_id, "erase"), headers=admin)
    assert erased.status_code == 200, erased.text
    body = erased.json()
    assert body["email"] == f"erased-{bea_id.hex}@erased.invalid" and body["phone"] is None
    assert (body["first_name"], body["erased_at"] is not None) == ("Erased", True)
    again = await api.register("bea@example.com")
    assert again["id"] != str(bea_id)
    refusal(await api.client.post(user_url(bea_id, "reactivate"), headers=admin), 409,
            "invalid_state_transition")


async def test_a_deactivated_users_live_socket_closes_without_waiting_for_its_check(
        worker: Worker, monkeypatch):
    monkeypatch.setattr(ws_route, "PING_SECONDS", 3600.0)  # only the session watch may
    bea, admin = await worker.api.user("bea@example.com"), await worker.api.admin()
    async with worker.socket(worker.api.tokens["bea@example.com"]) as socket:
        assert (await receive(socket))["type"] == "ready"
        done = await worker.api.client.post(
            user_url(await worker.api.user_id(bea), "deactivate"), headers=admin)
        assert done.status_code == 200, done.text
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(socket.recv(), 10)
        assert socket.close_code == UNAUTHORIZED


async def test_a_logout_with_the_refresh_token_closes_its_socket_too(worker: Worker,
                                                                     monkeypatch):
    monkeypatch.setattr(ws_route, "PING_SECONDS", 3600.0)
    await worker.api.register("bea@example.com")
    tokens = (await worker.api.client.post(f"{V1}/auth/login", json={
        "email": "bea@example.com", "password": PASSWORD})).json()
    async with worker.socket(tokens["access_token"]) as socket:
        assert (await receive(socket))["type"] == "ready"
        await worker.api.client.post(
            f"{V1}/auth/logout", json={"refresh_token": tokens["refresh_token"]},
            headers={"Authorization": f"Bearer {tokens['access_token']}"})
        with pytest.raises(ConnectionClosed):
            await asyncio.wait_for(socket.recv(), 10)
        assert socket.close_code == UNAUTHORIZED

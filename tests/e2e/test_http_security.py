"""What every answer carries for its safety, and what no request can make an answer do:
security headers, no caching of tokens and personal data, refusals of a bounded size."""

from __future__ import annotations

import json

from tests.e2e.conftest import PASSWORD


async def test_every_answer_says_nosniff(api):
    headers = await api.user("lucia@example.com")
    answers = [await api.client.get("/health"), await api.client.get("/api/v1/users/me"),
               await api.client.get("/api/v1/users/me", headers=headers),
               await api.client.get("/api/v1/no-such-route"),
               await api.client.post("/api/v1/auth/login", json={})]
    assert [a.headers.get("x-content-type-options") for a in answers] == ["nosniff"] * 5


async def test_tokens_and_the_profile_are_never_cached(api):
    await api.register("lucia@example.com")
    login = await api.client.post("/api/v1/auth/login",
                                  json={"email": "lucia@example.com", "password": PASSWORD})
    refresh = await api.client.post("/api/v1/auth/refresh",
                                    json={"refresh_token": login.json()["refresh_token"]})
    me = await api.client.get("/api/v1/users/me", headers={
        "Authorization": f"Bearer {refresh.json()['access_token']}"})
    assert [r.status_code for r in (login, refresh, me)] == [200, 200, 200]
    assert [r.headers.get("cache-control") for r in (login, refresh, me)] == ["no-store"] * 3


async def test_a_refusal_does_not_grow_with_the_request(api):
    """20,000 unknown threshold keys (310 KB) once got an 8.3 MB answer, each key listed
    with every allowed one: the answer now names the first problems, each cut short."""
    headers = await api.user("lucia@example.com")
    created = await api.client.post("/api/v1/cared-persons", headers=headers, json={
        "first_name": "Rosa", "last_name": "Paz", "date_of_birth": "1940-01-01",
        "care_type": "delegated"})
    assert created.status_code == 201, created.text
    person = created.json()["id"]
    keys = {f"unknown_threshold_{n:05d}": 1 for n in range(20_000)}
    sent = json.dumps({"thresholds": keys})
    answer = await api.client.patch(f"/api/v1/cared-persons/{person}", content=sent,
                                    headers={**headers, "Content-Type": "application/json"})
    assert answer.status_code == 422 and answer.json()["error"] == "validation_error"
    assert len(answer.content) < 20_000 < len(sent)
    details = answer.json()["details"]
    assert len(details.get("errors", [])) <= 20
    assert all(len(p["msg"]) <= 200 for p in details.get("errors", []))


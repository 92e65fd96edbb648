"""What every route shares: health, metrics, request ids, one error shape, rate limits,
CORS, and logs that never hold a secret."""

from __future__ import annotations

import json
import logging

import httpx

from cuiot.adapters.persistence.migrate import head_revision
from cuiot.entrypoints.container import build_container, dispose_engines
from cuiot.entrypoints.http.app import create_app
from tests.e2e.conftest import PASSWORD, settings_for


async def test_health_and_database_health(api):
    for prefix in ("", "/api/v1"):
        assert (await api.client.get(f"{prefix}/health")).json() == {"status": "ok"}
        db = await api.client.get(f"{prefix}/health/db")
        assert db.status_code == 200 and db.json()["schema_revision"] == head_revision()


async def test_request_ids_are_returned_and_kept_when_safe(api):
    given = await api.client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    unsafe = await api.client.get("/health", headers={"X-Request-ID": "bad id\nwith newline"})
    assert unsafe.headers["x-request-id"] != "bad id\nwith newline"
    assert len((await api.client.get("/health")).headers["x-request-id"]) == 32


async def test_errors_have_one_shape(api):
    missing = await api.client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and set(missing.json()) == {"error", "message", "details"}
    malformed = await api.client.post("/api/v1/auth/login", content=b"{not json",
                                      headers={"content-type": "application/json"})
    assert malformed.status_code == 400 and malformed.json()["error"] == "bad_request"
    wrong = await api.client.post("/api/v1/auth/login", json={"email": 5, "password": []})
    assert wrong.status_code == 422 and wrong.json()["error"] == "validation_error"
    assert {tuple(e["loc"]) for e in wrong.json()["details"]["errors"]} >= {("body", "email")}
    extra = await api.client.post("/api/v1/auth/login", json={"email": "a@b.co", "password": "x",
                                                              "admin": True})
    assert extra.status_code == 422
    method = await api.client.delete("/api/v1/auth/login")
    assert method.status_code == 405 and method.json()["error"] == "method_not_allowed"
    both = await api.client.put("/api/v1/users/me")
    assert both.status_code == 405 and both.headers["allow"] == "GET, PATCH"


async def test_metrics_count_requests_by_route_and_status(api):
    await api.client.get("/health")
    await api.client.get("/api/v1/users/me")
    text = (await api.client.get("/metrics")).text
    assert 'cuiot_http_requests_total{method="GET",route="/health",status="200"}' in text
    assert 'route="/api/v1/users/me",status="401"' in text


async def test_openapi_documents_every_route_with_examples(api):
    schema = (await api.client.get("/openapi.json")).json()
    assert "/api/v1/auth/login" in schema["paths"]
    login = schema["paths"]["/api/v1/auth/login"]["post"]
    assert {"200", "400", "401", "422", "429"} <= set(login["responses"])
    body = schema["components"]["schemas"]["LoginIn"]["properties"]
    assert body["email"]["examples"] == ["lucia@example.com"]
    assert (await api.client.get("/docs")).status_code == 200


async def test_each_request_is_logged_once_with_its_id_and_no_secret(database_url, caplog):
    from cuiot.entrypoints.logs import JsonFormatter, RedactingFilter

    container = build_container(settings_for(database_url))
    app = create_app(container)
    caplog.set_level(logging.INFO)
    caplog.handler.addFilter(RedactingFilter())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        await c.post("/api/v1/auth/register", json={
            "email": "lucia@example.com", "password": PASSWORD, "first_name": "L",
            "last_name": "F"})
        login = await c.post("/api/v1/auth/login", json={"email": "lucia@example.com",
                                                          "password": PASSWORD})
        token = login.json()["access_token"]
        await c.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}",
                                                   "X-Request-ID": "req-42"})
    await dispose_engines(container)
    access = [r for r in caplog.records if r.name == "cuiot.http.access"]
    assert len(access) == 3
    last = json.loads(JsonFormatter().format(access[-1]))
    assert last["request_id"] == "req-42" and last["status"] == 200
    assert last["method"] == "GET" and last["path"] == "/api/v1/users/me" and "duration_ms" in last
    everything = "\n".join(JsonFormatter().format(r) for r in caplog.records)
    assert PASSWORD not in everything and token not in everything


async def test_nul_characters_are_refused_not_stored(api):
    body = await api.client.post("/api/v1/auth/register", json={
        "email": "nul@example.com", "password": "una clave larga", "first_name": "A\x00B",
        "last_name": "C"})
    assert body.status_code == 422 and body.json()["error"] == "validation_error"
    query = await api.client.get("/api/v1/users?offset=%00")
    assert query.status_code == 400 and query.json()["error"] == "bad_request"
    path = await api.client.get("/api/v1/users/%00/roles")
    assert path.status_code == 400

"""Every path answers with and without its trailing slash, alike and with no redirect;
the OpenAPI schema shows the contract's form only; /docs and /redoc need nothing from
outside the app (their files come from CUIOT itself)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts

from cuiot.entrypoints.container import build_container, dispose_engines
from cuiot.entrypoints.http.app import create_app
from cuiot.entrypoints.http.slashes import other_form
from tests.e2e.conftest import Api, settings_for

PARAMETER = re.compile(r"\{[^}]+\}")
# The collection paths CONTRACTS.md names, each in its one form.
CONTRACT_FORMS = {"/api/v1/packages/", "/api/v1/user-packages/", "/api/v1/caregiver-reviews/",
                  "/api/v1/institution-reviews/", "/api/v1/cared-persons", "/api/v1/devices",
                  "/api/v1/alerts", "/api/v1/events", "/api/v1/invoices", "/api/v1/users",
                  "/api/v1/institutions", "/api/v1/institution-packages"}


@pytest.fixture
async def app_api(database_url: str) -> AsyncIterator[tuple[FastAPI, Api]]:
    container = build_container(settings_for(database_url))
    app = create_app(container)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://cuiot.test") as client:
        yield app, Api(client, container)
    await dispose_engines(container)


def http_routes(app: FastAPI) -> Iterator[tuple[str, str, str]]:
    """(method, route path, that path with its parameters filled) of every HTTP route."""
    for route in iter_route_contexts(app.routes):
        if route.path and route.methods:
            path = PARAMETER.sub(str(uuid4()), route.path)
            yield from ((method, route.path, path) for method in sorted(route.methods - {"HEAD"}))


async def test_every_route_answers_both_forms_alike_and_never_redirects(app_api):
    app, api = app_api
    routes = list(http_routes(app))
    assert len(routes) > 60
    for method, route, path in routes:
        given = await api.client.request(method, path)
        other = await api.client.request(method, other_form(path))
        assert given.status_code == other.status_code != 307, (method, path)
        assert given.status_code != 404 or "{" in route, (method, path)


async def test_collections_read_the_same_in_both_forms(app_api):
    app, api = app_api
    admin = await api.admin()
    reads = [path for method, route, path in http_routes(app)
             if method == "GET" and route == path and path.startswith("/api/v1/")
             and path != "/api/v1/metrics"]  # its counters move with each request
    assert {"/api/v1/packages/", "/api/v1/cared-persons", "/api/v1/alerts"} <= set(reads)
    for path in reads:
        given = await api.client.get(path, headers=admin)
        other = await api.client.get(other_form(path), headers=admin)
        assert (given.status_code, given.json()) == (other.status_code, other.json()), path


async def test_a_body_reaches_the_route_in_the_other_form(app_api):
    _, api = app_api
    ana = await api.user("ana@example.com")
    person = {"first_name": "Rosa", "last_name": "Fernández", "date_of_birth": "1940-03-01"}
    created = await api.client.post("/api/v1/cared-persons/", json=person, headers=ana)
    assert created.status_code == 201, created.text
    listed = await api.client.get("/api/v1/cared-persons/", headers=ana)
    assert [p["id"] for p in listed.json()["items"]] == [created.json()["id"]]


def test_the_schema_shows_the_contracts_form_only(tmp_path: Path):
    app = create_app(build_container(settings_for(f"sqlite+aiosqlite:///{tmp_path}/c.db")))
    paths = set(app.openapi()["paths"])
    assert CONTRACT_FORMS <= paths
    assert not {other_form(path) for path in paths} & paths


ASSET = re.compile(r"""(?:src|href|spec-url)="([^"]+)"|url: '([^']+)'""")
ANY_URL = re.compile(r"(?:https?:)?//[\w.-]+")


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_the_docs_pages_need_nothing_from_outside(app_api, page):
    _, api = app_api
    html = (await api.client.get(page)).text
    assert not ANY_URL.findall(html)
    referenced = [a or b for a, b in ASSET.findall(html)]
    assert "/openapi.json" in referenced and any(r.endswith(".js") for r in referenced)
    for url in referenced:
        answer = await api.client.get(url)
        assert answer.status_code == 200 and answer.content, url

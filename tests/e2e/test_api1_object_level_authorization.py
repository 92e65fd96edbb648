"""OWASP API1:2023, broken object level authorization: every route that takes an id, called
by another family with the ids of someone else's things, answers 404 in the contract's
error shape, with a valid body as with an empty one (authorization comes before
validation), and leaves those things as they were. Every route with an id in its path
needs a line in CASES (or in EXCLUDED with its reason, or in the admin routes of
``test_function_level_authorization.py``): a new route without one fails the first test.

A (Ana) and B (Bruno) are two families on a subscription, each with a cared person, a
member, a caregiver invited, a representation asked for, a device with an alert and a
command, an institution with staff, an invoice and a push token
(``tests/support/object_owners.py``)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts

from tests.e2e.conftest import Api
from tests.e2e.console.forms import form_token
from tests.e2e.test_function_level_authorization import ADMIN_ROUTES, gated_routes
from tests.support.object_owners import V1, World, changed, console_of, snapshot, world

Body = dict[str, Any] | Callable[[World], dict[str, Any]] | None


@dataclass(frozen=True)
class Case:
    """How B calls a route with A's ids: each path parameter takes A's id of that name,
    or of the name ``ids`` gives it (``{"user_id": "member_id"}``).
    ``body``: a request body that would be valid for A (None: the route reads none).
    ``b_parents``: path parameters that take B's own id in a second call, the others
    still A's (B's own device, A's command)."""

    body: Body = None
    ids: Mapping[str, str] = field(default_factory=dict)
    b_parents: tuple[str, ...] = ()


CASES: dict[tuple[str, str], Case] = {
    ("DELETE", "/users/me/push-tokens/{token_id}"): Case(),
    ("GET", "/cared-persons/{cared_person_id}"): Case(),
    ("PATCH", "/cared-persons/{cared_person_id}"): Case({"first_name": "Intrusa"}),
    ("POST", "/cared-persons/{cared_person_id}/members"): Case(lambda w: {"email": w.b.email}),
    ("DELETE", "/cared-persons/{cared_person_id}/members/{user_id}"): Case(
        ids={"user_id": "member_id"}),
    ("POST", "/cared-persons/{cared_person_id}/caregivers"): Case(
        lambda w: {"caregiver_id": w.free_caregiver_id, "primary": True}),
    ("POST", "/cared-persons/{cared_person_id}/caregivers/{caregiver_id}/accept"): Case(),
    ("POST", "/cared-persons/{cared_person_id}/caregivers/{caregiver_id}/decline"): Case(),
    ("DELETE", "/cared-persons/{cared_person_id}/caregivers/{caregiver_id}"): Case(),
    ("GET", "/cared-persons/{cared_person_id}/coverage"): Case(),
    ("POST", "/cared-persons/{cared_person_id}/deactivate"): Case(),
    ("POST", "/cared-persons/{cared_person_id}/reactivate"): Case(
        ids={"cared_person_id": "deactivated_person_id"}),
    ("POST", "/cared-persons/{cared_person_id}/erase"): Case(
        ids={"cared_person_id": "deactivated_person_id"}),
    ("GET", "/legal-capacity/representative/{cared_person_id}"): Case(),
    ("POST", "/legal-capacity/representations/{representation_id}/end"): Case(),
    ("GET", "/institutions/{institution_id}"): Case(),
    ("POST", "/institutions/{institution_id}/staff"): Case(
        lambda w: {"email": w.b.email, "on_call": True}),
    ("DELETE", "/institutions/{institution_id}/staff/{user_id}"): Case(ids={"user_id": "staff_id"}),
    ("PUT", "/user-packages/{subscription_id}"): Case(
        lambda w: {"package_id": w.packages["premium"]}),
    ("PATCH", "/user-packages/{subscription_id}/cancel"): Case(),
    ("GET", "/invoices/{invoice_id}"): Case(),
    ("GET", "/devices/{device_pk}"): Case(),
    ("PATCH", "/devices/{device_pk}"): Case({"name": "Mío", "location": "mi casa"}),
    ("DELETE", "/devices/{device_pk}"): Case(),
    ("POST", "/devices/{device_pk}/reactivate"): Case(),
    ("POST", "/devices/{device_pk}/move"): Case(
        lambda w: {"cared_person_id": w.b.ids["cared_person_id"]}),
    ("POST", "/devices/{device_pk}/rotate-key"): Case(),
    ("GET", "/devices/{device_pk}/events"): Case(),
    ("POST", "/devices/{device_pk}/commands"): Case({"command": "reboot", "params": {}}),
    ("GET", "/devices/{device_pk}/commands/{command_id}"): Case(b_parents=("device_pk",)),
    ("GET", "/alerts/{alert_id}"): Case(),
    ("GET", "/alerts/{alert_id}/notifications"): Case(),
    ("POST", "/alerts/{alert_id}/acknowledge"): Case(),
    ("POST", "/alerts/{alert_id}/resolve"): Case(),
    # The console (HTML): B signed in there, posting forms with B's own form token.
    ("GET", "/console/alertas/{alert_id}"): Case(),
    ("POST", "/console/alertas/{alert_id}/atender"): Case(),
    ("POST", "/console/alertas/{alert_id}/resolver"): Case(),
    ("GET", "/console/personas/{cared_person_id}"): Case(),
}

PUBLIC = "public by design, no token needed (checked below)"
EXCLUDED: dict[tuple[str, str], str] = {
    ("GET", "/ack/{token}"): "the token is a one-time secret an alert's message carries: "
                             "holding it is the access (tests/e2e/test_ack_links.py)",
    ("POST", "/ack/{token}"): "the same acknowledgement link, its form",
    ("POST", "/devices/{device_id}/telemetry"): "a device's route: its own key authenticates "
                                                "it, no user, before its body is read; any "
                                                "user's token is 401 (test_devices_api.py)",
    ("GET", "/packages/{package_id}"): f"{PUBLIC}: the catalogue",
    ("GET", "/caregiver-reviews/caregiver/{caregiver_id}"): f"{PUBLIC}: a caregiver's reviews",
    ("GET", "/caregiver-scores/{caregiver_id}"): f"{PUBLIC}: a caregiver's score",
    ("GET", "/institution-reviews/institution/{institution_id}"): f"{PUBLIC}: its reviews",
    ("GET", "/institution-scores/{institution_id}"): f"{PUBLIC}: an institution's score",
}


def routes_with_ids(app: FastAPI) -> Iterator[tuple[str, str]]:
    """(method, path without /api/v1) of every route whose path takes a parameter."""
    for route in iter_route_contexts(app.routes):
        methods = getattr(route, "methods", None)
        if methods and "{" in route.path:
            yield from ((m, route.path.removeprefix(V1)) for m in methods - {"HEAD"})


async def test_api1_2023_every_route_with_an_id_has_a_case(api: Api) -> None:
    """Admin-only routes are test_function_level_authorization's: each refuses B (403)."""
    routes, gated = set(routes_with_ids(api.app)), set(gated_routes(api.app))
    missing = sorted(routes - gated - CASES.keys() - EXCLUDED.keys())
    assert not missing, ("routes that take an id with no line in CASES (how B calls them "
                         "with A's ids) nor in EXCLUDED (why not): " + listed(missing))
    unchecked = sorted(routes & gated - set(ADMIN_ROUTES))
    assert not unchecked, ("admin-only routes that take an id missing from ADMIN_ROUTES in "
                           "test_function_level_authorization.py: " + listed(unchecked))
    stale = sorted((CASES.keys() | EXCLUDED.keys()) - (routes - gated))
    assert not stale, "CASES or EXCLUDED name routes that are gone or admin-only: " + listed(
        stale)
    assert not CASES.keys() & EXCLUDED.keys()


def listed(routes: list[tuple[str, str]]) -> str:
    return "; ".join(f"{method} {path}" for method, path in routes)


async def test_api1_2023_the_routes_excluded_as_public_need_no_token(api: Api) -> None:
    w = await world(api)
    for (method, path), reason in EXCLUDED.items():
        if reason.startswith(PUBLIC):
            answer = await api.client.request(method, V1 + path.format(**w.a.ids))
            assert answer.status_code == 200, (path, answer.text)


async def test_api1_2023_another_familys_ids_are_not_found_on_every_route(api: Api) -> None:
    """B calls every route of CASES with A's ids: 404 each time, and A's things as A
    reads them are as they were after each route."""
    w = await world(api)
    before, problems = await snapshot(api, w.a), []
    async with console(w) as browser:
        for (method, path), case in CASES.items():
            for label, answer in await calls(w, browser, method, path, case):
                if not not_found(path, answer):
                    problems.append(f"{method} {path} ({label}): {answer.status_code} "
                                    f"{answer.text[:160]}")
            after = await snapshot(api, w.a)
            problems += [f"{method} {path} changed A's {read}" for read in changed(before, after)]
            before = after
    assert not problems, "another family's ids must be not found (404):\n" + "\n".join(problems)


async def test_the_owner_still_gets_the_body_checked(api: Api) -> None:
    """What comes before the body lets A through to it: {} is a 422 to A wherever the
    route's body has fields it must have."""
    w = await world(api)
    needing = [(method, path) for method, path in CASES
               if not path.startswith("/console") and required_fields(api.app, method, path)]
    assert len(needing) >= 5, needing
    for method, path in needing:
        answer = await api.client.request(method, V1 + path.format(**w.a.ids), json={},
                                          headers=w.a.headers)
        assert answer.status_code == 422, (method, path, answer.text)


def required_fields(app: FastAPI, method: str, path: str) -> list[str]:
    """The fields a route's JSON body must have, as its OpenAPI schema says."""
    spec = app.openapi()
    operation = spec["paths"][V1 + path][method.lower()]
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    ref = body.get("schema", {}).get("$ref")
    return spec["components"]["schemas"][ref.rsplit("/", 1)[-1]].get("required", []) if ref else []


# --- how B calls a route -------------------------------------------------------------------
@asynccontextmanager
async def console(w: World) -> AsyncIterator[httpx.AsyncClient]:
    """B's browser, signed in to the console, for the console's routes."""
    browser = await console_of(w.api, w.b)
    try:
        yield browser
    finally:
        await browser.aclose()


async def calls(w: World, browser: httpx.AsyncClient, method: str, path: str,
                case: Case) -> list[tuple[str, httpx.Response]]:
    """B's requests to ``path`` with A's ids: each as (what was tried, the answer)."""
    answers = []
    for parents in ((), case.b_parents) if case.b_parents else ((),):
        ids = {name: w.a.ids[case.ids.get(name, name)] for name in parameters(path)}
        ids |= {name: w.b.ids[case.ids.get(name, name)] for name in parents}
        url = path.format(**ids)
        tried = f"B's own {', '.join(parents)}" if parents else "A's ids"
        if path.startswith("/console"):
            answers.append((tried, await console_call(browser, method, url)))
            continue
        bodies = [(None, "")] if method == "GET" else [
            (body_of(case.body, w), "a valid body" if case.body else "no body"), ({}, "{}")]
        for body, which in bodies:
            answer = await w.api.client.request(method, V1 + url, json=body, headers=w.b.headers)
            answers.append((", ".join(filter(None, (tried, which))), answer))
    return answers


def parameters(path: str) -> list[str]:
    return re.findall(r"{(\w+)}", path)


def body_of(body: Body, w: World) -> dict[str, Any] | None:
    return body(w) if callable(body) else body


async def console_call(browser: httpx.AsyncClient, method: str, url: str) -> httpx.Response:
    if method == "GET":
        return await browser.get(url)
    page = await browser.get("/console")
    return await browser.post(url, data={"csrf": form_token(page)})


def not_found(path: str, answer: httpx.Response) -> bool:
    """404: in the API the contract's error shape; in the console its page saying so."""
    if answer.status_code != 404:
        return False
    if path.startswith("/console"):
        return "No encontramos" in answer.text
    found = answer.json()
    return (set(found) == {"error", "message", "details"} and found["error"] == "not_found"
            and isinstance(found["message"], str) and isinstance(found["details"], dict))


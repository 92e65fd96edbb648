"""OWASP API5:2023, broken function level authorization: every admin route refuses anyone
else before it reads the request. A family user once got 422 for an invalid body and 403
only for a valid one, and an unknown role in a path answered with every role there is:
the schema of an admin route is no one else's business."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts

from cuiot.domain.users import Role
from cuiot.entrypoints.http.deps import admin_principal
from tests.e2e.conftest import Api
from tests.e2e.test_care_api import ROSA, add_person, request_representation
from tests.support.subscriptions import subscribe_institution

V1 = "/api/v1"
UNKNOWN = "7d2a4c1e-58b3-4f0a-9c6d-2e1f3a4b5c6d"
PACKAGE = {"type": "premium", "name": "Premium Plus", "price_monthly_cents": 5_000_000,
           "max_users": 12, "max_devices": 25, "max_storage_gb": 150,
           "support_level": "phone", "features": ["alerts", "reports"]}

# Every admin-only route, by hand: a route that loses its gate fails the test below.
# (method, path) → (a valid-looking request, an invalid one): (path, query, body).
Request = tuple[str, dict[str, Any], Any]
ADMIN_ROUTES: dict[tuple[str, str], tuple[Request, Request]] = {
    ("GET", "/users"): (("/users", {}, None), ("/users", {"limit": "many"}, None)),
    ("POST", "/users/{user_id}/roles"): (
        (f"/users/{UNKNOWN}/roles", {}, {"role": "caregiver"}),
        ("/users/not-a-uuid/roles", {}, {"role": 7, "extra": True})),
    ("DELETE", "/users/{user_id}/roles/{role}"): (
        (f"/users/{UNKNOWN}/roles/caregiver", {}, None),
        ("/users/not-a-uuid/roles/not-a-role", {}, None)),
    **{("POST", f"/users/{{user_id}}/{action}"): (
        (f"/users/{UNKNOWN}/{action}", {}, None), (f"/users/not-a-uuid/{action}", {}, None))
       for action in ("deactivate", "reactivate", "erase")},
    ("POST", "/legal-capacity/representations/{representation_id}/verify"): (
        (f"/legal-capacity/representations/{UNKNOWN}/verify", {}, None),
        ("/legal-capacity/representations/not-a-uuid/verify", {}, None)),
    ("POST", "/packages/"): (("/packages/", {}, PACKAGE),
                             ("/packages/", {}, PACKAGE | {"price_monthly_cents": "free"})),
    ("PUT", "/packages/{package_id}"): ((f"/packages/{UNKNOWN}", {}, PACKAGE),
                                        (f"/packages/{UNKNOWN}", {}, {"name": ""})),
    ("DELETE", "/packages/{package_id}"): ((f"/packages/{UNKNOWN}", {}, None),
                                           ("/packages/not-a-uuid", {}, None)),
    ("POST", "/invoices/{invoice_id}/mark-paid"): (
        (f"/invoices/{UNKNOWN}/mark-paid", {}, None),
        ("/invoices/not-a-uuid/mark-paid", {}, None)),
    ("PATCH", "/referrals/{referral_id}/update-status"): (
        (f"/referrals/{UNKNOWN}/update-status", {}, {"status": "expired"}),
        (f"/referrals/{UNKNOWN}/update-status", {}, {"status": "not-a-status"})),
    ("PATCH", "/referral-commissions/{commission_id}/mark-paid"): (
        (f"/referral-commissions/{UNKNOWN}/mark-paid", {}, None),
        ("/referral-commissions/not-a-uuid/mark-paid", {}, None)),
    ("GET", "/admin/rejected-messages"): (
        ("/admin/rejected-messages", {"device_id": "bp-1", "reason": "invalid_json",
                                      "since": "2026-01-15T00:00:00Z"}, None),
        ("/admin/rejected-messages", {"limit": 10_000, "since": "yesterday",
                                      "reason": "Not A Reason"}, None)),
    ("GET", "/audit"): (("/audit", {"action": "role.granted", "subject_id": UNKNOWN}, None),
                        ("/audit", {"action": "alert.deleted", "since": "yesterday"}, None)),
}
ROLES = [role.value for role in Role]


def gated(dependant: Dependant) -> bool:
    return any(d.call is admin_principal or gated(d) for d in dependant.dependencies)


def gated_routes(app: FastAPI) -> Iterator[tuple[str, str]]:
    """(method, path under /api/v1) of every route behind the admin gate."""
    for route in iter_route_contexts(app.routes):
        dependant = getattr(route, "dependant", None)
        if dependant is not None and route.methods and gated(dependant):
            yield from ((m, route.path.removeprefix(V1)) for m in route.methods - {"HEAD"})


async def send(api: Api, method: str, request: Request,
               headers: dict[str, str] | None = None) -> Any:
    path, params, body = request
    return await api.client.request(method, f"{V1}{path}", params=params, json=body,
                                    headers=headers or {})


def inputs_of(app: FastAPI, method: str, route: str) -> set[str]:
    """The names a route's request is made of (OpenAPI): its parameters, its body's fields."""
    spec = app.openapi()
    operation = spec["paths"][V1 + route][method.lower()]
    names = {parameter["name"] for parameter in operation.get("parameters", [])}
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    if ref := body.get("schema", {}).get("$ref"):
        names |= set(spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]["properties"])
    return names


def refused_blind(response: Any, status: int, error: str, names: set[str]) -> str:
    """The usual refusal, naming nothing of the route: no role, no input, no details."""
    assert response.status_code == status, response.text
    assert response.json() == {"error": error, "message": response.json()["message"],
                               "details": {}}, response.text
    text = response.text.lower()
    assert not [word for word in [*ROLES, *names] if word in text], text
    return text


async def test_api5_2023_every_admin_route_refuses_others_whatever_the_request(api: Api):
    """OWASP API5:2023: a family user gets 403 (and an anonymous caller 401) from every
    admin route, with an invalid request as with a valid-looking one; never a 422."""
    assert set(gated_routes(api.app)) == set(ADMIN_ROUTES)
    family = await api.user("lucia@example.com")
    answers = set()
    for (method, route), requests in ADMIN_ROUTES.items():
        names = inputs_of(api.app, method, route)
        assert names, (method, route)
        for request in requests:
            answers.add(refused_blind(await send(api, method, request, family), 403,
                                      "forbidden", names))
            refused_blind(await send(api, method, request), 401, "unauthenticated", names)
    assert len(answers) == 1  # one and the same refusal, whatever the route


async def test_an_unknown_role_in_a_path_is_no_clue_to_the_roles_there_are(api: Api):
    family = await api.user("lucia@example.com")
    answer = await api.client.delete(f"{V1}/users/{UNKNOWN}/roles/superuser", headers=family)
    refused_blind(answer, 403, "forbidden", {"role", "superuser"})


async def test_an_admin_still_gets_the_schema_checked(api: Api):
    """The gate refuses others early; for an admin the request is validated as before,
    and the valid-looking requests above are valid (they reach the use case)."""
    admin = await api.admin()
    for (method, route), (valid, invalid) in ADMIN_ROUTES.items():
        rejected = await send(api, method, invalid, admin)
        assert rejected.status_code == 422, (method, route, rejected.text)
        assert rejected.json()["error"] == "validation_error"
        accepted = await send(api, method, valid, admin)
        assert accepted.status_code in {200, 201, 404}, (method, route, accepted.text)


async def test_another_familys_institution_does_not_exist_for_a_cared_person(api: Api):
    """Another family's institution id in a cared-person body once answered 403 ("not
    allowed for this institution"): like any id of someone else's, it is a 404."""
    admin, director = await api.admin(), await api.user("director@example.com")
    laura = await api.user("laura@example.com")
    home = await api.client.post(f"{V1}/institutions", headers=director,
                                 json={"name": "Hogar Sol"})
    assert home.status_code == 201, home.text
    theirs = {"institution_id": home.json()["id"]}
    added = await api.client.post(f"{V1}/cared-persons", headers=laura, json=ROSA | theirs)
    assert (added.status_code, added.json()["error"]) == (404, "not_found"), added.text
    rosa = await add_person(api, laura)
    asked = await request_representation(api, laura, rosa["id"])
    verified = await api.client.post(
        f"{V1}/legal-capacity/representations/{asked['id']}/verify", headers=admin)
    assert verified.status_code == 200, verified.text
    moved = await api.client.patch(f"{V1}/cared-persons/{rosa['id']}", headers=laura,
                                   json=theirs)
    assert (moved.status_code, moved.json()["error"]) == (404, "not_found"), moved.text
    await subscribe_institution(api.container, await api.user_id(director), home.json()["id"])
    await add_person(api, director, **theirs)  # its staff may (with a subscription)

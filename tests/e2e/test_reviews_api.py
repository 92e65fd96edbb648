"""Reviews and scores through HTTP: who may write them, the Bayesian score they make, and
the public pages that read them without a token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

from tests.e2e.conftest import Api
from tests.support.subscriptions import subscribe_account, subscribe_institution

V1 = "/api/v1"
SERVED = "2026-01-14"


@dataclass
class Cast:
    """Rosa cares for herself, with Marta and Juan as her caregivers; Lucía is a member of
    Rosa's account; Inés is a caregiver who never cared for Rosa."""

    admin: dict[str, str]
    rosa: dict[str, str]
    rosa_cp: UUID
    marta: UUID
    juan: UUID
    ines: UUID
    lucia: dict[str, str]


async def caregiver(api: Api, admin: dict[str, str], email: str) -> UUID:
    user_id = await api.user_id(await api.user(email))
    granted = await api.client.post(f"{V1}/users/{user_id}/roles", headers=admin,
                                    json={"role": "caregiver"})
    assert granted.status_code == 200, granted.text
    return user_id


async def created(api: Api, path: str, headers: dict[str, str], body: dict[str, Any],
                  expected: int = 201) -> dict[str, Any]:
    """A setting-up step through its own route."""
    response = await api.client.post(V1 + path, headers=headers, json=body)
    assert response.status_code == expected, response.text
    return response.json()


async def cast(api: Api) -> Cast:
    admin = await api.admin()
    marta, juan, ines = [await caregiver(api, admin, f"{n}@example.com")
                         for n in ("marta", "juan", "ines")]
    rosa = await api.user("rosa@example.com")
    await subscribe_account(api.container, await api.user_id(rosa))  # inviting needs one
    rosa_cp = await created(api, "/cared-persons", rosa,
                            {"first_name": "Rosa", "last_name": "Paz", "care_type": "self_care"})
    for caregiver_id, email in ((marta, "marta@example.com"), (juan, "juan@example.com")):
        await created(api, f"/cared-persons/{rosa_cp['id']}/caregivers", rosa,
                      {"caregiver_id": str(caregiver_id)})
        await created(api, f"/cared-persons/{rosa_cp['id']}/caregivers/{caregiver_id}/accept",
                      await api.login(email), {}, expected=200)
    lucia = await api.user("lucia@example.com")
    await created(api, f"/cared-persons/{rosa_cp['id']}/members", rosa,
                  {"email": "lucia@example.com"})
    return Cast(admin, rosa, UUID(rosa_cp["id"]), marta, juan, ines, lucia)


def review_of(c: Cast, caregiver_id: UUID, **changes: Any) -> dict[str, Any]:
    return {"caregiver_id": str(caregiver_id), "cared_person_id": str(c.rosa_cp), "rating": 4,
            "service_date": SERVED} | changes


async def post_review(api: Api, headers: dict[str, str], body: dict[str, Any]) -> dict:
    response = await api.client.post(f"{V1}/caregiver-reviews/", headers=headers, json=body)
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_review_changes_the_caregivers_bayesian_score(api: Api) -> None:
    c = await cast(api)
    before = await api.client.get(f"{V1}/caregiver-scores/{c.marta}")  # public: no token
    assert before.status_code == 200
    assert (before.json()["overall_score"], before.json()["total_reviews"]) == ("3.00", 0)
    assert set(before.json()["category_scores"].values()) == {None}
    await post_review(api, c.rosa, review_of(c, c.juan, rating=2))
    review = await post_review(api, c.rosa, review_of(
        c, c.marta, rating=5, is_recommended=True, comment="Puntual y muy atenta.",
        category_ratings={"experience": 5, "quality": None}))
    assert (review["kind"], review["reviewed_id"], review["cared_person_id"]) == (
        "caregiver", str(c.marta), str(c.rosa_cp))
    assert review["reviewer_id"] == str(await api.user_id(c.rosa))
    assert (review["rating"], review["category_ratings"], review["is_public"]) == (
        5, {"experience": 5}, True)

    # m = mean of all caregiver reviews = (2 + 5) / 2; Marta: (5·3.5 + 5) / (5 + 1) = 3.75
    score = (await api.client.get(f"{V1}/caregiver-scores/{c.marta}")).json()
    assert (score["overall_score"], score["total_reviews"]) == ("3.75", 1)
    assert score["category_scores"]["experience"] == "5.00"
    assert score["category_scores"]["quality"] is None
    assert score["kind"] == "caregiver" and score["reviewed_id"] == str(c.marta)
    never = (await api.client.get(f"{V1}/caregiver-scores/{c.ines}")).json()
    assert (never["overall_score"], never["total_reviews"]) == ("3.50", 0)

    listed = await api.client.get(f"{V1}/caregiver-reviews/caregiver/{c.marta}")
    assert listed.status_code == 200 and listed.json()["next_offset"] is None
    [public] = listed.json()["items"]
    assert (public["id"], public["rating"], public["comment"]) == (
        review["id"], 5, "Puntual y muy atenta.")
    assert "reviewer_id" not in public and "cared_person_id" not in public

    duplicate = await api.client.post(f"{V1}/caregiver-reviews/", headers=c.rosa,
                                      json=review_of(c, c.marta, rating=1))
    assert duplicate.status_code == 409 and duplicate.json()["error"] == "conflict"


async def test_only_the_person_cared_for_may_review_whoever_cared_for_them(api: Api) -> None:
    c = await cast(api)
    member = await api.client.post(f"{V1}/caregiver-reviews/", headers=c.lucia,
                                   json=review_of(c, c.marta))
    assert member.status_code == 403 and member.json()["error"] == "forbidden"
    assert member.json()["details"]["reason"] == "no_care_relationship"
    never_cared = await api.client.post(f"{V1}/caregiver-reviews/", headers=c.rosa,
                                        json=review_of(c, c.ines))
    assert never_cared.status_code == 403
    assert never_cared.json()["details"]["reason"] == "not_cared_for_by"
    stranger = await api.user("extrana@example.com")
    not_theirs = await api.client.post(f"{V1}/caregiver-reviews/", headers=stranger,
                                       json=review_of(c, c.marta))
    assert not_theirs.status_code == 404 and not_theirs.json()["error"] == "not_found"
    not_a_caregiver = await api.client.post(f"{V1}/caregiver-reviews/", headers=c.rosa,
                                            json=review_of(c, await api.user_id(c.lucia)))
    assert not_a_caregiver.status_code == 404
    anonymous = await api.client.post(f"{V1}/caregiver-reviews/", json=review_of(c, c.marta))
    assert anonymous.status_code == 401
    score = (await api.client.get(f"{V1}/caregiver-scores/{c.marta}")).json()
    assert score["total_reviews"] == 0


async def test_a_review_that_does_not_fit_the_schema_is_refused(api: Api) -> None:
    c = await cast(api)
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    for changes in ({"rating": 6}, {"rating": 0}, {"rating": "5"}, {"rating": True},
                    {"rating": 10**30}, {"rating": 4.5}, {"rating": None},
                    {"service_date": tomorrow}, {"service_date": "14/01/2026"},
                    {"comment": "x" * 2001}, {"is_recommended": "yes"},
                    {"category_ratings": {"price": 3}}, {"category_ratings": {"quality": 9}},
                    {"category_ratings": {"🙂" * 50: 3}}, {"cared_person_id": None},
                    {"caregiver_id": "not-a-uuid"}, {"extra": 1}):
        refused = await api.client.post(f"{V1}/caregiver-reviews/", headers=c.rosa,
                                        json=review_of(c, c.marta) | changes)
        assert refused.status_code == 422, changes
        assert refused.json()["error"] == "validation_error"
    ok = await post_review(api, c.rosa, review_of(c, c.marta, comment="ñ🙂" * 1000))
    assert len(ok["comment"]) == 2000


async def test_public_reviews_come_newest_first_by_page(api: Api) -> None:
    c = await cast(api)
    written = [await post_review(api, c.rosa, review_of(c, c.marta, rating=r,
                                                        service_date=f"2026-01-1{r}"))
               for r in (3, 4, 5)]
    first = await api.client.get(f"{V1}/caregiver-reviews/caregiver/{c.marta}?limit=2")
    assert first.json()["next_offset"] == 2
    second = await api.client.get(f"{V1}/caregiver-reviews/caregiver/{c.marta}?offset=2&limit=2")
    assert second.json()["next_offset"] is None
    listed = [r["id"] for r in first.json()["items"] + second.json()["items"]]
    assert listed == [r["id"] for r in reversed(written)]
    for path in (f"/caregiver-reviews/caregiver/{uuid4()}", f"/caregiver-scores/{uuid4()}",
                 f"/caregiver-scores/{await api.user_id(c.lucia)}",
                 f"/institution-reviews/institution/{uuid4()}", f"/institution-scores/{uuid4()}"):
        unknown = await api.client.get(V1 + path)
        assert unknown.status_code == 404 and unknown.json()["error"] == "not_found", path
    for path in ("/caregiver-scores/123", f"/caregiver-reviews/caregiver/{c.marta}?limit=0"):
        assert (await api.client.get(V1 + path)).status_code == 422


async def test_a_representative_reviews_the_institution_that_cares_for_the_person(
        api: Api) -> None:
    admin = await api.admin()
    director = await api.user("director@example.com")
    aromos = await created(api, "/institutions", director, {"name": "Los Aromos"})
    await subscribe_institution(api.container, await api.user_id(director), aromos["id"])
    elena = await created(api, "/cared-persons", director, {
        "first_name": "Elena", "last_name": "Sur", "date_of_birth": "1935-01-01",
        "institution_id": aromos["id"]})
    pablo = await api.user("pablo@example.com")
    await created(api, f"/cared-persons/{elena['id']}/members", director,
                  {"email": "pablo@example.com"})
    body = {"institution_id": aromos["id"], "cared_person_id": elena["id"], "rating": 4,
            "service_date": SERVED, "category_ratings": {"staff": 5, "price": 3}}
    before_verified = await api.client.post(f"{V1}/institution-reviews/", headers=pablo,
                                            json=body)
    assert before_verified.status_code == 403
    assert before_verified.json()["details"]["reason"] == "no_care_relationship"
    request = await created(api, "/legal-capacity/validate-representative", pablo, {
        "cared_person_id": elena["id"], "relationship": "child", "document_ref": "poder 1",
        "valid_from": "2025-01-01"})
    await created(api, f"/legal-capacity/representations/{request['id']}/verify", admin, {},
                  expected=200)

    review = await created(api, "/institution-reviews/", pablo, body)
    assert (review["kind"], review["reviewed_id"]) == ("institution", aromos["id"])
    score = (await api.client.get(f"{V1}/institution-scores/{aromos['id']}")).json()
    assert (score["overall_score"], score["total_reviews"]) == ("4.00", 1)
    assert score["category_scores"] == {"medical_quality": None, "infrastructure": None,
                                        "staff": "5.00", "attention": None, "price": "3.00"}
    listed = (await api.client.get(f"{V1}/institution-reviews/institution/{aromos['id']}")).json()
    assert [r["id"] for r in listed["items"]] == [review["id"]]
    by_director = await api.client.post(f"{V1}/institution-reviews/", headers=director,
                                        json=body | {"service_date": "2026-01-15"})
    assert by_director.status_code == 403
    caregiver_category = await api.client.post(
        f"{V1}/institution-reviews/", headers=pablo,
        json=body | {"category_ratings": {"experience": 5}})
    assert caregiver_category.status_code == 422
    duplicate = await api.client.post(f"{V1}/institution-reviews/", headers=pablo, json=body)
    assert duplicate.status_code == 409

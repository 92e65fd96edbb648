"""A caregiver is assigned only once they accept, through HTTP on SQLite and PostgreSQL:
an assignment is a pending invitation that gives nothing (the person is not found, no
review is allowed) until the invited caregiver, and nobody else, accepts it."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from tests.e2e.conftest import Api
from tests.support.subscriptions import subscribe_account

V1 = "/api/v1"


@dataclass
class Family:
    """Rosa cares for herself; she has invited Carla to care for her."""

    rosa: dict[str, str]
    person: str  # Rosa's cared-person id
    carla: dict[str, str]
    carla_id: UUID

    @property
    def caregivers(self) -> str:
        return f"{V1}/cared-persons/{self.person}/caregivers"


async def caregiver(api: Api, admin: dict[str, str], email: str) -> tuple[dict[str, str], UUID]:
    headers = await api.user(email)
    user_id = await api.user_id(headers)
    granted = await api.client.post(f"{V1}/users/{user_id}/roles", headers=admin,
                                    json={"role": "caregiver"})
    assert granted.status_code == 200, granted.text
    return headers, user_id


async def family(api: Api) -> Family:
    admin = await api.admin()
    carla, carla_id = await caregiver(api, admin, "carla@example.com")
    rosa = await api.user("rosa@example.com")
    await subscribe_account(api.container, await api.user_id(rosa))  # to invite Carla
    person = await api.client.post(f"{V1}/cared-persons", headers=rosa, json={
        "first_name": "Rosa", "last_name": "Paz", "care_type": "self_care"})
    assert person.status_code == 201, person.text
    cast = Family(rosa, person.json()["id"], carla, carla_id)
    invited = await api.client.post(cast.caregivers, headers=rosa,
                                    json={"caregiver_id": str(carla_id), "primary": True})
    assert invited.status_code == 201, invited.text
    assert invited.json() == {"cared_person_id": cast.person, "caregiver_id": str(carla_id),
                              "primary": True, "status": "pending"}
    return cast


async def review(api: Api, cast: Family) -> int:
    response = await api.client.post(f"{V1}/caregiver-reviews/", headers=cast.rosa, json={
        "caregiver_id": str(cast.carla_id), "cared_person_id": cast.person, "rating": 5,
        "service_date": "2026-01-14"})
    assert response.status_code in (201, 403), response.text
    if response.status_code == 403:
        assert response.json()["details"]["reason"] == "not_cared_for_by"
    return response.status_code


async def test_api6_2023_a_caregiver_sees_the_person_only_after_accepting(api: Api) -> None:
    cast = await family(api)
    person = f"{V1}/cared-persons/{cast.person}"
    assert (await api.client.get(person, headers=cast.carla)).status_code == 404
    listed = await api.client.get(f"{V1}/cared-persons", headers=cast.carla)
    assert listed.json()["items"] == []
    pending = await api.client.get(f"{V1}/caregiver-invitations", headers=cast.carla)
    assert pending.status_code == 200
    assert pending.json()["items"] == [{"cared_person_id": cast.person, "first_name": "Rosa",
                                        "last_name": "Paz", "account_holder": "Ana Paz",
                                        "primary": True}]
    shown = (await api.client.get(person, headers=cast.rosa)).json()["caregivers"]
    assert shown == [{"caregiver_id": str(cast.carla_id), "primary": True, "status": "pending"}]

    accepted = await api.client.post(f"{cast.caregivers}/{cast.carla_id}/accept",
                                     headers=cast.carla)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    assert (await api.client.get(person, headers=cast.carla)).status_code == 200
    empty = await api.client.get(f"{V1}/caregiver-invitations", headers=cast.carla)
    assert empty.json()["items"] == []
    again = await api.client.post(f"{cast.caregivers}/{cast.carla_id}/accept",
                                  headers=cast.carla)
    assert again.status_code == 409, again.text


async def test_api1_2023_a_stranger_cannot_answer_someone_elses_invitation(api: Api) -> None:
    cast = await family(api)
    pedro = await api.user("pedro@example.com")
    pedro_id = await api.user_id(pedro)
    for answer in ("accept", "decline"):
        for whose in (cast.carla_id, pedro_id):
            response = await api.client.post(f"{cast.caregivers}/{whose}/{answer}",
                                              headers=pedro)
            assert response.status_code == 404, response.text
            assert response.json()["error"] == "not_found"
        # the holder who invited her cannot answer for her either
        for_her = await api.client.post(f"{cast.caregivers}/{cast.carla_id}/{answer}",
                                        headers=cast.rosa)
        assert for_her.status_code == 404, for_her.text
    assert (await api.client.get(f"{V1}/cared-persons/{cast.person}",
                                 headers=pedro)).status_code == 404
    still = await api.client.get(f"{V1}/caregiver-invitations", headers=cast.carla)
    assert [i["cared_person_id"] for i in still.json()["items"]] == [cast.person]


async def test_api6_2023_a_caregiver_is_reviewed_only_after_accepting(api: Api) -> None:
    cast = await family(api)
    assert await review(api, cast) == 403
    accepted = await api.client.post(f"{cast.caregivers}/{cast.carla_id}/accept",
                                     headers=cast.carla)
    assert accepted.status_code == 200
    assert await review(api, cast) == 201


async def test_declining_ends_the_invitation(api: Api) -> None:
    cast = await family(api)
    declined = await api.client.post(f"{cast.caregivers}/{cast.carla_id}/decline",
                                     headers=cast.carla)
    assert declined.status_code == 204 and declined.content == b""
    assert (await api.client.get(f"{V1}/cared-persons/{cast.person}",
                                 headers=cast.carla)).status_code == 404
    assert (await api.client.get(f"{V1}/caregiver-invitations",
                                 headers=cast.carla)).json()["items"] == []
    assert await review(api, cast) == 403
    shown = (await api.client.get(f"{V1}/cared-persons/{cast.person}",
                                  headers=cast.rosa)).json()["caregivers"]
    assert shown == []
    again = await api.client.post(cast.caregivers, headers=cast.rosa,
                                  json={"caregiver_id": str(cast.carla_id)})
    assert again.status_code == 201 and again.json()["status"] == "pending"

"""Access taken back through HTTP, on SQLite and PostgreSQL: DELETE a member, a caregiver or
a member of staff, POST /legal-capacity/representations/{id}/end. Whoever does not see
the person gets 404, whoever sees but may not 403; the removed user's next request on the
person, its devices and alerts is a 404; they are no longer told of its alerts (their
queued notifications fail, their links expire, the next level names them no more); and
an open live socket of theirs sends none of its alerts from the removal on, whichever
process removed them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import pytest

from cuiot.application.care.commands.members import AddMember, AddMemberCommand
from cuiot.application.care.commands.removals import RemoveMember, RemoveMemberCommand
from cuiot.domain.access_removal import GIVEN_UP
from cuiot.entrypoints.container import build_container, dispose_engines, use_case
from tests.e2e.test_ack_links import app_clock, escalate  # noqa: F401 - a fixture
from tests.e2e.test_caregiver_consent_api import caregiver
from tests.e2e.test_devices_api import BP_CRITICAL, V1, family, member_of, refusal, register, send
from tests.e2e.test_ws_alerts import nothing_within, receive, receive_alert, worker  # noqa: F401
from tests.support.subscriptions import subscribe_institution


def person_url(family_: Any) -> str:
    return f"{V1}/cared-persons/{family_.person_id}"


async def an_alert(api, device: dict[str, Any], msg_id: str = "m-1") -> str:
    sent = await send(api, device, BP_CRITICAL, msg_id)
    assert sent.status_code == 201, sent.text
    return str(sent.json()["alert_ids"][0])


async def deliveries(api, headers: dict[str, str], alert_id: str) -> list[dict[str, Any]]:
    response = await api.client.get(f"{V1}/alerts/{alert_id}/notifications", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def audited(api, admin: dict[str, str], action: str) -> list[dict[str, Any]]:
    response = await api.client.get(f"{V1}/audit", headers=admin, params={"action": action})
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def reads_of(api, headers: dict[str, str], ana: Any, device: dict[str, Any],
                   alert_id: str) -> list[int]:
    """What a user gets reading the person, its device, events and alerts."""
    paths = [person_url(ana), f"{V1}/devices/{device['id']}",
             f"{V1}/devices/{device['id']}/events", f"{V1}/alerts/{alert_id}",
             f"{V1}/alerts/{alert_id}/notifications",
             f"{V1}/events?cared_person_id={ana.person_id}"]
    return [(await api.client.get(path, headers=headers)).status_code for path in paths]


# --- members ---------------------------------------------------------------------------

async def test_a_member_removed_finds_nothing_more_of_the_person(api):
    admin = await api.admin()
    ana = await family(api, "ana@example.com")
    device = await register(api, ana)
    bruno = await member_of(api, ana, "bruno@example.com")
    bruno_id = await api.user_id(bruno)
    alert_id = await an_alert(api, device)
    assert await reads_of(api, bruno, ana, device, alert_id) == [200] * 6
    removed = await api.client.delete(f"{person_url(ana)}/members/{bruno_id}",
                                      headers=ana.headers)
    assert (removed.status_code, removed.content) == (204, b"")
    assert await reads_of(api, bruno, ana, device, alert_id) == [404] * 6
    for listing in ("/cared-persons", "/alerts", "/devices"):
        found = await api.client.get(f"{V1}{listing}", headers=bruno)
        assert found.json()["items"] == [], listing
    assert (await api.client.get(person_url(ana), headers=ana.headers)).json()["member_ids"] == []
    [entry] = await audited(api, admin, "member.removed")
    assert (entry["actor_id"], entry["subject_type"], entry["subject_id"], entry["details"]) == (
        str(ana.user_id), "user", str(bruno_id),
        {"cared_person_id": ana.person_id, "left": False})


async def test_who_may_remove_a_member(api):
    ana = await family(api, "ana@example.com")
    bruno, carla = [await member_of(api, ana, f"{n}@example.com") for n in ("bruno", "carla")]
    stranger = await api.user("tito@example.com")
    bruno_id, tito_id = await api.user_id(bruno), await api.user_id(stranger)
    members = f"{person_url(ana)}/members"
    refusal(await api.client.delete(f"{members}/{bruno_id}", headers=stranger), 404, "not_found")
    refusal(await api.client.delete(f"{members}/{bruno_id}", headers=carla), 403, "forbidden")
    refusal(await api.client.delete(f"{members}/{tito_id}", headers=carla), 403, "forbidden")
    details = refusal(await api.client.delete(f"{members}/{ana.user_id}", headers=ana.headers),
                      409, "conflict")
    assert details["reason"] == "not_a_member_kind"
    assert refusal(await api.client.delete(f"{members}/{tito_id}", headers=ana.headers),
                   404, "not_found")["entity"] == "member"
    assert (await api.client.delete(f"{members}/{bruno_id}", headers=bruno)).status_code == 204
    refusal(await api.client.delete(f"{members}/{bruno_id}", headers=bruno), 404, "not_found")
    refusal(await api.client.delete(f"{members}/not-a-uuid", headers=ana.headers),
            422, "validation_error")


# --- caregivers -------------------------------------------------------------------------

async def caring(api, admin: dict[str, str], ana: Any, email: str, primary: bool = True
                 ) -> tuple[dict[str, str], UUID]:
    """A caregiver who accepted to care for Ana's person."""
    headers, carla_id = await caregiver(api, admin, email)
    caregivers = f"{person_url(ana)}/caregivers"
    invited = await api.client.post(caregivers, headers=ana.headers,
                                    json={"caregiver_id": str(carla_id), "primary": primary})
    assert invited.status_code == 201, invited.text
    accepted = await api.client.post(f"{caregivers}/{carla_id}/accept", headers=headers)
    assert accepted.status_code == 200, accepted.text
    return headers, carla_id


async def queued_links(api, alert_id: str, user_id: UUID) -> list[str]:
    """The acknowledgement links of the user's notifications of the alert, as written."""
    async with api.container.uow() as uow:
        queued = await uow.notifications.list_queued_about(user_id, [
            (await uow.alerts.get(UUID(alert_id))).cared_person_id])
        return [urlsplit(n.payload["ack_url"]).path for n in queued if n.payload.get("ack_url")]


async def told_to(api, ana: Any, alert_id: str, user_id: UUID) -> tuple[dict[str, Any], str]:
    """The user's one notification of the alert, still queued, and its link (open)."""
    [told] = [d for d in await deliveries(api, ana.headers, alert_id)
              if d["recipient_user_id"] == str(user_id)]
    assert told["status"] == "pending"
    [link] = await queued_links(api, alert_id, user_id)
    assert (await api.client.get(link)).status_code == 200
    return told, link


async def test_a_caregiver_removed_is_told_nothing_more(api, app_clock):
    admin = await api.admin()
    ana = await family(api, "ana@example.com")
    device = await register(api, ana)
    carla, carla_id = await caring(api, admin, ana, "carla@example.com")
    alert_id = await an_alert(api, device)  # level 1: Carla, the primary caregiver
    told, link = await told_to(api, ana, alert_id, carla_id)
    removed = await api.client.delete(f"{person_url(ana)}/caregivers/{carla_id}",
                                      headers=ana.headers)
    assert removed.status_code == 204, removed.text
    assert {d["status"] for d in await deliveries(api, ana.headers, alert_id)
            if d["recipient_user_id"] == str(carla_id)} == {"failed"}
    async with api.container.uow() as uow:
        stored = await uow.notifications.get(UUID(told["id"]))
        assert (stored.last_error, stored.payload.get("ack_url")) == (GIVEN_UP, None)
    assert (await api.client.get(link)).status_code == 410  # the link expired with it
    assert await escalate(api, app_clock) == 1  # level 2: everyone who sees Elena
    level_2 = [d for d in await deliveries(api, ana.headers, alert_id)
               if d["escalation_level"] == 2]
    assert {d["recipient_user_id"] for d in level_2} == {str(ana.user_id)}
    assert (await api.client.get(person_url(ana), headers=carla)).status_code == 404
    person = (await api.client.get(person_url(ana), headers=ana.headers)).json()
    assert person["caregivers"] == []
    [entry] = await audited(api, admin, "caregiver.removed")
    assert entry["details"] == {"cared_person_id": ana.person_id, "status": "accepted",
                                "primary": True, "stepped_down": False}


async def test_a_caregiver_steps_down_and_a_member_may_not_remove_one(api):
    admin = await api.admin()
    ana = await family(api, "ana@example.com")
    bruno = await member_of(api, ana, "bruno@example.com")
    diego, diego_id = await caregiver(api, admin, "diego@example.com")
    caregivers = f"{person_url(ana)}/caregivers"
    invited = await api.client.post(caregivers, headers=ana.headers,
                                    json={"caregiver_id": str(diego_id)})
    assert invited.status_code == 201
    refusal(await api.client.delete(f"{caregivers}/{diego_id}", headers=bruno), 403, "forbidden")
    stranger = await api.user("tito@example.com")
    refusal(await api.client.delete(f"{caregivers}/{diego_id}", headers=stranger),
            404, "not_found")
    stepped = await api.client.delete(f"{caregivers}/{diego_id}", headers=diego)  # pending
    assert stepped.status_code == 204, stepped.text
    assert (await api.client.get(f"{V1}/caregiver-invitations", headers=diego)
            ).json()["items"] == []
    refusal(await api.client.delete(f"{caregivers}/{diego_id}", headers=diego), 404, "not_found")
    assert refusal(await api.client.delete(f"{caregivers}/{diego_id}", headers=ana.headers),
                   404, "not_found")["entity"] == "caregiver assignment"


# --- staff ------------------------------------------------------------------------------

async def hogar_sol(api) -> tuple[list[dict[str, str]], dict[str, Any], dict[str, Any]]:
    """Marta runs Hogar Sol, where Rosa lives; Ines is on call there, Tomas is staff."""
    marta, ines, tomas = [await api.user(f"{n}@example.com") for n in ("marta", "ines", "tomas")]
    home = (await api.client.post(f"{V1}/institutions", headers=marta,
                                  json={"name": "Hogar Sol"})).json()
    await subscribe_institution(api.container, await api.user_id(marta), home["id"])
    for email, on_call in (("ines@example.com", True), ("tomas@example.com", False)):
        added = await api.client.post(f"{V1}/institutions/{home['id']}/staff", headers=marta,
                                      json={"email": email, "on_call": on_call})
        assert added.status_code == 201, added.text
    rosa = (await api.client.post(f"{V1}/cared-persons", headers=marta, json={
        "first_name": "Rosa", "last_name": "Gómez", "date_of_birth": "1940-04-03",
        "institution_id": home["id"]})).json()
    return [marta, ines, tomas], home, rosa


async def test_staff_removed_no_longer_see_the_institutions_persons(api):
    admin = await api.admin()
    (marta, ines, tomas), home, rosa = await hogar_sol(api)
    staff = f"{V1}/institutions/{home['id']}/staff"
    ines_id, marta_id = await api.user_id(ines), await api.user_id(marta)
    refusal(await api.client.delete(f"{staff}/{ines_id}", headers=tomas), 403, "forbidden")
    refusal(await api.client.delete(f"{staff}/{ines_id}", headers=await api.user(
        "tito@example.com")), 404, "not_found")
    refusal(await api.client.delete(f"{staff}/{marta_id}", headers=marta), 409, "conflict")
    assert (await api.client.delete(f"{staff}/{ines_id}", headers=marta)).status_code == 204
    assert (await api.client.get(f"{V1}/cared-persons/{rosa['id']}", headers=ines)
            ).status_code == 404
    refusal(await api.client.get(f"{V1}/institutions/{home['id']}", headers=ines),
            404, "not_found")
    seen = (await api.client.get(f"{V1}/institutions/{home['id']}", headers=marta)).json()
    assert (seen["staff_ids"], seen["on_call_ids"]) == ([str(await api.user_id(tomas))], [])
    [entry] = await audited(api, admin, "staff.removed")
    assert entry["details"] == {"institution_id": home["id"], "on_call": True}


# --- legal representations ----------------------------------------------------------------

async def representative(api, admin: dict[str, str], ana: Any,
                         headers: dict[str, str]) -> dict[str, Any]:
    """A member asks to represent Ana's person, an admin verifies it, and Ana takes the
    membership away: the member sees the person as representative only."""
    asked = await api.client.post(f"{V1}/legal-capacity/validate-representative",
                                  headers=headers,
                                  json={"cared_person_id": ana.person_id, "relationship": "child",
                                        "document_ref": "Poder 1", "valid_from": "2025-01-01"})
    rep = asked.json()
    assert (await api.client.post(f"{V1}/legal-capacity/representations/{rep['id']}/verify",
                                  headers=admin)).status_code == 200
    member_id = await api.user_id(headers)
    assert (await api.client.delete(f"{person_url(ana)}/members/{member_id}",
                                    headers=ana.headers)).status_code == 204
    assert (await api.client.get(person_url(ana), headers=headers)).status_code == 200
    return rep


async def test_a_representation_ends_at_once(api):
    admin = await api.admin()
    ana = await family(api, "ana@example.com")
    bruno, pedro = [await member_of(api, ana, f"{n}@example.com") for n in ("bruno", "pedro")]
    rep = await representative(api, admin, ana, bruno)
    end = f"{V1}/legal-capacity/representations/{rep['id']}/end"
    refusal(await api.client.post(end, headers=pedro), 403, "forbidden")
    refusal(await api.client.post(end, headers=await api.user("tito@example.com")),
            404, "not_found")
    ended = await api.client.post(end, headers=ana.headers)
    assert ended.status_code == 200, ended.text
    assert ended.json()["ended_by"] == str(ana.user_id) and ended.json()["ended_at"]
    assert (await api.client.get(person_url(ana), headers=bruno)).status_code == 404
    current = await api.client.get(f"{V1}/legal-capacity/representative/{ana.person_id}",
                                   headers=ana.headers)
    assert current.json() == {"representative": None}
    refusal(await api.client.post(end, headers=bruno), 409, "invalid_state_transition")
    refusal(await api.client.post(f"{V1}/legal-capacity/representations/{ana.person_id}/end",
                                  headers=ana.headers), 404, "not_found")
    [entry] = await audited(api, admin, "representation.ended")
    assert (entry["actor_id"], entry["subject_id"]) == (str(ana.user_id), rep["id"])


# --- the live stream ----------------------------------------------------------------------

@pytest.mark.parametrize("where", ["here", "elsewhere"])
async def test_a_removed_members_open_socket_gets_none_of_the_persons_alerts_more(
        worker, api_settings, where):
    ana_token, ana_id, elena = await worker.family("ana@example.com", "bp-elena")
    await worker.api.user("bruno@example.com")
    await use_case(worker.container, AddMember)(AddMemberCommand(ana_id, elena,
                                                                 "bruno@example.com"))
    bruno_id = await worker.api.user_id(await worker.api.login("bruno@example.com"))
    async with worker.socket(ana_token) as ana, \
            worker.socket(worker.api.tokens["bruno@example.com"]) as bruno:
        for ws in (ana, bruno):
            assert (await receive(ws))["type"] == "ready"
        await worker.reading("bp-elena", "m-1")
        for ws in (ana, bruno):
            assert (await receive_alert(ws))["change"] == "opened"
        await remove(worker, api_settings, where, RemoveMemberCommand(ana_id, elena, bruno_id))
        await worker.reading("bp-elena", "m-2")  # committed after the removal
        assert (await receive_alert(ana))["change"] == "joined"
        assert await nothing_within(bruno, 0.5)


async def remove(worker, settings, where: str, cmd: RemoveMemberCommand) -> None:
    """Over HTTP on this worker, or by another process's own container (its engine, its
    bell: only PostgreSQL NOTIFY or the reader's poll tells this worker)."""
    if where == "here":
        headers = {"Authorization": f"Bearer {worker.api.tokens['ana@example.com']}"}
        removed = await worker.api.client.delete(
            f"{V1}/cared-persons/{cmd.cared_person_id}/members/{cmd.user_id}", headers=headers)
        assert removed.status_code == 204, removed.text
        return
    other = build_container(settings)
    try:
        await use_case(other, RemoveMember)(cmd)
    finally:
        await dispose_engines(other)

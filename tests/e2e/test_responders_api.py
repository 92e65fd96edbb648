"""Every responder reachable on a phone, end to end on SQLite and PostgreSQL: the real app
and container, a real SMTP server (aiosmtpd) for email, the SMS and push providers'
webhooks on a local HTTP server.

A family member who chose SMS and push is told by both at the level that names them, and
the alert's delivery list says exactly what was sent; no SMS or push carries a medical
detail. Each user's channels and phones are theirs alone; what a responder needs is
changed only by whoever may change the care, and shown to whoever sees the person.
Alerts and events name their person and device."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
from dependency_injector import providers

from cuiot.adapters.notifications.router import ChannelRouter
from cuiot.application.care.commands.members import AddMember, AddMemberCommand
from cuiot.application.care.commands.persons import AddCaredPerson, AddCaredPersonCommand
from cuiot.application.safety.commands.dispatch import (
    DispatchDueNotifications,
    DispatchDueNotificationsCommand,
)
from cuiot.application.safety.commands.escalation import EscalateDueAlerts
from cuiot.domain.care import ResponderInfo
from cuiot.entrypoints.container import use_case
from tests.e2e.test_devices_api import BP_CRITICAL, V1, Family, refusal, register, send
from tests.fakes.system import FixedClock
from tests.integration.test_dispatch_smtp import inbox, smtp_url  # noqa: F401
from tests.integration.test_dispatch_webhook import SECRET, WebhookServer
from tests.support.subscriptions import subscribe_account

ME = f"{V1}/users/me"
BRUNO_PHONE, BRUNO_TOKEN = "+54 11 5555-0102", "bruno-phone-fcm-token"
MEDICAL = ResponderInfo(address="Av. Rivadavia 1234, 3º B", conditions=("Parkinson",),
                        medications=("Levodopa 250 mg",), allergies=("penicilina",),
                        mobility_notes="Usa andador", doctor_name="Dra. Laura Paz",
                        doctor_phone="+54 11 4555-0000")


@pytest.fixture
def app_clock(api) -> FixedClock:
    """The app's clock, moved by the tests (the escalation's timeouts)."""
    fixed = FixedClock(datetime.now(UTC))
    api.container.clock.override(providers.Object(fixed))
    return fixed


@pytest.fixture
async def webhooks():
    async with WebhookServer() as server:
        yield server


async def elena_of_ana(api) -> Family:
    headers = await api.user("ana@example.com")
    user_id = await api.user_id(headers)
    await subscribe_account(api.container, user_id)  # registering and inviting need one
    cared = await use_case(api.container, AddCaredPerson)(AddCaredPersonCommand(
        user_id, "Elena", "Gómez", date(1940, 3, 1)))
    return Family(headers, user_id, str(cared.id))


async def member_of(api, holder: Family, email: str, **names: str) -> dict[str, str]:
    headers = await api.user(email, **names)
    await use_case(api.container, AddMember)(AddMemberCommand(holder.user_id,
                                                              UUID(holder.person_id), email))
    return headers


async def write_down(api, person_id: str, info: ResponderInfo) -> None:
    """What a responder needs, straight through the domain (the PATCH is tested below)."""
    async with api.container.uow() as uow:
        person = await uow.cared_persons.get(UUID(person_id))
        person.change_care(responder_info=info)
        await uow.commit()


async def dispatch(api, clock: FixedClock, smtp: str, webhooks: WebhookServer) -> None:
    router = ChannelRouter(smtp_url=smtp, webhook_secret=SECRET, timeout_seconds=5,
                           sms_webhook_url=webhooks.url("/sms"),
                           push_webhook_url=webhooks.url("/push"))
    try:
        await asyncio.wait_for(DispatchDueNotifications(
            api.container.uow(), clock, api.container.policy(), router)(
                DispatchDueNotificationsCommand(50, 10)), 30)
    finally:
        await router.aclose()


async def deliveries(api, headers: dict[str, str], alert_id: str,
                     query: str = "") -> dict[str, Any]:
    response = await api.client.get(f"{V1}/alerts/{alert_id}/notifications?{query}",
                                    headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


# --- told by what they chose, and the delivery list says so ------------------------------

async def test_a_member_with_sms_and_push_is_told_by_both_at_level_two(
        api, app_clock, inbox, webhooks):
    await api.admin()
    ana = await elena_of_ana(api)
    bruno = await member_of(api, ana, "bruno@example.com", first_name="Bruno")
    chosen = await api.client.put(f"{ME}/channels", headers=bruno, json={
        "channels": ["sms", "push"], "sms_number": BRUNO_PHONE})
    assert chosen.status_code == 200, chosen.text
    phone = await api.client.post(f"{ME}/push-tokens", headers=bruno,
                                  json={"token": BRUNO_TOKEN, "label": "Teléfono de Bruno"})
    assert phone.status_code == 201, phone.text
    await write_down(api, ana.person_id, MEDICAL)
    sent = await send(api, await register(api, ana), BP_CRITICAL)
    (alert_id,) = sent.json()["alert_ids"]

    await dispatch(api, app_clock, smtp_url(inbox.port), webhooks)  # level 1: nobody → admins
    assert webhooks.received == []
    app_clock.advance(timedelta(minutes=2, seconds=1))
    assert await use_case(api.container, EscalateDueAlerts)() == 1  # level 2: Ana and Bruno
    await dispatch(api, app_clock, smtp_url(inbox.port), webhooks)

    by_path = {r.path: r for r in webhooks.received}
    assert sorted(r.path for r in webhooks.received) == ["/push", "/sms"]
    assert by_path["/sms"].document["to"] == "+541155550102"
    assert by_path["/sms"].document["text"].startswith(
        "CUIOT: alerta crítica de presión arterial de Elena Gómez")
    push = by_path["/push"].document
    assert (push["token"], push["data"]["level"], push["data"]["alert_id"]) == (
        BRUNO_TOKEN, "2", alert_id)
    assert sorted(to for to, _ in inbox.messages) == [["admin@example.com"],
                                                       ["ana@example.com"]]

    listed = await deliveries(api, bruno, alert_id)
    assert listed["next_offset"] is None
    rows = listed["items"]
    assert sorted((r["escalation_level"], r["recipient_name"], r["channel"], r["address"],
                   r["status"], r["attempts"]) for r in rows) == [
        (1, "Admin CUIOT", "email", "a****@example.com", "sent", 1),
        (2, "Ana Paz", "email", "a****@example.com", "sent", 1),
        (2, "Bruno Paz", "push", "…-token", "sent", 1),
        (2, "Bruno Paz", "sms", "+5411****0102", "sent", 1)]
    assert all(r["sent_at"] and r["created_at"] for r in rows)
    bruno_id = str(await api.user_id(bruno))
    assert {r["recipient_user_id"] for r in rows if r["recipient_name"] == "Bruno Paz"} == {
        bruno_id}
    # The list is what was sent: each webhook delivery and each mail is one of its rows.
    ids = {r["channel"]: set() for r in rows}
    for r in rows:
        ids[r["channel"]].add(r["id"])
    assert {r.headers["x-cuiot-notification-id"] for r in webhooks.received} == (
        ids["sms"] | ids["push"])
    assert len(inbox.messages) == len(ids["email"])
    assert {m["Message-ID"].strip("<>").removesuffix("@cuiot") for _, m in inbox.messages} == (
        ids["email"])

    told = json.dumps([r.document for r in webhooks.received], ensure_ascii=False)
    assert "Elena Gómez" in told  # the text is there, and none of what a responder reads
    for private in (MEDICAL.address, *MEDICAL.conditions, *MEDICAL.medications,
                    *MEDICAL.allergies, MEDICAL.mobility_notes, MEDICAL.doctor_name,
                    MEDICAL.doctor_phone):
        assert private not in told


async def test_an_alerts_deliveries_are_for_those_who_see_it(api, app_clock):
    await api.admin()
    ana = await elena_of_ana(api)
    sent = await send(api, await register(api, ana), BP_CRITICAL)
    (alert_id,) = sent.json()["alert_ids"]
    app_clock.advance(timedelta(minutes=2, seconds=1))
    await use_case(api.container, EscalateDueAlerts)()
    first = await deliveries(api, ana.headers, alert_id, "limit=1")
    rest = await deliveries(api, ana.headers, alert_id, "offset=1&limit=1")
    assert (first["next_offset"], rest["next_offset"]) == (1, None)
    assert [r["escalation_level"] for r in first["items"] + rest["items"]] == [1, 2]
    assert rest["items"][0]["status"] == "pending" and rest["items"][0]["sent_at"] is None
    assert (await deliveries(api, ana.headers, alert_id, "offset=5"))["items"] == []

    zoe = await api.user("zoe@example.com")
    refusal(await api.client.get(f"{V1}/alerts/{alert_id}/notifications", headers=zoe),
            404, "not_found")
    refusal(await api.client.get(f"{V1}/alerts/{UUID(int=7)}/notifications",
                                 headers=ana.headers), 404, "not_found")
    refusal(await api.client.get(f"{V1}/alerts/not-a-uuid/notifications",
                                 headers=ana.headers), 422, "validation_error")
    refusal(await api.client.get(f"{V1}/alerts/{alert_id}/notifications"),
            401, "unauthenticated")


async def test_alerts_and_events_name_their_person_and_device(api):
    ana = await elena_of_ana(api)
    sent = await send(api, await register(api, ana), BP_CRITICAL)
    (alert_id,) = sent.json()["alert_ids"]
    names = {"cared_person_name": "Elena Gómez", "device_name": "Equipo bp-1"}
    (alert,) = (await api.client.get(f"{V1}/alerts", headers=ana.headers)).json()["items"]
    one = (await api.client.get(f"{V1}/alerts/{alert_id}", headers=ana.headers)).json()
    (event,) = (await api.client.get(f"{V1}/events", headers=ana.headers)).json()["items"]
    device_events = (await api.client.get(f"{V1}/devices/{alert['device_pk']}/events",
                                          headers=ana.headers)).json()["items"]
    acked = (await api.client.post(f"{V1}/alerts/{alert_id}/acknowledge",
                                   headers=ana.headers)).json()
    for shown in (alert, one, event, device_events[0], acked):
        assert {k: shown[k] for k in names} == names


# --- channels and phones: one's own --------------------------------------------------------

async def test_a_user_chooses_channels_and_sms_needs_a_number(api):
    lucia = await api.user("lucia@example.com")
    url = f"{ME}/channels"
    assert (await api.client.get(url, headers=lucia)).json() == {
        "channels": ["email", "push"], "sms_number": None, "push_tokens": []}
    for wrong in ({"channels": ["sms"]}, {"channels": []}, {"channels": ["fax"]},
                  {"channels": ["sms"], "sms_number": "11 5555-0102"},
                  {"channels": "email"}, {"channels": ["email"], "phone": "+5411"},
                  {"sms_number": BRUNO_PHONE}):
        refusal(await api.client.put(url, headers=lucia, json=wrong), 422, "validation_error")
    details = refusal(await api.client.put(url, headers=lucia, json={"channels": ["sms"]}),
                      422, "validation_error")
    assert details["field"] == "sms_number"
    chosen = await api.client.put(url, headers=lucia, json={
        "channels": ["email", "sms"], "sms_number": BRUNO_PHONE})
    assert chosen.status_code == 200
    assert chosen.json() == {"channels": ["email", "sms"], "sms_number": "+541155550102",
                             "push_tokens": []}
    assert (await api.client.get(url, headers=lucia)).json() == chosen.json()
    refusal(await api.client.get(url), 401, "unauthenticated")


async def test_phones_for_push_are_each_users_own(api):
    lucia, tito = await api.user("lucia@example.com"), await api.user("tito@example.com")
    url = f"{ME}/push-tokens"
    first = await api.client.post(url, headers=lucia, json={"token": "lucia-token-AAA111",
                                                             "label": "Teléfono"})
    assert first.status_code == 201
    assert {k: first.json()[k] for k in ("token_hint", "label")} == {
        "token_hint": "…AAA111", "label": "Teléfono"}
    again = await api.client.post(url, headers=lucia, json={"token": "lucia-token-AAA111"})
    assert again.status_code == 200 and again.json() == first.json()
    for wrong in ({"token": ""}, {"token": "with space"}, {"token": "x" * 513},
                  {"token": "t", "platform": "android"}, {}):
        refusal(await api.client.post(url, headers=lucia, json=wrong), 422, "validation_error")
    channels = (await api.client.get(f"{ME}/channels", headers=lucia)).json()
    assert channels["push_tokens"] == [first.json()]
    assert (await api.client.get(f"{ME}/channels", headers=tito)).json()["push_tokens"] == []

    mine = f"{url}/{first.json()['id']}"
    refusal(await api.client.delete(mine, headers=tito), 404, "not_found")
    refusal(await api.client.delete(f"{url}/not-a-uuid", headers=lucia), 422,
            "validation_error")
    assert (await api.client.delete(mine, headers=lucia)).status_code == 204
    refusal(await api.client.delete(mine, headers=lucia), 404, "not_found")
    assert (await api.client.get(f"{ME}/channels", headers=lucia)).json()["push_tokens"] == []

    for n in range(10):
        assert (await api.client.post(url, headers=tito, json={"token": f"t{n}"})).status_code \
            == 201
    refusal(await api.client.post(url, headers=tito, json={"token": "t10"}), 409, "conflict")


# --- what a responder needs ----------------------------------------------------------------

async def test_what_a_responder_needs_is_changed_by_whoever_may_change_the_care(api):
    elena = await api.user("elena@example.com")
    await subscribe_account(api.container, await api.user_id(elena))  # to invite Marta
    own = await api.client.post(f"{V1}/cared-persons", headers=elena, json={
        "first_name": "Elena", "last_name": "Paz", "care_type": "self_care"})
    assert own.status_code == 201, own.text
    assert {k: own.json()[k] for k in ("address", "conditions", "doctor_name")} == {
        "address": None, "conditions": [], "doctor_name": None}
    person = f"{V1}/cared-persons/{own.json()['id']}"
    marta = await api.user("marta@example.com")
    added = await api.client.post(f"{person}/members", headers=elena,
                                  json={"email": "marta@example.com"})
    assert added.status_code == 201

    written = {"address": "Av. Rivadavia 1234, 3º B", "conditions": ["Parkinson"],
               "medications": ["Levodopa 250 mg"], "allergies": ["penicilina"],
               "mobility_notes": "Usa andador", "doctor_name": "Dra. Laura Paz",
               "doctor_phone": "+54 11 4555-0000"}
    changed = await api.client.patch(person, headers=elena, json=written)
    assert changed.status_code == 200, changed.text
    assert {k: changed.json()[k] for k in written} == written
    seen = (await api.client.get(person, headers=marta)).json()
    assert {k: seen[k] for k in written} == written  # a member sees it …
    care = await api.client.patch(person, headers=marta, json={"allergies": []})
    assert refusal(care, 403, "legal_capacity_denied")  # … and may not change it

    cleared = await api.client.patch(person, headers=elena, json={
        "allergies": [], "mobility_notes": "", "medications": None})
    assert (cleared.json()["allergies"], cleared.json()["mobility_notes"],
            cleared.json()["medications"]) == ([], None, ["Levodopa 250 mg"])
    for wrong in ({"doctor_name": "", "doctor_phone": "+54 11 4555-0000"},
                  {"doctor_phone": "llamar a la vecina"}, {"address": "x" * 301},
                  {"conditions": ["x"] * 31}, {"conditions": "diabetes"}):
        refusal(await api.client.patch(person, headers=elena, json=wrong), 422,
                "validation_error")
    listed = (await api.client.get(f"{V1}/cared-persons", headers=elena)).json()["items"]
    assert listed[0]["address"] == written["address"]

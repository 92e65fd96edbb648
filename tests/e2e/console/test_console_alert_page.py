"""An alert's own page on the console, through the app in process (httpx), on SQLite and
PostgreSQL: who was told, by which channel, at which (masked) address and whether it got
there; what a responder needs to know of the person; who acknowledged it, an emergency
contact by name; and nothing at all for someone who may not see the alert."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from uuid import UUID

from cuiot.application.care.commands.persons import AddCaredPerson, AddCaredPersonCommand
from cuiot.application.safety.commands.ack_links import AcknowledgeBySms, AcknowledgeBySmsCommand
from cuiot.application.safety.commands.escalation import EscalateDueAlerts
from cuiot.entrypoints.container import use_case
from tests.e2e.console.forms import FRAGMENT, form_token, sign_in
from tests.e2e.test_ack_links import FER_PHONE, dispatch, sms_code
from tests.e2e.test_devices_api import BP_CRITICAL, Family, register, send
from tests.e2e.test_responders_api import (  # noqa: F401 (fixtures)
    BRUNO_PHONE,
    BRUNO_TOKEN,
    ME,
    MEDICAL,
    app_clock,
    elena_of_ana,
    member_of,
    write_down,
)
from tests.integration.test_dispatch_smtp import inbox, smtp_url  # noqa: F401
from tests.support.subscriptions import subscribe_account

DELIVERY = re.compile(r'<tr data-channel="(\w+)" data-delivery-status="(\w+)">(.*?)</tr>', re.S)
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
TAG = re.compile(r"<[^>]+>")


def deliveries_on(page: str) -> set[tuple[str, ...]]:
    """Each delivery row as (channel, status, who, medium, address, level, delivery word)."""
    rows = set()
    for channel, status, cells in DELIVERY.findall(page):
        texts = [" ".join(html.unescape(TAG.sub(" ", c)).split()) for c in CELL.findall(cells)]
        who, medium, address, level, _, delivered = texts
        rows.add((channel, status, who, medium, address, level, delivered.split()[0]))
    return rows


async def an_alert(api, family: Family) -> str:
    sent = await send(api, await register(api, family), BP_CRITICAL)
    assert sent.status_code == 201, sent.text
    (alert_id,) = sent.json()["alert_ids"]
    return str(alert_id)


async def escalate(api, clock) -> None:
    clock.advance(timedelta(minutes=2, seconds=1))
    assert await use_case(api.container, EscalateDueAlerts)() == 1


async def test_an_escalated_alert_shows_who_was_told_how_and_what_a_responder_needs(
        api, app_clock, inbox):
    await api.admin()
    ana = await elena_of_ana(api)
    bruno = await member_of(api, ana, "bruno@example.com", first_name="Bruno")
    chosen = await api.client.put(f"{ME}/channels", headers=bruno, json={
        "channels": ["sms", "push"], "sms_number": BRUNO_PHONE})
    assert chosen.status_code == 200, chosen.text
    assert (await api.client.post(f"{ME}/push-tokens", headers=bruno, json={
        "token": BRUNO_TOKEN, "label": "Teléfono"})).status_code == 201
    await write_down(api, ana.person_id, MEDICAL)
    alert_id = await an_alert(api, ana)
    await dispatch(api, app_clock, smtp_url(inbox.port))  # level 1 (the admin): sent
    await escalate(api, app_clock)  # level 2 (Ana and Bruno): written, not sent yet

    await sign_in(api.client, "bruno@example.com")
    listed = await api.client.get("/console")
    assert f'href="/console/alertas/{alert_id}"' in listed.text  # each row links its page
    page = await api.client.get(f"/console/alertas/{alert_id}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert deliveries_on(page.text) == {
        ("email", "sent", "Admin CUIOT", "correo", "a****@example.com", "1", "enviado"),
        ("email", "pending", "Ana Paz", "correo", "a****@example.com", "2", "pendiente"),
        ("sms", "pending", "Bruno Paz", "SMS", "+5411****0102", "2", "pendiente"),
        ("push", "pending", "Bruno Paz", "push", "…-token", "2", "pendiente")}
    assert '<th scope="col">Medio</th>' in page.text and "5555-0102" not in page.text
    for shown in ("Alerta crítica de presión arterial", "Elena Gómez", "Av. Rivadavia 1234",
                  "Parkinson", "Levodopa 250 mg", "penicilina", "Usa andador",
                  "Dra. Laura Paz", 'href="tel:+54114555-0000"', 'data-action="acknowledge"'):
        assert shown in html.unescape(page.text), shown
    person = await api.client.get(f"/console/personas/{ana.person_id}")
    assert "data-responder-info" in person.text and "penicilina" in person.text

    row = await api.client.get(f"/console/alertas/{alert_id}", headers=FRAGMENT)
    assert row.text.startswith(f'<tr data-alert-id="{alert_id}"')  # the script's, unchanged


async def test_acknowledging_on_the_alert_s_page_comes_back_to_it(api, app_clock):
    ana = await elena_of_ana(api)
    alert_id = await an_alert(api, ana)
    await sign_in(api.client, "ana@example.com")
    page = await api.client.get(f"/console/alertas/{alert_id}")
    done = await api.client.post(f"/console/alertas/{alert_id}/atender", data={
        "csrf": form_token(page), "volver": "alerta"})
    assert done.status_code == 303 and done.headers["location"] == f"/console/alertas/{alert_id}"
    again = await api.client.get(done.headers["location"])
    assert 'data-status="acknowledged"' in again.text and "por usted" in again.text
    assert "Todavía nadie anotó su dirección" in again.text  # nothing written down


async def test_an_emergency_contact_who_replied_by_sms_is_named(api, app_clock):
    await api.admin()
    headers = await api.user("ana@example.com")
    user_id = await api.user_id(headers)
    await subscribe_account(api.container, user_id)  # registering a device needs one
    cared = await use_case(api.container, AddCaredPerson)(AddCaredPersonCommand(
        user_id, "Rosa", "Fernández", emergency_contacts=[
            {"name": "Fer", "phone": FER_PHONE, "email": None}]))
    alert_id = await an_alert(api, Family(headers, user_id, str(cared.id)))
    await escalate(api, app_clock)
    await escalate(api, app_clock)  # level 3: Fer gets an SMS with a code
    code = await sms_code(api, alert_id)
    await use_case(api.container, AcknowledgeBySms)(AcknowledgeBySmsCommand(
        "+541155550001", code))  # the provider writes the number its own way

    await sign_in(api.client, "ana@example.com")
    for url, headers_ in ((f"/console/alertas/{alert_id}", FRAGMENT),
                          (f"/console/alertas/{alert_id}", {}), ("/console", {})):
        page = await api.client.get(url, headers=headers_)
        assert "por Fer, desde el aviso por SMS" in page.text, url


async def test_a_stranger_is_told_the_alert_s_page_does_not_exist(api, app_clock):
    ana = await elena_of_ana(api)
    await write_down(api, ana.person_id, MEDICAL)
    alert_id = await an_alert(api, ana)
    await api.user("bruno@example.com")
    await sign_in(api.client, "bruno@example.com")
    page = await api.client.get(f"/console/alertas/{alert_id}")
    assert page.status_code == 404 and "No encontramos" in page.text
    assert "Rivadavia" not in page.text and "Elena" not in page.text
    assert (await api.client.get(f"/console/alertas/{UUID(int=7)}")).status_code == 404

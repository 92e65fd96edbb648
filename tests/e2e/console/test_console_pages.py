"""The console's pages and actions through the app in process (httpx), on SQLite and
PostgreSQL: what a signed-in family sees, in Spanish and in order, what the acknowledge
and resolve forms do (the same use cases as the API), and what a stranger is told."""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import UUID

import pytest

from cuiot.application.care.commands.members import AddMember, AddMemberCommand
from cuiot.application.care.commands.persons import AddCaredPerson, AddCaredPersonCommand
from cuiot.application.safety.commands.devices import RegisterDevice, RegisterDeviceCommand
from cuiot.application.safety.commands.ingest import IngestReading, IngestReadingCommand
from cuiot.entrypoints.container import use_case
from tests.e2e.conftest import Api
from tests.e2e.console.forms import FRAGMENT, post_form, sign_in
from tests.support.subscriptions import subscribe_account

BP_CRITICAL = {"systolic": 192, "diastolic": 124, "pulse": 112}
BP_HIGH = {"systolic": 150, "diastolic": 95, "pulse": 80}
BP_NORMAL = {"systolic": 120, "diastolic": 78, "pulse": 70}
ROW_IDS = re.compile(r'data-alert-id="([0-9a-f-]{36})"')


@dataclass
class Family:
    email: str
    user_id: UUID
    person_id: UUID
    headers: dict[str, str]


async def family(api: Api, email: str, device_id: str, **thresholds: int) -> Family:
    """A user with a cared person (Elena Gómez) and her blood pressure monitor."""
    headers = await api.user(email)
    user_id = await api.user_id(headers)
    await subscribe_account(api.container, user_id)  # registering a device needs one
    person = await use_case(api.container, AddCaredPerson)(AddCaredPersonCommand(
        user_id, "Elena", "Gómez", thresholds=thresholds))
    await use_case(api.container, RegisterDevice)(RegisterDeviceCommand(
        user_id, device_id, "Tensiómetro del dormitorio", "blood_pressure", person.id))
    return Family(email, user_id, person.id, headers)


async def reading(api: Api, device_id: str, msg_id: str, data: dict[str, int]) -> UUID | None:
    result = await use_case(api.container, IngestReading)(IngestReadingCommand(
        device_id, msg_id, "blood_pressure", data, battery_level=64))
    return result.alert_ids[0] if result.alert_ids else None


@pytest.fixture
async def lucia(api: Api) -> Family:
    found = await family(api, "lucia@example.com", "bp-elena")
    await sign_in(api.client, found.email)
    return found


async def test_the_alerts_page_names_person_and_device_in_spanish(api, lucia):
    alert_id = await reading(api, "bp-elena", "m-1", BP_CRITICAL)
    page = await api.client.get("/console")
    row = _row(page.text, alert_id)
    for shown in ("crítica", "presión arterial", "Elena Gómez", "Tensiómetro del dormitorio",
                  'data-status="pending"', 'data-action="acknowledge"', "hace "):
        assert shown in row, shown


async def test_the_most_severe_come_first_then_the_newest(api, lucia):
    await use_case(api.container, RegisterDevice)(RegisterDeviceCommand(
        lucia.user_id, "bp-elena-2", "Tensiómetro del living", "blood_pressure",
        lucia.person_id))
    critical = await reading(api, "bp-elena", "m-1", BP_CRITICAL)
    high = await reading(api, "bp-elena-2", "m-2", BP_HIGH)  # newer, less severe
    page = await api.client.get("/console")
    assert ROW_IDS.findall(page.text) == [str(critical), str(high)]


async def test_acknowledging_on_the_console_stops_escalation_as_over_the_api(api, lucia):
    alert_id = await reading(api, "bp-elena", "m-1", BP_CRITICAL)
    done = await post_form(api.client, f"/console/alertas/{alert_id}/atender", **FRAGMENT)
    assert done.status_code == 200
    assert 'data-status="acknowledged"' in done.text and "por usted" in done.text
    assert 'data-action="acknowledge"' not in done.text
    seen = (await api.client.get(f"/api/v1/alerts/{alert_id}", headers=lucia.headers)).json()
    assert seen["status"] == "acknowledged" and seen["acknowledged_by"] == str(lucia.user_id)
    again = await post_form(api.client, f"/console/alertas/{alert_id}/atender")
    assert again.status_code == 409 and "alguien más la atendió" in again.text


async def test_without_script_a_form_goes_back_to_the_alerts(api, lucia):
    alert_id = await reading(api, "bp-elena", "m-1", BP_CRITICAL)
    done = await post_form(api.client, f"/console/alertas/{alert_id}/resolver")
    assert done.status_code == 303 and done.headers["location"] == "/console"
    seen = (await api.client.get(f"/api/v1/alerts/{alert_id}", headers=lucia.headers)).json()
    assert seen["status"] == "resolved"


async def test_others_see_who_acknowledged_by_name(api, lucia):
    alert_id = await reading(api, "bp-elena", "m-1", BP_CRITICAL)
    await api.client.post(f"/api/v1/alerts/{alert_id}/acknowledge", headers=lucia.headers)
    await api.register("tomas@example.com", first_name="Tomás", last_name="Ruiz")
    await use_case(api.container, AddMember)(AddMemberCommand(
        lucia.user_id, lucia.person_id, "tomas@example.com"))
    api.client.cookies.clear()
    await sign_in(api.client, "tomas@example.com")
    row = await api.client.get(f"/console/alertas/{alert_id}", headers=FRAGMENT)
    assert "por Ana Paz" in row.text  # Lucía registered as Ana Paz (the helper's)


async def test_another_family_is_told_nothing_exists(api, lucia):
    alert_id = await reading(api, "bp-elena", "m-1", BP_CRITICAL)
    await family(api, "bruno@example.com", "bp-julio")
    api.client.cookies.clear()
    await sign_in(api.client, "bruno@example.com")
    page = await api.client.get("/console")
    assert str(alert_id) not in page.text and "Elena" in page.text  # his own Elena only
    assert ROW_IDS.findall(page.text) == []
    assert (await api.client.get(f"/console/alertas/{alert_id}",
                                 headers=FRAGMENT)).status_code == 404
    refused = await post_form(api.client, f"/console/alertas/{alert_id}/atender")
    assert refused.status_code == 404 and "No encontramos" in refused.text
    stranger = await api.client.get(f"/console/personas/{lucia.person_id}")
    assert stranger.status_code == 404
    seen = (await api.client.get(f"/api/v1/alerts/{alert_id}", headers=lucia.headers)).json()
    assert seen["status"] == "pending"


async def test_the_person_page_draws_their_own_thresholds(api):
    mine = await family(api, "lucia@example.com", "bp-elena", bp_high_systolic_at_least=135)
    await sign_in(api.client, mine.email)
    for n, data in enumerate((BP_NORMAL, BP_HIGH, BP_NORMAL)):
        await reading(api, "bp-elena", f"m-{n}", data)
    page = await api.client.get(f"/console/personas/{mine.person_id}")
    assert page.status_code == 200
    text = page.text
    assert 'data-limit="sistólica alta 135"' in text  # the person's own, not the policy's 140
    assert 'data-limit="sistólica crítica 180"' in text  # the policy's default
    assert text.count('class="dot-systolic"') == 3
    assert "3 lecturas en los últimos 30 días" in text
    assert "150/95 mmHg · pulso 80" in text  # the latest readings, in words
    assert "Tensiómetro del dormitorio" in text and "batería 64 %" in text
    assert re.search(r'data-coverage="(protected|degraded|unprotected)"', text)


async def test_a_malformed_address_is_a_page_not_json(api, lucia):
    page = await api.client.get("/console/personas/not-a-uuid")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")


def _row(html: str, alert_id: UUID | None) -> str:
    start = html.index(f'data-alert-id="{alert_id}"')
    return html[start:html.index("</tr>", start)]

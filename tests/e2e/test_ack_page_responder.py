"""What a responder needs to know of the person (address, conditions, medications,
allergies, mobility, doctor) on the acknowledgement link's page, end to end on SQLite and
PostgreSQL with a real SMTP server: shown while the link is open and in the answer to its
confirmation, never once the link is used, expired or forged, and never in the mail."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import settings_for
from tests.e2e.test_ack_links import (  # noqa: F401 (fixtures)
    PUBLIC,
    a_family,
    an_alert,
    app_clock,
    confirm,
    dispatch,
    escalate,
    link_in,
    opened,
)
from tests.e2e.test_responders_api import MEDICAL, write_down
from tests.integration.test_dispatch_smtp import inbox, smtp_url  # noqa: F401

SHOWN = ("data-responder-info", "Av. Rivadavia 1234, 3º B", "Parkinson", "Levodopa 250 mg",
         "penicilina", "Usa andador", "Dra. Laura Paz")


@pytest.fixture
def api_settings(database_url: str):
    return settings_for(database_url, public_url=PUBLIC)


async def a_link(api, clock, inbox) -> str:
    """The link of the mail the admin gets for Rosa's alert, with her data written down."""
    await api.admin()
    family = await a_family(api)
    await write_down(api, family.person_id, MEDICAL)
    await an_alert(api, family)
    await dispatch(api, clock, smtp_url(inbox.port))
    [(_, mail)] = inbox.messages
    body = mail.get_payload(decode=True).decode()
    assert not any(part in body for part in SHOWN[1:])  # the mail carries the link alone
    return link_in(mail)


async def test_an_open_link_shows_what_a_responder_needs_and_a_used_one_does_not(
        api, app_clock, inbox):
    url = await a_link(api, app_clock, inbox)
    page, nonce = await opened(api, url)
    for shown in SHOWN:
        assert shown in page.text, shown

    done = await confirm(api, url, nonce, origin=PUBLIC)
    assert done.status_code == 200 and "Alerta confirmada" in done.text
    assert all(shown in done.text for shown in SHOWN)  # still in front of the responder

    used = await api.client.get(url)
    assert used.status_code == 410 and "Este enlace ya se usó" in used.text
    assert not any(shown in used.text for shown in SHOWN)


async def test_an_expired_or_forged_link_shows_nothing_of_the_person(api, app_clock, inbox):
    url = await a_link(api, app_clock, inbox)
    await escalate(api, app_clock)
    expired = await api.client.get(url)
    assert expired.status_code == 410 and "Este enlace venció" in expired.text
    forged = await api.client.get(f"{PUBLIC}/ack/{'x' * 43}")
    assert forged.status_code == 404
    for page in (expired, forged):
        assert not any(shown in page.text for shown in SHOWN)

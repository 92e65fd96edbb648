"""Bodies over CUIOT_MAX_BODY_BYTES are refused with 413 before anything parses them."""

from __future__ import annotations

import asyncio

import pytest

from tests.e2e.conftest import settings_for


@pytest.fixture
def api_settings(database_url):
    return settings_for(database_url, max_body_bytes=64_000)


async def test_a_body_over_the_limit_is_refused_before_it_is_read(api):
    """A 10 MB body of valid JSON to POST /cared-persons was accepted (201)."""
    headers = await api.user("lucia@example.com")
    person = {"first_name": "Rosa", "last_name": "Paz", "date_of_birth": "1940-01-01",
              "care_type": "delegated", "notes": "x" * 100_000}
    answer = await api.client.post("/api/v1/cared-persons", headers=headers, json=person)
    assert answer.status_code == 413 and answer.json()["error"] == "payload_too_large"
    listed = await api.client.get("/api/v1/cared-persons", headers=headers)
    assert listed.json()["items"] == []  # nothing was stored


async def test_an_announced_huge_body_is_refused_without_waiting_for_it(api):
    """A client announcing 10 GB and sending nothing gets its 413 at once."""
    headers = await api.user("lucia@example.com")
    sent: list[bytes] = []

    async def trickle():
        sent.append(b"{")
        yield b"{"
        await asyncio.Event().wait()  # never more: only a refusal ends this request

    answer = await asyncio.wait_for(api.client.post(
        "/api/v1/cared-persons", content=trickle(),
        headers={**headers, "Content-Type": "application/json",
                 "Content-Length": str(10 * 2**30)}), timeout=30)
    assert answer.status_code == 413 and answer.json()["error"] == "payload_too_large"

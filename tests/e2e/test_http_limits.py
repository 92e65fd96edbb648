"""Per-client rate limits and CORS, with settings of their own."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import settings_for


@pytest.fixture
def api_settings(database_url):
    return settings_for(database_url, rate_limit_per_minute=3,
                        cors_origins=["https://app.example.com"])


async def test_rate_limit_per_client_with_retry_after(api):
    statuses = [(await api.client.get("/api/v1/users/me")).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    limited = await api.client.get("/api/v1/users/me")
    assert (limited.json()["error"] == "rate_limited"
            and 0 < int(limited.headers["retry-after"]) <= 60)
    assert (await api.client.get("/health")).status_code == 200  # health is never limited


async def test_cors_origins_come_from_settings(api):
    allowed = await api.client.options("/health", headers={
        "Origin": "https://app.example.com", "Access-Control-Request-Method": "GET"})
    assert allowed.headers["access-control-allow-origin"] == "https://app.example.com"
    other = await api.client.options("/health", headers={
        "Origin": "https://evil.example.com", "Access-Control-Request-Method": "GET"})
    assert "access-control-allow-origin" not in other.headers

"""The console's session through the app in process (httpx), on SQLite and PostgreSQL:
signing in and out through the auth use cases, the cookies that hold the tokens, their
renewal when the access token expires, and the forms' forgery protection."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from dependency_injector import providers

from cuiot.entrypoints.container import build_container, dispose_engines
from cuiot.entrypoints.http.app import create_app
from cuiot.entrypoints.settings import Settings
from tests.e2e.conftest import Api
from tests.e2e.console.forms import FRAGMENT, form_token, post_form, set_cookies, sign_in
from tests.fakes.system import FixedClock

EMAIL = "lucia@example.com"


@pytest.fixture
async def clock() -> FixedClock:
    return FixedClock(datetime.now(UTC))


@pytest.fixture
async def timed(api_settings: Settings, clock: FixedClock) -> AsyncIterator[Api]:
    """The app on a clock the test moves (tokens expire by it)."""
    container = build_container(api_settings)
    container.clock.override(providers.Object(clock))
    app = create_app(container)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://cuiot.test") as client:
        yield Api(client, container, app=app)
    await dispose_engines(container)


async def test_signing_in_keeps_the_tokens_in_httponly_samesite_cookies(api):
    await api.register(EMAIL)
    signed_in = await sign_in(api.client, EMAIL)
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/console"
    cookies = set_cookies(signed_in)
    for name in ("cuiot_access", "cuiot_refresh"):
        assert "HttpOnly" in cookies[name] and "SameSite=strict" in cookies[name]
        assert "Secure" not in cookies[name]  # plain http: a Secure cookie would be lost
    assert "Path=/;" in cookies["cuiot_access"]  # the live stream reads it too
    assert "Path=/console" in cookies["cuiot_refresh"]
    page = await api.client.get("/console")
    assert page.status_code == 200 and '<html lang="es">' in page.text
    assert api.client.cookies["cuiot_access"] not in page.text  # no token for scripts
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"


async def test_over_https_the_cookies_are_secure(api):
    await api.register(EMAIL)
    transport = httpx.ASGITransport(app=api.app)
    async with httpx.AsyncClient(transport=transport, base_url="https://cuiot.test") as client:
        cookies = set_cookies(await sign_in(client, EMAIL))
    assert "Secure" in cookies["cuiot_access"] and "Secure" in cookies["cuiot_refresh"]


async def test_a_wrong_password_is_told_in_spanish_and_opens_nothing(api):
    await api.register(EMAIL)
    refused = await sign_in(api.client, EMAIL, "no es esta")
    assert refused.status_code == 401
    assert "Correo o contraseña incorrectos." in refused.text
    assert "cuiot_access" not in api.client.cookies
    assert (await api.client.get("/console")).headers["location"] == "/console/entrar"


async def test_repeated_failures_show_how_long_to_wait(api):
    await api.register(EMAIL)
    for _ in range(20):
        refused = await sign_in(api.client, EMAIL, "no es esta")
        if refused.status_code == 429:
            break
    assert refused.status_code == 429, "the login use case never throttled"
    wait = refused.headers["retry-after"]
    assert f"Espere {wait} segundos" in refused.text
    # Even the right password waits: the same rule as POST /auth/login.
    assert (await sign_in(api.client, EMAIL)).status_code == 429


async def test_a_form_needs_its_token_and_this_site_as_origin(api):
    await api.register(EMAIL)
    token = form_token(await api.client.get("/console/entrar"))
    fields = {"email": EMAIL, "password": "una clave larga"}
    without = await api.client.post("/console/entrar", data=fields)
    forged = await api.client.post("/console/entrar", data=fields | {"csrf": "abc.def"})
    elsewhere = await api.client.post("/console/entrar", data=fields | {"csrf": token},
                                      headers={"Origin": "https://evil.example"})
    assert [r.status_code for r in (without, forged, elsewhere)] == [403, 403, 403]
    assert "cuiot_access" not in api.client.cookies
    ours = await api.client.post("/console/entrar", data=fields | {"csrf": token},
                                 headers={"Origin": "http://cuiot.test"})
    assert ours.status_code == 303 and "cuiot_access" in api.client.cookies


async def test_pages_without_a_session_ask_to_sign_in(api):
    assert (await api.client.get("/console")).headers["location"] == "/console/entrar"
    assert (await api.client.get("/console/alertas", headers=FRAGMENT)).status_code == 401
    api.client.cookies.set("cuiot_access", "not-a-token")
    assert (await api.client.get("/console")).headers["location"] == "/console/entrar"


async def test_an_expired_access_token_is_renewed_with_the_refresh_cookie(timed, clock):
    await timed.register(EMAIL)
    await sign_in(timed.client, EMAIL)
    first = timed.client.cookies["cuiot_access"]
    clock.advance(timedelta(minutes=31))  # past the access token's 30 minutes
    page = await timed.client.get("/console")
    assert page.status_code == 200, page.headers
    renewed = set_cookies(page)
    assert {"cuiot_access", "cuiot_refresh"} <= renewed.keys()
    assert timed.client.cookies["cuiot_access"] != first
    me = await timed.client.get("/api/v1/users/me", headers={
        "Authorization": f"Bearer {timed.client.cookies['cuiot_access']}"})
    assert me.status_code == 200


async def test_without_a_refresh_cookie_an_expired_session_signs_in_again(timed, clock):
    await timed.register(EMAIL)
    await sign_in(timed.client, EMAIL)
    timed.client.cookies.delete("cuiot_refresh")
    clock.advance(timedelta(minutes=31))
    assert (await timed.client.get("/console")).headers["location"] == "/console/entrar"


async def test_signing_out_ends_the_session_not_only_the_cookies(api):
    await api.register(EMAIL)
    await sign_in(api.client, EMAIL)
    access = api.client.cookies["cuiot_access"]
    refresh = api.client.cookies["cuiot_refresh"]
    out = await post_form(api.client, "/console/salir")
    assert out.status_code == 303 and out.headers["location"] == "/console/entrar"
    assert "cuiot_access" not in api.client.cookies
    me = await api.client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {access}"})
    renewed = await api.client.post("/api/v1/auth/refresh", json={"refresh_token": refresh})
    assert me.status_code == 401 and renewed.status_code == 401

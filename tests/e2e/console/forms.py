"""Driving the console's forms without a browser: the form token read from the page, as
a browser would post it."""

from __future__ import annotations

import re

import httpx

from tests.e2e.conftest import PASSWORD

FORM_TOKEN = re.compile(r'name="csrf" value="([^"]+)"')
FRAGMENT = {"X-Cuiot-Console": "1"}


def form_token(page: httpx.Response) -> str:
    found = FORM_TOKEN.search(page.text)
    assert found, page.text[:500]
    return found.group(1)


async def sign_in(client: httpx.AsyncClient, email: str, password: str = PASSWORD,
                  **headers: str) -> httpx.Response:
    page = await client.get("/console/entrar")
    return await client.post("/console/entrar", headers=headers, data={
        "csrf": form_token(page), "email": email, "password": password})


async def post_form(client: httpx.AsyncClient, path: str, **headers: str) -> httpx.Response:
    """A form of the alerts page (acknowledge, resolve, sign out), with its token."""
    page = await client.get("/console")
    return await client.post(path, headers=headers, data={"csrf": form_token(page)})


def set_cookies(response: httpx.Response) -> dict[str, str]:
    """Each cookie the answer sets → its whole ``Set-Cookie`` line."""
    return {line.split("=", 1)[0]: line for line in response.headers.get_list("set-cookie")}

"""The console in a real browser: Debian's Chromium (installed when missing) driven by
Playwright, against ``cuiot serve`` as a new user runs it (the demo seeded, the embedded
MQTT broker), once on SQLite and once on PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.e2e.console.browser import FLAGS, ensure_chromium
from tests.e2e.test_serve_process import CUIOT, _answers, _env
from tests.support.databases import _empty_postgres, in_thread
from tests.support.servers import free_port, wait_for

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Escalation a test can watch: a critical alert nobody takes climbs after 6 s.
ESCALATION = "critical=6,high=10,medium=15"


@dataclass
class Served:
    base: str
    broker_port: int
    demo: dict[str, Any]

    def token(self, email: str, password: str) -> str:
        answer = httpx.post(f"{self.base}/api/v1/auth/login",
                            json={"email": email, "password": password})
        assert answer.status_code == 200, answer.text
        token: str = answer.json()["access_token"]
        return token

    def api(self, path: str, token: str) -> Any:
        answer = httpx.get(f"{self.base}/api/v1{path}",
                           headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200, answer.text
        return answer.json()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Module-scoped: Playwright's sync API runs an event loop in this thread while it is
    open, and every asyncio test after it would find that loop running."""
    chromium = ensure_chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), headless=True,
                                              args=FLAGS)
        yield launched
        launched.close()


def _database(request: pytest.FixtureRequest, folder: Path) -> str:
    """A migrated database of this module's own (the ``database_url`` fixture's way)."""
    if request.param == "sqlite":
        path = folder / "cuiot.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite+aiosqlite:///{path}"
    url: str = request.getfixturevalue("postgres_url")
    in_thread(asyncio.run, _empty_postgres(url))
    return url


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def served(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """``cuiot seed --demo`` then ``cuiot serve`` on free ports, until the module ends."""
    folder = tmp_path_factory.mktemp(f"console-{request.param}")
    broker_port, http_port = free_port(), free_port()
    env = _env(_database(request, folder), broker_port) | {
        "CUIOT_ESCALATION_TIMEOUTS": ESCALATION,
        "CUIOT_RATE_LIMIT_PER_MINUTE": "100000"}  # every browser here calls from 127.0.0.1
    seeded = subprocess.run([*CUIOT, "seed", "--demo", "--json"], env=env, cwd=folder,
                            capture_output=True, text=True, timeout=300)
    assert seeded.returncode == 0, seeded.stderr
    server = subprocess.Popen([*CUIOT, "serve", "--port", str(http_port)], env=env, cwd=folder,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{http_port}"
    try:
        assert wait_for(lambda: server.poll() is not None or _answers(f"{base}/health"),
                        timeout=60) and server.poll() is None, "serve did not start"
        yield Served(base, broker_port, json.loads(seeded.stdout))
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=60)
    assert server.returncode == 0 and "Traceback" not in output, output[-3000:]


def signed_in(browser: Browser, served: Served, email: str, password: str,
              viewport: dict[str, int] = DESKTOP) -> Page:
    """A new browser (its own cookies) signed in through the form, on the alerts page."""
    page = browser.new_context(viewport=viewport, locale="es-AR").new_page()
    page.goto(f"{served.base}/console")
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill(password)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url(f"{served.base}/console")
    page.locator('#live[data-live="on"]').wait_for(timeout=10_000)  # the stream is live
    return page

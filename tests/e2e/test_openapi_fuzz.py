"""Schemathesis against the app's own OpenAPI schema: generated requests to every
operation find no server error and no response that breaks the documented schema
(status codes, content types, headers and bodies all as documented).

Runs on SQLite (a migrated copy) as an admin, so the ownership checks let requests
through to the deeper code. Schemathesis drives the ASGI app on loops of its own, so the
engine pools nothing across them (NullPool).
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import schemathesis
from dependency_injector import providers
from schemathesis.specs.openapi.checks import positive_data_acceptance
from hypothesis import HealthCheck, settings
from sqlalchemy.pool import NullPool

from cuiot.adapters.persistence.database import create_engine
from cuiot.adapters.persistence.migrate import upgrade
from cuiot.application.auth_login import Login, LoginCommand
from cuiot.application.users import CreateAdmin, CreateAdminCommand
from cuiot.entrypoints.container import build_container, use_case
from cuiot.entrypoints.http.app import create_app
from tests.e2e.conftest import PASSWORD, settings_for

WORKDIR = Path(tempfile.mkdtemp(prefix="cuiot-fuzz-"))
DATABASE = f"sqlite+aiosqlite:///{WORKDIR / 'cuiot.db'}"


def _prepare() -> str:
    with ThreadPoolExecutor(1) as pool:
        pool.submit(upgrade, DATABASE).result()
    container = build_container(settings_for(DATABASE))

    async def admin_token() -> str:
        await use_case(container, CreateAdmin)(CreateAdminCommand("fuzz@example.com", PASSWORD))
        pair = await use_case(container, Login)(LoginCommand("fuzz@example.com", PASSWORD))
        await container.engine().dispose()
        return pair.access_token

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, admin_token()).result()


TOKEN = _prepare()
container = build_container(settings_for(DATABASE))
container.engine.override(providers.Singleton(create_engine, DATABASE, poolclass=NullPool))
app = create_app(container)
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(scope="module", autouse=True)
def _cleanup():
    yield
    shutil.rmtree(WORKDIR, ignore_errors=True)


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error_and_every_response_matches_the_schema(case):
    # Every check but one: a business rule may refuse schema-valid data (a password of
    # 80 bytes fits the schema's 200 characters, not bcrypt's 72 bytes) with a 4xx.
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"},
                           excluded_checks=[positive_data_acceptance])

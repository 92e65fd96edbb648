"""CUIOT_DATABASE_READ_URL sends the API's reads to a replica; commands stay on the
primary. Shown with two SQLite files: the "replica" is a copy taken before the user
registered, so reads there do not know them yet, while the primary does."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx

from cuiot.entrypoints.container import build_container, dispose_engines
from cuiot.entrypoints.http.app import create_app
from tests.e2e.conftest import Api, settings_for


async def test_reads_go_to_the_replica_and_commands_to_the_primary(
        sqlite_template: Path, tmp_path: Path) -> None:
    primary, replica = tmp_path / "primary.db", tmp_path / "replica.db"
    shutil.copy(sqlite_template, primary)
    shutil.copy(sqlite_template, replica)  # a replica that lags: it will miss the user
    settings = settings_for(f"sqlite+aiosqlite:///{primary}",
                            database_read_url=f"sqlite+aiosqlite:///{replica}")
    container = build_container(settings)
    assert container.read_engine() is not container.engine()
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://cuiot.test") as client:
        api = Api(client, container)
        headers = await api.user("lag@example.com")  # a command and a login: the primary
        me = await client.get("/api/v1/users/me", headers=headers)
        assert me.status_code == 401  # the replica does not know the user yet
        await container.read_engine().dispose()
        _catch_up(primary, replica)
        me = await client.get("/api/v1/users/me", headers=headers)
        assert me.status_code == 200 and me.json()["email"] == "lag@example.com"
    await dispose_engines(container)


def _catch_up(primary: Path, replica: Path) -> None:
    """The replica becomes a copy of the primary (its write-ahead log included)."""
    for suffix in ("", "-wal"):
        source = primary.with_name(primary.name + suffix)
        if source.exists():
            shutil.copy(source, replica.with_name(replica.name + suffix))
    replica.with_name(replica.name + "-shm").unlink(missing_ok=True)


def test_without_a_read_url_sqlite_reads_on_the_primary(tmp_path: Path) -> None:
    container = build_container(settings_for(f"sqlite+aiosqlite:///{tmp_path / 'one.db'}"))
    assert container.read_engine() is container.engine()

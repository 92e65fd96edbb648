"""Database fixtures (a pytest plugin): every test that asks for a database runs on
SQLite and on a real PostgreSQL.

PostgreSQL gets a fresh database per run (migrated once, dropped at the end) and is
emptied before each test; SQLite gets a copy of a migrated file per test.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import asyncpg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from cuiot.adapters.persistence.database import create_engine
from cuiot.adapters.persistence.migrate import upgrade
from cuiot.adapters.persistence.schema import metadata
from cuiot.adapters.persistence.uow import SqlAlchemyUnitOfWork
from tests.fakes.system import RecordingEventPublisher
from tests.support.servers import fresh_postgres_database, postgres_server

T = TypeVar("T")
KEPT_ON_RESET = {"roles", "packages_seed_marker"}


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with postgres_server() as server, fresh_postgres_database(server) as url:
        in_thread(upgrade, url)
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "cuiot.db"
    in_thread(upgrade, f"sqlite+aiosqlite:///{path}")
    return path


# Every table but the kept ones, dependents first so no foreign key is in the way; the
# journal's sequence starts again, as TRUNCATE ... RESTART IDENTITY did. A test writes a
# few rows: deleting them costs next to nothing, where TRUNCATE made new files for each
# of some 56 relations (partitions included) and waited for their WAL at every test.
_RESET = "".join(
    [f"DELETE FROM {t.name};" for t in reversed(metadata.sorted_tables)
     if t.name not in KEPT_ON_RESET]
    + ["ALTER TABLE alert_changes ALTER COLUMN seq RESTART;"])


async def _empty_postgres(url: str) -> None:
    conn = await asyncpg.connect(make_url(url).set(drivername="postgresql")
                                 .render_as_string(hide_password=False))
    try:
        async with conn.transaction():
            # What a crash would lose here is what the next test deletes anyway.
            await conn.execute("SET LOCAL synchronous_commit = off;" + _RESET)
    finally:
        await conn.close()


def in_thread(fn: Callable[..., T], *args: object) -> T:
    """Run blocking code that starts its own event loop (Alembic, admin SQL) off the
    test's loop."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args).result()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "cuiot.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite+aiosqlite:///{path}"
    url = request.getfixturevalue("postgres_url")
    in_thread(asyncio.run, _empty_postgres(url))
    return url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sql_uow(engine: AsyncEngine,
            publisher: RecordingEventPublisher) -> Callable[[], SqlAlchemyUnitOfWork]:
    """A factory: each use case call gets its own unit of work, as in production."""
    return lambda: SqlAlchemyUnitOfWork(engine, publisher)

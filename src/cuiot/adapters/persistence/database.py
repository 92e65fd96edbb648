"""Engines for SQLite (the embedded default) and PostgreSQL, chosen by URL only."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

# The async drivers CUIOT installs, and how a URL for each looks.
DRIVERS = {"sqlite+aiosqlite": "sqlite+aiosqlite:///path/to/cuiot.db",
           "postgresql+asyncpg": "postgresql+asyncpg://user:password@host:5432/database"}


class DatabaseUnreachable(Exception):
    """No connection to the database at ``url`` (its password hidden), and why."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url, self.reason = url, reason


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def check_url(url: str) -> None:
    """Refuse, before anything starts, a URL no engine of ours can open."""
    accepted = " or ".join(DRIVERS.values())
    try:
        driver = make_url(url).drivername
    except ArgumentError:
        raise ValueError(f"not a database URL; expected {accepted}") from None
    if driver not in DRIVERS:
        raise ValueError(f"unsupported driver {driver!r}; expected {accepted}")


def without_password(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def sqlite_file(url: str) -> Path | None:
    """The absolute path of a SQLite database file; None for memory or another backend."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).resolve()


async def ensure_reachable(engine: AsyncEngine) -> None:
    """Open one connection, so a server that refuses or never answers is said as such
    before any work starts (the pool keeps the connection for that work)."""
    try:
        async with engine.connect():
            return
    except (OSError, DBAPIError) as error:
        cause = error.orig if isinstance(error, DBAPIError) and error.orig else error
        reason = (str(cause).splitlines() or [type(cause).__name__])[0]
        url = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnreachable(url, reason) from error


def _json_default(value: Any) -> Any:
    """JSON has no decimals: a Decimal is stored as the int or float it equals."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def json_dumps(value: Any) -> str:
    """Every JSON column's serializer (orjson: the ingest path writes one per event)."""
    return orjson.dumps(value, default=_json_default).decode()


JSON_CODEC = {"json_serializer": json_dumps, "json_deserializer": orjson.loads}


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


READ_ONLY = {"cuiot_read_only": True}


def _sqlite_begin_immediate(conn: Any) -> None:
    # One writer at a time, taken at BEGIN: no deadlock between two readers that both
    # want to write later (SQLite's "database is locked" under concurrency). A connection
    # that only reads may say so (``execution_options(**READ_ONLY)``): it begins deferred
    # and, in WAL mode, never waits for a writer.
    if conn.get_execution_options().get("cuiot_read_only"):
        conn.exec_driver_sql("BEGIN")
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


# The read side's PostgreSQL sessions: read-only, and one generic plan per prepared
# statement. A view's statement is the same text on every request with other parameters;
# PostgreSQL would otherwise plan it again on each execution (the access subquery over
# the monthly partitions took longer to plan than to run) and prune partitions at run time
# anyway.
READ_SESSION = {"plan_cache_mode": "force_generic_plan", "default_transaction_read_only": "on"}


def create_read_engine(url: str) -> AsyncEngine:
    """An engine for queries only (``CUIOT_DATABASE_READ_URL``, or the primary's URL)."""
    if is_sqlite(url):
        return create_engine(url)
    # No ping at checkout (a round trip on every request): a connection found dead fails
    # that one request, and the pool replaces it.
    return create_engine(url, connect_args={"server_settings": READ_SESSION},
                         pool_size=10, max_overflow=10, pool_pre_ping=False)


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    for key, codec in JSON_CODEC.items():
        kwargs.setdefault(key, codec)
    if is_sqlite(url):
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        # Let SQLAlchemy issue BEGIN itself (pysqlite's own transaction handling is off).
        event.listen(engine.sync_engine, "connect",
                     lambda dbapi_conn, _r: setattr(dbapi_conn, "isolation_level", None))
        event.listen(engine.sync_engine, "begin", _sqlite_begin_immediate)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 20)
    return create_async_engine(url, **kwargs)

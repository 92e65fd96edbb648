"""Running async use cases from sync Typer commands, with one error policy."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar
from uuid import UUID

from pydantic import ValidationError
from rich.markup import escape
from sqlalchemy.exc import OperationalError, ProgrammingError

from cuiot.adapters.persistence.database import (
    DatabaseUnreachable,
    ensure_reachable,
    sqlite_file,
    without_password,
)
from cuiot.application.shared.access import active_admins
from cuiot.domain.errors import DomainError
from cuiot.domain.users import Role
from cuiot.entrypoints.cli.output import fail
from cuiot.entrypoints.container import Container, build_container, dispose_engines
from cuiot.entrypoints.settings import Settings
from cuiot.entrypoints.settings_errors import explain

T = TypeVar("T")

_container: Container | None = None


def container() -> Container:
    """The container of this command, its settings checked: a bad one ends it in one line."""
    global _container
    if _container is None:
        built = build_container()
        try:
            built.settings()
        except ValidationError as error:
            fail(escape(explain(error)))
        _container = built
    return _container


def set_container(value: Container | None) -> None:
    """Tests point the CLI at their own container."""
    global _container
    _container = value


def run_loop(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` on uvloop where it is installed (``uvicorn[standard]`` brings it on
    Linux and macOS): the long-running commands spend their time in the event loop.

    What start-up built (modules, the mappers, the app) lives as long as the process:
    ``gc.freeze()`` takes it out of the collector's sight, so collecting the objects a
    batch or a page of escalation makes no longer walks it every time (escalating 10,000
    alerts in one process: 10.7-12.2 s before, 8.5 s with it)."""
    gc.freeze()
    try:
        import uvloop
    except ImportError:  # Windows: the standard loop
        return asyncio.run(main)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)


def refuse_missing_database(settings: Settings) -> None:
    """A SQLite file that is not there is never made by accident: only ``db upgrade``
    creates the database."""
    for url in filter(None, (settings.database_url, settings.database_read_url)):
        path = sqlite_file(url)
        if path is not None and not path.exists():
            fail(escape(f"no database at {path}: run 'cuiot db upgrade' to create it "
                        "there, or set CUIOT_DATABASE_URL"))


async def reach_databases(c: Container) -> None:
    await ensure_reachable(c.engine())
    if c.read_engine() is not c.engine():
        await ensure_reachable(c.read_engine())


def unreachable(settings: Settings, error: DatabaseUnreachable) -> str:
    read = settings.database_read_url
    name = ("CUIOT_DATABASE_READ_URL" if read and error.url == without_password(read)
            else "CUIOT_DATABASE_URL")
    return (f"cannot connect to the database at {error.url} ({name}): {error.reason}; "
            "is the server running, and are host, port, user and database right?")


def run(work: Callable[[Container], Awaitable[T]]) -> T:
    """Run ``work`` on the container once its databases answer; turn every refusal into
    one line and exit 1."""
    c = container()
    refuse_missing_database(c.settings())

    async def main() -> T:
        try:
            await reach_databases(c)
            return await work(c)
        finally:
            await dispose_engines(c)

    try:
        return asyncio.run(main())
    except DatabaseUnreachable as error:
        fail(escape(unreachable(c.settings(), error)))
    except DomainError as error:
        details = "; ".join(f"{k}={v}" for k, v in error.details.items() if k != "exceeded")
        fail(f"{error.code}: {error.message}" + (f" ({details})" if details else ""))
    except (OperationalError, ProgrammingError) as error:
        first = str(error.orig).splitlines()[0] if error.orig else str(error)
        fail(f"database: {first} — is the schema there? run 'cuiot db upgrade'")
    raise AssertionError("unreachable")


async def admin_actor(c: Container, email: str | None) -> UUID:
    """The admin an operator acts as: ``--as EMAIL``, or the only admin there is."""
    from cuiot.domain.values import EmailAddress

    async with c.uow() as uow:
        now = c.clock().now()
        admins = await active_admins(uow, now)
    if email:
        chosen = next((a for a in admins if a.email == EmailAddress(email)), None)
        if chosen is None:
            fail(f"{email} is not an active admin")
        return chosen.id
    if not admins:
        fail("no admin yet: create one with 'cuiot admin create --email E'")
    if len(admins) > 1:
        fail("several admins: say which with --as EMAIL")
    return admins[0].id


__all__ = ["Role", "admin_actor", "container", "run", "set_container"]

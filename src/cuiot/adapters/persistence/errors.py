"""A constraint the database refused, as the domain's ``Conflict``; and a database that
cannot be reached, told apart from a bug."""

from __future__ import annotations

from sqlalchemy import Index
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
)

from cuiot.domain.errors import Conflict


def is_outage(error: BaseException) -> bool:
    """The database, or the way to it, is unavailable: nobody's fault, wait for it."""
    if isinstance(error, (OSError, TimeoutError, OperationalError, InterfaceError,
                          DisconnectionError)):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def constraint_name(exc: IntegrityError) -> str:
    orig = getattr(exc, "orig", None)
    name = getattr(orig, "constraint_name", None) or getattr(
        getattr(orig, "__cause__", None), "constraint_name", None)
    return name or str(orig).splitlines()[0][:120]


def conflict(exc: IntegrityError, what: str = "the change") -> Conflict:
    return Conflict(f"{what} conflicts with stored data", constraint=constraint_name(exc))


def violates(exc: IntegrityError, index: Index) -> bool:
    """Whether ``index`` refused the write: PostgreSQL names it, SQLite names its columns."""
    columns = ", ".join(f"{column.table.name}.{column.name}" for column in index.columns)
    return constraint_name(exc) in (index.name, f"UNIQUE constraint failed: {columns}")

"""A constraint the database refused, as the domain's ``Conflict``."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from cuiot.domain.errors import Conflict


def constraint_name(exc: IntegrityError) -> str:
    orig = getattr(exc, "orig", None)
    name = getattr(orig, "constraint_name", None) or getattr(
        getattr(orig, "__cause__", None), "constraint_name", None)
    return name or str(orig).splitlines()[0][:120]


def conflict(exc: IntegrityError, what: str = "the change") -> Conflict:
    return Conflict(f"{what} conflicts with stored data", constraint=constraint_name(exc))

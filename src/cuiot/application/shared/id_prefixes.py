"""Ids a person types: a whole id, or its first characters. The CLI's tables print the
shortest prefix that tells their rows apart (as git does with commits), so a command
taking an id must accept one; a prefix that names no row, or several, is refused."""

from __future__ import annotations

from enum import StrEnum
from string import hexdigits
from typing import Protocol
from uuid import UUID

from cuiot.domain.errors import NotFound, ValidationFailed

MIN_PREFIX_CHARS = 4  # as git: fewer would name half the table


class IdKind(StrEnum):
    """What an id names (the entity a ``NotFound`` speaks of)."""

    ALERT = "alert"
    USER = "user"
    PACKAGE = "package"
    COMMISSION = "commission"
    DEVICE = "device"
    CARED_PERSON = "cared person"


class IdPrefixes(Protocol):
    async def between(self, kind: IdKind, low: UUID, high: UUID) -> list[UUID]:
        """At most two ids of ``kind`` from ``low`` to ``high``, both included. No access
        rule: the admin's CLI asks, and the command it runs checks access itself."""
        ...


def prefix_range(text: str) -> tuple[UUID, UUID]:
    """The lowest and the highest id starting with ``text`` (dashes and case ignored)."""
    digits = text.strip().lower().replace("-", "")
    if not MIN_PREFIX_CHARS <= len(digits) <= 32 or not all(c in hexdigits for c in digits):
        raise ValidationFailed(f"{text!r} is not an id nor its first {MIN_PREFIX_CHARS} or "
                               "more hex digits", field="id")
    return UUID(digits.ljust(32, "0")), UUID(digits.ljust(32, "f"))


class ExpandId:
    """The one id ``text`` names. A whole id is taken as given: the command it is for
    says whether it exists."""

    def __init__(self, ids: IdPrefixes) -> None:
        self.ids = ids

    async def __call__(self, kind: IdKind, text: str) -> UUID:
        low, high = prefix_range(text)
        if low == high:
            return low
        found = await self.ids.between(kind, low, high)
        if not found:
            raise NotFound(kind.value, text)
        if len(found) > 1:
            raise ValidationFailed(f"several {kind.value}s start with {text!r}: type more "
                                   "of the id", field="id")
        return found[0]

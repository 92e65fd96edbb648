"""Small value objects that validate themselves."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar, TypeVar

from cuiot.domain.errors import ValidationFailed

_EMAIL = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+$")

E = TypeVar("E", bound=StrEnum)


def parse_choice(choices: type[E], value: str, field_name: str) -> E:
    """``value`` as a member of ``choices``, or a ``ValidationFailed`` listing them."""
    try:
        return choices(value)
    except ValueError:
        allowed = [c.value for c in choices]
        raise ValidationFailed(f"{field_name} must be one of {allowed}, got {value!r}",
                               field=field_name, allowed=allowed) from None


@dataclass(frozen=True, slots=True)
class EmailAddress:
    """An email address, kept lower-case so that comparisons ignore case."""

    value: str

    def __post_init__(self) -> None:
        value = self.value.strip().lower()
        if len(value) > 254 or not _EMAIL.match(value):
            raise ValidationFailed(f"not an email address: {self.value!r}", field="email")
        object.__setattr__(self, "value", value)

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Rating:
    """A whole rating from ``LOWEST`` (1) to ``HIGHEST`` (5)."""

    LOWEST: ClassVar[int] = 1
    HIGHEST: ClassVar[int] = 5

    value: int

    def __post_init__(self) -> None:
        whole = isinstance(self.value, int) and not isinstance(self.value, bool)
        if not whole or not self.LOWEST <= self.value <= self.HIGHEST:
            raise ValidationFailed(
                f"rating must be a whole number {self.LOWEST}-{self.HIGHEST}, got {self.value!r}",
                field="rating")

    def as_decimal(self) -> Decimal:
        return Decimal(self.value)


@dataclass(frozen=True, slots=True)
class Password:
    """A password as typed, 8 to 72 bytes in UTF-8.

    bcrypt reads only the first 72 bytes, so a longer password is refused rather than
    silently truncated. Never printed.
    """

    value: str = field(repr=False)
    MIN_BYTES: ClassVar[int] = 8
    MAX_BYTES: ClassVar[int] = 72

    def __post_init__(self) -> None:
        size = len(self.value.encode("utf-8"))
        if not self.MIN_BYTES <= size <= self.MAX_BYTES:
            raise ValidationFailed(
                f"password must be {self.MIN_BYTES} to {self.MAX_BYTES} bytes in UTF-8, "
                f"got {size}",
                field="password", min_bytes=self.MIN_BYTES, max_bytes=self.MAX_BYTES,
                bytes=size,
            )

"""Small value objects that validate themselves."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from cuiot.domain.errors import ValidationFailed

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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
    """A whole rating from 1 to 5."""

    value: int

    def __post_init__(self) -> None:
        if isinstance(self.value, bool) or not isinstance(self.value, int) or not 1 <= self.value <= 5:
            raise ValidationFailed(f"rating must be a whole number 1-5, got {self.value!r}",
                                   field="rating")

    def as_decimal(self) -> Decimal:
        return Decimal(self.value)

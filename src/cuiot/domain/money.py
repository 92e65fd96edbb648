"""Money on integer cents, and percentages, with half-up rounding to the cent."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from cuiot.domain.errors import ValidationFailed

DEFAULT_CURRENCY = "ARS"


def round_half_up(value: Decimal | Fraction | int) -> int:
    """Round a number of cents to a whole cent, halves away from zero.

    Exact: the value is taken as a fraction, so no decimal context precision can move a
    result across a half cent.
    """
    exact = Fraction(value)
    whole, rest = divmod(abs(exact.numerator), exact.denominator)
    if 2 * rest >= exact.denominator:
        whole += 1
    return whole if exact >= 0 else -whole


@dataclass(frozen=True, slots=True)
class Percentage:
    """A percentage such as ``Percentage(Decimal("21"))`` for 21 %. 0 to 100."""

    value: Decimal

    def __post_init__(self) -> None:
        value = Decimal(self.value)
        if not value.is_finite() or not (Decimal(0) <= value <= Decimal(100)):
            raise ValidationFailed(f"percentage must be between 0 and 100, got {self.value}",
                                   field="percentage", value=str(self.value))
        object.__setattr__(self, "value", value)

    @classmethod
    def of(cls, value: str | int | Decimal) -> Percentage:
        return cls(Decimal(str(value)))

    def __str__(self) -> str:
        return f"{self.value.normalize():f} %"


@dataclass(frozen=True, slots=True, order=True)
class Money:
    """An amount in integer cents of one currency. Arithmetic never loses a cent."""

    cents: int
    currency: str = DEFAULT_CURRENCY

    def __post_init__(self) -> None:
        if isinstance(self.cents, bool) or not isinstance(self.cents, int):
            raise ValidationFailed("money is a whole number of cents", field="cents",
                                   value=repr(self.cents))
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise ValidationFailed(f"unknown currency {self.currency!r}", field="currency")

    @classmethod
    def zero(cls, currency: str = DEFAULT_CURRENCY) -> Money:
        return cls(0, currency)

    @classmethod
    def sum(cls, amounts: Iterable[Money], currency: str = DEFAULT_CURRENCY) -> Money:
        total = cls.zero(currency)
        for amount in amounts:
            total = total + amount
        return total

    def _same_currency(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise ValidationFailed(
                f"cannot combine {self.currency} with {other.currency}", field="currency"
            )

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.cents + other.cents, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.cents - other.cents, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.cents, self.currency)

    def times(self, factor: int | Decimal) -> Money:
        """Multiply by a whole number or a Decimal, half-up to the cent."""
        return Money(round_half_up(self.cents * Fraction(factor)), self.currency)

    def percent(self, percentage: Percentage) -> Money:
        """``percentage`` of this amount, half-up to the cent."""
        return Money(round_half_up(self.cents * Fraction(percentage.value) / 100), self.currency)

    def prorate(self, numerator: int, denominator: int) -> Money:
        """This amount × numerator / denominator, half-up to the cent."""
        if denominator <= 0 or numerator < 0:
            raise ValidationFailed("proration needs 0 <= numerator and a positive denominator")
        return Money(round_half_up(Fraction(self.cents * numerator, denominator)), self.currency)

    def divide(self, parts: int) -> Money:
        """One of ``parts`` equal shares, half-up (e.g. a yearly price per month)."""
        return self.prorate(1, parts)

    def is_negative(self) -> bool:
        return self.cents < 0

    def __str__(self) -> str:
        sign = "-" if self.cents < 0 else ""
        whole, cents = divmod(abs(self.cents), 100)
        return f"{sign}{self.currency} {whole:,}.{cents:02d}"

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from cuiot.domain.errors import ValidationFailed
from cuiot.domain.money import Money, Percentage, round_half_up


@pytest.mark.parametrize("value, rounded", [
    (Decimal("0.5"), 1), (Decimal("1.49"), 1), (Decimal("2.5"), 3), (Decimal("-0.5"), -1),
    (Decimal("-1.5"), -2), (Decimal("-1.49"), -1), (Fraction(1, 3), 0), (Fraction(2, 3), 1), (7, 7),
])
def test_round_half_up_takes_halves_away_from_zero(value, rounded):
    assert round_half_up(value) == rounded


def test_money_is_whole_cents_of_a_known_currency():
    with pytest.raises(ValidationFailed):
        Money(1.5)  # type: ignore[arg-type]
    with pytest.raises(ValidationFailed):
        Money(True)  # type: ignore[arg-type]
    with pytest.raises(ValidationFailed):
        Money(1, "ars")


def test_adding_different_currencies_is_refused():
    with pytest.raises(ValidationFailed):
        Money(1) + Money(1, "USD")
    with pytest.raises(TypeError):
        Money(1) + 1  # type: ignore[operator]


def test_arithmetic():
    assert Money(150) + Money(50) == Money(200)
    assert Money(150) - Money(200) == Money(-50)
    assert -Money(5) == Money(-5) and Money(-5).is_negative()
    assert Money(1_000).times(12) == Money(12_000)
    assert Money(1_000).times(Decimal("0.0005")) == Money(1)  # 0.5 → 1
    assert Money.sum([Money(1), Money(2), Money(3)]) == Money(6)
    assert Money.sum([]) == Money.zero()


@pytest.mark.parametrize("cents, percent, expected", [
    (2_500_000, "21", 525_000), (150, "21", 32), (1_000_000, "20", 200_000),
    (333, "5", 17), (333, "15", 50), (10, "12.5", 1), (-150, "21", -32),
])
def test_percent_is_half_up(cents, percent, expected):
    assert Money(cents).percent(Percentage.of(percent)) == Money(expected)


def test_percentages_run_from_0_to_100():
    assert str(Percentage.of("21.50")) == "21.5 %"
    for bad in ("-1", "100.01", "NaN"):
        with pytest.raises(ValidationFailed):
            Percentage.of(bad)


def test_prorate_and_divide():
    assert Money(100).prorate(1, 3) == Money(33)
    assert Money(100).prorate(2, 3) == Money(67)
    assert Money(15_000_000).divide(12) == Money(1_250_000)
    with pytest.raises(ValidationFailed):
        Money(100).prorate(1, 0)
    with pytest.raises(ValidationFailed):
        Money(100).prorate(-1, 3)


def test_str_reads_like_a_price():
    assert str(Money(1_500_000)) == "ARS 15,000.00"
    assert str(Money(-5)) == "-ARS 0.05"

"""Properties of money arithmetic: nothing is lost or invented beyond the rounding of each
operation, and rounding is half-up as Decimal arithmetic does it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from itertools import pairwise
from uuid import UUID

from hypothesis import given
from hypothesis import strategies as st

from cuiot.domain.invoices import Invoice, InvoiceKind
from cuiot.domain.money import Money, Percentage
from cuiot.domain.policy import Policy

cents = st.integers(min_value=0, max_value=10**12)
signed_cents = st.integers(min_value=-(10**12), max_value=10**12)
percentages = st.decimals(min_value=0, max_value=100, places=2).map(Percentage)
NOW = datetime(2026, 1, 1, 15, tzinfo=UTC)
period_days = st.sampled_from([28, 29, 30, 31, 365, 366])


def decimal_half_up(value: Decimal) -> int:
    with localcontext() as context:
        context.prec = 60
        return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@given(amount=cents, rate=percentages)
def test_amount_plus_tax_is_the_total(amount, rate):
    invoice = Invoice.issue(
        id=UUID(int=1), sequence=1, subscription_id=UUID(int=2), kind=InvoiceKind.PERIOD,
        amount=Money(amount), issue_date=date(2026, 1, 1), period_start=date(2026, 1, 1),
        period_end=date(2026, 2, 1), now=NOW, policy=Policy(tax_rate=rate),
    )
    assert invoice.amount + invoice.tax == invoice.total
    assert invoice.tax == Money(amount).percent(rate)


@given(amount=signed_cents, rate=percentages)
def test_percent_is_half_up_like_decimal(amount, rate):
    with localcontext() as context:
        context.prec = 60
        expected = decimal_half_up(Decimal(amount) * rate.value / 100)
    assert Money(amount).percent(rate).cents == expected


@given(price=cents, days=period_days)
def test_daily_proration_sums_to_the_whole_within_each_parts_rounding(price, days):
    parts = [Money(price).prorate(1, days) for _ in range(days)]
    total = Money.sum(parts).cents
    assert abs(total - price) * 2 <= days  # half a cent per part at most
    assert total - price <= days  # never more than a cent per part over the whole


@given(price=cents, days=period_days, data=st.data())
def test_any_split_of_a_period_sums_to_the_whole_within_half_a_cent_per_part(price, days, data):
    cuts = sorted(data.draw(st.sets(st.integers(1, days - 1), max_size=10)))
    bounds = [0, *cuts, days]
    spans = list(pairwise(bounds))
    parts = [Money(price).prorate(b - a, days) for a, b in spans]
    assert abs(Money.sum(parts).cents - price) * 2 <= len(parts)
    for part, (a, b) in zip(parts, spans, strict=True):
        assert abs(Fraction(part.cents) - Fraction(price * (b - a), days)) <= Fraction(1, 2)


@given(amounts=st.lists(signed_cents, max_size=50))
def test_money_sum_is_the_sum_of_cents(amounts):
    assert Money.sum(Money(a) for a in amounts).cents == sum(amounts)


@given(base=cents, rates=st.lists(percentages, min_size=1, max_size=12))
def test_commission_like_percentages_never_lose_or_invent_beyond_half_a_cent_each(base, rates):
    parts = [Money(base).percent(rate) for rate in rates]
    for part, rate in zip(parts, rates, strict=True):
        assert abs(Fraction(part.cents) - Fraction(base) * Fraction(rate.value) / 100) <= \
            Fraction(1, 2)
    exact = sum(Fraction(base) * Fraction(rate.value) / 100 for rate in rates)
    assert abs(Money.sum(parts).cents - exact) <= Fraction(len(parts), 2)


@given(yearly=cents)
def test_twelve_monthly_equivalents_are_the_yearly_price_within_six_cents(yearly):
    month = Money(yearly).divide(12)
    assert abs(month.times(12).cents - yearly) <= 6


@given(amount=signed_cents, numerator=st.integers(0, 400), denominator=st.integers(1, 400))
def test_prorate_is_half_up_like_decimal(amount, numerator, denominator):
    exact = Fraction(amount * numerator, denominator)
    rounded = Money(amount).prorate(numerator, denominator).cents
    assert abs(rounded - exact) <= Fraction(1, 2)
    if abs(rounded - exact) == Fraction(1, 2):  # a tie goes away from zero
        assert abs(rounded) > abs(exact)

"""The Bayesian score: (C·m + Σ ratings) / (C + n), m the mean of every public review of
the kind, rounded half-up to 2 decimals; category scores as plain means."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cuiot.domain.policy import DEFAULT_POLICY
from cuiot.domain.reviews import (
    RatingTally,
    Review,
    ReviewedKind,
    Score,
    compute_score,
    round_half_up,
)
from cuiot.domain.values import Rating

NOW = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
MARTA, BETO = UUID(int=1), UUID(int=2)
CAREGIVER = ReviewedKind.CAREGIVER


def review(rating: int, reviewed: UUID = MARTA, public: bool = True,
           kind: ReviewedKind = CAREGIVER, **categories: int) -> Review:
    return Review(UUID(int=1000 + rating), UUID(int=500), kind, reviewed, UUID(int=600),
                  Rating(rating), date(2026, 1, 1), NOW, category_ratings=categories,
                  is_public=public)


def score_of(party: UUID, reviews: list[Review], policy=DEFAULT_POLICY) -> Score:
    """The score as the application computes it: m from every review of the kind."""
    tally = RatingTally.of(r for r in reviews if r.kind == CAREGIVER)
    return compute_score(CAREGIVER, party, reviews, tally, NOW, policy)


def test_without_any_review_the_score_is_the_default_mean() -> None:
    score = score_of(MARTA, [])
    assert str(score.overall_score) == "3.00" and score.total_reviews == 0
    assert score.category_scores == dict.fromkeys(
        ["experience", "quality", "reliability", "availability", "specialization"])
    assert (score.kind, score.reviewed_id, score.last_calculated) == (CAREGIVER, MARTA, NOW)


def test_the_first_review_of_all_is_its_own_prior() -> None:
    """Once it exists, m is the mean of the public reviews: this one. (5·5 + 5) / 6 = 5."""
    assert str(score_of(MARTA, [review(5)]).overall_score) == "5.00"


def test_a_party_without_reviews_gets_the_mean_of_the_others() -> None:
    others = [review(2, BETO), review(2, BETO), review(5, BETO)]
    assert str(score_of(MARTA, others).overall_score) == "3.00"


def test_few_reviews_are_pulled_to_the_mean_and_rounded_half_up() -> None:
    """m = 11/4 = 2.75; (5·2.75 + 5) / 6 = 3.125 → 3.13 (not the banker's 3.12)."""
    reviews = [review(2, BETO)] * 3 + [review(5)]
    assert str(score_of(MARTA, reviews).overall_score) == "3.13"


@pytest.mark.parametrize("n, expected", [(1, "2.22"), (5, "4.00"), (20, "4.84"), (95, "4.99")])
def test_many_reviews_approach_the_party_own_mean(n: int, expected: str) -> None:
    reviews = [review(1, BETO)] * 5 + [review(5)] * n
    assert str(score_of(MARTA, reviews).overall_score) == expected


def test_hidden_reviews_and_other_parties_do_not_count_for_the_party() -> None:
    reviews = [review(5), review(1, public=False), review(1, BETO, public=False),
               review(4, BETO, kind=ReviewedKind.INSTITUTION)]
    score = score_of(MARTA, reviews)
    assert score.total_reviews == 1 and str(score.overall_score) == "5.00"


def test_category_scores_are_plain_means_or_none() -> None:
    reviews = [review(5, experience=4, quality=3), review(4, experience=5), review(3, experience=4)]
    scores = score_of(MARTA, reviews).category_scores
    assert scores["experience"] == Decimal("4.33") and str(scores["quality"]) == "3.00"
    assert scores["reliability"] is None and scores["specialization"] is None


def test_the_prior_weight_comes_from_the_policy() -> None:
    reviews = [review(1, BETO)] * 4 + [review(5)]
    assert str(score_of(MARTA, reviews, replace(DEFAULT_POLICY, review_prior_weight=0))
               .overall_score) == "5.00"
    none = replace(DEFAULT_POLICY, review_prior_weight=0, review_default_mean=Decimal("2.5"))
    assert str(score_of(MARTA, [], none).overall_score) == "2.50"


def test_the_tally_counts_public_reviews_only() -> None:
    tally = RatingTally.of([review(5), review(2), review(1, public=False)])
    assert tally == RatingTally(2, 7) and tally.mean_or(Decimal("3.0")) == Fraction(7, 2)
    assert RatingTally().mean_or(Decimal("3.0")) == 3


@pytest.mark.parametrize("value, expected", [(Fraction(2675, 1000), "2.68"),
                                             (Fraction(2665, 1000), "2.67"),
                                             (Fraction(2, 3), "0.67"), (Fraction(0), "0.00"),
                                             (Fraction(5), "5.00")])
def test_rounding_is_half_up_to_two_decimals(value: Fraction, expected: str) -> None:
    assert str(round_half_up(value)) == expected


def test_a_stored_score_takes_a_fresh_calculation_of_its_own_party_only() -> None:
    stored = score_of(MARTA, [])
    stored.take(score_of(MARTA, [review(4)]))
    assert stored.total_reviews == 1 and str(stored.overall_score) == "4.00"
    with pytest.raises(ValueError):
        stored.take(score_of(BETO, []))


reviews_strategy = st.lists(
    st.builds(review, st.integers(1, 5), st.sampled_from([MARTA, BETO]), st.booleans()),
    max_size=40)


@given(reviews_strategy)
def test_the_score_lies_between_the_prior_and_the_ratings(reviews: list[Review]) -> None:
    """min(m, min rating) ≤ overall ≤ max(m, max rating), both bounds rounded like the score
    (rounding is monotonic), and total_reviews counts the party's public reviews."""
    score = score_of(MARTA, reviews)
    mine = [r.rating.value for r in reviews if r.reviewed_id == MARTA and r.is_public]
    m = RatingTally.of(reviews).mean_or(DEFAULT_POLICY.review_default_mean)
    low, high = min([m, *mine]), max([m, *mine])
    assert round_half_up(low) <= score.overall_score <= round_half_up(high)
    assert score.total_reviews == len(mine)
    assert score.overall_score == score.overall_score.quantize(Decimal("0.01"))

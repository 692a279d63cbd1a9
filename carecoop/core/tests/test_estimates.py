"""Figures with honest uncertainty (``core.estimates``): intervals checked against published
hand-worked values, and properties that hold for any answers."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carecoop.core.estimates import TOO_FEW, mean, median, paired_difference, proportion


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        # Newcombe (1998), table I, the Wilson score interval without continuity correction.
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_the_wilson_interval_is_the_published_one(successes, n, low, high):
    found = proportion(successes, n)
    assert found.value == successes / n
    assert (round(found.low, 4), round(found.high, 4)) == (low, high)


def test_the_seeds_share_reads_as_a_share_with_its_interval():
    # 64 mothers in 100 worked more days: the interval is about 54 % to 73 %.
    found = proportion(64, 100)
    assert (round(found.low, 3), round(found.high, 3)) == (0.542, 0.727)


def test_too_few_answers_say_nothing():
    assert proportion(3, TOO_FEW - 1).too_few
    assert median([1.0] * (TOO_FEW - 1)).too_few
    assert paired_difference([1.0, 2.0], [2.0, 3.0]).too_few
    assert not proportion(3, TOO_FEW).too_few


def test_a_share_that_is_not_one_is_refused():
    for successes, n in ((5, 4), (-1, 4), (0, -1)):
        with pytest.raises(ValueError):
            proportion(successes, n)


@given(st.integers(0, 10_000), st.integers(TOO_FEW, 10_000))
def test_a_share_lies_in_its_interval_which_lies_in_zero_to_one(successes, n):
    successes = min(successes, n)
    found = proportion(successes, n)
    assert 0.0 <= found.low <= found.value <= found.high <= 1.0


@given(st.integers(0, 1_000), st.integers(TOO_FEW, 1_000))
def test_the_interval_narrows_as_the_answers_grow(successes, n):
    successes = min(successes, n)
    small, large = proportion(successes, n), proportion(4 * successes, 4 * n)
    assert large.high - large.low < small.high - small.low or successes in (0, n)
    assert large.high - large.low <= small.high - small.low


def test_a_median_change_is_the_median_of_each_person_s_change():
    # Incomes of eleven mothers at baseline and after six months (rupees a month).
    before = [3000, 3200, 2500, 4000, 2800, 3500, 3000, 2600, 3900, 3100, 2700]
    after = [3600, 3900, 3300, 4500, 3300, 4200, 3800, 2600, 5800, 3700, 3500]
    found = paired_difference(before, after)
    # The changes, sorted: 0 500 500 500 600 600 700 700 800 800 1900: the middle one is 700.
    assert found.value == 700 and found.n == 11
    assert found.low <= 700 <= found.high
    assert paired_difference(before, after, statistic="mean").value == pytest.approx(
        sum(a - b for a, b in zip(after, before, strict=True)) / 11
    )
    assert found == paired_difference(before, after)  # the same answers, the same interval


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=TOO_FEW, max_size=200))
def test_a_median_and_a_mean_lie_in_their_intervals(values):
    for found in (median(values), mean(values)):
        assert found.low <= found.value <= found.high
        assert math.isfinite(found.low) and math.isfinite(found.high)


def test_the_same_answer_from_everyone_has_no_spread():
    found = median([500.0] * 40)
    assert (found.low, found.value, found.high) == (500.0, 500.0, 500.0)


def test_the_median_interval_is_the_bootstrap_one_without_drawing():
    """The exact interval agrees with a drawn bootstrap of the middle answer (100,000
    resamples), to within the gap between two answers."""
    rng = np.random.default_rng(7)
    values = np.round(rng.lognormal(8, 0.6, size=41))
    found = median(list(values))
    draws = np.sort(rng.choice(values, size=(100_000, len(values))), axis=1)[:, 20]
    low, high = np.quantile(draws, [0.025, 0.975], method="inverted_cdf")
    ordered = np.sort(values)
    step = lambda v: int(np.searchsorted(ordered, v))  # noqa: E731
    assert abs(step(found.low) - step(low)) <= 1 and abs(step(found.high) - step(high)) <= 1

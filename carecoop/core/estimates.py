"""Figures from a survey with honest uncertainty: each estimate carries its interval and the
number of answers behind it, and has nothing to say when they are too few.

- A share (``proportion``): the Wilson score interval, which stays within 0 and 1 and keeps its
  coverage for small samples and for shares near 0 or 1, where the textbook (Wald) interval
  fails (Newcombe, "Two-sided confidence intervals for the single proportion", 1998).
- A median, and the median of the differences between two rounds of the same people
  (``median``, ``paired_difference``): the percentile bootstrap interval, computed exactly from
  the binomial chances of each resampled middle answer rather than drawn (``_median``), so the
  same answers always give the same interval, at once for a hundred thousand answers.
- A mean, and the mean of the differences: Student's t interval (``_mean``).

Under ``TOO_FEW`` answers an estimate has no value and no interval: a page says so in words
rather than print a figure that a handful of people would decide."""

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from scipy import special

# Answers: a list of numbers, or a numpy array of them.
Values = Sequence[float] | np.ndarray

CONFIDENCE = 0.95
# Answers under which an estimate says nothing.
TOO_FEW = 10


@dataclass(frozen=True)
class Estimate:
    """A figure, the interval it lies in at the level of confidence asked, and the number of
    answers it stands on; ``value`` is None when they are too few to say anything."""

    value: float | None
    low: float | None
    high: float | None
    n: int

    @property
    def too_few(self) -> bool:
        return self.value is None


def _nothing(n: int) -> Estimate:
    return Estimate(None, None, None, n)


@functools.cache
def _z(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def proportion(
    successes: int, n: int, *, confidence: float = CONFIDENCE, too_few: int = TOO_FEW
) -> Estimate:
    """The share ``successes / n``, with its Wilson score interval."""
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"{successes} of {n} is not a share")
    if n < too_few or n == 0:
        return _nothing(n)
    z = _z(confidence)
    share = successes / n
    weight = z * z / n
    centre = (share + weight / 2) / (1 + weight)
    half = z * math.sqrt(share * (1 - share) / n + weight / (4 * n)) / (1 + weight)
    # At 0 or n the bound is exactly the share; rounding must not put it on the wrong side.
    low = 0.0 if successes == 0 else max(0.0, min(share, centre - half))
    high = 1.0 if successes == n else min(1.0, max(share, centre + half))
    return Estimate(share, low, high, n)


def _median(data: np.ndarray, confidence: float) -> tuple[float, float]:
    """The percentile bootstrap interval of the median, computed exactly rather than drawn:
    a resample's middle answer (the ``ceil(n / 2)``-th from the least) is at most the value
    ``v`` when at least that many of its ``n`` draws are, each with the chance ``F(v)`` of
    the answers at most ``v``: a binomial tail (Efron, "Bootstrap methods", 1979, section 3).
    The interval's ends are the values where that chance first reaches its two percentiles:
    the limit the drawn bootstrap tends to with ever more resamples, in one pass over the
    distinct answers however many there are."""
    n = len(data)
    values, counts = np.unique(data, return_counts=True)
    middle = (n + 1) // 2
    # P(resampled median <= v): more than middle - 1 draws at most v (the binomial's upper tail,
    # scipy.special's ufunc: scipy.stats.binom.sf, without its checks).
    below = special.bdtrc(middle - 1, n, np.cumsum(counts) / n)
    tail = (1 - confidence) / 2
    low = values[min(int(np.searchsorted(below, tail, side="left")), len(values) - 1)]
    high = values[min(int(np.searchsorted(below, 1 - tail, side="left")), len(values) - 1)]
    return float(low), float(high)


def _mean(data: np.ndarray, confidence: float) -> tuple[float, float]:
    """Student's t interval of the mean."""
    n = len(data)
    centre = float(np.mean(data))
    spread = float(np.std(data, ddof=1)) / math.sqrt(n)
    half = float(special.stdtrit(n - 1, 0.5 + confidence / 2)) * spread  # stats.t.ppf
    return centre - half, centre + half


def _estimated(values: Values, statistic: str, confidence: float, too_few: int) -> Estimate:
    data = np.asarray(values, dtype=float)
    n = len(data)
    if n < too_few or n == 0:
        return _nothing(n)
    value = float(np.median(data) if statistic == "median" else np.mean(data))
    if np.all(data == data[0]):  # Every resample is the same: so is the interval.
        return Estimate(value, value, value, n)
    low, high = (_median if statistic == "median" else _mean)(data, confidence)
    # The middle answers of few and lumpy answers can leave an even count's median (the mean
    # of its two middle answers) just outside: the interval is widened to hold it.
    return Estimate(value, min(low, value), max(high, value), n)


def median(values: Values, *, confidence: float = CONFIDENCE, too_few: int = TOO_FEW) -> Estimate:
    """The median of ``values``, with its (exact) bootstrap interval."""
    return _estimated(values, "median", confidence, too_few)


def mean(values: Values, *, confidence: float = CONFIDENCE, too_few: int = TOO_FEW) -> Estimate:
    """The mean of ``values``, with its t interval."""
    return _estimated(values, "mean", confidence, too_few)


def paired_difference(
    before: Values,
    after: Values,
    *,
    statistic: str = "median",
    confidence: float = CONFIDENCE,
    too_few: int = TOO_FEW,
) -> Estimate:
    """The median (or mean) change from ``before`` to ``after``, each the answers of the same
    people in the same order (a follow-up paired with its baseline): each person's change,
    with the interval of its median (bootstrap) or mean (t)."""
    if len(before) != len(after):
        raise ValueError("paired answers come in pairs")
    if statistic not in ("median", "mean"):
        raise ValueError(f"no paired difference by {statistic}")
    changes = np.asarray(after, dtype=float) - np.asarray(before, dtype=float)
    return _estimated(changes, statistic, confidence, too_few)

"""Figures from a survey with honest uncertainty: each estimate carries its interval and the
number of answers behind it, and has nothing to say when they are too few.

- A share (``proportion``): the Wilson score interval, which stays within 0 and 1 and keeps its
  coverage for small samples and for shares near 0 or 1, where the textbook (Wald) interval
  fails (Newcombe, "Two-sided confidence intervals for the single proportion", 1998).
- A median, and the mean or median of the differences between two rounds of the same people
  (``median``, ``paired_difference``): a bootstrap interval (``scipy.stats.bootstrap``,
  percentiles of the statistic over resamples of the answers), resampled from a fixed seed so
  that the same answers always give the same interval.

Under ``TOO_FEW`` answers an estimate has no value and no interval: a page says so in words
rather than print a figure that a handful of people would decide."""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
from scipy import stats

CONFIDENCE = 0.95
# Answers under which an estimate says nothing.
TOO_FEW = 10
# Resamples of a bootstrap interval, and the seed they are drawn from.
RESAMPLES = 2000
SEED = 20_240_917


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


def proportion(
    successes: int, n: int, *, confidence: float = CONFIDENCE, too_few: int = TOO_FEW
) -> Estimate:
    """The share ``successes / n``, with its Wilson score interval."""
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"{successes} of {n} is not a share")
    if n < too_few or n == 0:
        return _nothing(n)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    share = successes / n
    weight = z * z / n
    centre = (share + weight / 2) / (1 + weight)
    half = z * math.sqrt(share * (1 - share) / n + weight / (4 * n)) / (1 + weight)
    # At 0 or n the bound is exactly the share; rounding must not put it on the wrong side.
    low = 0.0 if successes == 0 else max(0.0, min(share, centre - half))
    high = 1.0 if successes == n else min(1.0, max(share, centre + half))
    return Estimate(share, low, high, n)


def _bootstrapped(
    values: Sequence[float],
    statistic: Callable[..., Any],
    *,
    confidence: float,
    too_few: int,
) -> Estimate:
    data = np.asarray(values, dtype=float)
    n = len(data)
    if n < too_few or n == 0:
        return _nothing(n)
    value = float(statistic(data))
    if np.all(data == data[0]):  # Every resample is the same: so is the interval.
        return Estimate(value, value, value, n)
    found = stats.bootstrap(
        (data,),
        statistic,
        confidence_level=confidence,
        n_resamples=RESAMPLES,
        method="percentile",
        rng=np.random.default_rng(SEED),
        vectorized=True,
    )
    low = float(found.confidence_interval.low)
    high = float(found.confidence_interval.high)
    # The percentiles of resampled medians can leave out the median itself when the answers
    # are few and lumpy: the interval is widened to hold it rather than print one that does not.
    return Estimate(value, min(low, value), max(high, value), n)


def median(
    values: Sequence[float], *, confidence: float = CONFIDENCE, too_few: int = TOO_FEW
) -> Estimate:
    """The median of ``values``, with its bootstrap interval."""
    return _bootstrapped(values, np.median, confidence=confidence, too_few=too_few)


def mean(
    values: Sequence[float], *, confidence: float = CONFIDENCE, too_few: int = TOO_FEW
) -> Estimate:
    """The mean of ``values``, with its bootstrap interval."""
    return _bootstrapped(values, np.mean, confidence=confidence, too_few=too_few)


def paired_difference(
    before: Sequence[float],
    after: Sequence[float],
    *,
    statistic: str = "median",
    confidence: float = CONFIDENCE,
    too_few: int = TOO_FEW,
) -> Estimate:
    """The median (or mean) change from ``before`` to ``after``, each the answers of the same
    people in the same order (a follow-up paired with its baseline), with its bootstrap
    interval: the people are resampled, their two answers together."""
    if len(before) != len(after):
        raise ValueError("paired answers come in pairs")
    if statistic not in ("median", "mean"):
        raise ValueError(f"no paired difference by {statistic}")
    changes = np.asarray(after, dtype=float) - np.asarray(before, dtype=float)
    read: Callable[..., Any] = np.median if statistic == "median" else np.mean
    return _bootstrapped(changes, read, confidence=confidence, too_few=too_few)

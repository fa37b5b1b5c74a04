"""Statistics the book computes (pure functions)."""

from __future__ import annotations

import math
from numbers import Real

Z95 = 1.959963984540054


def _count(v, name: str) -> int:
    if isinstance(v, bool) or not isinstance(v, Real):
        # one error type for every invalid input, as the JS returns null for every one
        raise ValueError(f"{name} must be a whole number, got {v!r}")  # noqa: TRY004
    f = float(v)
    if not math.isfinite(f) or not f.is_integer():
        raise ValueError(f"{name} must be a whole number, got {v!r}")
    return int(f)


def wilson_interval(x, n, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for x successes out of n, without continuity correction.

    Returns (low, high) as proportions. Raises ValueError unless 0 <= x <= n, n >= 1, both whole.
    The arithmetic is written in the same order as `wilsonInterval` in static/calculator.js so the two
    agree to the last bits.
    """
    x = _count(x, "x")
    n = _count(n, "n")
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if x < 0 or x > n:
        raise ValueError(f"x must be between 0 and n ({n}), got {x}")
    z = float(z)
    p = x / n
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = (z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))) / denom
    low = 0.0 if x == 0 else max(0.0, centre - half)
    high = 1.0 if x == n else min(1.0, centre + half)
    return (low, high)


# ---------------------------------------------------------------- planning a trial's precision (page 5.2)
N_MAX = 100000  # largest group the sample-size search considers (calculator.js uses the same bound)


def _proportion(p, name: str = "p") -> float:
    if isinstance(p, bool) or not isinstance(p, Real) or not math.isfinite(float(p)):
        raise ValueError(f"{name} must be a number, got {p!r}")  # noqa: TRY004 (one error type, as the JS returns null)
    return float(p)


def z_for_confidence(confidence: float) -> float:
    """The two-sided normal quantile for a confidence level given as a proportion (0.95 -> 1.95996...).

    Raises ValueError unless 0 < confidence < 1.
    """
    from statistics import NormalDist

    c = _proportion(confidence, "confidence")
    if not 0 < c < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")
    return NormalDist().inv_cdf((1 + c) / 2)


def wilson_half_width(p, n, z: float = Z95) -> float:
    """Half the width of the Wilson score interval when a proportion p is observed among n patients.

    The same arithmetic, in the same order, as the ``half`` of `wilson_interval` (and as
    ``wilsonHalfWidth`` in static/calculator.js): z * sqrt(p(1-p)/n + z²/(4n²)) / (1 + z²/n). For a
    whole count x, ``wilson_half_width(x / n, n)`` is half of ``wilson_interval(x, n)``'s width.
    Raises ValueError unless 0 <= p <= 1 and n is a whole number >= 1.
    """
    p = _proportion(p)
    n = _count(n, "n")
    if not 0 <= p <= 1:
        raise ValueError(f"p must be between 0 and 1, got {p}")
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    z = float(z)
    z2 = z * z
    denom = 1 + z2 / n
    return (z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))) / denom


def wilson_interval_for_proportion(p, n, z: float = Z95) -> tuple[float, float]:
    """(low, high) of the Wilson interval around an observed proportion p among n patients.

    The planning twin of `wilson_interval`, for a proportion that need not be a whole count out of n
    (30% of 78 is 23.4 children); same arithmetic as ``wilsonIntervalForProportion`` in calculator.js.
    """
    half = wilson_half_width(p, n, z)
    p, n, z = float(p), int(n), float(z)
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def smallest_n_for_half_width(p, half_width, z: float = Z95, n_max: int = N_MAX) -> int | None:
    """Smallest n whose Wilson interval around p has a half-width of at most ``half_width``.

    The half-width falls as n grows (for any 0 <= p <= 1), so a bisection over 1..n_max finds it.
    Returns None when even n_max patients are not enough. Proportions, not percentages: p = 0.30,
    half_width = 0.10. Same search, step for step, as ``sampleSizeForPrecision`` in static/calculator.js.
    """
    d = _proportion(half_width, "half_width")
    if not 0 < d < 1:
        raise ValueError(f"half_width must be between 0 and 1, got {half_width!r}")
    if wilson_half_width(p, n_max, z) > d:
        return None
    lo, hi = 1, n_max
    while lo < hi:
        mid = (lo + hi) // 2
        if wilson_half_width(p, mid, z) <= d:
            hi = mid
        else:
            lo = mid + 1
    return lo


def sample_size_for_precision(p, half_width, confidence: float = 0.95) -> int | None:
    """How many patients a single-arm study needs so that, if it observes a response rate p, the
    Wilson interval at this confidence reaches at most ``half_width`` either side.

    Proportions throughout: ``sample_size_for_precision(0.30, 0.10)`` is the number of children needed
    to pin a 30% response rate to within about 10 percentage points at 95% confidence.
    """
    return smallest_n_for_half_width(p, half_width, z_for_confidence(confidence))


def normal_sample_size(p, half_width, z: float = Z95) -> int:
    """The textbook normal-approximation size n = ceil(z² p(1-p) / d²): a cross-check, not the answer.

    The same arithmetic as ``normalSampleSize`` in static/calculator.js.
    """
    p = _proportion(p)
    d = _proportion(half_width, "half_width")
    if not 0 <= p <= 1 or not 0 < d < 1:
        raise ValueError(f"expected 0 <= p <= 1 and 0 < half_width < 1, got {p}, {d}")
    z = float(z)
    return max(1, math.ceil(z * z * p * (1 - p) / (d * d)))

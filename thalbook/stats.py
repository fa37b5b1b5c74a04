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

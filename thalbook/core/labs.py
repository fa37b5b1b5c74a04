"""A laboratory result against a reference range for the child's age (the cases of page 3.3).

Pure: rows with ``age_min_years``, ``age_max_years``, ``low``, ``high`` (``data/lab_reference.yaml``;
the ranges there are illustrative teaching values).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

Reading = Literal["low", "high", "within"]


def range_for_age(ranges: Iterable[Any], age_years: float) -> Any | None:
    """The first range whose age band (inclusive at both ends) holds ``age_years``; None if none does."""
    return next((r for r in ranges if r.age_min_years <= age_years <= r.age_max_years), None)


def range_reading(value: float, low: float | None, high: float | None) -> Reading:
    """Below ``low`` -> "low", above ``high`` -> "high", else "within" (limits themselves are within)."""
    if low is not None and value < low:
        return "low"
    if high is not None and value > high:
        return "high"
    return "within"


__all__ = ["range_for_age", "range_reading"]

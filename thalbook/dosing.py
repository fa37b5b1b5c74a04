"""Dosing and toxicity arithmetic (pure functions)."""

from __future__ import annotations

import math
from itertools import pairwise
from numbers import Real


def _finite(v, name: str) -> float:
    if isinstance(v, bool) or not isinstance(v, Real) or not math.isfinite(float(v)):
        raise ValueError(f"{name} must be a finite number, got {v!r}")
    return float(v)


def ctcae_grade(value, floors, lln) -> int:
    """CTCAE grade of a laboratory value that is graded by how far it falls below normal.

    `floors` are the lowest values (base unit) still in grade 1, 2, 3, ... (strictly falling);
    grade 0 if value >= lln, else 1 + the number of floors the value is below.
    ANC with lln 2000 and floors [1500, 1000, 500]: 1999 -> 1, 1500 -> 1, 1499 -> 2, 999 -> 3, 499 -> 4.
    Raises ValueError for a negative or non-numeric value or malformed floors (static/lookup.js
    `gradeFromValue` returns null in exactly the same cases).
    """
    v = _finite(value, "value")
    if v < 0:
        raise ValueError(f"value must not be negative, got {value!r}")
    limit = _finite(lln, "lln")
    if isinstance(floors, (str, bytes)) or not hasattr(floors, "__iter__"):
        raise ValueError(f"floors must be a list of numbers, got {floors!r}")
    fs = [_finite(f, "floor") for f in floors]
    if any(a <= b for a, b in pairwise(fs)):
        raise ValueError(f"floors must fall strictly, got {fs}")
    if v >= limit:
        return 0
    return 1 + sum(1 for f in fs if v < f)

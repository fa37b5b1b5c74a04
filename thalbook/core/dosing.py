"""Dosing and toxicity arithmetic (pure functions; teaching only, not for clinical use).

CTCAE grading of a blood count, unit conversion, the daily dose from a weight, whole-capsule
schedules, the neuropathy hazard band of a daily dose, and cumulative dose. ``grade_from_value`` in
``widgets/static/lookup.js`` and the capsule functions of ``calculator.js`` are the JavaScript twins.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from itertools import pairwise
from numbers import Real
from typing import Any


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


def to_base(value: float, to_base_factor: float) -> float:
    """A value in a reader's unit -> the base unit (``to_base`` of data/ctcae.yaml): 1.0 x10⁹/L -> 1000 /mm³."""
    return value * to_base_factor


def daily_dose(weight_kg: float, mg_per_kg_day: float) -> float:
    """Daily dose (mg/day) = mg/kg/day x weight (kg). 32.1 kg at 1.5 mg/kg/day -> 48.15 mg/day."""
    return mg_per_kg_day * weight_kg


def daily_capsule_schedules(daily_mg: float, capsule_mg: float = 50) -> list[tuple[int, float]]:
    """Whole capsules every day nearest the daily dose: [(capsules a day, mg/day)], at least one capsule."""
    ks = sorted({k for k in (math.floor(daily_mg / capsule_mg), math.ceil(daily_mg / capsule_mg)) if k >= 1}) or [1]
    return [(k, k * capsule_mg) for k in ks]


def alternate_capsule_schedules(daily_mg: float, capsule_mg: float = 50) -> list[tuple[int, int, float]]:
    """Alternate-day schedules nearest the daily dose: [(capsules on day A, on day B, average mg/day)].

    An odd total t of capsules over two days gives (t-1)/2 and (t+1)/2; its average is t x capsule / 2.
    The average is arithmetic only, not a pharmacologically equivalent regimen.
    """
    x = daily_mg * 2 / capsule_mg
    lo, hi = math.floor(x), math.ceil(x)
    if lo % 2 == 0:
        lo -= 1
    if hi % 2 == 0:
        hi += 1
    ts = sorted({t for t in (lo, hi) if t >= 1})
    return [((t - 1) // 2, (t + 1) // 2, t * capsule_mg / 2) for t in ts]


def hazard_band(daily_mg: float, bands: Sequence[Mapping[str, Any]]) -> dict | None:
    """The band with low <= daily < high (an open top band has high None). The book puts 150 mg/day
    itself in the top band (149 -> 100-149 band, 150 and 151 -> top band)."""
    for b in bands:
        if b["low"] <= daily_mg and (b.get("high") is None or daily_mg < b["high"]):
            return dict(b)
    return None


def cumulative_g(daily_mg: float, weeks: float) -> float:
    """Cumulative dose in grams over `weeks` at a constant daily dose: mg/day x 7 x weeks / 1000."""
    return daily_mg * 7 * weeks / 1000


def thresholds_passed(total_g: float, thresholds: Sequence[Mapping[str, Any]]) -> list[dict]:
    """Thresholds (g) the cumulative dose has passed (strictly above)."""
    return [dict(t) for t in thresholds if total_g > t["low"]]

# whole-capsule schedules of the case vignettes, as capsules per 14 days (a fortnight holds alternate
# days exactly)
SCHEDULES: tuple[tuple[str, int], ...] = (
    ("one capsule on alternate days", 7),
    ("one capsule on 5 days of every 7", 10),
    ("one capsule every day", 14),
)


def mg_per_kg(dose_mg_per_day: float, weight_kg: float) -> float:
    """Daily dose per kilogram of body weight.

    Parameters
    ----------
    dose_mg_per_day : daily dose, mg/day (> 0)
    weight_kg : body weight, kg (> 0)

    Returns
    -------
    float
        dose in mg/kg/day. Teaching only, not for clinical use.
    """
    dose, weight = float(dose_mg_per_day), float(weight_kg)
    if not (dose > 0 and weight > 0) or dose != dose or weight != weight or weight == float("inf"):
        raise ValueError(f"dose and weight must be positive numbers, got {dose_mg_per_day!r} and {weight_kg!r}")
    return dose / weight


def capsule_schedules(weight_kg: float, capsule_mg: float = 50) -> list[dict[str, Any]]:
    """What whole capsules allow: average daily dose of each schedule in ``SCHEDULES``.

    An average is arithmetic only: with a half-life of a few hours, one capsule on alternate days is
    not pharmacologically the same as half a capsule a day (and capsules are not opened).

    Returns
    -------
    list of dict
        ``schedule`` (words), ``capsules_per_14_days``, ``mg_per_day`` (average, mg/day) and
        ``mg_per_kg_per_day`` (average, mg/kg/day), from the least to the most per fortnight.
    """
    out = []
    for label, per_14 in SCHEDULES:
        mg_day = capsule_mg * per_14 / 14
        out.append({
            "schedule": label,
            "capsules_per_14_days": per_14,
            "mg_per_day": mg_day,
            "mg_per_kg_per_day": mg_per_kg(mg_day, weight_kg),
        })
    return out

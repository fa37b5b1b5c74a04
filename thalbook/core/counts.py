"""Counting arithmetic for appraisal (pure): Kaplan-Meier survival and which whole counts give a
printed percentage. ``percentCounts`` in ``widgets/static/calculator.js`` is the JavaScript twin."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from numbers import Real

MAX_DECIMALS = 3


def kaplan_meier(times: Sequence[float], events: Sequence[bool | int]) -> list[dict]:
    """Kaplan-Meier product-limit estimate of survival.

    Parameters
    ----------
    times : follow-up time of each patient (any unit, e.g. months), finite and >= 0.
    events : for each patient, True (or 1) if the event (death) was seen at that time, False (or 0)
        if the patient was censored (alive when last seen).

    Returns
    -------
    One step per distinct time at which anything happened, in time order:
    ``{"time", "at_risk", "events", "censored", "factor", "survival"}``, where ``factor`` is the
    exact fraction (at_risk - events) / at_risk as a ``fractions.Fraction`` and ``survival`` is the
    running product as a ``Fraction`` (exact; ``float()`` it to plot). At a tied time, deaths are
    counted before censorings (the usual convention), so a patient censored at that time is still at
    risk for the deaths.
    """
    if isinstance(times, (str, bytes)) or isinstance(events, (str, bytes)):
        raise ValueError("times and events must be sequences of numbers")
    times, events = list(times), list(events)
    if len(times) != len(events):
        raise ValueError(f"times ({len(times)}) and events ({len(events)}) differ in length")
    if not times:
        raise ValueError("no patients")
    clean = []
    for t, ev in zip(times, events):
        if isinstance(t, bool) or not isinstance(t, Real) or not math.isfinite(float(t)) or t < 0:
            raise ValueError(f"a time must be a finite number >= 0, got {t!r}")
        if ev not in (True, False, 0, 1) or (isinstance(ev, float)):
            raise ValueError(f"an event must be True/False (or 1/0), got {ev!r}")
        clean.append((t, bool(ev)))
    at_risk = len(clean)
    survival = Fraction(1)
    steps = []
    for t in sorted({t for t, _ in clean}):
        d = sum(1 for u, ev in clean if u == t and ev)
        c = sum(1 for u, ev in clean if u == t and not ev)
        factor = Fraction(at_risk - d, at_risk)
        survival *= factor
        steps.append({"time": t, "at_risk": at_risk, "events": d, "censored": c, "factor": factor, "survival": survival})
        at_risk -= d + c
    return steps


def survival_at(steps: Sequence[Mapping], time: float) -> Fraction:
    """The Kaplan-Meier estimate at ``time``: the survival of the last step at or before it (1 before any)."""
    s = Fraction(1)
    for step in steps:
        if step["time"] <= time:
            s = step["survival"]
    return s


def percent_decimals(percent: float) -> int | None:
    """How many decimals a typed percentage carries (64 -> 0, 63.5 -> 1; trailing zeros do not count).

    The same arithmetic as ``percentDecimals`` in static/calculator.js. None when more than 3 decimals.
    """
    for d in range(MAX_DECIMALS + 1):
        scale = 10**d
        if round(percent * scale) / scale == percent:
            return d
    return None


def percent_counts(n, percent) -> list[int]:
    """Every whole count x (0..n) whose x/n rounds to ``percent`` at its printed precision.

    A percentage printed with d decimals stands for anything within half a unit of its last digit
    (64 covers 63.5 to 64.5 inclusive, as data/studies.csv is checked). Returns [] when none does:
    ``percent_counts(27, 64) == []`` and ``percent_counts(27, 63) == [17]``.
    Raises ValueError unless n is a whole number from 1 to 10000 and 0 <= percent <= 100 with at most
    3 decimals. Same arithmetic, in the same order, as ``percentCounts`` in static/calculator.js.
    """
    if isinstance(n, bool) or not isinstance(n, Real) or not math.isfinite(float(n)) or not float(n).is_integer():
        raise ValueError(f"n must be a whole number, got {n!r}")
    if isinstance(percent, bool) or not isinstance(percent, Real) or not math.isfinite(float(percent)):
        raise ValueError(f"percent must be a number, got {percent!r}")
    n, percent = int(n), float(percent) + 0.0
    if not 1 <= n <= 10000:
        raise ValueError(f"n must be from 1 to 10000, got {n}")
    if not 0 <= percent <= 100:
        raise ValueError(f"percent must be from 0 to 100, got {percent}")
    d = percent_decimals(percent)
    if d is None:
        raise ValueError(f"give the percentage with at most {MAX_DECIMALS} decimals, got {percent}")
    half = 0.5 / 10**d
    return [x for x in range(n + 1) if abs(100 * x / n - percent) <= half + 1e-9]

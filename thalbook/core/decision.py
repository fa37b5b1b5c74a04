"""The teaching dose-adjustment table as pure logic (teaching only, not for clinical use).

Rows are the validated rows of ``data/dose_rules.yaml`` (anything with the same attributes will do):
which rows apply to a toxicity, a grade, a typed count and the baseline verdict, and which of them is
the most severe.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


def rule_applies(rule: Any, toxicity: str, grade: int, value_base: float | None = None, baseline: str = "none") -> bool:
    """Does one row of the decision table apply?

    A row applies to its toxicity and grade range; a row with a laboratory threshold (``lab_below``)
    applies, once a value is given, when the value is below it (whatever the grade). Rows that follow
    the baseline rule apply only when the baseline verdict allows it.
    """
    if rule.toxicity != toxicity:
        return False
    if rule.lab_below is not None and value_base is not None:
        if not value_base < rule.lab_below:
            return False
    elif not rule.grade_min <= grade <= rule.grade_max:
        return False
    if rule.baseline == "worse-or-unknown":
        return baseline in ("none", "worse")
    if rule.baseline == "not-worse":
        return baseline == "not-worse"
    return True


def matching_rules(rules: Iterable[Any], toxicity: str, grade: int, value_base: float | None = None,
                   baseline: str = "none") -> list:
    """Every row of the decision table that applies, in the file's order (an input may match several)."""
    return [r for r in rules if rule_applies(r, toxicity, grade, value_base, baseline)]


def most_severe(rules: Sequence[Any]) -> Any | None:
    """The first row with the highest severity ("no rule" rows have none and never win)."""
    best = None
    for r in rules:
        if r.severity is not None and (best is None or r.severity > best.severity):
            best = r
    return best

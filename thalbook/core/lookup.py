"""Python twin of ``widgets/static/lookup.js``: reading a typed count, and which cards a choice shows.

One matching rule for every lookup explorer of the book (the mechanism explorer, the citation tracer,
the CTCAE and dose-adjustment explorers): a card shows when every key of its ``match`` is in the
selection with the same value, or with one of its values when ``match`` holds a list.
``tests/test_parity.py`` and the part tests run both sides on a grid.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .dosing import ctcae_grade, to_base
from .numbers import NUM_RE, js_num

grade_from_value = ctcae_grade  # lookup.js ``gradeFromValue`` (None there where Python raises)


def baseline_verdict(grade: int, baseline_grade: int | None, min_worse: int = 1) -> str:
    """The baseline rule (teaching assumption, origin A): is a count worse than the patient's own
    baseline grade by at least ``min_worse``? -> "none" (no baseline), "worse" or "not-worse"."""
    if baseline_grade is None:
        return "none"
    return "worse" if grade - baseline_grade >= min_worse else "not-worse"


def convert_unit(v: float, from_unit: Mapping[str, Any], to_unit: Mapping[str, Any]) -> str:
    """``convertUnit``: a value in one unit in another, to 6 significant digits: 1.2 ×10⁹/L -> '1200'."""
    return js_num(float(f"{v * from_unit['to_base'] / to_unit['to_base']:.6g}"))


def read_value(num: Mapping[str, Any], text: Any, unit_name: str | None) -> dict | None:
    """``readValue``: typed text in a unit -> {"base", "grade"}, {"error"} or None (nothing typed).

    ``num`` holds ``units`` (each with ``unit``, ``to_base``, plausible ``min``/``max``), ``floors``
    and ``lln``. A value outside the unit's plausible range is refused with a message.
    """
    s = str("" if text is None else text).strip()
    units = list(num.get("units") or [])
    unit = next((u for u in units if u["unit"] == unit_name), units[0] if units else None)
    if s == "":
        return None
    if not NUM_RE.match(s):
        return {"error": "Enter a number, for example 1200."}
    if unit is None:
        return {"error": "No unit to read this value in."}
    v = float(s)
    lo, hi = unit.get("min"), unit.get("max")
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        return {"error": f"Enter a value from {js_num(lo)} to {js_num(hi)} {unit['unit']}."}
    base = to_base(v, unit["to_base"])
    try:
        g = ctcae_grade(base, num["floors"], num["lln"])
    except ValueError:
        return {"error": "This value cannot be graded."}
    return {"base": base, "grade": g}


def lookup_numeric(spec: Mapping[str, Any], selection: Mapping[str, Any]) -> dict | None:
    """``lookupNumeric``: the numeric block that applies to this selection (plain, or by a selector)."""
    num = spec.get("numeric")
    if not num:
        return None
    if "variants" in num:
        v = num["variants"].get(str((selection or {}).get(num.get("by"), "")))
        if not v and num.get("only_listed"):  # a selection without a variant has no numeric input
            return None
        return {"key": num.get("key", "grade"), "baseline": num.get("baseline"),
                **(v or next(iter(num["variants"].values()), {}))}
    return {"key": "grade", **num}


def row_matches(match: Mapping[str, Any], selection: Mapping[str, Any]) -> bool:
    """The one matching rule: every key of ``match`` is selected, with its value or one of its values."""
    for key, want in (match or {}).items():
        if key not in selection:
            return False
        got = str(selection[key])
        if (got not in [str(w) for w in want]) if isinstance(want, (list, tuple)) else got != str(want):
            return False
    return True


def matches(spec: Mapping[str, Any], selection: Mapping[str, Any]) -> list[str]:
    """Ids of the cards a selection shows (a lookup without a number box)."""
    return [str(card["id"]) for card in spec["rows"] if row_matches(card.get("match") or {}, selection)]


def lookup_compute(spec: Mapping[str, Any], selection: Mapping[str, Any], value_text: Any = "",
                   unit_name: str | None = None, baseline_text: Any = "") -> dict:
    """``lookupCompute``: selection + typed value + unit (+ optional baseline, same unit) -> the cards
    shown and what the widget says about the value (same keys, same answers as the JavaScript).

    An invalid value shows no card. ``most_severe`` is the matching row asking for the strongest action
    (the highest ``severity``; a tie keeps the first row, so the data lists label rows first)."""
    sel = {k: str(v) for k, v in (selection or {}).items()}
    out: dict[str, Any] = {"rows": [], "grade": None, "category": None, "value_base": None, "error": None,
                           "most_severe": None}
    num = lookup_numeric(spec, sel)
    if num:
        r = read_value(num, value_text, unit_name)
        if r and "error" in r:
            out["error"] = r["error"]  # an invalid value shows only its error: no card beside it
        elif r:
            out["grade"], out["value_base"] = r["grade"], r["base"]
            cats = num.get("categories")
            has_cat = isinstance(cats, list) and len(cats) > r["grade"] and cats[r["grade"]] is not None
            out["category"] = str(cats[r["grade"]]) if has_cat else f"Grade {r['grade']}"
            sel[num["key"]] = str(r["grade"])
        bl = num.get("baseline")
        if bl and bl.get("key"):
            out.update(baseline_grade=None, baseline="none", baseline_error=None)
            b = None if out["grade"] is None else read_value(num, baseline_text, unit_name)
            if b and "error" in b:
                out["baseline_error"] = b["error"]
            elif b:
                out["baseline_grade"] = b["grade"]
                out["baseline"] = baseline_verdict(out["grade"], b["grade"], bl.get("min_worse", 1))
            sel[bl["key"]] = out["baseline"]
    if out["error"]:
        return out
    best = None
    for row in spec.get("rows", []):
        by_value = bool(num) and row.get("value_below") is not None and out["value_base"] is not None
        if by_value and not out["value_base"] < row["value_below"]:
            continue
        m = dict(row.get("match") or {})
        if by_value:
            m.pop(num["key"], None)
        if not row_matches(m, sel):
            continue
        out["rows"].append(row["id"])
        sev = row.get("severity")
        if isinstance(sev, (int, float)) and (best is None or sev > best["severity"]):
            best = row
    out["most_severe"] = best["id"] if best else None
    return out

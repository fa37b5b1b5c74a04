"""Python twin of ``widgets/static/calculator.js``: the same parsing, functions and formatting.

``calculate(spec, inputs)`` gives the answers the widget shows on the static site and in JupyterLab;
``CALCULATORS`` is the registry of calculator functions by name (``spec["fn"]``), one entry per entry of
``CALCULATORS`` in calculator.js. A function marked ``wants_spec`` also reads the spec's data-driven
``params`` (thresholds, bands and levels stay in ``data/``). ``tests/test_parity.py`` runs both sides.

Teaching only: the capsule arithmetic relates a dose to a weight; it recommends no dose.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from .counts import MAX_DECIMALS, percent_counts, percent_decimals
from .dosing import (
    alternate_capsule_schedules,
    cumulative_g,
    daily_capsule_schedules,
    daily_dose,
    hazard_band,
    thresholds_passed,
)
from .numbers import INT_RE, NUM_RE, amount_text, fixed, format_percent1, js_num
from .stats import (
    normal_sample_size,
    smallest_n_for_half_width,
    wilson_half_width,
    wilson_interval,
    wilson_interval_for_proportion,
)


# --------------------------------------------------------------------------- the functions
def wilson_calc(values: Mapping[str, float]) -> dict:
    """``CALCULATORS.wilson``: x of n -> the proportion and its 95% Wilson interval."""
    x, n = int(values["x"]), int(values["n"])
    if x > n:
        return {"errors": {"x": "Must not be more than n."}}
    low, high = wilson_interval(x, n)
    counts = f"{x}/{n}"
    return {"outputs": {"proportion": x / n, "low": low, "high": high, "fraction": counts, "count": counts}}


def _count_pct(x: int, n: int, d: int) -> str:
    return f"{x}/{n} = {fixed(100 * x / n, d + 1)}%"


def percent_counts_calc(values: Mapping[str, float]) -> dict:
    """``CALCULATORS.percent_counts`` (page 3.2): which whole counts of n give a printed percentage."""
    n, p = int(values["n"]), float(values["percent"]) + 0.0  # -0 -> 0, as in the JS
    d = percent_decimals(p)
    if d is None:
        return {"errors": {"percent": f"Give the percentage with at most {MAX_DECIMALS} decimals."}}
    xs = percent_counts(n, p)
    shown = fixed(p, d)
    k = len(xs)
    if k == 0:
        verdict = f"No whole number of {n} gives {shown}%."
        counts = "none"
    elif k == 1:
        verdict = f"1 whole count of {n} gives {shown}%."
        counts = f"{xs[0]}/{n}"
    else:
        verdict = f"{k} whole counts of {n} give {shown}%."
        counts = ", ".join(f"{x}/{n}" for x in xs) if k <= 5 else f"{xs[0]}/{n} to {xs[-1]}/{n}"
    lo = math.floor(p * n / 100)
    hi = math.ceil(p * n / 100)
    near = [x for x in dict.fromkeys((lo, hi)) if 0 <= x <= n]
    nearest = "; ".join(_count_pct(x, n, d) for x in near)
    return {"outputs": {"verdict": verdict, "counts": counts, "nearest": nearest}}


def _schedule_words(cap: float, a: int | None, b: int) -> str:
    """'2 × 50 mg every day', '50 mg every other day', '50 mg and 100 mg on alternate days'."""
    if a is None:
        return f"{b} × {js_num(cap)} mg every day"
    if a == 0:
        return f"{js_num(cap)} mg every other day"
    return f"{js_num(a * cap)} mg and {js_num(b * cap)} mg on alternate days"


def _mg(avg: float) -> str:
    return js_num(avg) if float(avg).is_integer() else fixed(avg, 1)


def given_schedule(d: float, options: list[tuple[str, float]]) -> tuple[str, float]:
    """Of the whole-capsule schedules (words, average mg/day), the one nearest the calculated daily dose
    (a tie goes to the lower dose): what a child would actually be given, the basis of the band and total."""
    return min(options, key=lambda o: (abs(o[1] - d), o[1]))


def capsules_calc(values: Mapping[str, float], spec: Mapping[str, Any]) -> dict:
    """``CALCULATORS.capsules`` (page 4.2): every output is text.

    The band and the cumulative dose are computed from what whole capsules would give (the nearest
    schedule), not from the calculated dose; a schedule above the calculated dose, and a dose per
    kilogram outside every published paediatric range, are said in words.
    """
    p = spec["params"]
    w, mgkg, weeks = values["weight"], values["mgkg"], values["weeks"]
    if w <= 0:
        return {"errors": {"weight": "Enter a weight above 0 kg."}}
    if mgkg <= 0:
        return {"errors": {"mgkg": "Enter a dose above 0 mg/kg/day."}}
    cap = p["capsule_mg"]
    d = daily_dose(w, mgkg)
    every_day = [(_schedule_words(cap, None, k), mg) for k, mg in daily_capsule_schedules(d, cap)]
    alternate = [(_schedule_words(cap, a, b), avg) for a, b, avg in alternate_capsule_schedules(d, cap)]
    daily = "; ".join(f"{words}: {js_num(mg)} mg/day" for words, mg in every_day)
    alt = "; ".join(f"{words}: average {_mg(avg)} mg/day" for words, avg in alternate)
    ranges = p.get("ranges") or []
    inside = [r for r in ranges if r["low"] <= mgkg <= r["high"]]
    if inside:
        fit = "; ".join(f"within the range reported in {r['label']} ({r['status']})" for r in inside)
    elif ranges and mgkg < min(r["low"] for r in ranges):
        fit = "below every published paediatric range in the book's sources (none is from MDS)"
    elif ranges:
        fit = "above every published paediatric range in the book's sources (none is from MDS)"
    else:
        fit = "no published paediatric range to compare with"
    words, given = given_schedule(d, every_day + alternate)
    ratio = given / d
    smallest = cap / 2  # one capsule every other day, the least whole capsules can give
    if smallest > d:
        over = (f"Even the smallest whole-capsule schedule ({_schedule_words(cap, 0, 1)}, "
                f"{_mg(smallest)} mg/day on average) is {fixed(smallest / d, 1)} times the calculated dose: "
                f"whole {js_num(cap)} mg capsules cannot give it.")
    else:
        over = f"{fixed(ratio, 2)} times the calculated dose."
    band = hazard_band(given, p["bands"])
    if band is None:
        hazard = "No band."
    elif band["value"] == 1:
        hazard = f"{band['label']}: relative hazard 1 ({p['band_note']})"
    else:
        hazard = f"{band['label']}: relative hazard {js_num(band['value'])} against {p['reference']} ({p['band_note']})"
    total = cumulative_g(given, weeks)
    passed = thresholds_passed(total, p["thresholds"])
    if passed:
        flag = " ".join(f"Past {t['label']} ({t['status']})." for t in passed)
    else:
        flag = f"Not past {p['thresholds'][0]['label']} ({p['thresholds'][0]['status']})."
    span = f"{js_num(weeks)} week" + ("" if weeks == 1 else "s")
    return {"outputs": {
        "daily": f"{fixed(d, 1)} mg/day calculated (arithmetic, not a dose for a child with MDS)",
        "range": f"{js_num(mgkg)} mg/kg/day: {fit}",
        "daily_schedules": daily,
        "alternate_schedules": alt,
        "given": f"{words}: {_mg(given)} mg/day on average. {over}",
        "hazard": f"For {_mg(given)} mg/day (the nearest whole-capsule schedule): {hazard}",
        "cumulative": f"{amount_text(total)} over {span} of the nearest whole-capsule schedule",
        "cumulative_flag": flag,
    }}


capsules_calc.wants_spec = True  # type: ignore[attr-defined]


def sample_size_calc(values: Mapping[str, float], spec: Mapping[str, Any]) -> dict:
    """``CALCULATORS.sample_size`` (page 5.2): every output is text.

    ``values``: rate (%), half_width (percentage points), confidence (%); ``spec["params"]["levels"]``
    lists the allowed confidence levels with their z (computed once, in Python, by the page's spec).
    """
    levels = (spec.get("params") or {}).get("levels", [])
    level = next((lv for lv in levels if lv["level"] == values["confidence"]), None)
    if level is None:
        return {"errors": {"confidence": f"Choose one of {', '.join(js_num(lv['level']) for lv in levels)}."}}
    p = values["rate"] / 100
    d = values["half_width"] / 100
    n = smallest_n_for_half_width(p, d, level["z"])
    if n is None:
        return {"errors": {"half_width": "More than 100000 children would be needed: choose a wider interval."}}
    low, high = wilson_interval_for_proportion(p, n, level["z"])
    half = wilson_half_width(p, n, level["z"])
    return {"outputs": {
        "n": f"{n} children",
        "interval": f"{fixed(low * 100, 1)}% to {fixed(high * 100, 1)}% (half-width {fixed(half * 100, 2)} points)",
        "normal": f"{normal_sample_size(p, d, level['z'])} children",
    }}


sample_size_calc.wants_spec = True  # type: ignore[attr-defined]

# name -> the Python twin of the JS function of the same name in calculator.js CALCULATORS
CALCULATORS: dict[str, Callable[..., dict]] = {
    "wilson": wilson_calc,
    "percent_counts": percent_counts_calc,  # page 3.2
    "capsules": capsules_calc,  # page 4.2 (reads spec["params"])
    "sample_size": sample_size_calc,  # page 5.2 (reads spec["params"])
}


# --------------------------------------------------------------------------- parsing and formatting
def parse_field(text: str, field: Mapping[str, Any]) -> dict:
    """``parseField``: {"value": float} or {"error": message}."""
    s = (text or "").strip()
    if s == "":
        return {"error": "Enter a value."}
    if field.get("integer"):
        if not INT_RE.match(s):
            return {"error": "Enter a whole number."}
    elif not NUM_RE.match(s):
        return {"error": "Enter a number."}
    v = float(s)
    lo, hi = field.get("min"), field.get("max")
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        if lo is not None and hi is not None:
            return {"error": f"Enter a value from {js_num(lo)} to {js_num(hi)}."}
        if lo is not None:
            return {"error": f"Enter a value of at least {js_num(lo)}."}
        return {"error": f"Enter a value of at most {js_num(hi)}."}
    return {"value": v}


def format_output(v: Any, fmt: str | None) -> str:
    """``formatOutput``: 'percent1' -> '19.3%', anything else as text."""
    if fmt == "percent1":
        return format_percent1(float(v)) + "%"
    return str(v)


def calculate(spec: Mapping[str, Any], inputs: Mapping[str, str]) -> dict:
    """``calculate``: {"outputs": {name: text}, "errors": {name: message}}."""
    values, errors = {}, {}
    for f in spec["inputs"]:
        r = parse_field(inputs.get(f["name"], ""), f)
        if "error" in r:
            errors[f["name"]] = r["error"]
        else:
            values[f["name"]] = r["value"]
    if errors:
        return {"outputs": {}, "errors": errors}
    fn = CALCULATORS[spec["fn"]]
    res = fn(values, spec) if getattr(fn, "wants_spec", False) else fn(values)
    if res.get("errors"):
        return {"outputs": {}, "errors": res["errors"]}
    out = {
        o["name"]: format_output(res["outputs"][o["name"]], o.get("format"))
        for o in spec["outputs"]
        if o["name"] in res["outputs"]
    }
    return {"outputs": out, "errors": {}}

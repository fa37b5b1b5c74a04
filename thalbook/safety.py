"""Part 4 (pages 4.1 and 4.2): safety rules as pure functions, and the widgets and figures built from them.

*Teaching only, not for clinical use.* Every number comes from a row in ``data/``: the CTCAE cut-offs and
plausible ranges (``ctcae.yaml``), the teaching dose-adjustment table (``dose_rules.yaml``), the monitoring
schedule (``monitoring.yaml``), the illustrative dose levels and course (``dose_levels.yaml``,
``course.yaml``) and the numbers behind the capsule arithmetic (``dose_arithmetic.yaml``).

Pure functions (grading, unit conversion, the baseline rule, action lookup, dose arithmetic, capsule
schedules) take plain values; those that need a table take it as an argument with the book's data as
the default. The JavaScript twins are ``lookupCompute`` in ``static/lookup.js`` and
``CALCULATORS.capsules`` in ``static/calculator.js`` (tests/test_safety.py runs both on a grid).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .data import dataset
from .dosing import ctcae_grade

NOTICE = "Teaching material, not a prescribing guide."
SEVERITY_WORDS = {
    0: "continue",
    1: "continue, with closer monitoring or supportive care",
    2: "reduce the dose",
    3: "interrupt",
    4: "stop permanently",
}
BASELINE_KEY = "baseline"
BASELINE_TEXTS = {
    "none": "No baseline value: the count is judged on its grade alone.",
    "worse": "Worse than the baseline grade by at least one: the rules below apply (baseline rule, origin A).",
    "not-worse": "At or better than baseline: no change for this count (baseline rule, origin A).",
}
_NUM = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


# --------------------------------------------------------------------------- small helpers
def _rows(name: str) -> list:
    return dataset().rows(name)


def fmt_num(v: float) -> str:
    """Same as JS ``String(Number(v))`` for the values used here: 100000 -> '100000', 0.5 -> '0.5'."""
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def fixed(v: float, digits: int = 1) -> str:
    """Same as JS ``v.toFixed(digits)`` for v >= 0: round half up on the exact binary value."""
    return str(Decimal(v).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP))


def _thousands(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:g}"


# --------------------------------------------------------------------------- units and grading
def to_base(value: float, to_base_factor: float) -> float:
    """A value in a reader's unit -> the base unit (``to_base`` of data/ctcae.yaml): 1.0 x10⁹/L -> 1000 /mm³."""
    return value * to_base_factor


def read_lab_value(text: Any, test: Mapping[str, Any], unit_name: str | None) -> dict | None:
    """Typed text in a unit -> {"base", "grade"}, {"error"} or None (nothing typed).

    Mirror of ``readValue`` in static/lookup.js. `test` holds ``units``, ``floors``, ``lln``.
    A value outside the unit's plausible range (data/ctcae.yaml) is refused with a message.
    """
    s = str("" if text is None else text).strip()
    units = list(test.get("units") or [])
    unit = next((u for u in units if u["unit"] == unit_name), units[0] if units else None)
    if s == "":
        return None
    if not _NUM.match(s):
        return {"error": "Enter a number, for example 1200."}
    if unit is None:
        return {"error": "No unit to read this value in."}
    v = float(s)
    lo, hi = unit.get("min"), unit.get("max")
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        return {"error": f"Enter a value from {fmt_num(lo)} to {fmt_num(hi)} {unit['unit']}."}
    base = to_base(v, unit["to_base"])
    try:
        g = ctcae_grade(base, test["floors"], test["lln"])
    except ValueError:
        return {"error": "This value cannot be graded."}
    return {"base": base, "grade": g}


def lab_variant(test_id: str) -> dict:
    """The numeric block of one blood count (units with plausible ranges, floors, illustrative LLN)."""
    t = dataset().by_id("ctcae.yaml", test_id)
    cats = [f"Grade 0 (at or above the illustrative lower limit of normal, {_thousands(t.lln)} {t.base_unit})"]
    cats += [f"Grade {g}" for g in range(1, len(t.grade_floors) + 2)]
    return {
        "label": f"{t.label} value",
        "units": [u.model_dump() for u in t.units],
        "floors": list(t.grade_floors),
        "lln": t.lln,
        "categories": cats,
    }


def grade_lab(test_id: str, value: Any, unit: str | None = None) -> int:
    """CTCAE v5.0 grade of a blood count typed in one of its units; ValueError with the message if refused.

    ``grade_lab("anc", 1000) == 2``, ``grade_lab("anc", 0.999, "×10⁹/L") == 3``.
    """
    r = read_lab_value(value, lab_variant(test_id), unit)
    if r is None:
        raise ValueError("Enter a value.")
    if "error" in r:
        raise ValueError(r["error"])
    return r["grade"]


def baseline_verdict(grade: int, baseline_grade: int | None, min_worse: int = 1) -> str:
    """The baseline rule (origin A, illustrative): act on a count only when its grade is worse than the
    patient's baseline grade by at least `min_worse`. -> "none" (no baseline), "worse" or "not-worse"."""
    if baseline_grade is None:
        return "none"
    return "worse" if grade - baseline_grade >= min_worse else "not-worse"


# --------------------------------------------------------------------------- the decision table
def rule_applies(rule: Any, toxicity: str, grade: int, value_base: float | None = None, baseline: str = "none") -> bool:
    """Does one row of data/dose_rules.yaml apply?

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


def matching_rules(toxicity: str, grade: int, value_base: float | None = None, baseline: str = "none",
                   rules: Iterable[Any] | None = None) -> list:
    """Every row of the decision table that applies, in the file's order (an input may match several)."""
    rules = _rows("dose_rules.yaml") if rules is None else rules
    return [r for r in rules if rule_applies(r, toxicity, grade, value_base, baseline)]


def most_severe(rules: Sequence[Any]) -> Any | None:
    """The first row with the highest severity ("no rule" rows have none and never win)."""
    best = None
    for r in rules:
        if r.severity is not None and (best is None or r.severity > best.severity):
            best = r
    return best


def action_severity(toxicity: str, grade: int, value_base: float | None = None, baseline: str = "none",
                    rules: Iterable[Any] | None = None) -> int | None:
    """Severity of the most severe matching rule (0 continue ... 4 stop); None if only 'no rule' rows match."""
    best = most_severe(matching_rules(toxicity, grade, value_base, baseline, rules))
    return None if best is None else best.severity


def toxicities(rules: Iterable[Any] | None = None) -> list[tuple[str, str, str | None]]:
    """(toxicity, label, lab test) in the order the explorer lists them: blood counts first."""
    rules = _rows("dose_rules.yaml") if rules is None else list(rules)
    seen: dict[str, tuple[str, str, str | None]] = {}
    for r in rules:
        seen.setdefault(r.toxicity, (r.toxicity, r.toxicity_label, r.lab_test))
    return sorted(seen.values(), key=lambda t: t[2] is None)


def grades_text(rule: Any) -> str:
    if rule.any_grade:
        return "any grade"
    g = "grade " + str(rule.grade_min) if rule.grade_min == rule.grade_max else f"grades {rule.grade_min}-{rule.grade_max}"
    if rule.lab_below is not None:
        t = dataset().by_id("ctcae.yaml", rule.lab_test)
        return f"{t.label} below {_thousands(rule.lab_below)} {t.base_unit} (without a value: {g})"
    return g


def _origin_names() -> dict[str, str]:
    return {o.tag: o.name for o in dataset().document("labels.yaml").origins}


def dose_explorer_spec() -> dict:
    """Lookup-explorer spec: toxicity and grade, or a blood count with its unit and an optional baseline."""
    rules = _rows("dose_rules.yaml")
    names = _origin_names()
    tox = toxicities(rules)
    rows = []
    for r in rules:
        match: dict[str, Any] = {"toxicity": r.toxicity, "grade": [str(g) for g in range(r.grade_min, r.grade_max + 1)]}
        if r.baseline == "worse-or-unknown":
            match[BASELINE_KEY] = ["none", "worse"]
        elif r.baseline == "not-worse":
            match[BASELINE_KEY] = ["not-worse"]
        verdict = "no rule" if r.no_rule else SEVERITY_WORDS[r.severity]
        body = [f"**Action:** {r.action}", f"**Monitor next:** {r.monitor}"]
        if r.reason:
            body.append(f"**Why no rule:** {r.reason}")
        tags = [f"{o} ({names.get(o, o)})" for o in r.origin] or ["no origin: no rule"]
        if r.baseline != "always":
            tags.append("baseline rule (A)")
        row = {
            "id": r.id,
            "match": match,
            "title": f"{r.toxicity_label}, {grades_text(r)}: {verdict}",
            "body": "\n\n".join(body),
            "tags": tags,
            "source": r.source,
            "status": r.status,
        }
        if r.severity is not None:
            row["severity"] = r.severity
        if r.lab_below is not None:
            row["value_below"] = r.lab_below
        rows.append(row)
    return {
        "id": "dose-adjustment",
        "title": f"Dose-adjustment explorer ({NOTICE.lower().rstrip('.')})",
        "selectors": [
            {"name": "toxicity", "label": "Toxicity", "options": [{"value": t, "label": label} for t, label, _ in tox]},
            {"name": "grade", "label": "CTCAE grade (a value typed below overrides it)",
             "options": [{"value": str(g), "label": f"Grade {g}"} for g in range(1, 5)]},
        ],
        "numeric": {
            "by": "toxicity",
            "key": "grade",
            "only_listed": True,
            "baseline": {"key": BASELINE_KEY, "min_worse": 1, "label": "Baseline value, before the first dose (optional, same unit)",
                         "texts": BASELINE_TEXTS},
            "variants": {t: lab_variant(test) for t, _, test in tox if test},
        },
        "rows": rows,
        "empty": "No rule applies: the count is at or above the lower limit of normal (grade 0). " + NOTICE,
    }


def dose_explorer():
    """The dose-adjustment explorer of page 4.2 (a Lookup widget)."""
    from .widgets import Lookup

    return Lookup(dose_explorer_spec())


def lookup_compute(spec: Mapping[str, Any], selection: Mapping[str, Any], value_text: Any = "",
                   unit_name: str | None = None, baseline_text: Any = "") -> dict:
    """Python twin of ``lookupCompute`` in static/lookup.js (same keys, same answers)."""
    sel = {k: str(v) for k, v in (selection or {}).items()}
    out: dict[str, Any] = {"rows": [], "grade": None, "category": None, "value_base": None, "error": None, "most_severe": None}
    num = _numeric(spec, sel)
    if num:
        r = read_lab_value(value_text, num, unit_name)
        if r and "error" in r:
            out["error"] = r["error"]
        elif r:
            out["grade"], out["value_base"] = r["grade"], r["base"]
            cats = num.get("categories")
            out["category"] = str(cats[r["grade"]]) if isinstance(cats, list) and len(cats) > r["grade"] and cats[r["grade"]] is not None else f"Grade {r['grade']}"
            sel[num["key"]] = str(r["grade"])
        bl = num.get("baseline")
        if bl and bl.get("key"):
            out.update(baseline_grade=None, baseline="none", baseline_error=None)
            b = None if out["grade"] is None else read_lab_value(baseline_text, num, unit_name)
            if b and "error" in b:
                out["baseline_error"] = b["error"]
            elif b:
                out["baseline_grade"] = b["grade"]
                out["baseline"] = baseline_verdict(out["grade"], b["grade"], bl.get("min_worse", 1))
            sel[bl["key"]] = out["baseline"]
    best = None
    for row in spec.get("rows", []):
        by_value = bool(num) and row.get("value_below") is not None and out["value_base"] is not None
        if by_value and not out["value_base"] < row["value_below"]:
            continue
        m = dict(row.get("match") or {})
        if by_value:
            m.pop(num["key"], None)
        ok = all(k in sel and (sel[k] in [str(x) for x in v] if isinstance(v, list) else sel[k] == str(v)) for k, v in m.items())
        if not ok:
            continue
        out["rows"].append(row["id"])
        sev = row.get("severity")
        if isinstance(sev, (int, float)) and (best is None or sev > best["severity"]):
            best = row
    out["most_severe"] = best["id"] if best else None
    return out


def _numeric(spec: Mapping[str, Any], sel: Mapping[str, str]) -> dict | None:
    num = spec.get("numeric")
    if not num:
        return None
    if "variants" in num:
        v = num["variants"].get(str(sel.get(num.get("by"), "")))
        if not v and num.get("only_listed"):
            return None
        return {"key": num.get("key", "grade"), "baseline": num.get("baseline"), **(v or next(iter(num["variants"].values()), {}))}
    return {"key": "grade", **num}


# --------------------------------------------------------------------------- dose arithmetic
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


def _num(v: float) -> str:
    return fmt_num(v)


def capsules_calc(values: Mapping[str, float], spec: Mapping[str, Any]) -> dict:
    """Python twin of ``CALCULATORS.capsules`` in static/calculator.js: every output is text."""
    p = spec["params"]
    w, mgkg, weeks = values["weight"], values["mgkg"], values["weeks"]
    if w <= 0:
        return {"errors": {"weight": "Enter a weight above 0 kg."}}
    if mgkg <= 0:
        return {"errors": {"mgkg": "Enter a dose above 0 mg/kg/day."}}
    cap = p["capsule_mg"]
    d = daily_dose(w, mgkg)
    daily = "; ".join(f"{k} × {_num(cap)} mg every day: {_num(mg)} mg/day" for k, mg in daily_capsule_schedules(d, cap))
    alt = []
    for a, b, avg in alternate_capsule_schedules(d, cap):
        first = f"{_num(cap)} mg every other day" if a == 0 else f"{_num(a * cap)} mg and {_num(b * cap)} mg on alternate days"
        alt.append(f"{first}: average {_num(avg) if float(avg).is_integer() else fixed(avg, 1)} mg/day")
    band = hazard_band(d, p["bands"])
    if band is None:
        hazard = "No band."
    elif band["value"] == 1:
        hazard = f"{band['label']}: relative hazard 1 ({p['band_note']})"
    else:
        hazard = f"{band['label']}: relative hazard {_num(band['value'])} against {p['reference']} ({p['band_note']})"
    total = cumulative_g(d, weeks)
    passed = thresholds_passed(total, p["thresholds"])
    if passed:
        flag = " ".join(f"Past {t['label']} ({t['status']})." for t in passed)
    else:
        flag = f"Not past {p['thresholds'][0]['label']} ({p['thresholds'][0]['status']})."
    return {"outputs": {
        "daily": f"{fixed(d, 1)} mg/day (arithmetic, not a dose for a child with MDS)",
        "daily_schedules": daily,
        "alternate_schedules": "; ".join(alt),
        "hazard": hazard,
        "cumulative": f"{fixed(total, 1)} g over {_num(weeks)} weeks at this daily dose",
        "cumulative_flag": flag,
    }}


capsules_calc.wants_spec = True  # type: ignore[attr-defined]


def _arith(kind: str) -> list:
    return [r for r in _rows("dose_arithmetic.yaml") if r.kind == kind]


def capsule_spec() -> dict:
    """Calculator spec for the capsule arithmetic (fn ``capsules``), every number from data/."""
    ds = dataset()
    by_id = {r.id: r for r in _rows("dose_arithmetic.yaml")}
    cap = by_id["capsule-50"]
    weight, mgkg, weeks = by_id["weight-range"], by_id["mgkg-range"], by_id["weeks-range"]
    bands = sorted(_arith("hazard-band"), key=lambda b: b.low)
    cohort = next(r for r in ds.rows("studies.csv") if r.source == bands[0].source)
    ranges = "; ".join(f"{r.label}: {_num(r.low)}-{_num(r.high)} {r.unit} (`{r.source}`, {r.status})" for r in _arith("mgkg-range"))
    age = ds.by_id("facts.yaml", "label-min-age")
    note = (
        f"**{NOTICE}** No paediatric MDS dose exists in any source the book found, and the US label says "
        f"safety is not established under {_num(age.value)} {age.unit} (`{age.source}`, {age.status}). "
        f"The mg/kg box is empty on purpose. The only paediatric ranges in the book's sources are from other "
        f"diseases: {ranges}. Capsules ({_num(cap.low)} {cap.unit}, `{cap.source}`, {cap.status}) are not opened, so a "
        f"schedule uses whole capsules. An average over alternate days is arithmetic, not an equivalent regimen: "
        f"the drug is cleared within hours. The hazard bands use the cohort's mean daily dose "
        f"(`{bands[0].source}`, {bands[0].status}); the book places {_num(bands[-1].low)} mg/day itself in the top band."
    )
    return {
        "id": "capsules",
        "title": f"Capsule arithmetic for teaching ({NOTICE.lower().rstrip('.')})",
        "fn": "capsules",
        "inputs": [
            {"name": "weight", "label": "Weight", "unit": weight.unit, "min": weight.low, "max": weight.high},
            {"name": "mgkg", "label": "Dose per kilogram (no default: there is no paediatric MDS dose)", "unit": mgkg.unit,
             "min": mgkg.low, "max": mgkg.high},
            {"name": "weeks", "label": "Weeks of treatment", "unit": weeks.unit, "min": weeks.low, "max": weeks.high,
             "integer": True},
        ],
        "outputs": [
            {"name": "daily", "label": "Daily dose (arithmetic)"},
            {"name": "daily_schedules", "label": f"Whole {_num(cap.low)} mg capsules every day"},
            {"name": "alternate_schedules", "label": "Alternate-day schedules (average: arithmetic, not an equivalent regimen)"},
            {"name": "hazard", "label": "Daily-dose band, relative hazard of neuropathy"},
            {"name": "cumulative", "label": "Cumulative dose"},
            {"name": "cumulative_flag", "label": "Cumulative-dose thresholds in paediatric series"},
        ],
        "params": {
            "capsule_mg": cap.low,
            "bands": [{"low": b.low, "high": b.high, "value": b.value, "label": b.label} for b in bands],
            "reference": bands[0].label.split(" (")[0],
            "band_note": f"{cohort.population}, {cohort.enrolled} enrolled, not MDS; a group comparison, not this child's risk",
            "thresholds": [{"low": t.low, "label": t.label, "status": t.status} for t in sorted(_arith("cumulative-threshold"), key=lambda t: t.low)],
        },
        "note": note,
    }


def capsule_calculator():
    """The capsule-arithmetic calculator of page 4.2."""
    from .widgets import Calculator

    return Calculator(capsule_spec())


# --------------------------------------------------------------------------- the illustrative course
def checks_in_week(week: int, checks: Iterable[Any] | None = None) -> list:
    """Monitoring rows scheduled in a week: start <= week <= end and on the row's interval."""
    checks = _rows("monitoring.yaml") if checks is None else checks
    return [c for c in checks if c.start_week <= week <= c.end_week and (week - c.start_week) % c.every_weeks == 0]


def simulate_course(course: Sequence[Any] | None = None, levels: Sequence[Any] | None = None,
                    rules: Sequence[Any] | None = None) -> list[dict]:
    """Step through the illustrative course: grades against baseline, the most severe matching rule, and
    the dose that results (teaching assumption, origin A): severity 0-1 keep the level, 2 one level lower,
    3 interrupt (0 mg) and resume one level lower at the next check without a trigger, 4 stop.
    Cumulative dose at a check = the doses of the earlier weeks (mg/day x 7 x weeks between checks)."""
    course = sorted(_rows("course.yaml") if course is None else course, key=lambda r: r.week)
    levels = sorted(_rows("dose_levels.yaml") if levels is None else levels, key=lambda lv: -lv.level)
    rules = _rows("dose_rules.yaml") if rules is None else list(rules)
    counts = [("neutropenia", "anc", "anc"), ("thrombocytopenia", "platelets", "platelets")]
    out: list[dict] = []
    base_grades: dict[str, int] = {}
    idx, interrupted, stopped, cum_mg, prev = 0, False, False, 0.0, None
    for row in course:
        if prev is not None:
            cum_mg += prev["dose_mg"] * 7 * (row.week - prev["week"])
        labs, triggered = [], []
        for tox, test, field in counts:
            value = getattr(row, field)
            g = ctcae_grade(value, dataset().by_id("ctcae.yaml", test).grade_floors, dataset().by_id("ctcae.yaml", test).lln)
            if test not in base_grades and row.week == 0:
                base_grades[test] = g
            verdict = "baseline" if row.week == 0 else baseline_verdict(g, base_grades.get(test))
            labs.append({"test": test, "toxicity": tox, "value": value, "grade": g, "baseline_grade": base_grades.get(test), "verdict": verdict})
            if verdict == "worse":
                triggered += matching_rules(tox, g, value, "worse", rules)
        if row.neuropathy_grade >= 1:
            triggered += matching_rules("peripheral-neuropathy", row.neuropathy_grade, None, "none", rules)
        top = most_severe(triggered)
        sev = top.severity if top else 0
        if row.week == 0:
            action = "Baseline recorded; start at the first dose level."
        elif stopped:
            action = "Stopped at an earlier check."
        elif sev == 4:
            stopped, action = True, top.action
        elif sev == 3:
            interrupted, action = True, top.action
        elif sev == 2 or (interrupted and sev <= 1):
            if idx + 1 < len(levels):
                idx += 1
                action = (top.action + " " if sev == 2 else "") + ("Resume one dose level lower." if interrupted else "One dose level lower.")
            else:
                stopped, action = True, "No lower dose level: stop."
            interrupted = False
        else:
            action = top.action if top else "No trigger: continue at the same dose."
        dose = 0.0 if (stopped or interrupted) else levels[idx].mg_per_day
        step = {
            "id": row.id, "week": row.week, "label": row.label, "labs": labs, "neuropathy_grade": row.neuropathy_grade,
            "checks": checks_in_week(row.week), "rules": triggered, "top": top, "severity": sev if row.week else None,
            "action": action, "level": None if dose == 0 else levels[idx], "dose_mg": dose,
            "state": "stopped" if stopped else "interrupted" if interrupted else "on treatment",
            "cumulative_g": cum_mg / 1000, "status": row.status, "source": row.source,
        }
        out.append(step)
        prev = step
    return out


def _stage_body(s: dict) -> str:
    names = _origin_names()
    lines = [f"*{NOTICE} Illustrative values: an invented child with MDS.*", "", "**Scheduled checks:**", ""]
    lines += [f"- {c.label} [{', '.join(c.origin)}]" for c in s["checks"]] or ["- none scheduled"]
    lines += ["", "**Laboratory values (illustrative) and grade against baseline:**", ""]
    for lab in s["labs"]:
        t = dataset().by_id("ctcae.yaml", lab["test"])
        if lab["verdict"] == "baseline":
            judged = "baseline grade recorded (in MDS the low count is the disease)"
        elif lab["verdict"] == "worse":
            judged = f"baseline grade {lab['baseline_grade']}: worse, the rules apply"
        else:
            judged = f"baseline grade {lab['baseline_grade']}: at or better than baseline, no change for this count"
        lines.append(f"- {t.label}: {_thousands(lab['value'])} {t.base_unit}, grade {lab['grade']}; {judged}")
    lines.append(f"- Peripheral sensory neuropathy: grade {s['neuropathy_grade']}")
    lines += ["", f"**Action:** {s['action']}"]
    if s["top"] is not None:
        others = [r for r in s["rules"] if r is not s["top"]]
        lines += ["", f"Most severe matching rule: {s['top'].toxicity_label}, {grades_text(s['top'])}; origin "
                  f"{', '.join(f'{o} ({names.get(o, o)})' for o in s['top'].origin)}; `{s['top'].source}`, {s['top'].status}."]
        lines += [f"- Also matching: {r.action} [{', '.join(r.origin)}; {r.status}]" for r in others]
    level = s["level"]
    dose = f"{_num(s['dose_mg'])} mg/day ({level.label}, illustrative level)" if level else f"0 mg/day ({s['state']})"
    lines += ["", f"**Dose for the coming weeks:** {dose}", "",
              f"**Cumulative dose before this check:** {fixed(s['cumulative_g'], 3)} g"]
    return "\n".join(lines)


def course_stepper():
    """The treatment-course simulator of page 4.2: a Stepper, one stage per scheduled check."""
    from .widgets import Stepper

    stages = [{"id": s["id"], "title": f"Week {s['week']}: {s['label']}", "body": _stage_body(s)} for s in simulate_course()]
    return Stepper({"id": "treatment-course", "title": f"An illustrative treatment course, week by week ({NOTICE.lower().rstrip('.')})",
                    "stages": stages})


def cumulative_dose_figure():
    """Cumulative dose (g) at each check of the illustrative course (FigureOutput)."""
    import plotly.graph_objects as go

    from .widgets import FigureOutput

    steps = simulate_course()
    fig = go.Figure(go.Scatter(x=[s["week"] for s in steps], y=[round(s["cumulative_g"], 3) for s in steps],
                               mode="lines+markers", name="Cumulative dose (illustrative course)"))
    fig.update_layout(xaxis_title="Week of treatment", yaxis_title="Cumulative dose (g)", height=320,
                      margin={"l": 60, "r": 20, "t": 20, "b": 50}, showlegend=False)
    return FigureOutput(fig, "course-cumulative-dose",
                        caption=f"Cumulative dose of the illustrative course at each check. {NOTICE}",
                        alt="Line chart: cumulative dose in grams rises while the child takes the drug, stays flat "
                            "while it is interrupted and after it is stopped.")


# --------------------------------------------------------------------------- monitoring (page 4.1)
def monitoring_figure():
    """The teaching monitoring schedule as a timeline (weeks), one row per check with its origin tags."""
    import plotly.graph_objects as go

    from .widgets import OKABE_ITO, FigureOutput

    checks = list(reversed(_rows("monitoring.yaml")))
    labels = [f"{c.label[:48] + ('…' if len(c.label) > 48 else '')} [{', '.join(c.origin)}]" for c in checks]
    fig = go.Figure()
    for i, when in enumerate(dict.fromkeys(c.when for c in reversed(checks))):
        rows = [(lbl, c) for lbl, c in zip(labels, checks) if c.when == when]
        xs, ys = [], []
        for lbl, c in rows:
            xs += list(range(c.start_week, c.end_week + 1, c.every_weeks)) + [None]
            ys += [lbl] * len(range(c.start_week, c.end_week + 1, c.every_weeks)) + [None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines+markers", name=when,
                                 marker={"color": OKABE_ITO[i % len(OKABE_ITO)], "size": 9, "symbol": "diamond"}))
    fig.update_layout(xaxis_title="Week of treatment (after stopping: drawn after an illustrative 26-week course)",
                      yaxis_title="Check [origin]", height=560, margin={"l": 10, "r": 10, "t": 20, "b": 60},
                      legend={"orientation": "h", "y": -0.2}, yaxis={"automargin": True}, xaxis={"dtick": 4})
    return FigureOutput(fig, "monitoring-timeline",
                        caption="The teaching monitoring schedule: each marker is a scheduled check; origin tags in brackets "
                                "(L label, P protocol practice, A teaching assumption).",
                        alt="Timeline of checks by week: baseline checks at week 0, weekly checks in weeks 1 to 4, "
                            "monthly checks from week 8, nerve studies every 12 weeks, and the rules after stopping.")


def monitoring_table():
    """The monitoring schedule as a table: when, check, origin, source, status."""
    from .book import HTML, _table, badge, e

    rows = [[e(c.when), e(c.label), f'<span class="tb-origin">{e(", ".join(c.origin))}</span>', f"<code>{e(c.source)}</code>",
             badge(c.status)] for c in _rows("monitoring.yaml")]
    return HTML(_table("Teaching monitoring schedule, with the origin of each check", ["When", "Check", "Origin", "Source", "Status"], rows),
                f"{len(rows)} checks")


def dose_rules_table():
    """Every row of the teaching decision table with its grade range, action, severity and origin tags."""
    from .book import HTML, _table, badge, e

    rows = [[e(r.toxicity_label), e(grades_text(r)), e(r.action), e("no rule" if r.no_rule else f"{r.severity} ({SEVERITY_WORDS[r.severity]})"),
             f'<span class="tb-origin">{e(", ".join(r.origin) or "none")}</span>', f"<code>{e(r.source)}</code>", badge(r.status)]
            for r in _rows("dose_rules.yaml")]
    return HTML(_table(f"The teaching dose-adjustment table ({NOTICE.lower().rstrip('.')})",
                       ["Toxicity", "Grade", "Action", "Severity", "Origin", "Source", "Status"], rows), f"{len(rows)} rules")


def neuropathy_dose_table():
    """Daily-dose bands with their relative hazard and the cumulative-dose thresholds (dose_arithmetic.yaml)."""
    from .book import HTML, _table, badge, e

    rows = [[e(b.label), e(_num(b.value)), f"<code>{e(b.source)}</code>", badge(b.status)]
            for b in sorted(_arith("hazard-band"), key=lambda b: b.low)]
    rows += [[e(f"cumulative dose past {t.label}"), "not a hazard ratio", f"<code>{e(t.source)}</code>", badge(t.status)]
             for t in sorted(_arith("cumulative-threshold"), key=lambda t: t.low)]
    return HTML(_table("Neuropathy and dose in children treated for inflammatory bowel disease (not MDS): relative hazard by "
                       "mean daily dose, against the reference band, and cumulative-dose thresholds",
                       ["Daily-dose band or threshold", "Relative hazard", "Source", "Status"], rows), f"{len(rows)} rows")


def glue_safety() -> None:
    """Glue the numbers pages 4.1 and 4.2 use in prose (`{glue:text}` safety-...), each with its status."""
    from myst_nb import glue

    from .book import Text

    label = next(r for r in _rows("dose_rules.yaml") if r.lab_below is not None)
    t = dataset().by_id("ctcae.yaml", label.lab_test)
    by_id = {r.id: r for r in _rows("dose_arithmetic.yaml")}
    values = {
        "safety-anc-label": f"{_thousands(label.lab_below)} {t.base_unit} ({label.status})",
        "safety-capsule": f"{_num(by_id['capsule-50'].low)} mg ({by_id['capsule-50'].status})",
        "safety-cum-low": f"{_num(by_id['cumulative-28'].low)} g ({by_id['cumulative-28'].status})",
        "safety-cum-high": f"{_num(by_id['cumulative-60'].low)} g ({by_id['cumulative-60'].status})",
        "safety-band-top": f"{_num(by_id['band-150-up'].value)} ({by_id['band-150-up'].status})",
        "safety-band-top-low": f"{_num(by_id['band-150-up'].low)} mg/day",
    }
    for name, text in values.items():
        glue(name, Text(text), display=False)


__all__ = [
    "NOTICE", "action_severity", "alternate_capsule_schedules", "baseline_verdict", "capsule_calculator", "capsule_spec",
    "capsules_calc", "checks_in_week", "course_stepper", "cumulative_dose_figure", "cumulative_g", "daily_capsule_schedules",
    "daily_dose", "dose_explorer", "dose_explorer_spec", "dose_rules_table", "glue_safety", "grade_lab", "hazard_band",
    "lookup_compute", "matching_rules", "monitoring_figure", "monitoring_table", "most_severe", "neuropathy_dose_table",
    "read_lab_value", "rule_applies", "simulate_course", "thresholds_passed", "to_base",
]

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

from collections.abc import Iterable, Sequence
from typing import Any

from ..core import decision
from ..core.dosing import ctcae_grade
from ..core.lookup import baseline_verdict, read_value
from ..core.numbers import fixed, js_num, thousands
from ..data import dataset
from .common import HTML, Text, badge, e, table

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


# --------------------------------------------------------------------------- small helpers
def _rows(name: str) -> list:
    return dataset().rows(name)


# --------------------------------------------------------------------------- units and grading
def lab_variant(test_id: str) -> dict:
    """The numeric block of one blood count (units with plausible ranges, floors, illustrative LLN)."""
    t = dataset().by_id("ctcae.yaml", test_id)
    cats = [f"Grade 0 (at or above the illustrative lower limit of normal, {thousands(t.lln)} {t.base_unit})"]
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
    r = read_value(lab_variant(test_id), value, unit)
    if r is None:
        raise ValueError("Enter a value.")
    if "error" in r:
        raise ValueError(r["error"])
    return r["grade"]


# --------------------------------------------------------------------------- the decision table
def matching_rules(toxicity: str, grade: int, value_base: float | None = None, baseline: str = "none",
                   rules: Iterable[Any] | None = None) -> list:
    """Every row of the book's decision table that applies (``core.decision.matching_rules`` on data/)."""
    return decision.matching_rules(_rows("dose_rules.yaml") if rules is None else rules, toxicity, grade,
                                   value_base, baseline)


def action_severity(toxicity: str, grade: int, value_base: float | None = None, baseline: str = "none",
                    rules: Iterable[Any] | None = None) -> int | None:
    """Severity of the most severe matching rule (0 continue ... 4 stop); None if only 'no rule' rows match."""
    best = decision.most_severe(matching_rules(toxicity, grade, value_base, baseline, rules))
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
        return f"{t.label} below {thousands(rule.lab_below)} {t.base_unit} (without a value: {g})"
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
    from ..widgets import Lookup

    return Lookup(dose_explorer_spec())


# --------------------------------------------------------------------------- dose arithmetic


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
    ranges = "; ".join(f"{r.label}: {js_num(r.low)}-{js_num(r.high)} {r.unit} (`{r.source}`, {r.status})" for r in _arith("mgkg-range"))
    age = ds.by_id("facts.yaml", "label-min-age")
    note = (
        f"**{NOTICE}** No paediatric MDS dose exists in any source the book found, and the US label says "
        f"safety is not established under {js_num(age.value)} {age.unit} (`{age.source}`, {age.status}). "
        f"The mg/kg box is empty on purpose. The only paediatric ranges in the book's sources are from other "
        f"diseases: {ranges}. Capsules ({js_num(cap.low)} {cap.unit}, `{cap.source}`, {cap.status}) are not opened, so a "
        f"schedule uses whole capsules. An average over alternate days is arithmetic, not an equivalent regimen: "
        f"the drug is cleared within hours. The hazard bands use the cohort's mean daily dose "
        f"(`{bands[0].source}`, {bands[0].status}); the book places {js_num(bands[-1].low)} mg/day itself in the top band."
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
            {"name": "daily_schedules", "label": f"Whole {js_num(cap.low)} mg capsules every day"},
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
    from ..widgets import Calculator

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
        top = decision.most_severe(triggered)
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
        lines.append(f"- {t.label}: {thousands(lab['value'])} {t.base_unit}, grade {lab['grade']}; {judged}")
    lines.append(f"- Peripheral sensory neuropathy: grade {s['neuropathy_grade']}")
    lines += ["", f"**Action:** {s['action']}"]
    if s["top"] is not None:
        others = [r for r in s["rules"] if r is not s["top"]]
        lines += ["", f"Most severe matching rule: {s['top'].toxicity_label}, {grades_text(s['top'])}; origin "
                  f"{', '.join(f'{o} ({names.get(o, o)})' for o in s['top'].origin)}; `{s['top'].source}`, {s['top'].status}."]
        lines += [f"- Also matching: {r.action} [{', '.join(r.origin)}; {r.status}]" for r in others]
    level = s["level"]
    dose = f"{js_num(s['dose_mg'])} mg/day ({level.label}, illustrative level)" if level else f"0 mg/day ({s['state']})"
    lines += ["", f"**Dose for the coming weeks:** {dose}", "",
              f"**Cumulative dose before this check:** {fixed(s['cumulative_g'], 3)} g"]
    return "\n".join(lines)


def course_stepper():
    """The treatment-course simulator of page 4.2: a Stepper, one stage per scheduled check."""
    from ..widgets import Stepper

    stages = [{"id": s["id"], "title": f"Week {s['week']}: {s['label']}", "body": _stage_body(s)} for s in simulate_course()]
    return Stepper({"id": "treatment-course", "title": f"An illustrative treatment course, week by week ({NOTICE.lower().rstrip('.')})",
                    "stages": stages})


def cumulative_dose_figure():
    """Cumulative dose (g) at each check of the illustrative course (FigureOutput)."""
    import plotly.graph_objects as go

    from ..widgets import FigureOutput

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

    from ..widgets import OKABE_ITO, FigureOutput

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
    rows = [[e(c.when), e(c.label), f'<span class="tb-origin">{e(", ".join(c.origin))}</span>', f"<code>{e(c.source)}</code>",
             badge(c.status)] for c in _rows("monitoring.yaml")]
    return HTML(table("Teaching monitoring schedule, with the origin of each check", ["When", "Check", "Origin", "Source", "Status"], rows),
                f"{len(rows)} checks")


def dose_rules_table():
    """Every row of the teaching decision table with its grade range, action, severity and origin tags."""
    rows = [[e(r.toxicity_label), e(grades_text(r)), e(r.action), e("no rule" if r.no_rule else f"{r.severity} ({SEVERITY_WORDS[r.severity]})"),
             f'<span class="tb-origin">{e(", ".join(r.origin) or "none")}</span>', f"<code>{e(r.source)}</code>", badge(r.status)]
            for r in _rows("dose_rules.yaml")]
    return HTML(table(f"The teaching dose-adjustment table ({NOTICE.lower().rstrip('.')})",
                       ["Toxicity", "Grade", "Action", "Severity", "Origin", "Source", "Status"], rows), f"{len(rows)} rules")


def neuropathy_dose_table():
    """Daily-dose bands with their relative hazard and the cumulative-dose thresholds (dose_arithmetic.yaml)."""
    rows = [[e(b.label), e(js_num(b.value)), f"<code>{e(b.source)}</code>", badge(b.status)]
            for b in sorted(_arith("hazard-band"), key=lambda b: b.low)]
    rows += [[e(f"cumulative dose past {t.label}"), "not a hazard ratio", f"<code>{e(t.source)}</code>", badge(t.status)]
             for t in sorted(_arith("cumulative-threshold"), key=lambda t: t.low)]
    return HTML(table("Neuropathy and dose in children treated for inflammatory bowel disease (not MDS): relative hazard by "
                       "mean daily dose, against the reference band, and cumulative-dose thresholds",
                       ["Daily-dose band or threshold", "Relative hazard", "Source", "Status"], rows), f"{len(rows)} rows")


def glue_safety() -> None:
    """Glue the numbers pages 4.1 and 4.2 use in prose (`{glue:text}` safety-...), each with its status."""
    from myst_nb import glue

    label = next(r for r in _rows("dose_rules.yaml") if r.lab_below is not None)
    t = dataset().by_id("ctcae.yaml", label.lab_test)
    by_id = {r.id: r for r in _rows("dose_arithmetic.yaml")}
    values = {
        "safety-anc-label": f"{thousands(label.lab_below)} {t.base_unit} ({label.status})",
        "safety-capsule": f"{js_num(by_id['capsule-50'].low)} mg ({by_id['capsule-50'].status})",
        "safety-cum-low": f"{js_num(by_id['cumulative-28'].low)} g ({by_id['cumulative-28'].status})",
        "safety-cum-high": f"{js_num(by_id['cumulative-60'].low)} g ({by_id['cumulative-60'].status})",
        "safety-band-top": f"{js_num(by_id['band-150-up'].value)} ({by_id['band-150-up'].status})",
        "safety-band-top-low": f"{js_num(by_id['band-150-up'].low)} mg/day",
    }
    for name, text in values.items():
        glue(name, Text(text), display=False)


__all__ = [
    "NOTICE", "action_severity", "capsule_calculator", "capsule_spec", "checks_in_week", "course_stepper",
    "cumulative_dose_figure", "dose_explorer", "dose_explorer_spec", "dose_rules_table", "glue_safety", "grade_lab",
    "lab_variant", "matching_rules", "monitoring_figure", "monitoring_table", "neuropathy_dose_table",
    "simulate_course", "toxicities",
]

"""Part 4 (pages 4.1 and 4.2): the safety tables, the dose-adjustment explorer, the capsule arithmetic
and the illustrative treatment course, built from ``data/``.

*Teaching only, not for clinical use.* Every number comes from a row in ``data/``: the CTCAE cut-offs and
plausible ranges (``ctcae.yaml``), the teaching dose-adjustment table (``dose_rules.yaml``), the monitoring
schedule (``monitoring.yaml``), the illustrative dose levels and course (``dose_levels.yaml``,
``course.yaml``) and the numbers behind the capsule arithmetic (``dose_arithmetic.yaml``); every word the
widgets and tables show comes from ``data/wording/part4.yaml``. The decisions are pure functions in
``thalbook.core`` (``decision``, ``lookup``, ``calculator``), mirrored by ``static/lookup.js`` and
``static/calculator.js``.

Two safety rules hold everywhere: a label row (origin L) shows whenever its grade or threshold is met, so
the teaching baseline rule (origin A) can only add or soften teaching rows; and the rule applied is the
one asking for the strongest action (stop > interrupt > reduce > re-evaluate > continue).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

from ..core import decision
from ..core.dosing import ctcae_grade
from ..core.lookup import baseline_verdict, read_value
from ..core.numbers import amount_text, js_num, thousands
from ..data import dataset
from ..data.citations import cite_html, cite_md
from .common import HTML, Text, badge, e, table, word_group, word_list, wording

PART = "part4"
BASELINE_KEY = "baseline"

_w = partial(wording, PART)  # a text of this part's data/wording file


# --------------------------------------------------------------------------- small helpers
def _rows(name: str) -> list:
    return dataset().rows(name)


# --------------------------------------------------------------------------- units and grading
def lab_variant(test_id: str) -> dict:
    """The numeric block of one blood count (units with plausible ranges, floors, illustrative LLN)."""
    t = dataset().by_id("ctcae.yaml", test_id)
    cats = [_w("grade_zero", lln=thousands(t.lln), unit=t.base_unit)]
    cats += [_w("grade_n", grade=g) for g in range(1, len(t.grade_floors) + 2)]
    return {
        "label": _w("lab_value_label", test=t.label),
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
    """'grade 2', 'grades 3-4', 'any grade', or the label's laboratory threshold."""
    if rule.any_grade:
        return _w("any_grade")
    if rule.lab_below is not None:
        t = dataset().by_id("ctcae.yaml", rule.lab_test)
        return _w("lab_threshold", test=t.label, value=thousands(rule.lab_below), unit=t.base_unit)
    if rule.grade_min == rule.grade_max:
        return _w("one_grade", grade=rule.grade_min)
    return _w("grade_range", low=rule.grade_min, high=rule.grade_max)


def action_words(rule: Any) -> str:
    """What a row asks for, in words: 'stop', 'interrupt (withhold)', ... or 'no rule'."""
    return _w("no_rule") if rule.no_rule else word_group(PART, "actions")[str(rule.severity)]


def _origin_names() -> dict[str, str]:
    return {o.tag: o.name for o in dataset().document("labels.yaml").origins}


def dose_explorer_spec() -> dict:
    """Lookup-explorer spec: toxicity and grade, or a blood count with its unit and an optional baseline.

    Label rows match whatever the baseline (the schema refuses an L row with a baseline rule); rows for
    "any grade" match without a grade, and the grade selector is hidden for those toxicities.
    """
    rules = _rows("dose_rules.yaml")
    names = _origin_names()
    tox = toxicities(rules)
    rows = []
    for r in rules:
        match: dict[str, Any] = {"toxicity": r.toxicity}
        if not r.any_grade:
            match["grade"] = [str(g) for g in range(r.grade_min, r.grade_max + 1)]
        if r.baseline == "worse-or-unknown":
            match[BASELINE_KEY] = ["none", "worse"]
        elif r.baseline == "not-worse":
            match[BASELINE_KEY] = ["not-worse"]
        body = [_w("card_action", action=r.action), _w("card_monitor", monitor=r.monitor)]
        if r.reason:
            body.append(_w("card_reason", reason=r.reason))
        tags = [_w("tag_origin", tag=o, name=names.get(o, o)) for o in r.origin] or [_w("tag_no_origin")]
        if r.baseline != "always":
            tags.append(_w("tag_baseline"))
        row = {
            "id": r.id,
            "match": match,
            "title": _w("card_title", toxicity=r.toxicity_label, grades=grades_text(r), action=action_words(r)),
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
    any_grade = sorted({r.toxicity for r in rules if r.any_grade})
    return {
        "id": "dose-adjustment",
        "title": _w("explorer_title", suffix=_w("notice_suffix")),
        "selectors": [
            {"name": "toxicity", "label": _w("toxicity_label"),
             "options": [{"value": t, "label": label} for t, label, _ in tox]},
            {"name": "grade", "label": _w("grade_label"), "hide_when": {"toxicity": any_grade}, "default": "1",
             "options": [{"value": str(g), "label": _w("grade_n", grade=g)} for g in range(0, 5)]},
        ],
        "numeric": {
            "by": "toxicity",
            "key": "grade",
            "only_listed": True,
            "sets_selector": "grade",
            "baseline": {"key": BASELINE_KEY, "min_worse": 1, "label": _w("baseline_label"),
                         "texts": word_group(PART, "baseline_verdicts")},
            "variants": {t: lab_variant(test) for t, _, test in tox if test},
        },
        "highlight": {"label": _w("applied_label"), "summary": _w("applied_summary", title="{title}",
                                                                   ranking=_w("action_ranking"))},
        "rows": rows,
        "empty": _w("explorer_empty"),
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
    published = _arith("mgkg-range")
    ranges = "; ".join(_w("capsule_range", label=r.label, low=js_num(r.low), high=js_num(r.high), unit=r.unit,
                          source=cite_md(r.source), status=r.status) for r in published)
    age = ds.by_id("facts.yaml", "label-min-age")
    note = _w("capsule_note", age=f"{js_num(age.value)} {age.unit}", age_source=cite_md(age.source), age_status=age.status,
              ranges=ranges, capsule=f"{js_num(cap.low)} {cap.unit}", capsule_source=cite_md(cap.source),
              capsule_status=cap.status, band_source=cite_md(bands[0].source), band_status=bands[0].status,
              top=js_num(bands[-1].low))
    inputs = word_group(PART, "capsule_inputs")
    outputs = word_group(PART, "capsule_outputs")
    return {
        "id": "capsules",
        "title": _w("capsule_title", suffix=_w("notice_suffix")),
        "fn": "capsules",
        "inputs": [
            {"name": "weight", "label": inputs["weight"], "unit": weight.unit, "min": weight.low, "max": weight.high},
            {"name": "mgkg", "label": inputs["mgkg"], "unit": mgkg.unit, "min": mgkg.low, "max": mgkg.high},
            {"name": "weeks", "label": inputs["weeks"], "unit": weeks.unit, "min": weeks.low, "max": weeks.high,
             "integer": True},
        ],
        "outputs": [{"name": name, "label": label.format(capsule=js_num(cap.low))} for name, label in outputs.items()],
        "params": {
            "capsule_mg": cap.low,
            "ranges": [{"low": r.low, "high": r.high, "label": r.label, "status": r.status} for r in published],
            "bands": [{"low": b.low, "high": b.high, "value": b.value, "label": b.label} for b in bands],
            "reference": bands[0].label.split(" (")[0],
            "band_note": _w("band_note", population=cohort.population, enrolled=cohort.enrolled),
            "thresholds": [{"low": t.low, "label": t.label, "status": t.status}
                           for t in sorted(_arith("cumulative-threshold"), key=lambda t: t.low)],
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
    """Step through the illustrative course: grades against baseline, the rule asking for the strongest
    action, and the dose that results (teaching assumption, origin A): ranks 0-1 keep the level (1 is
    re-evaluate: the label leaves withholding to judgement), 2 one level lower, 3 interrupt (0 mg) and
    resume one level lower at the next check without a trigger, 4 stop.

    At week 0 the baseline grades are recorded and no rule is applied (no label rule against starting
    below a count was found). From week 1 every matching row counts, label rows whatever the baseline.
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
            t = dataset().by_id("ctcae.yaml", test)
            g = ctcae_grade(value, t.grade_floors, t.lln)
            if test not in base_grades and row.week == 0:
                base_grades[test] = g
            verdict = "baseline" if row.week == 0 else baseline_verdict(g, base_grades.get(test))
            labs.append({"test": test, "toxicity": tox, "value": value, "grade": g,
                         "baseline_grade": base_grades.get(test), "verdict": verdict})
            if verdict != "baseline" and g >= 1:
                triggered += matching_rules(tox, g, value, verdict, rules)
        if row.neuropathy_grade >= 1 and row.week > 0:
            triggered += matching_rules("peripheral-neuropathy", row.neuropathy_grade, None, "none", rules)
        top = decision.most_severe(triggered)
        sev = top.severity if top else 0
        # kind: what the check does to the dose (the reader's decision in the simulator, COURSE_DECISIONS)
        if row.week == 0:
            action, kind = _w("course_start"), "start"
        elif stopped:
            action, kind = _w("course_stopped_before"), "stopped"
        elif sev == 4:
            stopped, action, kind = True, top.action, "stop"
        elif sev == 3:
            interrupted, action, kind = True, top.action, "interrupt"
        elif sev == 2 or (interrupted and sev <= 1):
            if idx + 1 < len(levels):
                idx += 1
                step_down = _w("course_resume_lower") if interrupted else _w("course_lower")
                action, kind = (top.action + " " if sev == 2 else "") + step_down, "lower"
            else:
                stopped, action, kind = True, _w("course_no_lower"), "stop"
            interrupted = False
        else:
            action = top.action if top else _w("course_no_trigger")
            kind = "reevaluate" if sev == 1 else "continue"
        dose = 0.0 if (stopped or interrupted) else levels[idx].mg_per_day
        step = {
            "id": row.id, "week": row.week, "label": row.label, "labs": labs, "neuropathy_grade": row.neuropathy_grade,
            "checks": checks_in_week(row.week), "rules": triggered, "top": top, "severity": sev if row.week else None,
            "action": action, "decision": kind, "level": None if dose == 0 else levels[idx], "dose_mg": dose,
            "state": "stopped" if stopped else "interrupted" if interrupted else "on",
            "cumulative_g": cum_mg / 1000, "status": row.status, "source": row.source,
        }
        out.append(step)
        prev = step
    return out


def _origins(rule: Any, names: dict[str, str]) -> str:
    return ", ".join(_w("tag_origin", tag=o, name=names.get(o, o)) for o in rule.origin)


# the reader's choices at a check, mildest first (the order of the severity ranks they stand for)
COURSE_DECISIONS = ("continue", "reevaluate", "lower", "interrupt", "stop")


def _stage_findings(s: dict, prev: dict | None) -> list[str]:
    """What the reader sees before deciding: the checks, the counts and their grades, neuropathy, the dose so far."""
    judged_words = word_group(PART, "course_judged")
    lines = [_w("course_lead"), "", _w("course_checks"), ""]
    lines += [f"- {c.label} [{', '.join(c.origin)}]" for c in s["checks"]] or [f"- {_w('course_no_checks')}"]
    lines += ["", _w("course_labs"), ""]
    for lab in s["labs"]:
        t = dataset().by_id("ctcae.yaml", lab["test"])
        judged = judged_words[lab["verdict"]].format(baseline=lab["baseline_grade"])
        lines.append("- " + _w("course_lab_line", test=t.label, value=thousands(lab["value"]), unit=t.base_unit,
                                grade=lab["grade"], judged=judged))
    lines.append("- " + _w("course_neuropathy", grade=s["neuropathy_grade"]))
    if prev is not None:
        lines += ["", _w("course_dose_so_far", mg=js_num(prev["dose_mg"])),
                  "", _w("course_cumulative", amount=amount_text(s["cumulative_g"]))]
    return lines


def _stage_answer(s: dict, first: bool = False) -> list[str]:
    """The rule table's answer at a check and why: the action, the rule applied, every other matching row
    (label rows included, whatever the baseline), and the dose that follows."""
    names = _origin_names()
    lines = [_w("course_action", action=s["action"])]
    if s["top"] is not None:
        top = s["top"]
        lines += ["", _w("course_applied", toxicity=top.toxicity_label, grades=grades_text(top),
                         origins=_origins(top, names), source=cite_md(top.source), status=top.status)]
        lines += ["- " + _w("course_also", action=r.action, origins=", ".join(r.origin), status=r.status)
                  for r in s["rules"] if r is not top]
    level = s["level"]
    if level and first:  # the first level: say in the same line that it is invented
        lines += ["", _w("course_dose_first", mg=js_num(s["dose_mg"]), level=level.label)]
    elif level:
        lines += ["", _w("course_dose", mg=js_num(s["dose_mg"]), level=level.label)]
    else:
        lines += ["", _w("course_dose_held", state=word_group(PART, "course_states")[s["state"]])]
    return lines


def course_question(s: dict, prev: dict) -> dict:
    """The decision at one check: the reader picks what to do from the findings; the feedback says how the
    pick compares with the rule table's answer (``simulate_course``, from ``core.decision``), and the
    stage's ``reveal`` (``_stage_answer``) gives that answer and why once the question is answered."""
    words = word_group(PART, "course_decisions")
    answer = COURSE_DECISIONS.index(s["decision"])
    options = []
    for i, d in enumerate(COURSE_DECISIONS):
        lead = _w("course_fb_right") if i == answer else _w(
            "course_fb_milder" if i < answer else "course_fb_stronger", table=words[s["decision"]].lower())
        options.append({"text": words[d], "correct": i == answer, "feedback": lead})
    top = s["top"]
    return {"id": f"course-{s['id']}", "prompt": _w("course_prompt"), "options": options,
            "source": top.source if top else "thalbook_evidence_notes", "status": top.status if top else "illustrative"}


def _stage_body(s: dict, first: bool = False) -> str:
    """A check with nothing to decide (the baseline, or after a stop): findings, the table's answer, the
    cumulative dose."""
    lines = _stage_findings(s, None) + [""] + _stage_answer(s, first)
    lines += ["", _w("course_cumulative", amount=amount_text(s["cumulative_g"]))]
    return "\n".join(lines)


def course_stepper(presenter: bool = False):
    """The treatment-course simulator of page 4.2.1: a Stepper, one stage per scheduled check; from week 1
    the reader decides what to do from the findings, then sees the rule table's answer and why."""
    from ..widgets import Stepper

    stages, prev = [], None
    for s in simulate_course():
        stage = {"id": s["id"], "title": _w("course_stage_title", week=s["week"], label=s["label"])}
        if prev is None or s["decision"] == "stopped":  # the baseline, or nothing left to decide
            stage["body"] = _stage_body(s, first=prev is None)
        else:  # a decision: findings first, the table's answer in the feedback
            stage["body"] = "\n".join(_stage_findings(s, prev))
            stage["question"] = course_question(s, prev)
            stage["reveal"] = "\n".join(_stage_answer(s))
        stages.append(stage)
        prev = s
    return Stepper({"id": "treatment-course", "title": _w("course_title", suffix=_w("notice_suffix")), "stages": stages},
                   presenter=presenter)


def cumulative_dose_figure():
    """Cumulative dose (g) at each check of the illustrative course (FigureOutput), on page 4.2.2."""
    import plotly.graph_objects as go

    from ..widgets import FigureOutput

    steps = simulate_course()
    fig = go.Figure(go.Scatter(x=[s["week"] for s in steps], y=[round(s["cumulative_g"], 3) for s in steps],
                               mode="lines+markers", name=_w("cumulative_trace")))
    fig.update_layout(xaxis_title=_w("cumulative_x"), yaxis_title=_w("cumulative_y"), height=320,
                      margin={"l": 60, "r": 20, "t": 20, "b": 50}, showlegend=False)
    return FigureOutput(fig, "course-cumulative-dose", caption=_w("cumulative_caption"), alt=_w("cumulative_alt"))


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
    fig.update_layout(xaxis_title=_w("monitoring_x"), yaxis_title=_w("monitoring_y"), height=560,
                      margin={"l": 10, "r": 10, "t": 20, "b": 60},
                      legend={"orientation": "h", "y": -0.2}, xaxis={"dtick": 4},
                      # labels as tick text, so a phone can wrap them (core.js tbNarrowLayout)
                      yaxis={"automargin": True, "tickmode": "array", "tickvals": labels, "ticktext": labels})
    return FigureOutput(fig, "monitoring-timeline", caption=_w("monitoring_caption"), alt=_w("monitoring_alt"))


def _origin_cell(origin: list[str]) -> str:
    return f'<span class="tb-origin">{e(", ".join(origin) or "none")}</span>'


def monitoring_table():
    """The monitoring schedule as a table: when, check, origin, source, status."""
    rows = [[e(c.when), e(c.label), _origin_cell(c.origin), f"{cite_html(c.source)}", badge(c.status)]
            for c in _rows("monitoring.yaml")]
    return HTML(table(_w("monitoring_table"), word_list(PART, "monitoring_header"), rows), f"{len(rows)} checks")


def dose_rules_table():
    """Every row of the teaching decision table with its grade range, action, action rank and origin tags."""
    rows = [[e(r.toxicity_label), e(grades_text(r)), e(r.action),
             e(action_words(r) if r.no_rule else _w("rules_severity", severity=r.severity, action=action_words(r))),
             _origin_cell(r.origin), f"{cite_html(r.source)}", badge(r.status)]
            for r in _rows("dose_rules.yaml")]
    return HTML(table(_w("rules_table", suffix=_w("notice_suffix")), word_list(PART, "rules_header"), rows),
                f"{len(rows)} rules")


def neuropathy_dose_table():
    """Daily-dose bands with their relative hazard and the cumulative-dose thresholds (dose_arithmetic.yaml)."""
    rows = [[e(b.label), e(js_num(b.value)), f"{cite_html(b.source)}", badge(b.status)]
            for b in sorted(_arith("hazard-band"), key=lambda b: b.low)]
    rows += [[e(_w("neuropathy_past", label=t.label)), e(_w("neuropathy_not_hazard")), f"{cite_html(t.source)}",
              badge(t.status)] for t in sorted(_arith("cumulative-threshold"), key=lambda t: t.low)]
    return HTML(table(_w("neuropathy_table"), word_list(PART, "neuropathy_header"), rows), f"{len(rows)} rows")


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
    "action_severity", "action_words", "capsule_calculator", "capsule_spec", "checks_in_week", "course_stepper",
    "cumulative_dose_figure", "dose_explorer", "dose_explorer_spec", "dose_rules_table", "glue_safety", "grade_lab",
    "grades_text", "lab_variant", "matching_rules", "monitoring_figure", "monitoring_table", "neuropathy_dose_table",
    "simulate_course", "toxicities", "course_question", "COURSE_DECISIONS",
]

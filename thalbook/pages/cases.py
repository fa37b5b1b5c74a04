"""Page 3.3: the review's three case vignettes as case steppers.

A case is one YAML file in ``data/cases/`` (validated by ``schemas.Case``). ``case_stepper(id)`` turns it
into the book's ordinary ``Stepper`` widget (no second widget system): every stage keeps the book's
text as its body, and gets boxed notes for what the review states (attributed, with the case's source
and status), for each detail added for teaching (badge "illustrative"), and, in the dose stage, for the
mg/kg arithmetic and what whole capsules allow. ``cases_page()`` shows one stepper per case file, in the
order of the file names, so a new valid file in ``data/cases/`` appears on the page without a notebook
edit.

Teaching material, not a prescribing guide: the arithmetic here relates a reported dose to an
illustrative weight; it is not a dose recommendation and not for clinical use.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from ..core.dosing import capsule_schedules, mg_per_kg
from ..core.labs import range_for_age, range_reading
from ..core.numbers import ordinal
from ..core.numbers import trimmed as fmt
from ..data import dataset
from .common import word_group, word_list, wording

PART = "part3-cases"

_w = partial(wording, PART)  # a text of this part's data/wording file


def notice() -> str:
    """The teaching notice of every dose stage."""
    return _w("notice")


# ------------------------------------------------------------------ pure arithmetic (teaching only)
# ------------------------------------------------------------------ case -> stepper spec
def dose_notes(case: Any, weight: Any, capsule: Any, half_life: str) -> list[dict[str, Any]]:
    """The dose stage's notes: the illustrative weight, the mg/kg arithmetic, what whole capsules allow."""
    w = weight.weight_kg
    cap = capsule.value
    notes = [{
        "label": _w("teaching_label"),
        "body": _w("weight_note", weight=fmt(w, 1), percentile=ordinal(weight.percentile), sex=weight.sex,
                   age=weight.age_years, chart=weight.chart, status=weight.status,
                   basis=weight.basis or _w("no_basis")),
        "source": weight.source,
        "status": "illustrative",
    }]
    if case.dose_mg_per_day is not None:
        dose, label, status = case.dose_mg_per_day, _w("dose_stated_label"), "derived"
        lead = _w("dose_stated", dose=fmt(dose))
    else:
        dose, label, status = cap, _w("dose_assumed_label"), "illustrative"
        lead = _w("dose_assumed", capsule=fmt(cap))
    notes.append({
        "label": label,
        "body": _w("dose_arithmetic", lead=lead, dose=fmt(dose), weight=fmt(w, 1), mgkg=fmt(mg_per_kg(dose, w))),
        "source": "thalbook_evidence_notes",
        "status": status,
    })
    words = word_group(PART, "schedules")
    rows = "\n".join(
        _w("capsule_line", schedule=words[s["schedule"]], mg=fmt(s["mg_per_day"]), mgkg=fmt(s["mg_per_kg_per_day"]))
        for s in capsule_schedules(w, cap)
    )
    notes.append({
        "label": _w("capsules_label", capsule=fmt(cap)),
        "body": _w("capsules_body", capsule=fmt(cap), status=capsule.status, weight=fmt(w, 1), rows=rows,
                   half_life=half_life),
        "source": capsule.source,
        "status": "derived",
    })
    return notes


def case_time_label(when: Any) -> str:
    """How a stage's illustrative time (``schemas.CaseTime``) is shown: its own label, else 'week N'."""
    return when.label or _w("case_week", weeks=f"{when.weeks:g}")


def _range_text(r: Any, unit: str) -> str:
    if r.low is None and r.high == 0:
        return _w("range_none")
    if r.low is None:
        return _w("range_at_most", high=fmt(r.high), unit=unit)
    if r.high is None:
        return _w("range_at_least", low=fmt(r.low), unit=unit)
    return _w("range_between", low=fmt(r.low), high=fmt(r.high), unit=unit)


def labs_table(stage: Any, age_years: int, refs: dict[str, Any]) -> dict[str, Any]:
    """A stage's illustrative results as a Stepper table: result, reference for the child's age, reading."""
    readings = word_group(PART, "readings")
    rows = []
    for lab in stage.labs:
        ref = refs[lab.test]
        if lab.value is not None:
            band = range_for_age(ref.ranges, age_years)
            result = f"{fmt(lab.value)} {ref.unit}".strip()
            rows.append([ref.label, result, _range_text(band, ref.unit).strip(),
                         readings[range_reading(lab.value, band.low, band.high)]])
        else:
            rows.append([ref.label, lab.result, ref.expected, lab.reading])
    return {
        "caption": stage.labs_caption, "columns": [h.format(age=age_years) for h in word_list(PART, "labs_header")], "rows": rows,
        "note": _w("labs_note"), "source": "thalbook_evidence_notes", "status": "illustrative",
    }


def case_spec(case: Any, weight: Any, capsule: Any, half_life: str, refs: dict[str, Any]) -> dict[str, Any]:
    """The Stepper spec of one validated case (``schemas.Case``); ``refs``: lab_reference.yaml rows by id."""
    stages = []
    for st in case.stages:
        notes = []
        if st.review:
            notes.append({
                "label": _w("review_label"), "body": st.review, "source": case.source, "status": case.status, "before": True,
            })
        if st.illustrative:
            notes.append({
                "label": _w("teaching_label"),
                "body": "\n".join(f"- {d}" for d in st.illustrative),
                "source": "thalbook_evidence_notes",
                "status": "illustrative",
                "before": True,
            })
        body = st.body
        if st.kind == "dose":
            notes.extend(dose_notes(case, weight, capsule, half_life))
            body = f"{body}\n\n{notice()}"
        stage: dict[str, Any] = {"id": st.id, "title": st.title, "body": body, "notes": notes,
                                 "next": st.next, "branch": st.branch}
        if st.when is not None:  # shown under the stage title, with its status
            stage["when"] = {"text": _w("when_line", when=case_time_label(st.when)), "status": "illustrative"}
        if st.labs:
            stage["tables"] = [labs_table(st, case.age_years, refs)]
        if st.choice is not None:
            stage["choice"] = st.choice.model_dump()
        if st.question is not None:
            stage["question"] = st.question.model_dump()
        stages.append(stage)
    return {"id": case.id, "title": case.title, "stages": stages}


# ------------------------------------------------------------------ sentence-level API
def case_ids() -> list[str]:
    """Ids of the case files in data/cases/, in the order of their file names."""
    return list(dataset().folders.get("cases", {}))


def case_stepper(ident: str, presenter: bool = False):
    """The case in data/cases/<ident>.yaml as a Stepper widget (stage, answers, score as traits)."""
    from ..widgets import Stepper
    from .common import add_teaches_titles, fact_text

    ds = dataset()
    case = ds.item("cases", ident)
    weight = ds.by_id("illustrative_weights.yaml", case.weight)
    capsule = ds.by_id("facts.yaml", "capsule-smallest")
    refs = {r.id: r for r in ds.rows("lab_reference.yaml")}
    spec = case_spec(case, weight, capsule, fact_text("half-life"), refs)
    add_teaches_titles([s["question"] for s in spec["stages"] if s.get("question")])  # the summary's links
    return Stepper(spec, presenter=presenter)


def case_steppers(presenter: bool = False):
    """One Stepper per file in data/cases/, in file-name order, by id: ``cases["case-1"]``."""
    from ..widgets import WidgetGroup

    return WidgetGroup({i: case_stepper(i, presenter=presenter) for i in case_ids()}, kind="case")


def cases_page(presenter: bool = False):
    """Every case of data/cases/ (one stepper each, in file-name order), displayed as the cell's value and
    driven by id: ``cases = tb.cases_page(presenter=True)``, then ``cases["case-1"].stage = 2``."""
    return case_steppers(presenter=presenter)


def cases_table():
    """What the review states about each case, side by side, with the book's reading of the risk group."""
    from IPython.display import HTML

    from .common import badge, e, table

    rows = []
    for ident in case_ids():
        c = dataset().item("cases", ident)
        dose = f"{fmt(c.dose_mg_per_day)} mg/day" if c.dose_mg_per_day is not None else _w("not_stated")
        rows.append([
            e(c.title), e(_w("child", age=c.age_years, sex=c.sex)), e(c.diagnosis), e(c.review_treatment), e(dose),
            e(c.risk_group), badge(c.status),
        ])
    return HTML(table(_w("table_caption"), word_list(PART, "table_header"), rows))


__all__ = [
    "capsule_schedules", "notice", "case_ids", "case_time_label", "case_spec", "case_stepper", "case_steppers", "cases_page",
    "cases_table", "dose_notes", "fmt", "labs_table", "mg_per_kg",
]

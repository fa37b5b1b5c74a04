"""Page 3.3 (thalbook.pages.cases): the mg/kg arithmetic, the case files, their validation and the case steppers
driven from Python.

Expected values are hand calculations (written out next to each) or come from the data files read here
with yaml, never from the code under test. The last test builds a small copy of the book with a fixture
case file added and finds it on the built page (marked `build`).
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import data_errors

import thalbook as tb
from thalbook.data import dataset
from thalbook.data.schemas import CASE_KINDS
from thalbook.pages.cases import capsule_schedules, case_ids, case_spec, fmt, mg_per_kg, notice

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
CASE_FILES = sorted((DATA / "cases").glob("*.yaml"))


def load(p: Path) -> dict:
    return yaml.safe_load(p.read_text(encoding="utf-8"))


CASES = {p.stem: load(p) for p in CASE_FILES}
WEIGHTS = {w["id"]: w for w in load(DATA / "illustrative_weights.yaml")}


# ------------------------------------------------------------------ pure arithmetic, by hand
def test_mg_per_kg_by_hand():
    # 50 / 32.1 = 1.55763..., shown 1.56 (safety.md: "50 mg/day for a 32 kg child is about 1.6 mg/kg/day")
    assert mg_per_kg(50, 32.1) == pytest.approx(1.557632, abs=1e-6)
    assert fmt(mg_per_kg(50, 32.1)) == "1.56"
    # 50 / 20.3 = 2.46305...; 50 / 51.2 = 0.97656...
    assert fmt(mg_per_kg(50, 20.3)) == "2.46"
    assert fmt(mg_per_kg(50, 51.2)) == "0.98"


@pytest.mark.parametrize("dose, weight", [(0, 30), (50, 0), (-50, 30), (50, -1), (math.nan, 30), (50, math.inf)])
def test_mg_per_kg_refuses_impossible_input(dose, weight):
    with pytest.raises(ValueError):
        mg_per_kg(dose, weight)


def test_capsule_schedules_by_hand():
    rows = capsule_schedules(32.1, 50)
    # per 14 days: 7, 10, 14 capsules of 50 mg -> 350/14 = 25, 500/14 = 35.714..., 700/14 = 50 mg/day
    assert [r["capsules_per_14_days"] for r in rows] == [7, 10, 14]
    assert [r["mg_per_day"] for r in rows] == pytest.approx([25.0, 35.714286, 50.0], abs=1e-6)
    # 25/32.1 = 0.77882, 35.714286/32.1 = 1.11259, 50/32.1 = 1.55763
    assert [r["mg_per_kg_per_day"] for r in rows] == pytest.approx([0.77882, 1.11259, 1.55763], abs=1e-5)
    assert [fmt(r["mg_per_kg_per_day"]) for r in rows] == ["0.78", "1.11", "1.56"]


@pytest.mark.parametrize("x, places, shown", [(1.555, 2, "1.56"), (25.0, 2, "25"), (35.714286, 2, "35.71"), (32.1, 1, "32.1"), (0.125, 2, "0.13")])
def test_fmt_rounds_half_up(x, places, shown):
    assert fmt(x, places) == shown


# ------------------------------------------------------------------ the case files
def test_three_review_cases_in_file_order():
    assert [p.stem for p in CASE_FILES][:3] == ["case-1", "case-2", "case-3"]
    assert case_ids() == [p.stem for p in CASE_FILES]
    # what the review states (section 3.3): ages 10, 6, 14; only case 1 states a dose, 50 mg/day
    assert [(CASES[c]["age_years"], CASES[c]["sex"]) for c in ("case-1", "case-2", "case-3")] == [(10, "boy"), (6, "girl"), (14, "boy")]
    assert CASES["case-1"]["dose_mg_per_day"] == 50
    assert "dose_mg_per_day" not in CASES["case-2"] and "dose_mg_per_day" not in CASES["case-3"]


def test_weights_are_the_cdc_values_of_the_evidence_notes_and_not_verified():
    # safety.md: boy 10 years 32.1 kg; girl 6 years 20.3 kg; boy 14 years 51.2 kg (not verified, secondary)
    got = {(w["sex"], w["age_years"]): w["weight_kg"] for w in WEIGHTS.values()}
    assert got == {("boy", 10): 32.1, ("girl", 6): 20.3, ("boy", 14): 51.2}
    assert {w["status"] for w in WEIGHTS.values()} == {"not verified"}


@pytest.mark.parametrize("ident", sorted(CASES))
def test_stages_in_order_and_review_choice_never_scored_right(ident):
    case = CASES[ident]
    kinds = [s["kind"] for s in case["stages"]]
    assert sorted(dict.fromkeys(kinds), key=kinds.index) == list(CASE_KINDS)
    decision = next(s for s in case["stages"] if s["kind"] == "treatment decision")
    opts = decision["question"]["options"]
    review_choice = [o for o in opts if "(the review's choice)" in o["text"]]
    assert len(review_choice) == 1 and not review_choice[0].get("correct")
    assert 3 <= len(opts) <= 5 and all(o["feedback"].strip() for o in opts)
    # the decision's right answer rests on the risk-group row of facts.md, which is not verified
    assert decision["question"]["source"] == "locatelli2018how" and decision["question"]["status"] == "not verified"


def test_case3_appraisal_says_remission_after_hsct_is_not_thalidomide():
    appraisal = next(s for s in CASES["case-3"]["stages"] if s["kind"] == "appraisal")
    assert "cannot be credited to thalidomide" in appraisal["body"]


# ------------------------------------------------------------------ the steppers (twin and traits)
def test_case1_stepper_twin_marks_illustrative_and_attributes_the_review():
    w = tb.case_stepper("case-1")
    assert w.kind == "stepper" and w.dom_id == "tbw-stepper-case-1"
    main = [s for s in w.spec["stages"] if not s["branch"]]
    assert len(main) == len(CASE_KINDS)
    assert [s["id"] for s in w.spec["stages"] if s["branch"]] == ["marrow-now", "treat-first", "wait-first"]
    html = w.html
    # stage 1: the review's statement, attributed, and the details added for teaching with a visible badge
    first = html.split('data-stage="1"')[0]
    assert "What the review states (section 3.3)" in first and 'data-status="not found"' in first
    assert '<div class="tb-stage-note tb-stage-note-illustrative">' in first and ">illustrative</span>" in first
    assert "Tiredness and pallor" in first
    # the dose stage: 50 / 32.1 = 1.56 mg/kg/day, the weight marked illustrative, no paediatric dose, the notice
    dose = html.split('data-sid="dose"')[1].split('data-sid="course"')[0]
    assert "50 mg/day ÷ 32.1 kg = <strong>1.56 mg/kg/day</strong>" in dose
    assert "Weight 32.1 kg: the 50th percentile for a boy of 10 years" in dose
    assert "No paediatric dose of thalidomide for MDS exists" in dose
    assert "Teaching material, not a prescribing guide." in dose
    assert "one capsule on alternate days: on average 25 mg/day, 0.78 mg/kg/day" in dose
    assert "4-safety" not in html  # the stepper stays self-contained; the page's prose links to part 4


@pytest.mark.parametrize("ident, weight, expected", [("case-2", 20.3, "2.46"), ("case-3", 51.2, "0.98")])
def test_cases_without_a_dose_use_an_assumed_capsule_marked_illustrative(ident, weight, expected):
    spec = tb.case_stepper(ident).spec
    dose = next(s for s in spec["stages"] if s["id"] == "dose")
    notes = {n["label"]: n for n in dose["notes"]}
    assumed = notes["Arithmetic on an assumed dose"]
    assert assumed["status"] == "illustrative"
    assert f"50 mg/day ÷ {weight} kg = <strong>{expected} mg/kg/day</strong>" in assumed["body_html"]
    assert "states no dose" in assumed["body_html"]


def test_case_spec_is_pure_and_keeps_the_notice():
    ds = dataset()
    spec = case_spec(ds.item("cases", "case-1"), ds.by_id("illustrative_weights.yaml", "boy-10y-p50"),
                     ds.by_id("facts.yaml", "capsule-smallest"), "5–7 hours (not verified)",
                     {r.id: r for r in ds.rows("lab_reference.yaml")})
    dose = next(s for s in spec["stages"] if s["id"] == "dose")
    assert dose["body"].endswith(notice()) and "not a prescribing guide" in notice()
    assert [n["status"] for n in dose["notes"]] == ["not found", "illustrative", "derived", "derived"]


def test_case_stepped_from_python():
    """Live: the same traits the browser sets (stage, answers) set from the kernel."""
    w = tb.case_stepper("case-1")
    stages = CASES["case-1"]["stages"]
    assert w.stage == 0 and w.answers == {} and w.score == 0
    decision_index = next(i for i, s in enumerate(stages) if s["kind"] == "treatment decision")
    w.stage = decision_index
    q = stages[decision_index]["question"]
    right = next(i for i, o in enumerate(q["options"]) if o.get("correct"))
    review = next(i for i, o in enumerate(q["options"]) if "(the review's choice)" in o["text"])
    w.answers = {q["id"]: review}
    w.scored = {q["id"]: False}
    assert w.stage == decision_index and w.answers == {"case1-decision": review}
    assert w.spec["stages"][w.stage]["question"]["options"][review]["correct"] is False
    assert w.spec["stages"][w.stage]["question"]["options"][right]["correct"] is True
    w.answers = {**w.answers, q["id"]: right}
    w.stage = len(stages) - 1
    assert w.state()["stage"] == len(stages) - 1 and w.state()["answers"] == {"case1-decision": right}
    assert w.state()["spec"]["stages"][-1]["title"] == "Appraisal"
    p = tb.case_stepper("case-3", presenter=True)
    assert p.presenter is True and p.dom_id == "tbw-stepper-case-3"


# ------------------------------------------------------------------ teaches: the summary's links, chosen by hand
P31 = "chapters/3-clinical-efficacy/3.1-children-are-not-small-adults"
P33 = "chapters/3-clinical-efficacy/3.3-case-vignettes"
P41 = "chapters/4-safety/4.1-safety-evaluation-and-monitoring"
# question -> (the page that teaches its answer, words of that page's text that teach it), read by hand from
# the pages and checked against /work/shared/evidence (facts.md: germline GATA2 and HSCT; safety.md: the male
# REMS rules, the baseline grade of each count, baseline and periodic nerve examinations)
TEACHES = {
    "case1-workup": (P31, "a brother or sister offered as donor may carry the same variant"),
    "case1-decision": (P31, "is the standard curative treatment for childhood MDS"),
    "case1-dose": (P31, "No paediatric MDS dose exists."),
    "case1-monitoring": (P41, "neurological examination"),
    "case1-appraisal": (P33, "no reference, no hospital, no dates, no laboratory values"),
    "case2-workup": (P31, "so the disease can look like {term}`aplastic anaemia` under the microscope"),
    "case2-decision": (P33, "to a choice between {term}`watchful waiting`, {term}`immunosuppression` and HSCT"),
    "case2-monitoring": (P41, "Trials in MDS judge later counts against each patient's own baseline"),
    "case2-appraisal": (P33, "so no effect could be credited to either"),
    "case3-workup": (P31, "a brother or sister offered as donor may carry the same variant"),
    "case3-decision": (P31, "is the standard curative treatment for childhood MDS"),
    "case3-rems": (P41, "the {term}`REMS`"),
    "case3-appraisal": (P33, "cannot be credited to a drug given alongside"),
}


def page_text(page: str) -> str:
    nb = json.loads((ROOT / f"{page}.ipynb").read_text(encoding="utf-8"))
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")


def test_every_case_question_links_the_page_that_teaches_it():
    found = {s["question"]["id"]: s["question"].get("teaches") for c in CASES.values() for s in c["stages"] if s.get("question")}
    assert found == {q: page for q, (page, _) in TEACHES.items()}
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    for q, (page, words) in TEACHES.items():
        assert f"file: {page}\n" in toc, f"{q}: {page} is not in _toc.yml"
        assert words in page_text(page), f"{q}: {page} no longer says {words!r}"
    # the male rules of case 3's REMS question are rows of the table that page 4.1 shows
    rules = {r["id"]: r for r in load(DATA / "safety_rules.yaml")}
    assert "condom" in rules["male-condom"]["rule"]


def test_case_stepper_carries_the_link_text_of_each_question():
    """The summary's link reads 'Read: <title of the page>': the page's first heading, read here by hand."""
    spec = tb.case_stepper("case-2").spec
    titles = {s["question"]["id"]: s["question"]["teaches_title"] for s in spec["stages"] if s.get("question")}
    assert titles == {"case2-workup": "3.1 Children are not small adults", "case2-decision": "3.3 Case vignettes",
                      "case2-monitoring": "4.1 Safety evaluation and monitoring", "case2-appraisal": "3.3 Case vignettes"}


def test_validator_names_a_case_teaches_link_to_a_missing_page(book: Path):
    path = book / "data/cases/case-1.yaml"
    text = path.read_text().replace(f"teaches: {P41}", "teaches: chapters/4-safety/no-such-page", 1)
    path.write_text(text)
    line = line_of(text, r"teaches: chapters/4-safety/no-such-page")
    errors = [e for e in data_errors(book) if "no-such-page" in str(e)]
    assert len(errors) == 1, [str(e) for e in data_errors(book)]
    # the monitoring question sits in stage 8 (index 7) of case-1.yaml: the file's 8th '  - id:' entry
    assert (errors[0].path, errors[0].line, errors[0].column) == ("data/cases/case-1.yaml", line, "stages[7].question.teaches")
    assert str(errors[0]).startswith(f"data/cases/case-1.yaml, line {line}, field 'stage 8 (id course) › question › teaches': "
                                     "no page 'chapters/4-safety/no-such-page'")


def test_validator_wants_teaches_on_every_case_question(book: Path):
    path = book / "data/cases/case-3.yaml"
    text = path.read_text().replace(f"      teaches: {P41}\n", "", 1)  # case3-rems
    path.write_text(text)
    line = line_of(text, r"id: case3-rems$")
    assert any(m.startswith(f"data/cases/case-3.yaml, line {line}, field 'stage 8 (id course) › question › id': "
                            "question 'case3-rems' names no page in 'teaches'") for m in errors_of(book)), errors_of(book)


# ------------------------------------------------------------------ when each stage happens (illustrative)
# weeks by hand from each stage's text: case 1's choices "repeat the count in eight weeks" (8) and "in a
# month" (4); "after three months" of the review's treatment, started at week 4: 4 + 13 = 17. Case 2: the
# chemotherapy branch "four weeks later" (4); "a partial remission after six months": 4 + 26 = 30.
WEEKS = {
    "case-1": {"presentation": 0, "marrow-now": 1, "treat-first": 8, "wait-first": 4, "work-up": 3, "decision": 4,
               "dose": 4, "course": 10, "outcome": 17},
    "case-2": {"presentation": 0, "marrow-and-breakage": 2, "aplastic-label": 6, "chemo-first": 4, "work-up": 3,
               "decision": 4, "dose": 4, "course": 12, "outcome": 30},
    "case-3": {"presentation": 0, "typing-now": 1, "typing-later": 1, "bridge-thalidomide": 1, "work-up": 3,
               "decision": 4, "dose": 12, "course": 26, "outcome": 52},
}


@pytest.mark.parametrize("ident", sorted(CASES))
def test_every_stage_but_the_appraisal_says_when(ident):
    stages = CASES[ident]["stages"]
    assert {s["id"]: s["when"]["weeks"] for s in stages if "when" in s} == WEEKS[ident]
    assert [s["kind"] for s in stages if "when" not in s] == ["appraisal"]


def test_the_stage_shows_its_week_marked_illustrative():
    spec = tb.case_stepper("case-1").spec
    when = {s["id"]: s.get("when") for s in spec["stages"]}
    assert when["treat-first"] == {"text": "When: week 8", "status": "illustrative"}
    assert when["outcome"]["text"] == "When: week 17 (three months of treatment)"
    assert when["appraisal"] is None
    html = tb.case_stepper("case-1").html
    stage = html.split('data-sid="treat-first"')[1].split("</li>")[0]
    assert '<p class="tb-stage-when">When: week 8 <span class="tb-badge tb-status-illustrative" data-status="illustrative">' in stage


def test_time_running_backwards_is_named_with_its_line(book: Path):
    path = book / "data/cases/case-2.yaml"
    text = path.read_text().replace("    when: {weeks: 12}\n", "    when: {weeks: 1}\n")  # course before the dose (week 4)
    path.write_text(text)
    line = line_of(text, r"^    when: \{weeks: 1\}$")
    msgs = errors_of(book)
    assert f"data/cases/case-2.yaml, line {line}, field 'stage 8 (id course) › when › weeks': week 1 of stage 'course' is " \
        "earlier than week 4 of 'dose' before it on the main route; time cannot run backwards" in msgs, msgs


def test_branch_before_its_decision_and_missing_time_are_named(book: Path):
    path = book / "data/cases/case-1.yaml"
    text = path.read_text().replace("    when: {weeks: 0}\n", "    when: {weeks: 5}\n", 1)  # presentation after its branches
    text = text.replace("    when: {weeks: 3}\n", "", 1)  # the work-up loses its time
    path.write_text(text)
    msgs = errors_of(book)
    assert any("field 'stage 4 (id wait-first) › when › weeks': week 4 of stage 'wait-first' is earlier than week 5 "
               "of the decision at 'presentation'" in m for m in msgs), msgs
    assert any("field 'stage 5 (id work-up) › id': stage 'work-up' has no 'when'" in m for m in msgs), msgs


# ------------------------------------------------------------------ laboratory tables (illustrative), by hand
def rows_of(spec: dict, stage_id: str) -> dict[str, list[str]]:
    stage = next(s for s in spec["stages"] if s["id"] == stage_id)
    (table,) = stage["tables"]
    assert table["status"] == "illustrative"
    return {r[0]: r[1:] for r in table["rows"]}


def test_case1_blood_count_read_against_the_ranges_for_age_10():
    spec = tb.case_stepper("case-1").spec
    rows = rows_of(spec, "presentation")
    # lab_reference.yaml, band 2-11 years: Hb 11.5-15.5 (7.8 below), MCV 75-92 (96 above), neutrophils
    # 2-8 (0.9 below), platelets 150-450 (38 below), reticulocytes 25-100 (18 below), blasts: none (3 above)
    assert rows["Haemoglobin"] == ["7.8 g/dL", "11.5–15.5 g/dL", "below the range"]
    assert rows["Mean cell volume (MCV)"] == ["96 fL", "75–92 fL", "above the range"]
    assert rows["Neutrophils"] == ["0.9 ×10⁹/L", "2–8 ×10⁹/L", "below the range"]
    assert rows["Platelets"] == ["38 ×10⁹/L", "150–450 ×10⁹/L", "below the range"]
    assert rows["Reticulocytes"] == ["18 ×10⁹/L", "25–100 ×10⁹/L", "below the range"]
    assert rows["Blasts in the blood film"] == ["3 %", "none", "above the range"]
    # marrow blasts 12%: above the limit of 4% (5% or more is "increased blasts", facts.md)
    assert rows_of(spec, "marrow-now")["Blasts in the marrow"] == ["12 %", "4 % or less", "above the range"]
    assert rows_of(spec, "marrow-now")["Karyotype (marrow)"][0] == "45,XY,-7 (monosomy 7)"
    table = next(s for s in spec["stages"] if s["id"] == "presentation")["tables"][0]
    assert table["columns"] == ["Test", "Result", "Reference for age 10 (illustrative)", "Reading"]
    assert "approximate teaching values" in table["note_html"]


def test_case3_uses_the_adolescent_band():
    rows = rows_of(tb.case_stepper("case-3").spec, "presentation")
    # age 14: band 12-18 years, Hb 12.0-16.0 and MCV 78-98 (99 above)
    assert rows["Haemoglobin"] == ["8.4 g/dL", "12–16 g/dL", "below the range"]
    assert rows["Mean cell volume (MCV)"] == ["99 fL", "78–98 fL", "above the range"]


def test_every_case_shows_blood_count_marrow_karyotype_and_next_step_tests():
    for ident, case in CASES.items():
        stages = {s["id"]: s for s in case["stages"]}
        tests = {lab["test"] for lab in stages["presentation"]["labs"]}
        assert {"hb", "anc", "platelets", "retic"} <= tests, ident
        for o in stages["presentation"]["choice"]["options"]:  # every route shows marrow blasts and karyotype
            branch = {lab["test"] for lab in stages[o["goto"]]["labs"]}
            assert {"marrow-blasts", "karyotype"} <= branch, (ident, o["goto"])
        assert {"hla", "germline"} <= {lab["test"] for lab in stages["work-up"]["labs"]}, ident


# ------------------------------------------------------------------ decisions that route the case
@pytest.mark.parametrize("ident", sorted(CASES))
def test_each_decision_leads_to_its_own_stage_then_rejoins_the_work_up(ident):
    options = next(s for s in CASES[ident]["stages"] if s["id"] == "presentation")["choice"]["options"]
    ids = [s["id"] for s in CASES[ident]["stages"]]
    assert len(options) == 3
    for i, o in enumerate(options):
        w = tb.case_stepper(ident)
        assert w.position() == (1, 8)  # 7 main-line stages + the one stage of the chosen branch
        w.next()
        assert w.stage == 0  # Next waits for the decision
        w.choose("presentation", i)
        w.next()
        assert ids[w.stage] == o["goto"] and w.position() == (2, 8)
        w.next()
        assert ids[w.stage] == "work-up" and w.position() == (3, 8)
        w.back()
        assert ids[w.stage] == o["goto"]  # Back retraces the route, not the list
        w.back()
        assert w.stage == 0
        # the static twin holds the consequence of every option, and each branch stage once
        assert w.html.count(f'data-sid="{o["goto"]}"') == 1
        assert norm_html(o["consequence"])[:40] in norm_html(w.html)


def norm_html(s: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", s)).replace("&#x27;", "'").replace("&quot;", '"').strip()


def test_choose_refuses_a_stage_without_a_decision():
    w = tb.case_stepper("case-1")
    with pytest.raises(ValueError, match="no decision stage 'dose'"):
        w.choose("dose", 0)
    with pytest.raises(ValueError):
        w.choose("presentation", 3)


def test_every_case_has_its_own_page_under_3_3():
    """One page per case, numbered as the review's section (3.3.1, ...), each listed under 3.3 in _toc.yml."""
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    pages = sorted((ROOT / "chapters/3-clinical-efficacy").glob("3.3.*.ipynb"))
    for n, ident in enumerate(CASES, start=1):
        page = next((p for p in pages if f'tb.case_stepper(\\"{ident}\\")' in p.read_text(encoding="utf-8")), None)
        assert page is not None, f"data/cases/{ident}.yaml has no page: add chapters/3-clinical-efficacy/3.3.{n}-<slug>.ipynb"
        assert page.name.startswith(f"3.3.{n}-"), page.name
        assert f"chapters/3-clinical-efficacy/{page.stem}" in toc, f"{page.stem} is missing from _toc.yml"
        title = CASES[ident]["title"]
        assert f'"# 3.3.{n} {title}"' in page.read_text(encoding="utf-8")  # the review's number in the title


def test_cases_page_displays_one_stepper_per_file(monkeypatch):
    """The page returns its steppers as one group (the cell's value is shown) and displays nothing
    itself: displaying as well would show every case twice in a live notebook."""
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *w, **k: shown.append(w))
    cases = tb.cases_page()
    assert shown == []
    assert [w.spec["id"] for w in cases] == [p.stem for p in CASE_FILES]


def test_cases_page_returns_the_cases_by_id():
    """One stepper per case file, in file-name order, reachable by the file's name (a lecturer drives
    cases["case-1"]); the page's static twin is each stepper's own, in the same order."""
    cases = tb.cases_page(presenter=True)
    assert cases.names == [p.stem for p in CASE_FILES]
    assert [w.spec["id"] for w in cases] == [p.stem for p in CASE_FILES]
    assert all(w.presenter for w in cases)
    assert cases["case-1"] is list(cases)[0]
    with pytest.raises(KeyError, match="no case named 'case-9'; the names are: case-1"):
        cases["case-9"]
    bundle = cases._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    html = bundle["text/html"]
    ids = [f'id="tbw-stepper-{p.stem}"' for p in CASE_FILES]
    assert all(i in html for i in ids) and [html.index(i) for i in ids] == sorted(html.index(i) for i in ids)


def test_cases_table_lists_every_case_with_status():
    html = tb.cases_table().data
    for c in CASES.values():
        assert c["title"] in html.replace("&#x27;", "'")
    assert html.count(">not found</span>") == len(CASES)
    assert "50 mg/day" in html and html.count("not stated") == 2


# ------------------------------------------------------------------ validation: file and field named
def errors_of(root: Path) -> list[str]:
    return [str(e) for e in data_errors(root)]


def line_of(text: str, pattern: str) -> int:
    return next(i + 1 for i, line in enumerate(text.splitlines()) if re.search(pattern, line))


def test_malformed_case_kind_names_file_line_and_field(book: Path):
    path = book / "data/cases/case-2.yaml"
    text = path.read_text().replace("    kind: outcome\n", "    kind: verdict\n")
    path.write_text(text)
    line = line_of(text, r"^    kind: verdict$")
    stage = [s["kind"] for s in CASES["case-2"]["stages"]].index("outcome")
    ident = CASES["case-2"]["stages"][stage]["id"]
    msgs = errors_of(book)
    expected = f"data/cases/case-2.yaml, line {line}, field 'stage {stage + 1} (id {ident}) › kind': expected one of"
    assert any(m.startswith(expected) for m in msgs), msgs


def test_case_stages_out_of_order_are_refused(book: Path):
    path = book / "data/cases/case-3.yaml"
    text = path.read_text().replace("    kind: work-up\n", "    kind: appraisal\n")
    path.write_text(text)
    msgs = errors_of(book)
    assert any(m.startswith("data/cases/case-3.yaml") and "'stages'" in m and "first met in this order" in m for m in msgs), msgs


def test_case_with_unknown_weight_is_named(book: Path):
    path = book / "data/cases/case-1.yaml"
    text = path.read_text().replace("weight: boy-10y-p50", "weight: boy-99y")
    path.write_text(text)
    line = line_of(text, r"^weight: boy-99y$")
    assert f"data/cases/case-1.yaml, line {line}, field 'weight': no id 'boy-99y' in data/illustrative_weights.yaml" in errors_of(book)


def test_case_with_unknown_source_is_named(book: Path):
    path = book / "data/cases/case-1.yaml"
    text = path.read_text().replace("source: ma_thalidomide_mds_children", "source: nosuch2099", 1)
    path.write_text(text)
    line = line_of(text, r"^source: nosuch2099$")
    assert any(m.startswith(f"data/cases/case-1.yaml, line {line}, field 'source': unknown source key 'nosuch2099'") for m in errors_of(book))


def test_decision_to_a_missing_stage_is_named(book: Path):
    path = book / "data/cases/case-1.yaml"
    text = path.read_text().replace("goto: wait-first", "goto: wait-forever")
    path.write_text(text)
    msgs = errors_of(book)
    assert any(m.startswith("data/cases/case-1.yaml") and "'stages'" in m
               and "stage 'presentation': choice option 3 leads to 'wait-forever', which is not a stage id" in m
               for m in msgs), msgs


def test_unreachable_branch_and_unequal_routes_are_refused(book: Path):
    path = book / "data/cases/case-2.yaml"
    # the second option now leads to the first one's stage: 'aplastic-label' is left unreachable
    text = path.read_text().replace("goto: aplastic-label", "goto: marrow-and-breakage")
    path.write_text(text)
    msgs = errors_of(book)
    assert any("stage 'aplastic-label' is unreachable" in m for m in msgs), msgs
    # a branch that skips the work-up makes its route one stage shorter than the others
    doc = load(DATA / "cases/case-2.yaml")
    next(s for s in doc["stages"] if s["id"] == "chemo-first")["next"] = "decision"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    assert "next: decision" in path.read_text()
    msgs = errors_of(book)
    assert any("routes have different lengths (7, 8 stages)" in m for m in msgs), msgs


def test_unknown_lab_test_is_named_with_its_line(book: Path):
    path = book / "data/cases/case-3.yaml"
    text = path.read_text().replace("- {test: retic, value: 15}", "- {test: ferritin, value: 15}")
    path.write_text(text)
    line = line_of(text, r"test: ferritin")
    msgs = errors_of(book)
    assert any(m.startswith(f"data/cases/case-3.yaml, line {line}, field 'stage 1 (id presentation) › lab 6 › test': no id 'ferritin'")
               for m in msgs), msgs


# ------------------------------------------------------------------ a dropped-in case appears on the page
IGNORED = {"_build", ".venv", "node_modules", ".git", "live", ".pytest_cache", "__pycache__", ".ipynb_checkpoints"}
SMALL_TOC = """format: jb-book
root: chapters/3-clinical-efficacy/3.3-case-vignettes
chapters:
  - file: chapters/back/glossary
"""


@pytest.mark.build
def test_a_new_case_file_appears_on_the_built_page(tmp_path: Path):
    """Copy the book, add a valid fixture case, build only page 3.3 (and the glossary its terms link to)."""
    root = tmp_path / "book"
    shutil.copytree(ROOT, root, ignore=lambda d, names: [n for n in names if n in IGNORED])
    (root / ".venv").symlink_to(ROOT / ".venv")
    fixture = load(DATA / "cases/case-2.yaml")
    fixture["id"] = "case-9-fixture"
    fixture["title"] = "Fixture case: added by a test"
    (root / "data/cases/case-9-fixture.yaml").write_text(yaml.safe_dump(fixture, allow_unicode=True, sort_keys=False))
    (root / "_toc.yml").write_text(SMALL_TOC)
    env = {**os.environ, "PYTHONPATH": str(root)}
    py = str(ROOT / ".venv/bin/python")
    subprocess.run([py, "-m", "thalbook.data.validate"], cwd=root, env=env, check=True, capture_output=True, timeout=120)
    result = subprocess.run(
        [str(ROOT / ".venv/bin/jupyter-book"), "build", ".", "--builder", "html", "--keep-going"],
        cwd=root, env=env, capture_output=True, text=True, timeout=900, check=False,
    )
    page = root / "_build/html/chapters/3-clinical-efficacy/3.3-case-vignettes.html"
    assert page.is_file(), result.stdout[-3000:] + result.stderr[-3000:]
    html = page.read_text(encoding="utf-8")
    # the overview's table lists every case file; the steppers live on the case pages (3.3.1 ...)
    assert "Fixture case: added by a test" in html
    assert not re.findall(r'data-kind="stepper"', html)

"""Part 4 (thalbook.pages.safety): unit conversion, grading, the baseline rule, the decision table, capsule
arithmetic and the illustrative course; Python/JS parity under node; the widgets driven from Python.

Expected values come from hand arithmetic written next to each case, from CTCAE v5.0 and the teaching
decision table in the evidence note (safety.md), never from the code's own output.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thalbook.core import decision, dosing, lookup
from thalbook.core.calculator import calculate
from thalbook.data import dataset
from thalbook.pages import safety as s
from thalbook.widgets import Calculator, Lookup

STATIC = Path(__file__).resolve().parents[1] / "thalbook" / "widgets" / "static"
NODE = shutil.which("node") or "/usr/bin/node"
RULES = dataset().rows("dose_rules.yaml")
TOXICITIES = sorted({r.toxicity for r in RULES})
COUNT_TOX = {"neutropenia": "anc", "thrombocytopenia": "platelets", "anaemia": "haemoglobin"}
UNITS = {"anc": ("/mm³", "×10⁹/L"), "platelets": ("/mm³", "×10⁹/L"), "haemoglobin": ("g/dL", "g/L")}


# --------------------------------------------------------------------------- units and grades
@pytest.mark.parametrize(
    ("test", "value", "unit", "grade"),
    [
        # CTCAE v5.0: ANC grade 2 is < 1500 - 1000, grade 3 < 1000 - 500 (/mm³); 1.0 x10⁹/L = 1000 /mm³
        ("anc", "1000", "/mm³", 2),
        ("anc", "999", "/mm³", 3),
        ("anc", "1.0", "×10⁹/L", 2),
        ("anc", "1", "×10⁹/L", 2),
        ("anc", "0.999", "×10⁹/L", 3),
        ("anc", "500", "/mm³", 3),
        ("anc", "499", "/mm³", 4),
        ("anc", "0.499", "×10⁹/L", 4),
        # platelets grade 2 is < 75,000 - 50,000, grade 3 < 50,000 - 25,000
        ("platelets", "50000", "/mm³", 2),
        ("platelets", "49999", "/mm³", 3),
        ("platelets", "50", "×10⁹/L", 2),
        ("platelets", "49.999", "×10⁹/L", 3),
        ("platelets", "25000", "/mm³", 3),
        ("platelets", "24.999", "×10⁹/L", 4),
        # haemoglobin: grade 2 < 10.0 - 8.0 g/dL, grade 3 < 8.0; 10 g/dL = 100 g/L
        ("haemoglobin", "10", "g/dL", 1),
        ("haemoglobin", "9.9", "g/dL", 2),
        ("haemoglobin", "100", "g/L", 1),
        ("haemoglobin", "99", "g/L", 2),
        ("haemoglobin", "79", "g/L", 3),
    ],
)
def test_ctcae_boundaries_in_both_units(test, value, unit, grade):
    assert s.grade_lab(test, value, unit) == grade


@pytest.mark.parametrize(
    ("test", "value", "unit", "message"),
    [
        ("anc", "200", "×10⁹/L", "Enter a value from 0 to 100 ×10⁹/L."),  # 200 x10⁹/L is impossible
        ("anc", "-1", "/mm³", "Enter a value from 0 to 100000 /mm³."),
        ("platelets", "3000", "×10⁹/L", "Enter a value from 0 to 2000 ×10⁹/L."),
        ("haemoglobin", "95", "g/dL", "Enter a value from 0 to 25 g/dL."),  # 95 is g/L typed as g/dL
        ("anc", "abc", "/mm³", "Enter a number, for example 1200."),
    ],
)
def test_impossible_values_are_refused_with_a_message(test, value, unit, message):
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        s.grade_lab(test, value, unit)


def test_unit_conversion():
    assert dosing.to_base(1.0, 1000) == 1000  # 1.0 x10⁹/L = 1000 /mm³
    assert dosing.to_base(100, 0.1) == pytest.approx(10)  # 100 g/L = 10 g/dL


@settings(max_examples=300, deadline=None)
@given(test=st.sampled_from(["anc", "platelets", "haemoglobin"]), a=st.floats(0, 1), b=st.floats(0, 1))
def test_a_lower_count_never_gives_a_lower_grade(test, a, b):
    var = s.lab_variant(test)
    unit = var["units"][0]
    lo, hi = sorted((a * unit["max"], b * unit["max"]))
    assert s.grade_lab(test, repr(lo), unit["unit"]) >= s.grade_lab(test, repr(hi), unit["unit"])


def test_baseline_rule():
    assert lookup.baseline_verdict(3, None) == "none"
    assert lookup.baseline_verdict(3, 3) == "not-worse"  # same grade as before the first dose
    assert lookup.baseline_verdict(2, 3) == "not-worse"  # better
    assert lookup.baseline_verdict(4, 3) == "worse"  # worse by one
    assert lookup.baseline_verdict(4, 2, min_worse=2) == "worse"


# --------------------------------------------------------------------------- the decision table
@pytest.mark.parametrize("tox", TOXICITIES)
@pytest.mark.parametrize("grade", [1, 2, 3, 4])
@pytest.mark.parametrize("baseline", ["none", "worse", "not-worse"])
def test_every_toxicity_grade_cell_answers(tox, grade, baseline):
    rules = s.matching_rules(tox, grade, baseline=baseline)
    assert rules, f"{tox} grade {grade}: no rule and no 'no rule' row"
    for r in rules:
        assert r.no_rule or r.origin, r.id  # every rule shows its origin tags


@settings(max_examples=200, deadline=None)
@given(tox=st.sampled_from(TOXICITIES), g1=st.integers(1, 4), g2=st.integers(1, 4),
       baseline=st.sampled_from(["none", "worse", "not-worse"]))
def test_a_higher_grade_never_gives_a_lower_severity(tox, g1, g2, baseline):
    lo, hi = sorted((g1, g2))
    a = s.action_severity(tox, lo, baseline=baseline)
    b = s.action_severity(tox, hi, baseline=baseline)
    assert (a or 0) <= (b if b is not None else 4) or b is None and tox == "rash"


@settings(max_examples=300, deadline=None)
@given(tox=st.sampled_from(sorted(COUNT_TOX)), a=st.floats(0, 1), b=st.floats(0, 1), base=st.floats(0, 1))
def test_a_lower_count_never_gives_a_lower_severity_with_a_fixed_baseline(tox, a, b, base):
    test = COUNT_TOX[tox]
    unit = s.lab_variant(test)["units"][0]
    lo, hi = sorted((a * unit["max"], b * unit["max"]))
    bg = s.grade_lab(test, repr(base * unit["max"]), unit["unit"])

    def severity(v):
        g = s.grade_lab(test, repr(v), unit["unit"])
        if g == 0:
            return -1  # grade 0: no rule needed
        return s.action_severity(tox, g, v * unit["to_base"], lookup.baseline_verdict(g, bg))

    assert severity(lo) >= severity(hi)


def test_rules_by_hand_from_the_table():
    ids = lambda rules: [r.id for r in rules]  # noqa: E731
    # neuropathy grade 2 (symptomatic): the label's "stop if clinically appropriate" (stop, 4) and the
    # protocol's interrupt (3) both match; the strongest action is the label's
    g2 = s.matching_rules("peripheral-neuropathy", 2)
    assert ids(g2) == ["neuropathy-label", "neuropathy-g2-protocol"]
    assert decision.most_severe(g2).id == "neuropathy-label" and decision.most_severe(g2).severity == 4
    # grade 1 is asymptomatic: the label's symptom rule does not match
    assert ids(s.matching_rules("peripheral-neuropathy", 1)) == ["neuropathy-g1"]
    # ANC 600 /mm³ is grade 3 and below the label's 750: the L row (re-evaluate, 1) and the X row
    # (interrupt, 3); the rule applied is the interrupt, the stronger action
    g3 = s.matching_rules("neutropenia", 3, 600)
    assert ids(g3) == ["neutropenia-label-750", "neutropenia-g3"] and decision.most_severe(g3).id == "neutropenia-g3"
    # ANC 800 is grade 3 but not below 750: only the X row
    assert ids(s.matching_rules("neutropenia", 3, 800)) == ["neutropenia-g3"]
    # at the baseline grade the teaching rows are quiet, but the label row still shows (safety.md: the
    # baseline rule never hides a label row)
    assert ids(s.matching_rules("neutropenia", 3, 600, "not-worse")) == ["neutropenia-label-750", "neutropenia-baseline"]
    assert ids(s.matching_rules("neutropenia", 3, 800, "not-worse")) == ["neutropenia-baseline"]
    # with no count typed, the grade alone: CTCAE grade 3 neutropenia is 500 to below 1000/mm³ and so
    # may be below the label's 750; grade 2 (1000 to below 1500) never is
    assert "neutropenia-label-750" in ids(s.matching_rules("neutropenia", 3))
    assert "neutropenia-label-750" in ids(s.matching_rules("neutropenia", 4))
    assert "neutropenia-label-750" not in ids(s.matching_rules("neutropenia", 2))
    # rash grade 4: an explicit no-rule row, no severity
    r4 = s.matching_rules("rash", 4)
    assert ids(r4) == ["rash-g4-no-rule"] and decision.most_severe(r4) is None
    assert s.action_severity("sjs-ten", 1) == 4 and s.action_severity("anaemia", 4) == 0


def test_label_rows_are_not_verified_and_teaching_rows_illustrative():
    for r in RULES:
        if "L" in r.origin:
            assert (r.source, r.status, r.basis) == ("thalomid2023pi", "not verified", "secondary"), r.id
        elif not r.no_rule:
            assert r.status == "illustrative", r.id
    per_tox = {}
    for r in RULES:
        per_tox.setdefault(r.toxicity, set()).add(r.lab_test)
    assert all(len(v) == 1 for v in per_tox.values())


# --------------------------------------------------------------------------- the explorer spec (Python twin)
SPEC = s.dose_explorer_spec()


def test_explorer_spec_by_hand():
    lc = lookup.lookup_compute
    r = lc(SPEC, {"toxicity": "neutropenia", "grade": "1"}, "999", "/mm³")  # grade 3, not below 750
    assert (r["grade"], r["baseline"], r["rows"]) == (3, "none", ["neutropenia-g3"])
    r = lc(SPEC, {"toxicity": "neutropenia", "grade": "1"}, "0.749", "×10⁹/L")  # 749 /mm³: below 750 too
    assert (r["grade"], r["rows"]) == (3, ["neutropenia-label-750", "neutropenia-g3"])
    r = lc(SPEC, {"toxicity": "neutropenia", "grade": "1"}, "600", "/mm³", "800")  # 3 vs baseline 3
    assert (r["grade"], r["baseline_grade"], r["baseline"]) == (3, 3, "not-worse")
    assert r["rows"] == ["neutropenia-label-750", "neutropenia-baseline"]  # the label row is not hidden
    assert r["most_severe"] == "neutropenia-label-750"  # re-evaluate (1) is stronger than continue (0)
    r = lc(SPEC, {"toxicity": "neutropenia", "grade": "1"}, "700", "/mm³", "450")  # grade 3, baseline grade 4
    assert (r["grade"], r["baseline_grade"], r["baseline"]) == (3, 4, "not-worse")
    assert r["rows"] == ["neutropenia-label-750", "neutropenia-baseline"]  # a grade-4 start still meets the label
    r = lc(SPEC, {"toxicity": "neutropenia", "grade": "1"}, "0.4", "×10⁹/L", "0.8")  # 4 vs baseline 3
    assert (r["grade"], r["baseline"], r["most_severe"]) == (4, "worse", "neutropenia-g4")  # interrupt > re-evaluate
    assert r["rows"] == ["neutropenia-label-750", "neutropenia-g4"]
    r = lc(SPEC, {"toxicity": "thrombocytopenia", "grade": "1"}, "49999", "/mm³")
    assert r["grade"] == 3 and r["rows"] == ["thrombocytopenia-g3"]
    r = lc(SPEC, {"toxicity": "neutropenia", "grade": "2"}, "200", "×10⁹/L", "")
    assert r["error"] == "Enter a value from 0 to 100 ×10⁹/L." and r["grade"] is None
    assert r["rows"] == [] and r["most_severe"] is None  # an invalid value shows only its error
    r = lc(SPEC, {"toxicity": "neutropenia", "grade": "2"}, "600", "/mm³", "abc")
    assert r["baseline_error"] == "Enter a number, for example 1200." and r["baseline"] == "none"
    r = lc(SPEC, {"toxicity": "peripheral-neuropathy", "grade": "2"}, "600", "/mm³")
    assert r["grade"] is None and r["most_severe"] == "neuropathy-label"  # no numeric input here
    r = lc(SPEC, {"toxicity": "neutropenia", "grade": "4"}, "2000", "/mm³")
    assert r["grade"] == 0 and r["rows"] == []  # at or above the LLN: the empty text
    # CTCAE v5.0 grade 1 is "< LLN - 1500": with the illustrative LLN of 2000 /mm³, 1999 and 1500 are grade 1
    for typed in ("1999", "1500"):
        r = lc(SPEC, {"toxicity": "neutropenia", "grade": "4"}, typed, "/mm³")
        assert (r["grade"], r["rows"]) == (1, ["neutropenia-g1-2"])
    for bad in ("abc", "-1", "1,000"):  # invalid input: the error alone, no card
        r = lc(SPEC, {"toxicity": "neutropenia", "grade": "3"}, bad, "/mm³")
        assert r["error"] and r["rows"] == [] and r["most_severe"] is None, bad
    r = lc(SPEC, {"toxicity": "neutropenia", "grade": "3"}, "", "/mm³")  # an empty box: the chosen grade
    # grade 3 (500 to below 1000/mm³) may be below the label's 750, so its row shows with the teaching row
    assert r["error"] is None and r["rows"] == ["neutropenia-label-750", "neutropenia-g3"]
    # "any grade" rows match without a grade, and the grade selector is hidden for them
    r = lc(SPEC, {"toxicity": "thromboembolism", "grade": "0"})
    assert r["rows"] == ["thromboembolism-any"]
    grade_sel = next(x for x in SPEC["selectors"] if x["name"] == "grade")
    assert {"sjs-ten", "thromboembolism", "bradycardia", "pregnancy"} == set(grade_sel["hide_when"]["toxicity"])


def _node(script: str, payload):
    prelude = "let raw = ''; for await (const c of process.stdin) raw += c;\nconst input = JSON.parse(raw);\n"
    imports = (f"import * as calc from '{(STATIC / 'calculator.js').as_uri()}';\n"
               f"import * as lookup from '{(STATIC / 'lookup.js').as_uri()}';\n")
    r = subprocess.run([NODE, "--input-type=module", "-e", imports + prelude + script], input=json.dumps(payload),
                       capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def _lookup_grid():
    cases = []
    values = {
        "/mm³": ["", "abc", "-1", "0", "499", "500", "749", "750", "999", "1000", "1499", "1500", "24999", "25000",
                 "49999", "50000", "74999", "75000", "149999", "150000", "100001", "2000001"],
        "×10⁹/L": ["0.499", "0.5", "0.749", "0.75", "0.999", "1", "1.0", "1.5", "49.999", "50", "75", "101", "150", "2001"],
        "g/dL": ["7.9", "8", "9.9", "10", "11.4", "11.5", "26"],
        "g/L": ["79", "80", "99", "100", "115", "251"],
    }
    baselines = ["", "800", "0.8", "40000", "40", "9", "90", "abc", "-5"]
    for tox, _label, test in s.toxicities():
        for grade in ["1", "2", "3", "4"]:
            units = UNITS.get(test, ("/mm³",))
            for unit in units:
                for v in values[unit] if test else ["", "600"]:
                    for b in baselines if test else [""]:
                        cases.append([{"toxicity": tox, "grade": grade}, v, unit, b])
    return cases


def test_lookup_parity_on_a_grid():
    cases = _lookup_grid()
    out = _node(f"const spec = {json.dumps(SPEC)};\n"
                "console.log(JSON.stringify(input.map(([sel, v, u, b]) => lookup.lookupCompute(spec, sel, v, u, b))));",
                cases)
    assert len(out) == len(cases) > 1000
    for case, js in zip(cases, out):
        py = lookup.lookup_compute(SPEC, *case)
        assert js == py, case


def test_lookup_without_baseline_option_is_unchanged():
    """The ctcae explorer has no numeric.baseline: no baseline keys, same answers as before."""
    from thalbook.pages.common import ctcae_spec

    spec = Lookup(ctcae_spec()).spec
    cases = [[{"test": t}, v, u] for t in ("anc", "platelets") for v in ("999", "1000", "0.999", "abc", "") for u in ("/mm³", "×10⁹/L")]
    out = _node(f"const spec = {json.dumps(spec)};\n"
                "console.log(JSON.stringify(input.map(([sel, v, u]) => lookup.lookupCompute(spec, sel, v, u))));", cases)
    for case, js in zip(cases, out):
        assert "baseline" not in js
        assert js == lookup.lookup_compute(spec, *case), case


# --------------------------------------------------------------------------- capsule arithmetic
CAPS = Calculator(s.capsule_spec()).spec


def calc(weight, mgkg, weeks):
    return calculate(CAPS, {"weight": weight, "mgkg": mgkg, "weeks": weeks})


def test_capsules_by_hand():
    # 20 kg x 2.5 mg/kg/day = 50 mg/day: one capsule a day; alternate days 1 or 3 capsules per 2 days
    out = calc("20", "2.5", "12")["outputs"]
    assert out["daily"].startswith("50.0 mg/day calculated")
    # 2.5 is the top of the Crohn's range (1.5-2.5) and the bottom of the thalassaemia range (2.5-4)
    assert out["range"].startswith("2.5 mg/kg/day: within the range reported in Crohn") and "thalassaemia" in out["range"]
    assert out["daily_schedules"] == "1 × 50 mg every day: 50 mg/day"
    assert out["alternate_schedules"] == ("50 mg every other day: average 25 mg/day; "
                                          "50 mg and 100 mg on alternate days: average 75 mg/day")
    assert out["given"] == "1 × 50 mg every day: 50 mg/day on average. 1.00 times the calculated dose."
    assert out["hazard"].startswith("For 50 mg/day (the nearest whole-capsule schedule): 50 to 99 mg/day: relative hazard 2.62")
    assert "%" not in out["hazard"]
    assert out["cumulative"] == "4.2 g over 12 weeks of the nearest whole-capsule schedule"  # 50 x 7 x 12 = 4200 mg
    assert out["cumulative_flag"].startswith("Not past about 28 g")
    # 32.1 kg x 1.5 = 48.15 mg/day -> 48.2 (half up); whole capsules give 50 mg/day (gap 1.85; 25 and 75 are
    # further), so the band is the one of 50 mg/day, not the reference band of the arithmetic's 48.15
    out = calc("32.1", "1.5", "4")["outputs"]
    assert out["daily"].startswith("48.2 mg/day")
    assert out["hazard"].startswith("For 50 mg/day (the nearest whole-capsule schedule): 50 to 99 mg/day: relative hazard 2.62")
    # 15 kg x 2 = 30 mg/day: the nearest schedule is 50 mg every other day (25 mg/day; 25/30 = 0.83)
    out = calc("15", "2", "1")["outputs"]
    assert out["daily_schedules"] == "1 × 50 mg every day: 50 mg/day"
    assert out["alternate_schedules"].startswith("50 mg every other day: average 25 mg/day")
    assert out["given"] == "50 mg every other day: 25 mg/day on average. 0.83 times the calculated dose."
    assert out["cumulative"] == "175 mg over 1 week of the nearest whole-capsule schedule"  # 25 x 7; not "0.2 g"
    # 60 kg x 2.5 = 150 mg/day: 3 capsules; alternate: 5 or 7 per 2 days (2+3 -> 125, 3+4 -> 175)
    out = calc("60", "2.5", "1")["outputs"]
    assert out["daily_schedules"] == "3 × 50 mg every day: 150 mg/day"
    assert out["alternate_schedules"] == ("100 mg and 150 mg on alternate days: average 125 mg/day; "
                                          "150 mg and 200 mg on alternate days: average 175 mg/day")


def test_a_schedule_far_above_the_calculated_dose_is_said_in_words():
    # 5 kg x 1 mg/kg/day = 5 mg/day; the least whole 50 mg capsules give is 25 mg/day on average (one
    # capsule every other day), 5 times the calculated dose; one capsule a day would be 10 times
    out = calc("5", "1", "1")["outputs"]
    assert out["given"] == ("50 mg every other day: 25 mg/day on average. Even the smallest whole-capsule schedule "
                            "(50 mg every other day, 25 mg/day on average) is 5.0 times the calculated dose: "
                            "whole 50 mg capsules cannot give it.")
    assert out["daily_schedules"] == "1 × 50 mg every day: 50 mg/day"
    # 1 mg/kg/day is below both published paediatric ranges (Crohn's from 1.5, thalassaemia from 2.5)
    assert out["range"] == "1 mg/kg/day: below every published paediatric range in the book's sources (none is from MDS)"
    out = calc("30", "5", "1")["outputs"]  # 5 mg/kg/day: above thalassaemia's 4
    assert out["range"].endswith("above every published paediatric range in the book's sources (none is from MDS)")


@pytest.mark.parametrize(
    ("daily", "hazard"),
    # the top band starts AT 150 mg/day (the book's choice; the source's edge is not confirmed)
    [(149, 6.16), (150, 9.57), (151, 9.57), (49, 1), (50, 2.62), (99, 2.62), (100, 6.16)],
)
def test_hazard_band_edges(daily, hazard):
    assert dosing.hazard_band(daily, CAPS["params"]["bands"])["value"] == hazard


@pytest.mark.parametrize(
    ("weeks", "flag"),
    # 40 kg x 2.5 = 100 mg/day = 0.7 g a week: 40 weeks 28.0 g (not past), 41 -> 28.7, 85 -> 59.5, 86 -> 60.2
    [("40", "Not past about 28 g"), ("41", "Past about 28 g"), ("85", "Past about 28 g"), ("86", "Past about 60 g")],
)
def test_cumulative_thresholds(weeks, flag):
    out = calc("40", "2.5", weeks)["outputs"]
    assert flag in out["cumulative_flag"]
    assert ("Past about 60 g" in out["cumulative_flag"]) == (weeks == "86")


@pytest.mark.parametrize(
    ("weight", "mgkg", "weeks", "field", "message"),
    [
        ("0", "2", "4", "weight", "Enter a weight above 0 kg."),
        ("-5", "2", "4", "weight", "Enter a value from 0 to 150."),
        ("151", "2", "4", "weight", "Enter a value from 0 to 150."),
        ("abc", "2", "4", "weight", "Enter a number."),
        ("30", "-1", "4", "mgkg", "Enter a value from 0 to 10."),
        ("30", "0", "4", "mgkg", "Enter a dose above 0 mg/kg/day."),
        ("30", "", "4", "mgkg", "Enter a value."),
        ("30", "2", "1.5", "weeks", "Enter a whole number."),
        ("30", "2", "0", "weeks", "Enter a value from 1 to 520."),
    ],
)
def test_out_of_range_input_gives_a_message_never_a_number(weight, mgkg, weeks, field, message):
    r = calc(weight, mgkg, weeks)
    assert r["outputs"] == {} and r["errors"][field] == message


def test_capsule_parity_on_a_grid():
    weights = ["", "abc", "-1", "0", "0.1", "1", "10", "20.3", "32.1", "51.2", "75.5", "149", "150", "151"]
    doses = ["", "-0.1", "0", "0.5", "1", "1.5", "1.6", "2", "2.5", "3.3", "4", "9.9", "10", "10.1"]
    weeks = ["0", "1", "12", "40", "41", "86", "520", "521", "2.5"]
    cases = [{"weight": w, "mgkg": d, "weeks": k} for w in weights for d in doses for k in weeks]
    out = _node(f"const spec = {json.dumps(CAPS)};\n"
                "console.log(JSON.stringify(input.map((i) => calc.calculate(spec, i))));", cases)
    assert len(out) == len(cases)
    numbers = 0
    for case, js in zip(cases, out):
        py = calculate(CAPS, case)
        assert js == py, case
        numbers += bool(py["outputs"])
    assert numbers > 300


# --------------------------------------------------------------------------- the illustrative course
def test_course_by_hand():
    steps = s.simulate_course()
    # week: ANC grade vs baseline 3, neuropathy grade -> dose (teaching rule: 3 interrupt, then resume lower)
    assert [st_["week"] for st_ in steps] == [0, 1, 2, 3, 4, 8, 12]
    assert [st_["dose_mg"] for st_ in steps] == [50, 50, 0, 25, 25, 25, 0]
    # cumulative before each check: 0; 50x7=350 mg; 700; 700 (interrupted); +25x7=875; +25x28=1575; +25x28=2275
    assert [round(st_["cumulative_g"], 3) for st_ in steps] == [0, 0.35, 0.7, 0.7, 0.875, 1.575, 2.275]
    w2 = steps[2]
    # week 1: ANC 700 is grade 3 like the baseline's 800, but below the label's 750: the label row applies
    # (re-evaluate), the dose stays, and the line says so
    w1 = steps[1]
    assert [(lab["grade"], lab["verdict"]) for lab in w1["labs"]] == [(3, "not-worse"), (3, "not-worse")]
    assert w1["top"].id == "neutropenia-label-750" and w1["state"] == "on" and w1["dose_mg"] == 50
    assert w1["action"].startswith("Label: re-evaluate")
    # week 2: ANC 450 is grade 4, worse: the label row and the X row (interrupt) match; interrupt is applied,
    # and the dose line agrees (0 mg, interrupted)
    assert [(lab["grade"], lab["verdict"]) for lab in w2["labs"]] == [(4, "worse"), (3, "not-worse")]
    assert {r.id for r in w2["rules"]} >= {"neutropenia-label-750", "neutropenia-g4"}
    assert w2["top"].id == "neutropenia-g4" and w2["state"] == "interrupted" and w2["action"].startswith("Interrupt")
    assert steps[3]["action"] == "Resume one dose level lower."
    assert steps[5]["top"].id == "neuropathy-g1" and steps[6]["top"].id == "neuropathy-label"
    assert steps[6]["state"] == "stopped"


def test_checks_in_week_follow_the_schedule():
    ids = lambda w: [c.id for c in s.checks_in_week(w)]  # noqa: E731
    assert "baseline-fbc" in ids(0) and "early-fbc" not in ids(0)
    assert "early-fbc" in ids(3) and "monthly-fbc-neuro" not in ids(3)
    assert ids(12) == ["neuro-exam-label", "monthly-fbc-neuro", "monthly-pregnancy", "long-course-ncs"]  # label exam, months 1-3
    assert ids(10) == []


# --------------------------------------------------------------------------- widgets driven from Python (live)
def test_explorer_widget_from_python():
    w = s.dose_explorer()
    assert w.selection == {"toxicity": "neutropenia", "grade": "1"} and w.unit == "/mm³"
    assert 'class="tb-baseline"' in w.html and "not a prescribing guide" in w.spec["title"]
    for sel, value, unit, base, grade, verdict in [
        ({"toxicity": "neutropenia", "grade": "1"}, "999", "/mm³", "", 3, "none"),
        ({"toxicity": "neutropenia", "grade": "1"}, "0.45", "×10⁹/L", "0.8", 4, "worse"),
        ({"toxicity": "thrombocytopenia", "grade": "1"}, "50", "×10⁹/L", "40", 2, "not-worse"),
    ]:
        w.selection, w.value, w.unit, w.baseline = sel, value, unit, base
        st_ = w.state()
        assert (st_["selection"], st_["value"], st_["unit"], st_["baseline"]) == (sel, value, unit, base)
        r = lookup.lookup_compute(w.spec, w.selection, w.value, w.unit, w.baseline)
        assert (r["grade"], r["baseline"]) == (grade, verdict)


def test_capsule_widget_from_python():
    w = s.capsule_calculator()
    assert w.inputs == {} and "not a prescribing guide" in w.spec["title"]
    assert "No paediatric MDS dose exists" in w.spec["note_html"] and "not established under 12 years" in w.spec["note_html"]
    assert "Crohn" in w.spec["note_html"]
    w.inputs = {"weight": "20", "mgkg": "2.5", "weeks": "12"}
    assert calculate(w.spec, w.inputs)["outputs"]["cumulative"] == "4.2 g over 12 weeks of the nearest whole-capsule schedule"


def test_course_stepper_and_figures():
    w = s.course_stepper()
    stages = w.spec["stages"]
    assert len(stages) == 7 and stages[2]["title"] == "Week 2: Second weekly check"
    # from week 1 the reader decides; the right option is the table's answer, worked out by hand from
    # course.yaml and dose_rules.yaml: ANC 700 below the label's 750 (re-evaluate), ANC 450 grade 4 worse
    # than baseline (interrupt), recovery (resume one level lower), at baseline (continue), neuropathy
    # grade 1 (closer checks), neuropathy grade 2 with the label row (stop)
    picked = [next(o["text"] for o in st_["question"]["options"] if o["correct"]) for st_ in stages[1:]]
    assert picked == ["Continue, with closer checks", "Interrupt the drug for now", "Go one dose level lower",
                      "Continue at the same dose", "Continue, with closer checks", "Stop the drug for good"]
    assert "question" not in stages[0]
    q2 = stages[2]["question"]
    assert "Action:" not in stages[2]["body_html"] and "0 mg/day (interrupted)" not in stages[2]["body_html"]
    # the table's answer, written once for every option: shown (stepper.js) once the question is answered
    assert "0 mg/day (interrupted)" in stages[2]["reveal_html"]
    assert 'class="tb-stage-reveal" data-qid="course-week-2"' in w.html
    assert q2["options"][0]["feedback_html"].startswith("<p>Milder than the table's answer (interrupt the drug for now)")
    assert q2["options"][4]["feedback_html"].startswith("<p>Stronger than the table's answer (interrupt the drug for now)")
    # label rows are never hidden: week 2 lists the label's re-evaluate row beside the applied X row
    assert "Also matching: Label: re-evaluate" in stages[2]["reveal_html"]
    # the first dose line says, in that line, that the level is invented and no paediatric MDS dose exists
    first = next(line for line in stages[0]["body_html"].split("</p>") if "Dose for the coming weeks" in line)
    assert "50 mg/day" in first and "invented for teaching" in first and "no paediatric MDS dose exists" in first
    assert "350 mg" in stages[1]["body_html"] and "0.0" not in stages[1]["body_html"]  # 50 x 7 before week 1
    assert "25 mg/day (50 mg on alternate days, illustrative level)" in stages[3]["reveal_html"]
    assert all("not a prescribing guide" in st_["body_html"] for st_ in stages)
    fig = s.cumulative_dose_figure().fig
    assert fig["data"][0]["y"] == [0, 0.35, 0.7, 0.7, 0.875, 1.575, 2.275]
    tl = s.monitoring_figure()
    assert len(tl.fig["data"]) == len({c.when for c in dataset().rows("monitoring.yaml")})

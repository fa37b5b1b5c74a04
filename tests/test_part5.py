"""Pages 5.1-5.3 (thalbook.pages.part5): the citation data against the appraisal, its validation, the trial-size
arithmetic against hand calculation and statsmodels, the JS twin under node, and the widgets from Python.

Expected values never come from the code under test: the references' identities and the "listed but never
cited" set are taken from ../shared/evidence/review-appraisal.md (section 2, restated in REVIEW_APPRAISAL
below), sample sizes from hand arithmetic written beside each case, intervals from
statsmodels.stats.proportion.proportion_confint(method="wilson").
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
import yaml
from conftest import data_errors
from statsmodels.stats.proportion import proportion_confint
from test_parity import node

import thalbook as tb
from thalbook.core.calculator import CALCULATORS, calculate, sample_size_calc
from thalbook.core.stats import (
    Z95,
    normal_sample_size,
    sample_size_for_precision,
    smallest_n_for_half_width,
    wilson_half_width,
    wilson_interval,
    wilson_interval_for_proportion,
    z_for_confidence,
)
from thalbook.pages.part5 import (
    citations,
    cited_by,
    name_matches,
    never_cited,
    sample_size_rows,
    sample_size_spec,
    tracer_cards,
    tracer_spec,
)
from thalbook.widgets import Calculator, Lookup, Quiz

ROOT = Path(__file__).resolve().parents[1]

# review-appraisal.md §2: number -> (first author as listed, a real paper?, a word its subject must name)
REVIEW_APPRAISAL = {
    1: ("Palumbo", True, "myeloma"),
    2: ("List", True, "lenalidomide"),
    3: ("Singhal", True, "myeloma"),
    4: ("Chen", False, None),
    5: ("Verma", False, None),
    6: ("Hasle", False, None),
    7: ("Yoshida", False, None),
    8: ("Wei", False, None),
    9: ("Imamura", False, None),
}
# "The body cites only [1]-[3]; [4]-[9] are listed but never cited."
NEVER_CITED = [4, 5, 6, 7, 8, 9]
# "The text cites 'Smith et al.' [1], 'Chen et al.' [2], 'Siegel et al.' [3]"
TEXT_NAMES = {"Smith": 1, "Chen": 2, "Siegel": 3}


def bib_statuses() -> dict[str, str]:
    """key -> status, read from data/references.bib with a regex of its own (not thalbook.data)."""
    text = (ROOT / "data/references.bib").read_text(encoding="utf-8")
    out = {}
    for m in re.finditer(r"^@\w+\{([^,]+),(.*?)^\}", text, re.MULTILINE | re.DOTALL):
        status = re.search(r"^\s*status\s*=\s*\{([^}]*)\}", m.group(2), re.MULTILINE)
        out[m.group(1).strip()] = status.group(1)
    return out


# --------------------------------------------------------------------------- the citation data
def test_references_match_the_appraisal():
    doc = citations()
    assert [r.number for r in doc.references] == list(range(1, 10))
    for r in doc.references:
        first, real, subject = REVIEW_APPRAISAL[r.number]
        assert r.first_author == first and r.found is real
        assert r.as_listed.startswith(first)
        if real:
            assert subject in (r.topic + r.reports).lower()
            assert "mds" not in r.topic.lower() or r.number == 2  # only [2] is about MDS, and it is lenalidomide
        else:
            assert r.status == "not found" and "not found as cited" in r.reports.lower()
    assert "thalidomide" not in citations().references[1].topic  # [2] is a lenalidomide trial


def test_reference_keys_and_statuses_equal_the_bib():
    bib = bib_statuses()
    for r in citations().references:
        assert r.source in bib
        assert r.status == bib[r.source]
    assert [r.source for r in citations().references[3:]] == [
        "review_ref4_chen2006", "review_ref5_verma2012", "review_ref6_hasle2016",
        "review_ref7_yoshida2018", "review_ref8_wei2006", "review_ref9_imamura2009"]
    assert {"palumbo2011multiple", "list2006lenalidomide", "singhal1999antitumor"} == {
        r.source for r in citations().references[:3]}


def test_never_cited_and_name_matches_as_the_appraisal_says():
    doc = citations()
    assert never_cited(doc) == NEVER_CITED
    by = cited_by(doc)
    assert all(by[n] for n in (1, 2, 3))
    for name, number in TEXT_NAMES.items():
        claims = [c for c in doc.claims if c.named_author == name]
        assert claims and all(c.cites == [number] for c in claims)
    # the text's "Chen" matches the first author of the listed [4], not of [2]
    assert name_matches(doc, "Chen") == [4]
    assert name_matches(doc, "Smith") == [] and name_matches(doc, "Siegel") == []


def test_claim_quotes_are_the_reviews_words():
    review = (ROOT.parent / "shared/review/000_c1467c9250d3cfe5.txt")
    text = re.sub(r"\s+", " ", review.read_text(encoding="utf-8")) if review.is_file() else None
    for c in citations().claims:
        quotes = re.findall(r"“([^”]+)”", c.quote)
        assert quotes and all(len(q.split()) <= 30 for q in quotes)
        if text is not None:
            for q in quotes:
                assert q in text, q


# --------------------------------------------------------------------------- validation of bad data
def _edit(path: Path, old: str, new: str) -> int:
    """Replace the first `old` in the file; return its (1-based) line."""
    text = path.read_text(encoding="utf-8")
    i = text.index(old)
    path.write_text(text[:i] + new + text[i + len(old):], encoding="utf-8")
    return text.count("\n", 0, i) + 1


def test_claim_citing_an_unlisted_reference_is_named(book: Path):
    line = _edit(book / "data/citations.yaml", "cites: [3]", "cites: [10]")
    hit = [e for e in data_errors(book) if e.path == "data/citations.yaml"]
    assert len(hit) == 1 and hit[0].line == line and hit[0].column == "claims[3].cites[0]"
    assert "no reference [10]" in hit[0].message


def test_reference_with_unknown_key_or_wrong_status_is_named(book: Path):
    p = book / "data/citations.yaml"
    line_key = _edit(p, "source: review_ref7_yoshida2018", "source: review_ref7_nobody")
    line_status = _edit(p, "source: list2006lenalidomide\n    status: verified", "source: list2006lenalidomide\n    status: not found") + 1
    errs = {(e.line, e.column): e.message for e in data_errors(book) if e.path == "data/citations.yaml"}
    assert "unknown source key 'review_ref7_nobody'" in errs[(line_key, "references[6].source")]
    assert "expected 'verified'" in errs[(line_status, "references[1].status")]


def test_references_out_of_order_and_bad_flag_are_named(book: Path):
    p = book / "data/citations.yaml"
    line = _edit(p, "number: 5", "number: 6")
    flag = _edit(p, "appraisal: ch5-survival", "appraisal: ch5-nothing")
    errs = {(e.line, e.column): e.message for e in data_errors(book) if e.path == "data/citations.yaml"}
    assert "expected 5" in errs[(line, "references[4].number")]
    assert "no id 'ch5-nothing'" in errs[(flag, "claims[2].appraisal")]


def test_long_claim_quote_is_refused(book: Path):
    p = book / "data/citations.yaml"
    line = _edit(p, "quote: \"Table 1: “Smith", "quote: \"Table 1: “" + "word " * 31 + "Smith")
    hit = [e for e in data_errors(book) if e.path == "data/citations.yaml"]
    assert hit and hit[0].line == line and "more than 30 words" in hit[0].message


def test_use_naming_a_missing_study_row_is_named(book: Path):
    line = _edit(book / "data/other_uses.yaml", "      outcome: clinical remission", "      outcome: cure")
    errs = [e for e in data_errors(book) if e.path == "data/other_uses.yaml"]
    # the error points at the row's `counts` field, two lines above the edited outcome
    assert len(errs) == 1 and errs[0].line == line - 2 and errs[0].column == "counts[0]"
    assert "no row (lazzerini2013, cure, itt, thalidomide arm) in data/studies.csv" in errs[0].message


def test_two_default_half_widths_are_named(book: Path):
    line = _edit(book / "data/trial_planning.yaml", "  value: 20\n  unit: percentage points\n",
                 "  value: 20\n  unit: percentage points\n  default: true\n") + 2
    errs = [e for e in data_errors(book) if e.path == "data/trial_planning.yaml"]
    assert [(e.column, e.line) for e in errs] == [("default", line), ("default", next(
        i + 1 for i, t in enumerate((book / "data/trial_planning.yaml").read_text().splitlines())
        if t == "  default: true" and i + 1 > line))]
    assert all("exactly one default row of kind 'half-width', got 2" in e.message for e in errs)


def test_unit_that_does_not_fit_the_kind_is_named(book: Path):
    line = _edit(book / "data/trial_planning.yaml", "  value: 90\n  unit: \"%\"", "  value: 90\n  unit: percentage points") + 1
    errs = [e for e in data_errors(book) if e.path == "data/trial_planning.yaml"]
    assert len(errs) == 1 and (errs[0].line, errs[0].column) == (line, "unit")
    assert "a confidence row is in '%'" in errs[0].message


# --------------------------------------------------------------------------- trial size by hand
def test_wilson_30_of_100_by_hand_and_statsmodels():
    # p = 0.3, n = 100, z² = 3.8415: centre = (0.3 + 3.8415/200) / 1.038415 = 0.30740;
    # half = 1.96 * sqrt(0.0021 + 3.8415/40000) / 1.038415 = 0.08845 -> 21.89% to 39.58%
    low, high = wilson_interval(30, 100)
    assert low == pytest.approx(0.21895, abs=5e-5) and high == pytest.approx(0.39585, abs=5e-5)
    ref = proportion_confint(30, 100, alpha=0.05, method="wilson")
    assert (low, high) == pytest.approx(ref, abs=1e-12)
    assert wilson_half_width(0.3, 100) == pytest.approx((high - low) / 2, abs=1e-12)
    assert wilson_interval_for_proportion(0.3, 100) == pytest.approx((low, high), abs=1e-15)


def test_smallest_n_for_30_percent_within_10_points_by_hand():
    # h(n) = 1.96 * sqrt(0.21/n + 3.8415/(4n²)) / (1 + 3.8415/n)
    # n = 77: sqrt(0.0027273 + 0.0001620) = 0.053752 -> 0.105351 / 1.049890 = 0.10035 > 0.10
    # n = 78: sqrt(0.0026923 + 0.0001579) = 0.053387 -> 0.104636 / 1.049250 = 0.09972 <= 0.10  => 78
    assert wilson_half_width(0.3, 77) == pytest.approx(0.10035, abs=5e-5)
    assert wilson_half_width(0.3, 78) == pytest.approx(0.09972, abs=5e-5)
    assert smallest_n_for_half_width(0.3, 0.10) == 78
    # normal approximation: 3.8415 * 0.21 / 0.01 = 80.67 -> 81 (the cross-check bound, a little above)
    assert normal_sample_size(0.3, 0.10) == 81


@pytest.mark.parametrize("p, d, z, n", [
    (0.3, 0.20, Z95, 18),  # h(17) = 0.24540/1.225971 = 0.20017 > 0.2; h(18) = 0.23708/1.213417 = 0.19538
    # p = 0.5: h(n) = z / (2 sqrt(n + z²)) <= d  <=>  n >= (z/2d)² - z²
    (0.5, 0.10, Z95, 93),  # 96.04 - 3.84 = 92.20 -> 93
    (0.5, 0.05, Z95, 381),  # 384.15 - 3.84 = 380.31 -> 381
    (0.5, 0.10, 2.5758293035489, 160),  # 99%: 165.87 - 6.63 = 159.24 -> 160
])
def test_smallest_n_by_hand(p, d, z, n):
    assert smallest_n_for_half_width(p, d, z) == n
    assert wilson_half_width(p, n, z) <= d < wilson_half_width(p, n - 1, z)


def test_sample_size_agrees_with_statsmodels_brute_force():
    # independent route: the first n whose statsmodels Wilson interval (at count p*n) is at most 2d wide
    for p in (0.05, 0.1, 0.3, 0.5, 0.7, 0.95):
        for d in (0.05, 0.1, 0.15, 0.2, 0.3):
            n = 1
            while True:
                lo, hi = proportion_confint(p * n, n, alpha=0.05, method="wilson")
                if (hi - lo) / 2 <= d + 1e-12:
                    break
                n += 1
            assert sample_size_for_precision(p, d) == n, (p, d)
            if 0.3 <= p <= 0.7:  # near the middle the Wilson interval is the narrower, so fewer children
                assert normal_sample_size(p, d) >= n


def test_half_width_falls_with_n_and_quadruples_roughly():
    for p in (0.0, 0.1, 0.3, 0.5, 1.0):
        hs = [wilson_half_width(p, n) for n in range(1, 400)]
        assert all(a > b for a, b in zip(hs, hs[1:]))
    n10, n5 = sample_size_for_precision(0.3, 0.10), sample_size_for_precision(0.3, 0.05)
    assert 3.5 < n5 / n10 < 4.5


def test_z_for_confidence():
    assert z_for_confidence(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert z_for_confidence(0.90) == pytest.approx(1.644854, abs=1e-6)
    assert z_for_confidence(0.99) == pytest.approx(2.575829, abs=1e-6)


@pytest.mark.parametrize("args", [(1.2, 0.1), (-0.1, 0.1), (0.3, 0), (0.3, 1), (0.3, float("nan")), ("0.3", 0.1), (True, 0.1)])
def test_sample_size_refuses_bad_input(args):
    with pytest.raises(ValueError):
        smallest_n_for_half_width(*args)


def test_impossible_precision_gives_none():
    assert smallest_n_for_half_width(0.5, 0.001, n_max=1000) is None


# --------------------------------------------------------------------------- the calculator from Python
SPEC = sample_size_spec()


def test_calculator_spec_comes_from_data():
    rows = yaml.safe_load((ROOT / "data/trial_planning.yaml").read_text(encoding="utf-8"))
    defaults = {r["kind"]: r["value"] for r in rows if r.get("default")}
    assert SPEC["start"] == {"rate": str(defaults["expected-rate"]), "half_width": str(defaults["half-width"]),
                             "confidence": str(defaults["confidence"])}
    assert [lv["level"] for lv in SPEC["params"]["levels"]] == [r["value"] for r in rows if r["kind"] == "confidence"]
    assert {r["status"] for r in rows} == {"illustrative"}


def test_calculator_outputs_by_hand():
    assert sample_size_calc({"rate": 30, "half_width": 10, "confidence": 95}, SPEC) == {"outputs": {
        "n": "78 children",
        # statsmodels at count 23.4 of 78: (0.20966, 0.40911)
        "interval": "21.0% to 40.9% (half-width 9.97 points)",
        "normal": "81 children"}}
    out = sample_size_calc({"rate": 50, "half_width": 10, "confidence": 99}, SPEC)["outputs"]
    assert out["n"] == "160 children" and out["normal"] == "166 children"  # 6.635 * 0.25 / 0.01 = 165.9 -> 166
    assert sample_size_calc({"rate": 30, "half_width": 10, "confidence": 97}, SPEC) == {
        "errors": {"confidence": "Choose one of 90, 95, 99."}}
    assert CALCULATORS["sample_size"]({"rate": 30, "half_width": 20, "confidence": 95}, SPEC)["outputs"]["n"] == "18 children"


def test_calculator_driven_from_python():
    w = tb.sample_size_calculator()
    assert isinstance(w, Calculator) and w.dom_id == "tbw-calculator-sample-size"
    assert w.inputs == {"rate": "30", "half_width": "10", "confidence": "95"}
    assert calculate(w.spec, w.inputs)["outputs"]["n"] == "78 children"
    w.inputs = {"rate": "30", "half_width": "20", "confidence": "95"}
    assert calculate(w.spec, w.inputs)["outputs"]["n"] == "18 children"
    assert w.state()["inputs"]["half_width"] == "20"
    for inputs, field, msg in [
        ({"rate": "0", "half_width": "10", "confidence": "95"}, "rate", "Enter a value from 1 to 99."),
        ({"rate": "30", "half_width": "abc", "confidence": "95"}, "half_width", "Enter a number."),
        ({"rate": "30", "half_width": "60", "confidence": "95"}, "half_width", "Enter a value from 1 to 50."),
        ({"rate": "30", "half_width": "10", "confidence": "97"}, "confidence", "Choose one of 90, 95, 99."),
    ]:
        w.inputs = inputs
        assert calculate(w.spec, w.inputs) == {"outputs": {}, "errors": {field: msg}}
    assert 'value="30"' in w.static_html()


def test_sample_size_table_rows():
    rows = {r["half_width"]: r for r in sample_size_rows()}
    assert rows[10]["n"] == 78 and rows[20]["n"] == 18 and rows[10]["normal"] == 81
    assert rows[15]["normal"] == 36  # 3.8415 * 0.21 / 0.0225 = 35.85 -> 36
    html = tb.sample_size_table()._repr_html_()
    assert "tb-status-derived" in html and ">10 points</td>" in html and "±" not in html
    # the Wilson interval is not symmetric: at n = 78 it runs 21.0% to 40.9%, 10.9 points above 30% and 9.0
    # below; the half-width (half the total width, 9.95) is what stays within 10 (issue 16's worked example)
    assert "21.0% to 40.9%" in html


# --------------------------------------------------------------------------- JS twin under node
def test_sample_size_calculator_parity_on_typed_texts():
    rates = ["", "30", "1", "99", "50", "12.5", "0", "100", "abc", " 30 "]
    widths = ["", "10", "1", "50", "2.5", "0.5", "51", "x"]
    confs = ["95", "90", "99", "97", "", "95.0"]
    cases = [{"rate": r, "half_width": w, "confidence": c} for r in rates for w in widths for c in confs]
    out = node(f"const spec = {json.dumps(SPEC)};\n"
               "console.log(JSON.stringify(input.map((i) => calc.calculate(spec, i))));", cases)
    for case, js in zip(cases, out):
        assert js == calculate(SPEC, case), case


# --------------------------------------------------------------------------- the citation tracer from Python
def test_tracer_by_claim_from_python():
    w = tb.citation_tracer()
    assert isinstance(w, Lookup) and w.dom_id == "tbw-lookup-citation-tracer-claims"
    doc = citations()
    assert w.selection == {"claim": doc.claims[0].id}
    for c in doc.claims:
        w.selection = {"claim": c.id}
        cards = tracer_cards(w.spec, w.selection["claim"])
        if c.cites:
            assert cards == [f"{c.id}-claim", *(f"{c.id}-ref{n}{s}" for n in c.cites for s in ("", "-reports")), f"{c.id}-verdict"]
        else:
            assert cards == [f"{c.id}-claim", f"{c.id}-noref", f"{c.id}-verdict"]
    chen = next(r for r in w.spec["rows"] if r["id"] == "haematology-chen-ref2")
    assert "the first author of [2] is <strong>List</strong>" in chen["body_html"] and "[4], Chen 2006" in chen["body_html"]


def test_tracer_by_reference_from_python():
    w = tb.citation_tracer("reference", start=4)
    assert w.dom_id == "tbw-lookup-citation-tracer-references" and w.selection == {"reference": "4"}
    spec = w.spec
    for n in range(1, 10):
        assert tracer_cards(spec, str(n)) == [f"ref{n}-entry", f"ref{n}-reports", f"ref{n}-cited"]
        cited = next(r for r in spec["rows"] if r["id"] == f"ref{n}-cited")
        assert ("Listed but never cited" in cited["body_html"]) is (n in NEVER_CITED)
    four = next(r for r in spec["rows"] if r["id"] == "ref4-cited")
    assert "<strong>Chen et al.</strong>" in four["body_html"] and "citing [2] instead" in four["body_html"]
    with pytest.raises(ValueError):
        tracer_spec("author")


def test_tracer_twin_reads_in_order_and_escapes():
    html = tb.citation_tracer().static_html()
    order = [m.group(1) for m in re.finditer(r'class="tb-card" data-row="([^"]+)"', html)]
    doc = citations()
    assert order[:4] == ["mechanisms-smith-claim", "mechanisms-smith-ref1", "mechanisms-smith-ref1-reports", "mechanisms-smith-verdict"]
    assert len(order) == sum(4 if c.cites else 3 for c in doc.claims)
    assert "<script>" not in html.split('class="thalbook-state"')[0]
    assert html.count("tb-status-not-found") >= 1


def test_tables_from_data():
    t1 = tb.table1_traced()._repr_html_()
    for c in citations().claims:
        assert c.verdict in t1
    refs = tb.reference_list_table()._repr_html_()
    assert refs.count("listed but never cited") == len(NEVER_CITED)
    assert refs.count("not found as cited") == len(NEVER_CITED)
    uses = yaml.safe_load((ROOT / "data/other_uses.yaml").read_text(encoding="utf-8"))
    html = tb.other_uses_table()._repr_html_()
    assert html.count("<tr>") == len(uses) + 1
    for u in uses:
        assert f'tb-status-{u["status"].replace(" ", "-")}' in html
    assert "United States, since 1998" in html and "European Union" in html
    assert "13/28" in html and "3/26" in html  # Lazzerini 2013 as printed, from studies.csv
    issues = tb.open_issues_table()._repr_html_()
    assert issues.count("teaching proposal") == len(yaml.safe_load((ROOT / "data/open_issues.yaml").read_text()))


def test_glue_values(monkeypatch):
    import myst_nb

    glued = {}
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display=False: glued.__setitem__(name, str(value)))
    tb.glue_citations()
    tb.glue_planning()
    assert glued["cite-never"] == "[4] to [9] (derived)" and glued["cite-cited"] == "3 of 9 (derived)"
    assert glued["plan-n-10"] == "78 children (derived)" and glued["plan-normal-10"] == "81 children (derived)"
    # the review's 27 children: h = 1.96 sqrt(0.21/27 + 3.8415/2916) / 1.14228 = 0.18692/1.14228 = 16.4 points
    assert glued["plan-review-halfwidth"] == "16.4 percentage points, half the interval's total width (derived)"
    assert glued["plan-review-n"] == "27 children (not found)"


def test_part5_quiz():
    q = tb.quiz("part5")
    data = yaml.safe_load((ROOT / "data/quizzes/part5.yaml").read_text(encoding="utf-8"))
    assert isinstance(q, Quiz) and q.dom_id == "tbw-quiz-part5"
    assert [x["id"] for x in q.spec["questions"]] == [x["id"] for x in data["questions"]]
    assert all(sum(o["correct"] for o in x["options"]) == 1 for x in q.spec["questions"])


def test_wilson_half_width_math_identity_holds_on_a_grid():
    for n in range(1, 60):
        for x in range(n + 1):
            lo, hi = wilson_interval(x, n)
            if 0 < x < n:
                assert math.isclose((hi - lo) / 2, wilson_half_width(x / n, n), abs_tol=1e-12)

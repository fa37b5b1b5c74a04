"""Pages 3.1-3.2 (thalbook.pages.part3): pure functions against hand arithmetic, the JS twin under node, the
page-level tables from data, and the widgets driven from Python (the kernel side of the live book).

Expected values are worked out by hand in the comments, never copied from the code's output.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction

import pytest
import yaml
from test_parity import node

import thalbook as tb
from thalbook.core.calculator import CALCULATORS, calculate, percent_counts_calc
from thalbook.core.counts import kaplan_meier, percent_counts, percent_decimals, survival_at
from thalbook.pages.part3 import evidence_rows, km_summary
from thalbook.widgets import Calculator, LinkedFigure

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


# --------------------------------------------------------------------------- Kaplan-Meier by hand
def test_kaplan_meier_small_example_by_hand():
    # times 1, 2+, 3, 3, 4+, 5 (+ = censored). At risk 6 at t=1: 1 death -> 5/6.
    # t=2: 1 censored, no death -> 5/6; at risk 4 at t=3: 2 deaths -> 5/6 * 2/4 = 5/12.
    # t=4: censored; at risk 1 at t=5: 1 death -> 0.
    steps = kaplan_meier([1, 2, 3, 3, 4, 5], [1, 0, 1, 1, 0, 1])
    assert [(s["time"], s["at_risk"], s["events"], s["censored"]) for s in steps] == [
        (1, 6, 1, 0), (2, 5, 0, 1), (3, 4, 2, 0), (4, 2, 0, 1), (5, 1, 1, 0)]
    assert [s["survival"] for s in steps] == [Fraction(5, 6), Fraction(5, 6), Fraction(5, 12), Fraction(5, 12), 0]
    assert survival_at(steps, 0.5) == 1 and survival_at(steps, 3.5) == Fraction(5, 12)


def test_kaplan_meier_tie_counts_deaths_before_censoring():
    # two patients at t=2: one dies, one censored; both at risk for the death: 3 at risk -> 2/3
    steps = kaplan_meier([2, 2, 7], [True, False, False])
    assert steps[0]["at_risk"] == 3 and steps[0]["survival"] == Fraction(2, 3)
    assert steps[1]["at_risk"] == 1 and steps[1]["survival"] == Fraction(2, 3)


def test_kaplan_meier_without_censoring_is_the_crude_proportion():
    # no censoring: 10 patients, 3 deaths by t=5 -> 7/10 exactly
    steps = kaplan_meier(list(range(1, 11)), [1, 1, 1] + [0] * 7)
    assert survival_at(steps, 5) == Fraction(7, 10)


@pytest.mark.parametrize("times, events", [([], []), ([1, 2], [1]), ([-1], [1]), ([float("nan")], [1]),
                                           (["3"], [1]), ([1], [2]), ([1], [0.5]), ("12", "10"), ([True], [1])])
def test_kaplan_meier_refuses_bad_input(times, events):
    with pytest.raises(ValueError):
        kaplan_meier(times, events)


def test_worked_example_data_gives_61_percent_not_a_count_of_22():
    """data/km_example.yaml, by hand: deaths at 3, 5, 8, 11, 14 months leave 17/22; censored at 18, 22, 26
    (14 at risk); deaths at 30, 38, 47 multiply by 13/14 * 12/13 * 11/12 = 11/14. At 60 months:
    17/22 * 11/14 = 187/308 = 17/28 = 60.71%, printed 61%; 13/22 = 59.1% and 14/22 = 63.6%."""
    rows = yaml.safe_load((ROOT / "data/km_example.yaml").read_text())
    assert len(rows) == 22 and {r["status"] for r in rows} == {"illustrative"}
    s = km_summary()
    assert s["survival"] == Fraction(17, 28)
    assert s["deaths"] == 8 and s["censored_early"] == 3 and s["followed"] == 11
    assert round(100 * 17 / 28) == 61
    assert all(round(100 * x / 22) != 61 for x in range(23))
    assert percent_counts(22, 61) == []


# --------------------------------------------------------------------------- percentage checker by hand
@pytest.mark.parametrize("n, pct, expected", [
    (27, 64, []),            # 17/27 = 62.96%, 18/27 = 66.67%: neither within 63.5..64.5
    (27, 63, [17]),          # 62.96% is within 62.5..63.5
    (22, 61, []),            # 13/22 = 59.09%, 14/22 = 63.64%
    (83, 19, [16]),          # Raza ITT: 16/83 = 19.28%
    (51, 31, [16]),          # Raza evaluable: 16/51 = 31.37%
    (8, 12.5, [1]),          # one decimal: 12.45..12.55, 1/8 = 12.5% exactly
    (8, 13, [1]),            # 12.5 is on the edge 12.5..13.5: included (half a unit, inclusive)
    (148, 67, [99]),         # MDS-003: 99/148 = 66.89%
    (1, 0, [0]), (1, 100, [1]),
    (200, 0.5, [1]),         # 1/200 = 0.5% exactly; 0/200 = 0 and 2/200 = 1.0 fall outside 0.45..0.55
    (3, 33.3, [1]),          # 1/3 = 33.33%: within 33.25..33.35
    (3, 33.33, [1]),
    (3, 33.4, []),           # 33.35..33.45: 33.333 is outside
])
def test_percent_counts_by_hand(n, pct, expected):
    assert percent_counts(n, pct) == expected


def test_percent_counts_many_fit_in_a_large_group():
    # 64% of 10000: 63.5..64.5 inclusive -> 6350..6450, i.e. 101 counts
    xs = percent_counts(10000, 64)
    assert xs[0] == 6350 and xs[-1] == 6450 and len(xs) == 101


@pytest.mark.parametrize("p, d", [(64, 0), (64.0, 0), (63.5, 1), (12.25, 2), (0.125, 3), (0.0625, None), (33.3333, None)])
def test_percent_decimals(p, d):
    assert percent_decimals(p) == d


@pytest.mark.parametrize("n, p", [(0, 50), (10001, 50), (2.5, 50), (27, -1), (27, 101), (27, float("nan")),
                                  (27, 12.3456), (True, 50), ("27", 64)])
def test_percent_counts_refuses_bad_input(n, p):
    with pytest.raises(ValueError):
        percent_counts(n, p)


def test_percent_calc_texts():
    assert percent_counts_calc({"n": 27, "percent": 64}) == {"outputs": {
        "verdict": "No whole number of 27 gives 64%.", "counts": "none",
        "nearest": "17/27 = 63.0%; 18/27 = 66.7%"}}
    assert percent_counts_calc({"n": 27, "percent": 63})["outputs"]["counts"] == "17/27"
    assert percent_counts_calc({"n": 27, "percent": 63})["outputs"]["verdict"] == "1 whole count of 27 gives 63%."
    assert percent_counts_calc({"n": 10000, "percent": 64})["outputs"]["counts"] == "6350/10000 to 6450/10000"
    assert percent_counts_calc({"n": 27, "percent": 1.2345}) == {
        "errors": {"percent": "Give the percentage with at most 3 decimals."}}
    assert CALCULATORS["percent_counts"] is percent_counts_calc


# --------------------------------------------------------------------------- JS twin under node
def test_percent_counts_parity_grid():
    cases = [[n, p] for n in (*range(1, 41), 83, 97, 148, 1000, 10000) for p in (0, 0.5, 5, 12.5, 13, 19, 31, 33.3, 50,
                                                                               61, 63, 64, 66.7, 99.9, 100)]
    invalid = [[0, 5], [10001, 5], [2.5, 5], [5, -1], [5, 101], [5, 1.23456]]
    out = node("console.log(JSON.stringify(input.map(([n, p]) => calc.percentCounts(n, p))));", cases + invalid)
    for (n, p), js in zip(cases + invalid, out):
        try:
            py = percent_counts(n, p)
        except ValueError:
            py = None
        assert js == py, (n, p, js, py)


PCT_SPEC = tb.percent_checker().spec


def test_percent_calculator_parity_on_typed_texts():
    ns = ["", "27", "22", "8", "1", "10000", "10001", "0", "2.5", "abc", " 83 "]
    ps = ["", "64", "63", "61", "12.5", "64.0", "0.125", "1.2345", "-0", "100", "101", "-1", "abc", "1e1", " 19 "]
    cases = [{"n": n, "percent": p} for n in ns for p in ps]
    out = node(
        f"const spec = {json.dumps(PCT_SPEC)};\n"
        "console.log(JSON.stringify(input.map((i) => calc.calculate(spec, i))));",
        cases,
    )
    for case, js in zip(cases, out):
        assert js == calculate(PCT_SPEC, case), case


# --------------------------------------------------------------------------- kernel side: the same controls from Python
def test_percent_checker_driven_from_python():
    w = tb.percent_checker()
    assert isinstance(w, Calculator) and w.spec["fn"] == "percent_counts"
    assert w.dom_id == "tbw-calculator-percent-counts"
    grid = {("27", "64"): ("No whole number of 27 gives 64%.", "none"),
            ("27", "63"): ("1 whole count of 27 gives 63%.", "17/27"),
            ("22", "61"): ("No whole number of 22 gives 61%.", "none"),
            ("83", "19"): ("1 whole count of 83 gives 19%.", "16/83"),
            ("51", "31"): ("1 whole count of 51 gives 31%.", "16/51")}
    for (n, p), (verdict, counts) in grid.items():
        w.inputs = {"n": n, "percent": p}
        assert w.inputs == {"n": n, "percent": p}
        r = calculate(w.spec, w.inputs)
        assert r["errors"] == {} and r["outputs"]["verdict"] == verdict and r["outputs"]["counts"] == counts
        assert w.state()["inputs"] == {"n": n, "percent": p}
    for n, p, field, msg in [("0", "64", "n", "Enter a value from 1 to 10000."),
                             ("27", "abc", "percent", "Enter a number."),
                             ("27.5", "64", "n", "Enter a whole number."),
                             ("27", "120", "percent", "Enter a value from 0 to 100."),
                             ("27", "1.2345", "percent", "Give the percentage with at most 3 decimals.")]:
        w.inputs = {"n": n, "percent": p}
        assert calculate(w.spec, w.inputs) == {"outputs": {}, "errors": {field: msg}}


def test_response_figure_driven_from_python():
    f = tb.response_figure()
    assert isinstance(f, LinkedFigure) and f.state == "itt"

    def xs():  # the markers' positions by trial (the text-only trace says "no count" and has no marker)
        return {y: x for tr in f.figure.data if tr.mode == "markers" for x, y in zip(tr.x, tr.y)}

    def ticks():
        return list(f.figure.layout.yaxis.ticktext)

    trials = ["Raza 2001", "Bouscary 2005", "Moreno-Aspitia 2006", "GFM 2004 (abstract)", "Taiwan 2012"]  # data/studies.csv
    assert list(f.figure.layout.yaxis.categoryarray) == trials
    assert "Raza 2001 (16/83)" in ticks() and "Raza 2001 (16/51)" not in ticks()
    assert xs()["Raza 2001"] == 19.3  # 16/83 = 19.28%
    f.state = "evaluable"
    assert list(f.figure.layout.yaxis.categoryarray) == trials  # the same trials in both views
    assert "Raza 2001 (16/51)" in ticks() and "Raza 2001 (16/83)" not in ticks()
    assert xs()["Raza 2001"] == 31.4  # 16/51 = 31.37%: the marker moved along its row
    assert "Taiwan 2012" not in xs()  # 17/60 is an ITT count: no evaluable count is printed
    f.state = "itt"
    assert xs()["Raza 2001"] == 19.3


# --------------------------------------------------------------------------- tables from data
def test_evidence_table_rows_and_statuses():
    recs = {(r["study"], r["definition"].split(":")[0], r["population"]): r for r in evidence_rows()}
    raza = recs[("Raza 2001", "haematologic improvement", "adults with MDS")]
    assert raza["enrolled"] == 83 and raza["evaluable"] == 51
    assert raza["responders"] == ["16/83 (19%) intention to treat", "16/51 (31%) evaluable"]
    assert raza["stops"] == ["32/83 stopped before 12 weeks (verified)"]
    bousc = recs[("Bouscary 2005", "haematologic improvement", "adults with lower-risk MDS")]
    assert bousc["stops"] == ["22/39 stopped for adverse events (verified)"] and bousc["evaluable"] == 39
    assert recs[("GFM 2004 (abstract)", "erythroid response", "adults with MDS")]["statuses"] == ["not verified"]
    assert recs[("Taiwan 2012", "response", "adults with MDS")]["statuses"] == ["not verified"]
    assert not any("children" in r["population"] for r in evidence_rows())
    html = tb.evidence_table()._repr_html_()
    for h in ("Population", "Enrolled", "Evaluable", "Responders (as printed)", "Dose", "Response definition",
              "Stops or toxicity as reported (each names its outcome)", "Source", "Status", "Basis"):
        assert f'<th scope="col">{h}</th>' in html
    assert html.count('tb-status-not-verified">not verified</span>') >= 2
    assert "<script" not in html


def test_tables_escape_data(monkeypatch):
    import thalbook.pages.part3 as p3

    real = p3.dataset()

    class Fake:
        def rows(self, name):
            rows = real.rows(name)
            if name == "mds_comparison.yaml":
                rows = [rows[0].model_copy(update={"text": "<img src=x onerror=alert(1)>"})] + rows[1:]
            return rows

    monkeypatch.setattr(p3, "dataset", lambda: Fake())
    html = p3.mds_comparison_table()._repr_html_()
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_mds_comparison_table_has_both_sides_with_status():
    rows = yaml.safe_load((ROOT / "data/mds_comparison.yaml").read_text())
    features = {r["feature"] for r in rows}
    html = tb.mds_comparison_table()._repr_html_()
    for f in features:
        assert f"<strong>{f}</strong>" in html
    assert all({r["group"] for r in rows if r["feature"] == f} == {"children", "adults"} for f in features)
    assert "Monosomy 7" in html and "tb-status-not-found" in html and "not covered" not in html


def test_neuropathy_table_keeps_population_dose_duration():
    html = tb.neuropathy_table()._repr_html_()
    body = re.findall(r"<tr><td[^>]*>(.*?)</td>", html)
    assert body == ["Bramuzzo 2017", "Lazzerini 2007", "Liew 2016"]
    assert html.count("(not MDS)</td>") == 3 and "72.5% (no count printed)" in html and "7/28 (25%)" in html and "9/16" in html
    assert "1.5 to 2.5 mg/kg/day" in html


def test_km_figure_steps_and_text_alternative():
    fo = tb.km_figure()
    line = fo.fig["data"][0]
    assert line["line"]["shape"] == "hv" and line["y"][0] == 100.0
    # 17/22 = 77.3% after the fifth death; 17/28 = 60.7% after the last death before 60 months
    assert 77.3 in line["y"] and 60.7 in line["y"]
    assert fo.fig["data"][2]["x"] == [60] and fo.fig["data"][2]["y"] == [60.7]
    html = fo.static_html()
    assert "illustrative" in html and "<summary>Text alternative</summary>" in html and "60.7%" in html


def test_km_steps_table_shows_the_arithmetic():
    html = tb.km_steps_table()._repr_html_()
    assert "21/22" in html and "11/12" in html and "17/28 = 60.7%" in html and "1 (no death)" in html

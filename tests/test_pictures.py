"""Pictures drawn from data (thalbook/pages/pictures.py): what they say, checked against the data files
read here with yaml, and their text alternatives."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import yaml

import thalbook as tb
from thalbook.pages.pictures import history_events

DATA = Path(__file__).resolve().parents[1] / "data"


def _circles(markup: str) -> tuple[list[float], list[float]]:
    """cy of the filled dots (main route) and of the open dots (other choices), in drawing order."""
    filled = [float(y) for y in re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)" r="5" fill="currentColor"/>', markup)]
    open_ = [float(y) for y in re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)" r="5" fill="none"', markup)]
    return filled, open_


def test_case_timeline_in_time_order_with_the_choices_beside_the_main_route():
    case = yaml.safe_load((DATA / "cases/case-1.yaml").read_text(encoding="utf-8"))
    options = next(s for s in case["stages"] if s.get("choice"))["choice"]["options"]
    fig = tb.case_timeline("case-1")
    # by hand from case-1.yaml: the main route (first choice: the marrow) at weeks 0, 1, 3, 4, 4, 10, 17; the
    # other two choices lead to week 8 (eight weeks of thalidomide) and week 4 (a month of waiting); the
    # appraisal has no week
    assert fig.plain.splitlines() == [
        "Week 0: Presentation.",
        "Here you choose between 3 options; the first is drawn as the main route, and the stage each other option "
        "leads to is drawn beside it.",
        "Week 1: Your choice: the marrow, examined in the first week.",
        "Week 3: Work-up.",
        "Week 4: Treatment decision.",
        "Week 4 (treatment starts): The dose in mg/kg.",
        f"Week 4 (a month), if you choose “{options[2]['text']}” instead: Your choice: transfuse and wait a month.",
        f"Week 8, if you choose “{options[1]['text']}” instead: Your choice: eight weeks of thalidomide before any marrow.",
        "Week 10: Course and monitoring.",
        "Week 17 (three months of treatment): Outcome.",
    ]
    m = fig.markup
    # to scale: every dot's distance from week 0 is its week times one scale
    filled, open_ = _circles(m)
    weeks_main, weeks_other = [0, 1, 3, 4, 4, 10, 17], [4, 8]
    assert len(filled) == len(weeks_main) and len(open_) == len(weeks_other)
    scale = (filled[-1] - filled[0]) / 17
    assert scale > 5
    for y, w in zip(filled + open_, weeks_main + weeks_other):
        assert abs(y - filled[0] - w * scale) < 0.01, (y, w)
    assert m.count('stroke-dasharray="5 4"') == 1  # one dashed line: where the choice leaves the main route
    assert 'role="img" aria-labelledby="timeline-case-1-title timeline-case-1-desc"' in m
    assert "(illustrative times)</title>" in m and "the times are illustrative (the review gives no dates)" in m
    assert "<details class=\"tb-figure-alt\"><summary>Text alternative</summary><ol>" in m
    assert 'fill="#' not in m and 'stroke="#' not in m  # dark mode: the page's text colour only
    assert "<script" not in m and "http" not in m.replace("http://www.w3.org/2000/svg", "")


def test_case_timeline_text_fits_a_phone():
    """Every label line is at most 38 characters: at 14 px in a 400-unit box shown 320 px wide, about 250 px
    from x = 86, inside the box."""
    for ident in ("case-1", "case-2", "case-3"):
        m = tb.case_timeline(ident).markup
        lines = re.findall(r'<tspan x="86" y="[\d.]+"[^>]*>([^<]*)</tspan>', m)
        assert lines and max(len(t) for t in lines) <= 38, max(lines, key=len)
        assert float(re.search(r'viewBox="0 0 400 ([\d.]+)"', m).group(1)) < 1000


def test_history_timeline_from_the_dated_facts():
    facts = yaml.safe_load((DATA / "facts.yaml").read_text(encoding="utf-8"))
    years = sorted(f["value"] for f in facts if f.get("unit") == "year")
    assert years == [1957, 1961, 1998, 2006]  # the dated facts as the file holds them
    assert [int(f.value) for f in history_events()] == years
    fig = tb.history_timeline()
    assert fig.plain.splitlines()[0].startswith("1957: year thalidomide was first sold as a sedative")
    assert "(status not verified)" in fig.plain.splitlines()[0]
    assert '<title id="history-title">Thalidomide from 1957 to 2006</title>' in fig.markup


def test_pregnancy_timeline_from_the_monitoring_table():
    rows = yaml.safe_load((DATA / "monitoring.yaml").read_text(encoding="utf-8"))
    pregnancy = sorted((r for r in rows if "pregnan" in r["label"].lower()), key=lambda r: r["start_week"])
    # baseline tests (week 0), weekly tests (weeks 1-4), every 4 weeks (from week 8), after stopping (week 26)
    assert [r["start_week"] for r in pregnancy] == [0, 1, 8, 26]
    fig = tb.pregnancy_timeline()
    lines = fig.plain.splitlines()
    assert len(lines) == 4 and lines[0].startswith("baseline: Two pregnancy tests before the first dose")
    assert lines[-1].startswith("after stopping: No pregnancy for 4 more weeks")
    assert all("origin L; status not verified" in line for line in lines)
    assert ">week 26<" in fig.markup and "not a prescribing guide" in fig.markup


def _blood_rows() -> dict[tuple[str, str], dict]:
    rows = yaml.safe_load((DATA / "blood_counts.yaml").read_text(encoding="utf-8"))
    return {(r["condition"], r["line"]): r for r in rows}


def test_blood_count_picture_cells_come_from_the_data():
    rows = _blood_rows()
    # a full grid: 3 conditions x (3 blood lines + marrow)
    assert sorted({c for c, _ in rows}) == ["DBA", "MDS", "aplastic anaemia"]
    assert sorted({ln for _, ln in rows}) == ["marrow", "platelets", "red cells", "white cells"]
    assert len(rows) == 12
    # DBA agrees with the verified definition in diseases.csv (Vlachos 2008): red cells only
    with (DATA / "diseases.csv").open(encoding="utf-8") as f:
        dba = next(r for r in csv.DictReader(f) if r["disease"] == "DBA" and r["attribute"] == "what")
    assert "pure red cell aplasia" in dba["value"] and "white cells and platelets are usually normal" in dba["value"]
    assert [rows[("DBA", ln)]["level"] for ln in ("red cells", "white cells", "platelets")] == ["low", "normal", "normal"]
    assert {rows[("DBA", ln)]["source"] for ln in ("red cells", "white cells", "platelets")} == {dba["source"]}
    # childhood MDS marrow: the same fact, source and status as the 3.1 comparison
    marrow = next(r for r in yaml.safe_load((DATA / "mds_comparison.yaml").read_text(encoding="utf-8"))
                  if r["id"] == "marrow-children")
    assert "hypocellular" in marrow["text"].lower() and "hypocellular" in rows[("MDS", "marrow")]["text"].lower()
    assert (rows[("MDS", "marrow")]["source"], rows[("MDS", "marrow")]["status"]) == (marrow["source"], marrow["status"])
    # the evidence notes hold no checked source on aplastic anaemia, so none of its cells may claim one
    assert {rows[("aplastic anaemia", ln)]["status"] for ln in ("red cells", "white cells", "platelets", "marrow")} == {
        "not verified"}
    fig = tb.blood_count_picture()
    lines = fig.plain.splitlines()
    assert len(lines) == 12  # one sentence per cell: the text alternative leaves none out
    for (c, ln), r in rows.items():
        assert any(s.startswith(f"{c}, ") and f": {r['level']}. {r['text']} (status {r['status']})." in s
                   for s in lines), (c, ln)
    m = fig.markup
    assert 'role="img" aria-labelledby="blood-counts-title blood-counts-desc"' in m
    assert "<details class=\"tb-figure-alt\"><summary>Text alternative</summary><ol>" in m
    assert m.count("[not verified]") == 8 and m.count("[verified]") == 4  # every cell prints its status
    for level in ("LOW", "NORMAL", "OFTEN LOW"):  # the level in words, never colour alone
        assert f">{level}</tspan>" in m
    assert 'fill="currentColor"' in m and 'fill="#' not in m and 'stroke="#' not in m  # dark mode: theme colour only
    assert "<script" not in m and "http" not in m.replace("http://www.w3.org/2000/svg", "")

"""Pictures drawn from data (thalbook/pages/pictures.py): what they say, checked against the data files
read here with yaml, and their text alternatives."""

from __future__ import annotations

import csv
from pathlib import Path

import yaml

import thalbook as tb
from thalbook.pages.pictures import history_events

DATA = Path(__file__).resolve().parents[1] / "data"


def test_case_route_map_names_every_stage_and_every_choice():
    case = yaml.safe_load((DATA / "cases/case-2.yaml").read_text(encoding="utf-8"))
    fig = tb.case_route_map("case-2")
    lines = fig.plain.splitlines()
    main = [s for s in case["stages"] if not s.get("branch")]
    options = next(s for s in case["stages"] if s.get("choice"))["choice"]["options"]
    # 7 main-line stages + one line per option of the decision
    assert len(lines) == len(main) + len(options) == 10
    assert lines[0] == "Stage 1: Presentation."
    assert lines[1].startswith(f"Stage 2, if you choose “{options[0]['text']}”: ")
    assert lines[-1] == "Stage 8: Appraisal."
    m = fig.markup
    assert 'role="img" aria-labelledby="route-case-2-title route-case-2-desc"' in m
    assert "<title id=\"route-case-2-title\">The route through Case 2" in m
    assert m.count('stroke-dasharray="6 4"') == len(options)  # one dashed box per branch
    assert "<details class=\"tb-figure-alt\"><summary>Text alternative</summary><ol>" in m
    assert "<script" not in m and "http" not in m.replace("http://www.w3.org/2000/svg", "")


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

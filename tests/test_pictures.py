"""Pictures drawn from data (thalbook/pages/pictures.py): what they say, checked against the data files
read here with yaml, and their text alternatives."""

from __future__ import annotations

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

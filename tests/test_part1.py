"""Part 1 (pages 1.1-1.4), kernel side: the counting functions with hand-computed values, the comparison
table's data, and the part 1 quiz driven from Python (set traits, assert state)."""

from __future__ import annotations

import csv
import html
import json
import re
from pathlib import Path
from types import SimpleNamespace as NS

import pytest
import yaml

from thalbook.pages import part1
from thalbook.pages.common import quiz
from thalbook.pages.part1 import (
    GROUPS,
    QUESTIONS,
    comparison_rows,
    disease_comparison,
    evidence_cells,
    evidence_map_figure,
    render_value,
    study_patients,
)

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
QUIZ = yaml.safe_load((DATA / "quizzes/part1.yaml").read_text(encoding="utf-8"))


def study(study_id, enrolled, drug="thalidomide", label=None):
    return NS(study_id=study_id, enrolled=enrolled, drug=drug, study_label=label or study_id)


def entry(entry_id, study_id, question, age, disease, kind="study", status="verified"):
    return NS(entry_id=entry_id, study_id=study_id, question=question, age_group=age, disease=disease, kind=kind, status=status)


# ------------------------------------------------------------------ study_patients
def test_study_patients_takes_the_largest_enrolled_and_skips_placebo_arms():
    rows = [study("a", 83), study("a", 83), study("b", 42), study("b", 30), study("b", 72),
            study("c", 28), study("c", 26, drug="placebo"), study("d", None)]
    assert study_patients(rows, "a") == 83
    assert study_patients(rows, "b") == 72  # the two risk groups (42 + 30) are the 72 enrolled
    assert study_patients(rows, "c") == 28  # thalidomide arm only
    assert study_patients(rows, "d") is None
    with pytest.raises(KeyError):
        study_patients(rows, "zzz")


# ------------------------------------------------------------------ evidence_cells on a small example
def test_evidence_cells_small_example():
    studies = [study("a", 10), study("b", 5), study("c", None), study("d", 7)]
    rows = [
        entry("a1", "a", "thalidomide: benefit", "adults", "MDS"),
        entry("b1", "b", "thalidomide: benefit", "adults", "MDS", status="not verified"),
        entry("c1", "c", "thalidomide: benefit", "adults", "MDS"),
        entry("a2", "a", "thalidomide: harms", "adults", "MDS"),
        entry("d1", "d", "transplant: survival", "children", "MDS"),
        entry("s1", None, "thalidomide: benefit", "children", "DBA", kind="search", status="not found"),
    ]
    cells = evidence_cells(rows, studies)
    assert len(cells) == len(QUESTIONS) * len(GROUPS) == 16
    c = cells[("thalidomide: benefit", ("adults", "MDS"))]
    # by hand: studies a, b, c = 3; patients 10 + 5 = 15; c has no count
    assert (c.studies, c.patients, c.without_count, c.kind) == (3, 15, 1, "mixed")
    assert c.text() == "3 studies, 15 patients (+1 without a count); 1 not verified"
    h = cells[("thalidomide: harms", ("adults", "MDS"))]
    assert (h.studies, h.patients, h.kind, h.text()) == (1, 10, "verified", "1 study, 10 patients")
    s = cells[("thalidomide: benefit", ("children", "DBA"))]
    assert (s.studies, s.searches, s.kind, s.text()) == (0, 1, "none found", "none found (not found)")
    assert cells[("lenalidomide: benefit", ("children", "DBA"))].kind == "not mapped"


def test_evidence_cells_rejects_a_study_listed_twice_and_cells_off_the_map():
    studies = [study("a", 10)]
    twice = [entry("a1", "a", "thalidomide: benefit", "adults", "MDS"), entry("a2", "a", "thalidomide: benefit", "adults", "MDS")]
    with pytest.raises(ValueError, match="twice"):
        evidence_cells(twice, studies)
    with pytest.raises(ValueError, match="outside the map"):
        evidence_cells([entry("x", "a", "thalidomide: benefit", "adults", "DBA")], studies)


# ------------------------------------------------------------------ the book's own data, by hand
EXPECTED = {
    # from data/studies.csv 'enrolled', added by hand:
    # Raza 83 + Bouscary 47 + Moreno-Aspitia 72 + GFM 82 + Taiwan 60 = 344 (GFM and Taiwan not verified)
    ("thalidomide: benefit", ("adults", "MDS")): (5, 344, 0, "mixed"),
    # Raza 83 + Bouscary 47 + Moreno-Aspitia 72 = 202
    ("thalidomide: harms", ("adults", "MDS")): (3, 202, 0, "verified"),
    # List 148; Fenaux prints percentages only
    ("lenalidomide: benefit", ("adults", "MDS")): (2, 148, 1, "verified"),
    # Strahm 97
    ("transplant: survival", ("children", "MDS")): (1, 97, 0, "verified"),
    # Lazzerini 2013 thalidomide arm 28 (placebo arm 26 left out)
    ("thalidomide: benefit", ("children", "other")): (1, 28, 0, "verified"),
    # Bramuzzo 142 + Lazzerini 2007 28 + Liew 16 = 186 (Lazzerini 2007 not verified)
    ("thalidomide: harms", ("children", "other")): (3, 186, 0, "mixed"),
    ("thalidomide: benefit", ("children", "MDS")): (0, 0, 0, "none found"),
    ("thalidomide: harms", ("children", "MDS")): (0, 0, 0, "none found"),
    ("thalidomide: benefit", ("children", "DBA")): (0, 0, 0, "none found"),
    ("thalidomide: harms", ("children", "DBA")): (0, 0, 0, "none found"),
}


def test_evidence_counts_from_the_data_files_match_the_hand_sums():
    cells = part1.evidence_counts()
    got = {k: (c.studies, c.patients, c.without_count, c.kind) for k, c in cells.items() if c.kind != "not mapped"}
    assert got == EXPECTED


def test_every_study_entry_names_a_study_of_studies_csv_with_its_source():
    with (DATA / "studies.csv").open(encoding="utf-8") as f:
        sources = {r["study_id"]: r["source"] for r in csv.DictReader(f)}
    with (DATA / "evidence_map.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["kind"] == "study":
                assert sources[r["study_id"]] == r["source"], r["entry_id"]
            else:
                assert r["status"] == "not found" and r["searched"]


def test_figure_data_equals_the_counts():
    fig = evidence_map_figure()
    assert fig.name == "evidence-map" and fig.caption and "5 studies, 344 patients" in fig.alt
    points = {}
    for tr in fig.fig["data"]:
        for cd in tr["customdata"]:
            studies, patients, without, _searches, kind, q, g = cd
            points[(q, tuple(g.split("|")))] = (studies, patients, without, kind)
    assert points == EXPECTED
    names = [tr["name"] for tr in fig.fig["data"]]
    symbols = [tr["marker"]["symbol"] for tr in fig.fig["data"]]
    assert names == ["All verified", "Some not verified", "None found"]
    # the label of each point: studies / patients, by hand for adults with MDS, benefit: 5 / 344
    labels = {(cd[5], cd[6]): txt for tr in fig.fig["data"] for cd, txt in zip(tr["customdata"], tr["text"])}
    assert labels[("thalidomide: benefit", "adults|MDS")] == "5 / 344"
    assert labels[("lenalidomide: benefit", "adults|MDS")] == "2 / 148+"
    assert labels[("thalidomide: benefit", "children|DBA")] == "0"
    assert symbols == ["circle", "circle-open", "x-thin-open"]  # status by shape, not colour alone
    html = fig.static_html()
    assert "<figcaption>" in html and "Text alternative" in html


# ------------------------------------------------------------------ comparison
def test_render_value_with_and_without_a_fact():
    assert render_value("Corticosteroids first ({fact})", "x", lambda i: "80% (about) (verified)") == (
        "Corticosteroids first (80% (about) (verified))"
    )
    assert render_value("No number here.", None) == "No number here."
    with pytest.raises(ValueError):
        render_value("{fact} but none named", None)
    with pytest.raises(ValueError):
        render_value("no placeholder", "mds-incidence")


def test_comparison_rows_pair_every_attribute_and_show_facts_with_status():
    rows = comparison_rows()
    with (DATA / "diseases.csv").open(encoding="utf-8") as f:
        raw = list(csv.DictReader(f))
    assert len(rows) * 2 == len(raw)
    inc = next(r for r in rows if r["attribute"] == "incidence")
    facts = {f["id"]: f for f in yaml.safe_load((DATA / "facts.yaml").read_text(encoding="utf-8"))}
    # by hand from facts.yaml: 1 to 4 per million children per year; about 7 per million live births (Vlachos 2008)
    assert facts["mds-incidence"]["value"] == 1 and facts["mds-incidence"]["value_high"] == 4
    assert inc["MDS"]["text"] == "1–4 per million children per year (verified)"
    assert inc["DBA"]["text"] == "7 per million live births (about) (verified)"
    assert all("{fact}" not in r[d]["text"] for r in rows for d in ("MDS", "DBA"))


def test_comparison_table_markup():
    html = disease_comparison().markup
    assert html.count('<tr data-disease="MDS"') == html.count('<tr data-disease="DBA"') == len(comparison_rows())
    assert "<caption>" in html and "Text alternative:" in html
    assert html.count('class="tb-status') == 2 * len(comparison_rows())


# ------------------------------------------------------------------ the quiz, driven from Python
def test_part1_quiz_data_shape():
    qs = QUIZ["questions"]
    assert len(qs) >= 5
    for q in qs:
        assert q["source"] and q["status"]
        assert sum(bool(o.get("correct")) for o in q["options"]) == 1
        assert all(o["feedback"].strip() for o in q["options"])


def split_twin(html: str):
    body, _, rest = html.partition('<script type="application/json" class="thalbook-state">')
    return body, json.loads(rest.rsplit("</script>", 1)[0].replace("<\\/", "</"))


def test_part1_quiz_driven_from_python():
    w = quiz("part1")
    qs = QUIZ["questions"]
    assert w.kind == "quiz" and w.spec["id"] == "part1" and w.score == 0 and w.answers == {}
    assert [q["id"] for q in w.spec["questions"]] == [q["id"] for q in qs]
    right = {q["id"]: next(i for i, o in enumerate(q["options"]) if o.get("correct")) for q in qs}
    # a lecturer sets answers from the kernel: the first two right, the third wrong
    wrong3 = (right[qs[2]["id"]] + 1) % len(qs[2]["options"])
    answers = {qs[0]["id"]: right[qs[0]["id"]], qs[1]["id"]: right[qs[1]["id"]], qs[2]["id"]: wrong3}
    w.answers = answers
    w.presenter = True
    assert w.answers == answers and w.presenter is True
    body, state = split_twin(w._repr_mimebundle_()["text/html"])
    assert state["answers"] == answers and state["presenter"] is True and state["kind"] == "quiz"
    # every option's feedback is in the twin, escaped, with its verdict
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))
    for i, q in enumerate(qs, 1):
        assert f"Question {i} of {len(qs)}" in body
        for o in q["options"]:
            assert re.sub(r"\s+", " ", o["feedback"]).strip() in text
            assert o["text"] in text
    assert body.count("Correct.") == len(qs) and body.count("Not correct.") == sum(len(q["options"]) - 1 for q in qs)
    # restart from Python
    w.answers, w.scored, w.score = {}, {}, 0
    assert split_twin(w._repr_mimebundle_()["text/html"])[1]["answers"] == {}

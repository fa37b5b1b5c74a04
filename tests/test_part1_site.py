"""Part 1 pages (1.1-1.4) on the built static site, in Debian's chromium.

Expected values come from the data files read here (data/quizzes/part1.yaml, data/evidence_map.csv,
data/studies.csv, data/diseases.csv) and from hand sums written in this file, never from thalbook.
"""

from __future__ import annotations

import csv
import re

import pytest
import yaml
from conftest import ROOT, assert_clean, norm, ready
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

DATA = ROOT / "data"
P11 = "chapters/1-introduction/1.1-background-and-aims.html"
P12 = "chapters/1-introduction/1.2-mds-and-dba.html"
P13 = "chapters/1-introduction/1.3-why-it-matters.html"
P14 = "chapters/1-introduction/1.4-what-research-exists.html"
QUIZ = "#tbw-quiz-part1"
FIG = "#fig-evidence-map"
QUIZ_DATA = yaml.safe_load((DATA / "quizzes/part1.yaml").read_text(encoding="utf-8"))


def rows(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def score_text(score: int, of: int, answered: int) -> str:
    return f"Score: {score} of {of} ({answered} answered; first answer scored)"


# ------------------------------------------------------------------ titles and flags
@pytest.mark.parametrize(
    "path,title,flags",
    [
        (P11, "1.1 Background and aims", ["ch1-common", "ch1-treatment-lacking"]),
        (P12, "1.2 MDS and DBA", ["ch1-overview-thin"]),
        (P13, "1.3 Why it matters", ["ch1-value-asserted"]),
        (P14, "1.4 What research exists", ["ch1-extrapolated"]),
    ],
)
def test_page_title_flags_and_clean(visit, path, title, flags):
    v = visit(path)
    page = v.page
    assert norm(page.locator("article h1").first.inner_text()).startswith(title)
    appraisals = {a["id"]: a for a in yaml.safe_load((DATA / "appraisals.yaml").read_text(encoding="utf-8"))}
    for f in flags:
        box = page.locator(f"#appraisal-{f}")
        expect(box).to_have_count(1)
        assert norm(appraisals[f]["claim"]) in norm(box.inner_text())
        assert appraisals[f]["verdict"].upper() in box.inner_text().upper()
    text = page.inner_text("article")
    assert "Learning objectives" in text and "Key points" in text and "References" in text
    assert_clean(v)


# ------------------------------------------------------------------ quiz
def right_index(q) -> int:
    return next(i for i, o in enumerate(q["options"]) if o.get("correct"))


def test_part1_quiz_right_and_wrong(visit):
    v = visit(P14)
    page = v.page
    root = ready(page, QUIZ)
    qs = QUIZ_DATA["questions"]
    n = len(qs)
    assert n >= 5
    score = root.locator(".tb-score")
    live = root.locator("[aria-live]")
    expect(score).to_have_text(score_text(0, n, 0))
    # plan: right, wrong, right, wrong, right, ... (wrong = the first option that is not right)
    got = 0
    for k, q in enumerate(qs):
        r = right_index(q)
        choice = r if k % 2 == 0 else next(i for i in range(len(q["options"])) if i != r)
        correct = choice == r
        got += correct
        fs = root.locator(f'.tb-question[data-qid="{q["id"]}"]')
        expect(fs.locator(".tb-legend")).to_have_text(f"Question {k + 1} of {n}")
        fs.locator(".tb-radio").nth(choice).check()
        fs.locator(".tb-check").click()  # choosing only selects; Check answer answers
        fb = fs.locator(".tb-feedback").nth(choice)
        expect(fb).to_be_visible()
        expect(fb.locator(".tb-verdict strong")).to_have_text("Correct." if correct else "Not correct.")
        assert norm(q["options"][choice]["feedback"]) in norm(fb.inner_text())
        for j in range(len(q["options"])):
            if j != choice:
                expect(fs.locator(".tb-feedback").nth(j)).to_be_hidden()
        expect(score).to_have_text(score_text(got, n, k + 1))
        verdict = "Correct" if correct else "Not correct"
        expect(live).to_have_text(re.compile(rf"^{verdict}\. .+ Score {got} of {n}$"))
    # by hand: questions 1, 3, 5, 7 right of 7 -> 4
    assert (n, got) == (7, 4)
    expect(score).to_have_text("Score: 4 of 7 (7 answered; first answer scored)")
    # change the wrong answer of question 2 to the right one: the first answer stays scored
    q = qs[1]
    fs = root.locator(f'.tb-question[data-qid="{q["id"]}"]')
    fs.locator(".tb-radio").nth(right_index(q)).check()
    fs.locator(".tb-check").click()  # choosing only selects; Check answer answers
    expect(fs.locator(".tb-feedback").nth(right_index(q)).locator(".tb-verdict strong")).to_have_text("Correct.")
    expect(fs.locator(".tb-qstatus")).to_have_text("Answer changed; your first answer (not correct) is the one scored.")
    expect(score).to_have_text("Score: 4 of 7 (7 answered; first answer scored)")
    root.locator(".tb-restart").click()
    expect(score).to_have_text("Score: 0 of 7 (0 answered; first answer scored)")
    assert_clean(v)


# ------------------------------------------------------------------ comparison table
def test_comparison_table_renders_and_reflows(visit):
    diseases = rows("diseases.csv")
    for width in (1280, 320):
        v = visit(P12, width=width, height=800)
        page = v.page
        table = page.locator("table.tb-compare-table")
        expect(table).to_have_count(1)
        expect(table.locator("caption")).to_contain_text("Childhood MDS and DBA compared")
        expect(table.locator("tbody tr[data-disease]")).to_have_count(len(diseases))
        for d in diseases:
            cell = table.locator(f'tr[data-disease="{d["disease"]}"][data-attribute="{d["attribute"]}"]')
            text = norm(cell.inner_text())
            # the source as its short citation; the key stays in the link's title (thalbook.data.citations)
            assert d["status"] in text and cell.locator(f'a.tb-cite[title="{d["source"]}"]').count() == 1
            if not d["fact"]:
                assert norm(d["value"]) in text
        # the facts of the incidence row, by hand from facts.yaml: 1-4 per million children per year
        assert "1–4 per million children per year" in table.inner_text()
        assert "7 per million live births (about)" in table.inner_text()
        summary = page.locator(".tb-compare-summary")
        expect(summary).to_contain_text("Text alternative:")
        wrap = page.locator(".tb-compare")
        # readable on a phone: the table fits its box, no sideways scrolling needed
        assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), f"comparison scrolls sideways at {width}px"
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        assert_clean(v)


# ------------------------------------------------------------------ evidence map
def hand_counts() -> dict:
    """Studies and patients per (question, age, disease), computed here from the CSV files."""
    studies = rows("studies.csv")
    patients: dict[str, int | None] = {}
    for s in studies:
        if s["drug"] == "placebo":
            continue
        n = int(s["enrolled"]) if s["enrolled"] else None
        old = patients.get(s["study_id"])
        patients[s["study_id"]] = n if old is None else (old if n is None else max(old, n))
    out: dict = {}
    for m in rows("evidence_map.csv"):
        key = (m["question"], m["age_group"], m["disease"])
        c = out.setdefault(key, [0, 0, 0, 0])
        if m["kind"] == "search":
            c[3] += 1
        else:
            c[0] += 1
            p = patients.get(m["study_id"])
            if p is None:
                c[2] += 1
            else:
                c[1] += p
    return out


def test_hand_counts_match_hand_sums():
    c = hand_counts()
    assert c[("thalidomide: benefit", "adults", "MDS")][:2] == [5, 83 + 47 + 72 + 82 + 60]
    assert c[("thalidomide: harms", "adults", "MDS")][:2] == [3, 83 + 47 + 72]
    assert c[("thalidomide: harms", "children", "other")][:2] == [3, 142 + 28 + 16]
    assert c[("thalidomide: benefit", "children", "DBA")] == [0, 0, 0, 1]


def test_evidence_map_renders_with_caption_alt_and_data(visit):
    v = visit(P14)
    page = v.page
    ready(page, FIG, timeout=20000)
    wrap = page.locator("figure.thalbook-figure-wrap").filter(has=page.locator(FIG))
    expect(wrap.locator("figcaption")).to_contain_text("Evidence map: studies and patients")
    alt = norm(wrap.locator("details.tb-figure-alt").text_content())
    assert "Text alternative" in alt and "5 studies, 344 patients" in alt
    plotted = page.evaluate(f"() => document.querySelector('{FIG}').data.flatMap(t => Array.from(t.customdata))")
    got = {(cd[5], *cd[6].split("|")): [cd[0], cd[1], cd[2], cd[3]] for cd in plotted}
    assert got == hand_counts()
    table = page.locator("table.tb-evidence-map")
    expect(table.locator("caption")).to_contain_text("The evidence map as a table")
    row = table.locator('tr[data-question="thalidomide: benefit"][data-group="adults|MDS"]')
    expect(row).to_contain_text("5 studies, 344 patients")
    searches = page.locator("table.tb-searches")
    expect(searches.locator("tbody tr")).to_have_count(sum(1 for m in rows("evidence_map.csv") if m["kind"] == "search"))
    expect(searches).to_contain_text("publishers' pages")
    expect(searches).to_contain_text("not found")
    assert_clean(v)


def test_evidence_counts_in_the_prose(visit):
    text = norm(visit(P14).page.inner_text("article"))
    assert "benefit rests on 5 studies, 344 patients; 2 not verified (derived)" in text
    assert "both cells read: none found (not found)" in text

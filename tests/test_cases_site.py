"""Page 3.3 on the built static site, in Debian's chromium: every case walked from start to end with
right and wrong answers, Back and Restart, and the part 3 quiz answered.

Expected texts come from the data files (data/cases/*.yaml, data/quizzes/part3.yaml) read here with yaml,
or from hand arithmetic (50 / 32.1 = 1.56 mg/kg/day), never from the code under test.
"""

from __future__ import annotations

import pytest
import yaml
from conftest import ROOT, assert_clean, norm, ready
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PAGE = "chapters/3-clinical-efficacy/3.3-case-vignettes.html"
DATA = ROOT / "data"
CASES = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((DATA / "cases").glob("*.yaml"))}
QUIZ = yaml.safe_load((DATA / "quizzes/part3.yaml").read_text(encoding="utf-8"))
# hand arithmetic: dose (the review's 50 mg/day, or one assumed 50 mg capsule a day) / CDC weight
MG_PER_KG = {"case-1": "50 mg/day ÷ 32.1 kg = 1.56 mg/kg/day", "case-2": "50 mg/day ÷ 20.3 kg = 2.46 mg/kg/day",
             "case-3": "50 mg/day ÷ 51.2 kg = 0.98 mg/kg/day"}


def score_text(score: int, of: int, answered: int) -> str:
    # stepper.js / quiz.js: `Score: ${score} of ${n} (${answered} answered; first answer scored)`
    return f"Score: {score} of {of} ({answered} answered; first answer scored)"


def md_plain(s: str) -> str:
    """Markdown feedback as the reader sees it (the files use ** and no other markup in feedback)."""
    return norm(s.replace("**", ""))


def choose(stage, q: dict, index: int, correct: bool):
    stage.get_by_label(q["options"][index]["text"], exact=True).check()
    stage.locator(".tb-check").click()  # choosing only selects; Check answer answers
    fb = stage.locator(".tb-feedback").nth(index)
    expect(fb).to_be_visible()
    expect(fb.locator(".tb-verdict strong")).to_have_text("Correct." if correct else "Not correct.")
    assert md_plain(q["options"][index]["feedback"]) in norm(fb.inner_text())


@pytest.mark.parametrize("ident", list(CASES))
def test_case_walked_start_to_end_with_back_and_restart(visit, ident):
    case = CASES[ident]
    stages_data = case["stages"]
    n = len(stages_data)
    nq = sum(1 for s in stages_data if s.get("question"))
    v = visit(PAGE)
    page = v.page
    root = ready(page, f"#tbw-stepper-{ident}")
    stages = root.locator(".tb-stage")
    progress = root.locator(".tb-progress-text")
    back, nxt, restart = root.locator(".tb-back"), root.locator(".tb-next"), root.locator(".tb-restart")
    score = root.locator(".tb-score")
    assert stages.count() == n
    expect(score).to_have_text(score_text(0, nq, 0))
    expect(back).to_be_disabled()

    first_question = True
    for i, st in enumerate(stages_data):
        expect(progress).to_have_text(f"Stage {i + 1} of {n}: {st['title']}")
        stage = stages.nth(i)
        expect(stage).to_be_visible()
        if st.get("review"):
            note = stage.locator(".tb-stage-note", has_text="What the review states (section 3.3)")
            expect(note).to_be_visible()
            expect(note.locator(".tb-badge")).to_have_text(case["status"])
            assert md_plain(st["review"]).replace("“", "").replace("”", "")[:60] in norm(note.inner_text()).replace("“", "").replace("”", "")
        if st.get("illustrative"):
            note = stage.locator(".tb-stage-note-illustrative").first
            expect(note.locator(".tb-badge")).to_have_text("illustrative")
            assert norm(st["illustrative"][0]) in norm(note.inner_text())
        if st["kind"] == "dose":
            text = norm(stage.inner_text())
            assert MG_PER_KG[ident] in text
            assert "Teaching material, not a prescribing guide." in text
            assert "No paediatric dose" in text or "No paediatric dose of thalidomide" in text
            expect(stage.locator(".tb-stage-note-illustrative .tb-badge").first).to_have_text("illustrative")
        q = st.get("question")
        if q:
            right = next(k for k, o in enumerate(q["options"]) if o.get("correct"))
            if first_question:  # wrong first (scored), then right (shown, not scored)
                wrong = next(k for k, o in enumerate(q["options"]) if not o.get("correct"))
                choose(stage, q, wrong, False)
                choose(stage, q, right, True)
                expect(stage.locator(".tb-feedback").nth(wrong)).to_be_hidden()
                first_question = False
            else:
                choose(stage, q, right, True)
        if i < n - 1:
            nxt.click()
    expect(nxt).to_be_disabled()
    expect(progress).to_have_text(f"Stage {n} of {n}: {stages_data[-1]['title']}")
    expect(score).to_have_text(score_text(nq - 1, nq, nq))

    back.click()
    expect(progress).to_have_text(f"Stage {n - 1} of {n}: {stages_data[-2]['title']}")
    expect(stages.nth(n - 2)).to_be_visible()
    expect(stages.nth(n - 1)).to_be_hidden()
    expect(nxt).to_be_enabled()

    restart.click()
    expect(progress).to_have_text(f"Stage 1 of {n}: {stages_data[0]['title']}")
    expect(score).to_have_text(score_text(0, nq, 0))
    expect(back).to_be_disabled()
    expect(root.locator(".tb-radio:checked")).to_have_count(0)
    assert_clean(v)


def test_review_choice_scores_wrong_at_each_decision(visit):
    """The review's own choice is shown, appraised in its feedback, and never scored as correct."""
    v = visit(PAGE)
    for ident, case in CASES.items():
        root = ready(v.page, f"#tbw-stepper-{ident}")
        k = next(i for i, s in enumerate(case["stages"]) if s["kind"] == "treatment decision")
        for _ in range(k):
            root.locator(".tb-next").click()
        q = case["stages"][k]["question"]
        idx = next(i for i, o in enumerate(q["options"]) if "(the review's choice)" in o["text"])
        choose(root.locator(".tb-stage").nth(k), q, idx, False)
        nq = sum(1 for s in case["stages"] if s.get("question"))
        expect(root.locator(".tb-score")).to_have_text(score_text(0, nq, 1))
    assert_clean(v)


def test_part3_quiz_answered(visit):
    v = visit(PAGE)
    root = ready(v.page, "#tbw-quiz-part3")
    qs = QUIZ["questions"]
    n = len(qs)
    assert n >= 5
    items = root.locator(".tb-quiz-item")
    score = root.locator(".tb-score")
    expect(score).to_have_text(score_text(0, n, 0))
    for i, q in enumerate(qs):
        right = next(k for k, o in enumerate(q["options"]) if o.get("correct"))
        if i == 0:
            wrong = next(k for k, o in enumerate(q["options"]) if not o.get("correct"))
            choose(items.nth(i), q, wrong, False)
            expect(score).to_have_text(score_text(0, n, 1))
        choose(items.nth(i), q, right, True)
    expect(score).to_have_text(score_text(n - 1, n, n))
    root.locator(".tb-restart").click()
    expect(score).to_have_text(score_text(0, n, 0))
    expect(root.locator(".tb-radio:checked")).to_have_count(0)
    assert_clean(v)


def test_cases_table_and_appraisal_boxes(visit):
    v = visit(PAGE)
    table = v.page.locator("table.tb-table", has_text="The cases of section 3.3")
    expect(table.locator("tbody tr")).to_have_count(len(CASES))
    expect(table).to_contain_text("50 mg/day")
    text = norm(v.page.locator("article").inner_text())
    assert "not verified" in text and "Teaching material, not a prescribing guide" in text
    assert "cannot be credited to thalidomide" in text
    # the prose links case 1's neuropathy to the dose-adjustment explorer of page 4.2, and the link works
    link = v.page.locator('article a[href*="4-safety/4.2-adverse-reactions-and-management"]')
    expect(link).to_have_count(1)
    link.click()
    v.page.wait_for_load_state("load")
    expect(v.page.locator("article h1")).to_contain_text("4.2 Adverse reactions")
    assert_clean(v)

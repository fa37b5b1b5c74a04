"""Page 3.3 and its case pages (3.3.1-3.3.3) on the built static site, in Debian's chromium: every case
walked from start to end with right and wrong answers, each decision's route followed, the laboratory
tables read, Back and Restart, and the part 3 quiz answered.

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
# one page per case under 3.3 (the review's numbering in the name)
PAGES = {"case-1": "chapters/3-clinical-efficacy/3.3.1-case-1-high-risk-mds.html",
         "case-2": "chapters/3-clinical-efficacy/3.3.2-case-2-refractory-mds.html",
         "case-3": "chapters/3-clinical-efficacy/3.3.3-case-3-excess-blasts-and-transplant.html"}
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


def main_line(case: dict) -> list[dict]:
    return [s for s in case["stages"] if not s.get("branch")]


def by_id(case: dict, sid: str) -> dict:
    return next(s for s in case["stages"] if s["id"] == sid)


def stage_el(root, sid: str):
    return root.locator(f'.tb-stage[data-sid="{sid}"]')


def decide(root, stage: dict, index: int):
    """Press a decision's option; its consequence shows and Next follows it."""
    box = stage_el(root, stage["id"]).locator(".tb-choice")
    button = box.locator(".tb-choice-option").nth(index)
    expect(button).to_have_text(norm(stage["choice"]["options"][index]["text"]))
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    consequence = box.locator(".tb-consequence").nth(index)
    expect(consequence).to_be_visible()
    assert md_plain(stage["choice"]["options"][index]["consequence"])[:50] in norm(consequence.inner_text())


def lab_row(stage_loc, label: str):
    return stage_loc.locator("table.tb-table tbody tr", has=stage_loc.page.locator(f'th[scope="row"]:text-is("{label}")'))


@pytest.mark.parametrize("ident", list(CASES))
def test_case_walked_start_to_end_with_back_and_restart(visit, ident):
    case = CASES[ident]
    main = main_line(case)
    pres = main[0]
    first_branch = by_id(case, pres["choice"]["options"][0]["goto"])
    route = [pres, first_branch, *main[1:]]  # the route of the first decision
    n = len(route)
    assert n == 8
    nq = sum(1 for s in route if s.get("question"))
    v = visit(PAGES[ident])
    page = v.page
    root = ready(page, f"#tbw-stepper-{ident}")
    stages = root.locator(".tb-stage")
    progress = root.locator(".tb-progress-text")
    back, nxt, restart = root.locator(".tb-back"), root.locator(".tb-next"), root.locator(".tb-restart")
    score = root.locator(".tb-score")
    assert stages.count() == len(case["stages"])
    expect(score).to_have_text(score_text(0, nq, 0))
    expect(back).to_be_disabled()
    # the first stage asks for a decision: Next waits for it
    expect(nxt).to_be_disabled()
    expect(stage_el(root, "presentation").locator(".tb-choice-hint")).to_be_visible()

    first_question = True
    for i, st in enumerate(route):
        expect(progress).to_have_text(f"Stage {i + 1} of {n}")
        stage = stage_el(root, st["id"])
        expect(stage).to_be_visible()
        expect(stage.locator(".tb-stage-title")).to_have_text(norm(st["title"]))  # once, not "Stage k of n: ..."
        if st.get("review"):
            note = stage.locator(".tb-stage-note", has_text="What the review states (section 3.3)")
            expect(note).to_be_visible()
            expect(note.locator(".tb-badge")).to_have_text(case["status"])
            assert md_plain(st["review"]).replace("“", "").replace("”", "")[:60] in norm(note.inner_text()).replace("“", "").replace("”", "")
        if st.get("illustrative"):
            note = stage.locator(".tb-stage-note-illustrative").first
            expect(note.locator(".tb-badge")).to_have_text("illustrative")
            assert norm(st["illustrative"][0]) in norm(note.inner_text())
        if st.get("labs"):  # the illustrative table: caption with its badge, one row per result
            table = stage.locator("table.tb-table")
            expect(table.locator("caption")).to_contain_text(st["labs_caption"])
            expect(table.locator("caption .tb-badge")).to_have_text("illustrative")
            expect(table.locator("tbody tr")).to_have_count(len(st["labs"]))
            expect(table.locator('thead th[scope="col"]')).to_have_count(4)
        if st.get("kind") == "dose":
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
        if st.get("choice"):
            decide(root, st, 0)
            expect(nxt).to_be_enabled()
        if i < n - 1:
            nxt.click()
    expect(nxt).to_be_disabled()
    expect(progress).to_have_text(f"Stage {n} of {n}")
    expect(score).to_have_text(score_text(nq - 1, nq, nq))

    back.click()
    expect(progress).to_have_text(f"Stage {n - 1} of {n}")
    expect(stage_el(root, route[-2]["id"])).to_be_visible()
    expect(stage_el(root, route[-1]["id"])).to_be_hidden()
    expect(nxt).to_be_enabled()

    restart.click()
    expect(progress).to_have_text(f"Stage 1 of {n}")
    expect(score).to_have_text(score_text(0, nq, 0))
    expect(back).to_be_disabled()
    expect(nxt).to_be_disabled()  # the decision is cleared too
    expect(root.locator(".tb-radio:checked")).to_have_count(0)
    expect(root.locator('.tb-choice-option[aria-pressed="true"]')).to_have_count(0)
    assert_clean(v)


@pytest.mark.parametrize("ident", list(CASES))
def test_each_decision_changes_the_stage_that_follows(visit, ident):
    """Click each option of the first decision: the next stage is that option's own stage, with its own
    table; Back returns to the decision, and the work-up follows every branch."""
    case = CASES[ident]
    pres = main_line(case)[0]
    v = visit(PAGES[ident])
    root = ready(v.page, f"#tbw-stepper-{ident}")
    progress, nxt, back = root.locator(".tb-progress-text"), root.locator(".tb-next"), root.locator(".tb-back")
    live = root.locator("[aria-live]")
    blasts = []
    for k, o in enumerate(pres["choice"]["options"]):
        decide(root, pres, k)
        nxt.click()
        target = by_id(case, o["goto"])
        shown = stage_el(root, o["goto"])
        expect(shown).to_be_visible()
        expect(progress).to_have_text("Stage 2 of 8")
        expect(live).to_have_text(f"Stage 2 of 8: {norm(target['title'])}")
        expect(root.locator(".tb-stage:not([hidden])")).to_have_count(1)
        # the branch's own result: its marrow blast percentage, read against the range for the child's age
        lab = next(x for x in target["labs"] if x["test"] == "marrow-blasts")
        row = lab_row(shown, "Blasts in the marrow")
        expect(row.locator("td").first).to_have_text(f"{lab['value']:g} %")
        expect(row.locator("td").nth(2)).to_have_text("above the range" if lab["value"] > 4 else "within the range")
        blasts.append(lab["value"])
        nxt.click()
        expect(stage_el(root, "work-up")).to_be_visible()
        expect(progress).to_have_text("Stage 3 of 8")
        back.click()
        expect(shown).to_be_visible()  # Back retraces the route taken
        back.click()
        expect(stage_el(root, "presentation")).to_be_visible()
    assert len(set(o["goto"] for o in pres["choice"]["options"])) == 3
    assert_clean(v)


def test_blood_count_table_read_against_age(visit):
    """Case 1 (a boy of 10): the values and readings by hand against data/lab_reference.yaml's 2-11 band."""
    v = visit(PAGES["case-1"])
    root = ready(v.page, "#tbw-stepper-case-1")
    stage = stage_el(root, "presentation")
    table = stage.locator("table.tb-table")
    expect(table.locator("thead th").nth(2)).to_have_text("Reference for age 10 (illustrative)")
    expect(lab_row(stage, "Haemoglobin")).to_have_text("Haemoglobin7.8 g/dL11.5–15.5 g/dLbelow the range")
    expect(lab_row(stage, "Mean cell volume (MCV)").locator("td").nth(2)).to_have_text("above the range")
    expect(lab_row(stage, "Reticulocytes").locator("td").nth(1)).to_have_text("25–100 ×10⁹/L")
    assert "approximate teaching values" in norm(stage.locator(".tb-table-note").inner_text())
    assert_clean(v)


def test_review_choice_scores_wrong_at_each_decision(visit):
    """The review's own choice is shown, appraised in its feedback, and never scored as correct."""
    for ident, case in CASES.items():
        v = visit(PAGES[ident])
        root = ready(v.page, f"#tbw-stepper-{ident}")
        decide(root, main_line(case)[0], 0)
        for _ in range(3):  # presentation -> branch -> work-up -> decision
            root.locator(".tb-next").click()
        k = next(s for s in case["stages"] if s["kind"] == "treatment decision")
        expect(stage_el(root, k["id"])).to_be_visible()
        q = k["question"]
        idx = next(i for i, o in enumerate(q["options"]) if "(the review's choice)" in o["text"])
        choose(stage_el(root, k["id"]), q, idx, False)
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


# ------------------------------------------------------------------ the summary at the end of a case
# question -> page title, read by hand from the first heading of each page the case's `teaches` names
TITLES = {"chapters/3-clinical-efficacy/3.1-children-are-not-small-adults": "3.1 Children are not small adults",
          "chapters/3-clinical-efficacy/3.3-case-vignettes": "3.3 Case vignettes",
          "chapters/4-safety/4.1-safety-evaluation-and-monitoring": "4.1 Safety evaluation and monitoring"}


def walk_to_the_end(root, case: dict, wrong_ids: set[str]) -> list[dict]:
    """Click through the main route (first choice), answering the questions in `wrong_ids` wrongly and the
    others rightly; returns the questions met, in order."""
    pres = main_line(case)[0]
    route = [pres, by_id(case, pres["choice"]["options"][0]["goto"]), *main_line(case)[1:]]
    met = []
    for i, st in enumerate(route):
        stage = stage_el(root, st["id"])
        expect(stage).to_be_visible()
        q = st.get("question")
        if q:
            right = next(k for k, o in enumerate(q["options"]) if o.get("correct"))
            wrong = next(k for k, o in enumerate(q["options"]) if not o.get("correct"))
            if q["id"] in wrong_ids:
                choose(stage, q, wrong, False)
            else:
                choose(stage, q, right, True)
            met.append(q)
        if st.get("choice"):
            decide(root, st, 0)
        if i < len(route) - 1:
            root.locator(".tb-next").click()
    return met


def test_case_summary_links_each_missed_question_and_is_announced(visit):
    """Case 2, through to the end: the work-up and monitoring questions answered wrongly, the others rightly.
    By hand from case-2.yaml: 4 questions (work-up, decision, monitoring, appraisal), 2 right; the missed ones
    are questions 1 and 3, taught on pages 3.1 and 4.1."""
    case = CASES["case-2"]
    v = visit(PAGES["case-2"])
    page = v.page
    root = ready(page, "#tbw-stepper-case-2")
    summary = root.locator(".tb-debrief")
    live = root.locator(".tb-live")
    expect(live).to_have_attribute("aria-live", "polite")
    expect(summary).to_be_hidden()
    met = walk_to_the_end(root, case, {"case2-workup", "case2-monitoring"})
    assert [q["id"] for q in met] == ["case2-workup", "case2-decision", "case2-monitoring", "case2-appraisal"]
    expect(root.locator(".tb-progress-text")).to_have_text("Stage 8 of 8")
    expect(summary).to_be_visible()
    expect(summary.locator(".tb-debrief-score")).to_have_text("You answered 2 of 4 right at the first try.")
    items = summary.locator(".tb-debrief-missed li")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text(f"Question 1: {norm(met[0]['prompt'])}")
    expect(items.nth(1)).to_contain_text(f"Question 3: {norm(met[2]['prompt'])}")
    links = summary.locator("a.tb-debrief-link")
    expect(links.nth(0)).to_have_text("Read: 3.1 Children are not small adults")
    expect(links.nth(1)).to_have_text("Read: 4.1 Safety evaluation and monitoring")
    # the live region says the summary after the last verdict
    expect(live).to_have_text("Your summary, below the stage: You answered 2 of 4 right at the first try. "
                              "Questions to read up on: 2, each with a link to its page.", timeout=8000)
    # keyboard order: from the last question's Check answer (past its source's link), Tab reaches the
    # summary's links, then Back
    stage_el(root, "appraisal").locator(".tb-check").focus()
    order = []
    for _ in range(6):
        page.keyboard.press("Tab")
        order.append(page.evaluate("() => document.activeElement.textContent.trim()"))
    first = order.index("Read: 3.1 Children are not small adults")
    assert order[first:first + 3] == ["Read: 3.1 Children are not small adults",
                                      "Read: 4.1 Safety evaluation and monitoring", "Back"], order
    # Back, then Next to the last stage again: the stage and the summary are said together
    root.locator(".tb-back").click()
    root.locator(".tb-next").click()
    expect(live).to_contain_text("Stage 8 of 8: Appraisal. Your summary, below the stage: You answered 2 of 4")
    # the link opens the page it names
    href = links.nth(1).get_attribute("href")
    assert href.endswith("../4-safety/4.1-safety-evaluation-and-monitoring.html") or \
        href.endswith("/chapters/4-safety/4.1-safety-evaluation-and-monitoring.html"), href
    links.nth(1).click()
    page.wait_for_load_state("load")
    expect(page.locator("article h1").first).to_contain_text("4.1 Safety evaluation and monitoring")
    assert_clean(v)


def test_every_case_question_link_names_a_published_page(visit):
    """Every case, every question missed: each Read: link names the title of the page its `teaches` names."""
    for ident, case in CASES.items():
        v = visit(PAGES[ident])
        root = ready(v.page, f"#tbw-stepper-{ident}")
        met = walk_to_the_end(root, case, {s["question"]["id"] for s in case["stages"] if s.get("question")})
        links = root.locator(".tb-debrief a.tb-debrief-link")
        expect(links).to_have_count(len(met))
        expect(root.locator(".tb-debrief-score")).to_have_text(f"You answered 0 of {len(met)} right at the first try.")
        for k, q in enumerate(met):
            expect(links.nth(k)).to_have_text(f"Read: {TITLES[q['teaches']]}")
            assert links.nth(k).evaluate("a => a.href").endswith(f"/{q['teaches']}.html")
        assert_clean(v)


def test_each_stage_shows_its_week_marked_illustrative(visit):
    case = CASES["case-1"]
    v = visit(PAGES["case-1"])
    root = ready(v.page, "#tbw-stepper-case-1")
    when = stage_el(root, "presentation").locator(".tb-stage-when")
    expect(when).to_have_text("When: week 0 illustrative")
    decide(root, main_line(case)[0], 1)  # "Start thalidomide now ... repeat the count in eight weeks"
    root.locator(".tb-next").click()
    when = stage_el(root, "treat-first").locator(".tb-stage-when")
    expect(when).to_have_text("When: week 8 illustrative")
    expect(when.locator(".tb-badge")).to_have_text("illustrative")
    assert_clean(v)


LUMA = """el => { const m = getComputedStyle(el).fill.match(/[\\d.]+/g).map(Number);
  return (0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]) / 255; }"""


@pytest.mark.parametrize("ident, scheme", [("case-1", "light"), ("case-2", "dark"), ("case-3", "dark")])
def test_case_timeline_on_a_phone_with_its_text_alternative(visit, ident, scheme):
    case = CASES[ident]
    v = visit(PAGES[ident], width=360, height=740, color_scheme=scheme)
    fig = v.page.locator(f"#fig-timeline-{ident}")
    svg = fig.locator('svg[role="img"]')
    fig.scroll_into_view_if_needed()
    expect(svg).to_be_visible()
    expect(svg.locator("title")).to_have_text(f"When each stage of {norm(case['title'])} happens (illustrative times)")
    # on a 360 px screen nothing is cut: every line of text lies inside the picture, and the picture inside the page
    box = svg.bounding_box()
    assert box["width"] <= 360 and box["x"] >= 0, box
    for b in svg.locator("text").evaluate_all("ts => ts.map(t => { const r = t.getBoundingClientRect(); return [r.left, r.right]; })"):
        assert box["x"] - 0.5 <= b[0] and b[1] <= box["x"] + box["width"] + 0.5, (b, box)
    font = svg.locator("tspan").first.evaluate("t => t.getBoundingClientRect().height")
    assert font >= 10, font  # a label line stays readable at phone width
    luma = svg.locator("text").first.evaluate(LUMA)
    assert (luma < 0.35) if scheme == "light" else (luma > 0.65), luma
    # the text alternative: one line per timed stage of the main route, one per other choice, one for the decision
    options = next(s for s in case["stages"] if s.get("choice"))["choice"]["options"]
    timed_main = [s for s in main_line(case) if "when" in s]
    fig.locator("details summary").click()
    items = fig.locator("details li")
    expect(items).to_have_count(len(timed_main) + 1 + len(options))  # + the first choice's own stage
    expect(items.nth(0)).to_have_text("Week 0: Presentation.")
    expect(fig.locator("figcaption")).to_contain_text("the times are illustrative (the review gives no dates)")
    assert_clean(v)

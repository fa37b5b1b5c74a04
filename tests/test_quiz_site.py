"""Answering, the end-of-quiz summary and progress kept in the browser, on the built site (issue 17).

Expected values come from the YAML in data/, the notebooks' own titles and pyproject.toml, or are
worked out by hand in the comments; never from the widget code.
"""

from __future__ import annotations

import json
import re
import tomllib

import pytest
import yaml
from conftest import ROOT, assert_clean, norm, ready
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LABELS_PAGE = "chapters/back/evidence-labels.html"
GALLERY = "chapters/back/widget-gallery.html"
INDEX = "chapters/index.html"
QUIZ = "#tbw-quiz-evidence-labels"
STEPPER = "#tbw-stepper-appraise-a-number"
QUIZ_DATA = yaml.safe_load((ROOT / "data/quizzes/evidence-labels.yaml").read_text(encoding="utf-8"))
QS = QUIZ_DATA["questions"]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def right(q) -> int:
    return next(i for i, o in enumerate(q["options"]) if o.get("correct"))


def wrong(q) -> int:
    return next(i for i, o in enumerate(q["options"]) if not o.get("correct"))


def score_text(score: int, of: int, answered: int) -> str:
    return f"Score: {score} of {of} ({answered} answered; first answer scored)"


def fieldset(root, q):
    return root.locator(f'.tb-question[data-qid="{q["id"]}"]')


def answer(root, q, index: int) -> None:
    fs = fieldset(root, q)
    fs.locator(".tb-radio").nth(index).check()
    fs.locator(".tb-check").click()


def page_title(page: str) -> str:
    """The first '# ' heading of the notebook, read here from the file."""
    nb = json.loads((ROOT / f"{page}.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise AssertionError(f"{page} has no title")


def test_plan_fits_the_data():
    # the keyboard test below relies on these positions (0-based) in data/quizzes/evidence-labels.yaml
    assert [right(q) for q in QS] == [2, 0, 1, 2]
    assert all(len(q["options"]) == 3 for q in QS)


# ------------------------------------------------------------------ answering
def test_arrow_keys_select_and_check_answer_scores(visit):
    v = visit(LABELS_PAGE)
    page = v.page
    root = ready(page, QUIZ)
    n = len(QS)
    score = root.locator(".tb-score")
    live = root.locator("[aria-live]")
    fs = [fieldset(root, q) for q in QS]
    check = [f.locator(".tb-check") for f in fs]
    # Tab into the first radio group: nothing chosen, "Check answer" disabled
    fs[0].locator(".tb-radio").nth(0).focus()
    expect(check[0]).to_be_disabled()
    # ArrowDown twice moves the selection (a radio group), and answers nothing
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(fs[0].locator(".tb-radio").nth(2)).to_be_checked()
    expect(fs[0].locator(".tb-radio").nth(2)).to_be_focused()
    expect(score).to_have_text(score_text(0, n, 0))
    for j in range(3):
        expect(fs[0].locator(".tb-feedback").nth(j)).to_be_hidden()
    expect(check[0]).to_be_enabled()
    # Tab reaches "Check answer"; Enter answers with the selection (option 3, the right one)
    page.keyboard.press("Tab")
    expect(check[0]).to_be_focused()
    page.keyboard.press("Enter")
    expect(fs[0].locator(".tb-feedback").nth(2).locator(".tb-verdict strong")).to_have_text("Correct.")
    expect(score).to_have_text(score_text(1, n, 1))
    # the live region (aria-live polite) says the verdict, the feedback and the score
    expect(live).to_have_attribute("aria-live", "polite")
    expect(live).to_have_text(re.compile(r"^Correct\. .+ Score 1 of 4$"))
    assert norm(QS[0]["options"][2]["feedback"])[:40] in norm(live.inner_text())
    expect(check[0]).to_be_focused()  # still enabled: focus is not thrown to the page

    # Q3: Space selects the first (wrong) option; checking scores it; moving to the right one and
    # checking again changes the answer, not the score
    fs[2].locator(".tb-radio").nth(0).focus()
    page.keyboard.press("Space")
    expect(score).to_have_text(score_text(1, n, 1))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(fs[2].locator(".tb-feedback").nth(0).locator(".tb-verdict strong")).to_have_text("Not correct.")
    expect(score).to_have_text(score_text(1, n, 2))
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("ArrowDown")
    expect(fs[2].locator(".tb-radio").nth(1)).to_be_checked()
    # selected but not checked: the feedback shown is still that of the checked answer
    expect(fs[2].locator(".tb-feedback").nth(0)).to_be_visible()
    expect(fs[2].locator(".tb-feedback").nth(1)).to_be_hidden()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(fs[2].locator(".tb-feedback").nth(1).locator(".tb-verdict strong")).to_have_text("Correct.")
    expect(fs[2].locator(".tb-qstatus")).to_have_text("Answer changed; your first answer (not correct) is the one scored.")
    expect(score).to_have_text(score_text(1, n, 2))
    assert_clean(v)


def test_widget_title_outranks_question_number(visit):
    v = visit(LABELS_PAGE)
    root = ready(v.page, QUIZ)
    size = "el => parseFloat(getComputedStyle(el).fontSize)"
    title = root.locator(".tb-title").evaluate(size)
    legend = root.locator(".tb-legend").first.evaluate(size)
    assert legend < title, (legend, title)
    # the verdict is said once: the feedback no longer opens with "Right." after "Correct."
    answer(root, QS[1], right(QS[1]))
    text = norm(fieldset(root, QS[1]).locator(".tb-feedback").nth(right(QS[1])).inner_text())
    assert not re.match(r"^correct\.\s*(right|correct)\b", text, re.IGNORECASE), text


# ------------------------------------------------------------------ summary
def test_summary_lists_missed_questions_with_working_links(visit):
    v = visit(LABELS_PAGE)
    page = v.page
    root = ready(page, QUIZ)
    summary = root.locator(".tb-debrief")
    # plan: right, wrong, right, wrong -> 2 of 4; missed questions 2 and 4
    plan = [right(QS[0]), wrong(QS[1]), right(QS[2]), wrong(QS[3])]
    for k, (q, choice) in enumerate(zip(QS, plan)):
        expect(summary).to_be_hidden()  # not before every question is checked
        answer(root, q, choice)
        expect(root.locator(".tb-score")).to_have_text(re.compile(rf"\({k + 1} answered"))
    expect(summary).to_be_visible()
    expect(summary.locator(".tb-debrief-score")).to_have_text("You answered 2 of 4 right at the first try.")
    items = summary.locator(".tb-debrief-missed li")
    expect(items).to_have_count(2)
    for item, (k, q) in zip([items.nth(0), items.nth(1)], [(2, QS[1]), (4, QS[3])]):
        expect(item).to_contain_text(f"Question {k}: ")
        link = item.locator("a.tb-debrief-link")
        expect(link).to_have_text(f"Read: {page_title(q['teaches'])}")
    # the summary is said once it appears, after the last verdict (2 of 4: the plan above)
    expect(root.locator(".tb-live")).to_have_text("Quiz complete. You answered 2 of 4 right at the first try.")
    # a quiz restored complete shows its summary without saying it again
    page.reload(wait_until="networkidle")
    root = ready(page, QUIZ)
    expect(root.locator(".tb-debrief")).to_be_visible()
    page.wait_for_timeout(2000)  # longer than the 1.5 s the announcement waits for the verdict
    assert "Quiz complete" not in root.locator(".tb-live").inner_text()
    summary = root.locator(".tb-debrief")
    # every link opens the page it names
    hrefs = summary.locator("a.tb-debrief-link").evaluate_all("as => as.map(a => a.href)")
    for href, q in zip(hrefs, [QS[1], QS[3]]):
        assert href.endswith(f"/{q['teaches']}.html"), href
        response = page.goto(href)
        assert response.status == 200, href
        expect(page.locator("h1").first).to_contain_text(page_title(q["teaches"]))
    assert_clean(v)


# ------------------------------------------------------------------ progress in the browser
def stored_keys(page) -> list[str]:
    # the theme keeps its own keys ('theme', 'mode'); the book's all start with 'thalbook:'
    return page.evaluate("() => Object.keys(localStorage).filter((k) => k.startsWith('thalbook'))")


def test_progress_survives_reload_shows_on_landing_page_and_resets(visit, base_url):
    v = visit(LABELS_PAGE)
    page = v.page
    root = ready(page, QUIZ)
    answer(root, QS[0], right(QS[0]))
    answer(root, QS[1], wrong(QS[1]))
    expect(root.locator(".tb-score")).to_have_text(score_text(1, 4, 2))
    # namespaced per book version; nothing else written
    assert stored_keys(page) == [f"thalbook:{VERSION}:quiz:evidence-labels"]

    page.reload(wait_until="networkidle")
    root = ready(page, QUIZ)
    expect(root.locator(".tb-score")).to_have_text(score_text(1, 4, 2))
    expect(fieldset(root, QS[0]).locator(".tb-radio").nth(right(QS[0]))).to_be_checked()
    expect(fieldset(root, QS[1]).locator(".tb-feedback").nth(wrong(QS[1]))).to_be_visible()

    # a case stepper keeps the stage reached
    page.goto(base_url + GALLERY, wait_until="networkidle")
    st = ready(page, STEPPER)
    st.locator(".tb-next").click()
    st.locator(".tb-next").click()
    expect(st.locator(".tb-progress-text")).to_contain_text("Stage 3 of 4")
    page.reload(wait_until="networkidle")
    st = ready(page, STEPPER)
    expect(st.locator(".tb-progress-text")).to_contain_text("Stage 3 of 4")

    page.goto(base_url + INDEX, wait_until="networkidle")
    box = page.locator(".thalbook-progress")
    box.scroll_into_view_if_needed()
    expect(box).to_have_attribute("data-ready", "true")
    back = box.locator('tr[data-part="Back matter"]')
    # Back matter holds 3 self-checks (critical-reading, evidence-labels, appraise-a-number); none done
    expect(back.locator(".tb-progress-done")).to_have_text("0 of 3")
    expect(back.locator(".tb-progress-score")).to_have_text("1 of 2 answers")
    box.locator("summary").click()
    expect(box.locator('li[data-id="evidence-labels"] .tb-progress-state')).to_have_text(
        "2 of 4 answered, 1 right at the first try"
    )
    expect(box.locator('li[data-id="appraise-a-number"] .tb-progress-state')).to_have_text(
        "stage 3 of 4 reached; 0 of 1 answered, 0 right at the first try"
    )
    expect(box.locator('li[data-id="part1"] .tb-progress-state')).to_have_text("not started")

    box.get_by_role("button", name="Reset my progress").click()
    expect(box.locator(".tb-live")).to_have_text("Your progress has been reset.")
    expect(back.locator(".tb-progress-done")).to_have_text("0 of 3")
    expect(back.locator(".tb-progress-score")).to_have_text("–")
    expect(box.locator('li[data-id="evidence-labels"] .tb-progress-state')).to_have_text("not started")
    assert stored_keys(page) == []
    page.goto(base_url + LABELS_PAGE, wait_until="networkidle")
    root = ready(page, QUIZ)
    expect(root.locator(".tb-score")).to_have_text(score_text(0, 4, 0))
    assert_clean(v)


def test_a_finished_quiz_counts_as_done(visit, base_url):
    v = visit(LABELS_PAGE)
    page = v.page
    root = ready(page, QUIZ)
    for q in QS:
        answer(root, q, right(q))
    page.goto(base_url + INDEX, wait_until="networkidle")
    back = page.locator('.thalbook-progress tr[data-part="Back matter"]')
    expect(back.locator(".tb-progress-done")).to_have_text("1 of 3")
    expect(back.locator(".tb-progress-score")).to_have_text("4 of 4 answers")
    assert_clean(v)


# localStorage that throws, as with site data blocked: reading the property raises SecurityError
# (the count of refusals met by the book's own scripts shows they did try, and carried on)
NO_STORAGE = """
window.tbStorageRefused = 0;
Object.defineProperty(window, "localStorage", {
  configurable: true,
  get() {
    if (String(new Error().stack).includes("/_static/thalbook/")) window.tbStorageRefused += 1;
    throw new DOMException("The operation is insecure.", "SecurityError");
  },
});
"""


def test_page_works_with_storage_disabled(browser, base_url):
    context = browser.new_context()
    context.add_init_script(NO_STORAGE)
    errors: list[str] = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda e: errors.append(f"{e} | {e.stack}"))
        page.on("console", lambda m: errors.append(f"{m.text} | {m.location}") if m.type == "error" else None)
        page.goto(base_url + LABELS_PAGE, wait_until="networkidle")
        root = ready(page, QUIZ)
        answer(root, QS[0], right(QS[0]))
        expect(root.locator(".tb-score")).to_have_text(score_text(1, 4, 1))
        page.goto(base_url + INDEX, wait_until="networkidle")
        box = page.locator(".thalbook-progress")
        expect(box).to_have_attribute("data-ready", "true")
        expect(box.locator(".tb-progress-off")).to_be_visible()
        expect(box.get_by_role("button", name="Reset my progress")).to_be_hidden()
        expect(box.locator('tr[data-part="Back matter"] .tb-progress-done')).to_have_text("0 of 3")
        assert page.evaluate("() => window.tbStorageRefused") > 0
        expect(page.locator(".tb-error-box")).to_have_count(0)
    finally:
        context.close()
    # the theme's own scripts throw uncaught SecurityErrors without storage (not the book's code, left
    # alone); nothing logged or thrown may come from the book's scripts
    ours = [e for e in errors if "thalbook" in e]
    assert ours == [], ours


def test_stepper_summary_after_its_last_question(visit):
    steps = yaml.safe_load((ROOT / "data/steppers/appraise-a-number.yaml").read_text(encoding="utf-8"))
    k, stage = next((i, s) for i, s in enumerate(steps["stages"]) if s.get("question"))
    q = stage["question"]
    v = visit(GALLERY)
    st = ready(v.page, STEPPER)
    summary = st.locator(".tb-debrief")
    for _ in range(k):
        st.locator(".tb-next").click()
    expect(summary).to_be_hidden()
    answer(st, q, wrong(q))
    # one question, answered wrong: 0 of 1, and it is listed with its page
    expect(summary).to_be_visible()
    expect(summary.locator(".tb-debrief-score")).to_have_text("You answered 0 of 1 right at the first try.")
    expect(summary.locator("li")).to_have_count(1)
    expect(summary.locator("li")).to_contain_text("Question 1: ")
    expect(summary.locator("a.tb-debrief-link")).to_have_text(f"Read: {page_title(q['teaches'])}")
    assert_clean(v)

"""The widgets on the built static site, driven in Debian's chromium like a reader would.

Every expected value comes from the data files (data/steppers, data/quizzes, data/ctcae.yaml,
data/studies.csv) or from hand arithmetic in this file, never from the code under test. After each
action the test asserts the NEW text the widget shows (playwright's `expect` waits for it).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from conftest import ROOT, assert_clean, norm, ready
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

GALLERY = "chapters/back/widget-gallery.html"
LABELS_PAGE = "chapters/back/evidence-labels.html"
STEPPER = "#tbw-stepper-appraise-a-number"
QUIZ = "#tbw-quiz-evidence-labels"
LOOKUP = "#tbw-lookup-ctcae-grade"
CALC = "#tbw-calculator-wilson"
FIGURE = "#tbw-figure-response-by-denominator"
PLOT_ID = "tbw-figure-response-by-denominator-plot"
DATA = ROOT / "data"


def load(rel: str):
    return yaml.safe_load((DATA / rel).read_text(encoding="utf-8"))


STEPS = load("steppers/appraise-a-number.yaml")
QUIZ_DATA = load("quizzes/evidence-labels.yaml")
CTCAE = {t["id"]: t for t in load("ctcae.yaml")}


def stage_title(i: int) -> str:
    """What the live region announces on moving to stage i (stepper.js)."""
    n = len(STEPS["stages"])
    return f"Stage {i + 1} of {n}: {STEPS['stages'][i]['title']}"


def progress_text(i: int) -> str:
    """The progress line: the position only; the title is the stage's own heading, printed once."""
    return f"Stage {i + 1} of {len(STEPS['stages'])}"


def score_text(score: int, of: int, answered: int) -> str:
    # quiz.js / stepper.js: `Score: ${score} of ${n} (${answered} answered; first answer scored)`
    return f"Score: {score} of {of} ({answered} answered; first answer scored)"


def first_sentence(s: str) -> str:
    return norm(s).split(". ")[0]


# --------------------------------------------------------------------------- 1. stepper
def test_stepper_stages_question_and_restart(visit):
    v = visit(GALLERY)
    page = v.page
    root = ready(page, STEPPER)
    stages = root.locator(".tb-stage")
    progress = root.locator(".tb-progress-text")
    back, nxt, restart = root.locator(".tb-back"), root.locator(".tb-next"), root.locator(".tb-restart")
    live = root.locator("[aria-live]")
    n = len(STEPS["stages"])
    assert n == 4 and stages.count() == n

    expect(progress).to_have_text(progress_text(0))
    assert stage_title(0) == "Stage 1 of 4: The claim"
    expect(stages.nth(0)).to_be_visible()
    for i in range(1, n):
        expect(stages.nth(i)).to_be_hidden()
    expect(back).to_be_disabled()
    expect(nxt).to_be_enabled()

    nxt.click()
    expect(progress).to_have_text("Stage 2 of 4")
    expect(stages.nth(1).locator(".tb-stage-title")).to_have_text("Can the number be true?")
    expect(live).to_have_text("Stage 2 of 4: Can the number be true?")
    for i in range(n):
        (expect(stages.nth(i)).to_be_visible if i == 1 else expect(stages.nth(i)).to_be_hidden)()
    expect(back).to_be_enabled()

    q = STEPS["stages"][1]["question"]
    right = next(i for i, o in enumerate(q["options"]) if o.get("correct"))
    wrong = 0 if right != 0 else 1
    assert not q["options"][wrong].get("correct")
    nq = sum(1 for s in STEPS["stages"] if s.get("question"))
    score = root.locator(".tb-score")
    qstatus = root.locator(".tb-qstatus")
    fb = root.locator(".tb-stage").nth(1).locator(".tb-feedback")

    expect(score).to_have_text(score_text(0, nq, 0))
    root.get_by_label(q["options"][wrong]["text"]).check()
    root.locator(".tb-stage").nth(1).locator(".tb-check").click()  # choosing only selects; Check answer answers
    expect(fb.nth(wrong)).to_be_visible()
    expect(fb.nth(wrong).locator(".tb-verdict strong")).to_have_text("Not correct.")
    assert norm(q["options"][wrong]["feedback"]) in norm(fb.nth(wrong).inner_text())
    expect(fb.nth(right)).to_be_hidden()
    expect(score).to_have_text(score_text(0, nq, 1))
    expect(qstatus).to_have_text("First answer scored.")
    expect(live).to_have_text(f"Not correct. {score_text(0, nq, 1)}")

    root.get_by_label(q["options"][right]["text"]).check()
    root.locator(".tb-stage").nth(1).locator(".tb-check").click()  # choosing only selects; Check answer answers
    expect(fb.nth(right)).to_be_visible()
    expect(fb.nth(right).locator(".tb-verdict strong")).to_have_text("Correct.")
    assert norm(q["options"][right]["feedback"]) in norm(fb.nth(right).inner_text())
    expect(fb.nth(wrong)).to_be_hidden()
    # the FIRST answer (wrong) is the one scored: still 0 of 1, now with the choice changed
    expect(score).to_have_text(score_text(0, nq, 1))
    expect(score).to_have_text("Score: 0 of 1 (1 answered; first answer scored)")
    expect(qstatus).to_have_text("Answer changed; your first answer (not correct) is the one scored.")

    nxt.click()
    expect(progress).to_have_text(progress_text(2))
    nxt.click()
    expect(progress).to_have_text("Stage 4 of 4")
    expect(stages.nth(3)).to_be_visible()
    expect(nxt).to_be_disabled()
    expect(back).to_be_enabled()

    restart.click()
    expect(progress).to_have_text("Stage 1 of 4")
    expect(live).to_have_text("Restarted. Stage 1 of 4: The claim")
    expect(back).to_be_disabled()
    expect(score).to_have_text(score_text(0, nq, 0))
    nxt.click()
    expect(progress).to_have_text(progress_text(1))
    radios = stages.nth(1).locator(".tb-radio")
    for i in range(radios.count()):
        expect(radios.nth(i)).not_to_be_checked()
        expect(fb.nth(i)).to_be_hidden()
    expect(qstatus).to_be_hidden()
    assert_clean(v)


def test_stepper_keyboard(visit):
    v = visit(GALLERY)
    page = v.page
    root = ready(page, STEPPER)
    progress = root.locator(".tb-progress-text")
    live = root.locator("[aria-live]")
    back, nxt = root.locator(".tb-back"), root.locator(".tb-next")

    nxt.focus()
    page.keyboard.press("Enter")
    expect(progress).to_have_text(progress_text(1))
    expect(live).to_have_text(stage_title(1))
    expect(nxt).to_be_focused()
    page.keyboard.press("Space")
    expect(progress).to_have_text(progress_text(2))
    expect(live).to_have_text(stage_title(2))
    # arrows on the control buttons (stepper.js onKey)
    page.keyboard.press("ArrowRight")
    expect(progress).to_have_text(progress_text(3))
    expect(nxt).to_be_disabled()
    expect(back).to_be_focused()  # Next became disabled: focus moves to Back, not lost
    page.keyboard.press("ArrowLeft")
    expect(progress).to_have_text(progress_text(2))
    expect(live).to_have_text(stage_title(2))
    page.keyboard.press("Enter")  # Back still focused
    expect(progress).to_have_text(progress_text(1))
    assert_clean(v)


# --------------------------------------------------------------------------- 2. quiz
QUIZ_PLAN = [2, 0, 0, 0]  # chosen option per question: right, right, wrong, wrong (see the YAML)


def test_quiz_plan_matches_data():
    qs = QUIZ_DATA["questions"]
    assert len(qs) == 4
    verdicts = [bool(q["options"][i].get("correct")) for q, i in zip(qs, QUIZ_PLAN)]
    assert verdicts == [True, True, False, False]


@pytest.mark.parametrize("path", [GALLERY, LABELS_PAGE])
def test_quiz_answers_feedback_score_restart(visit, path):
    v = visit(path)
    page = v.page
    root = ready(page, QUIZ)
    qs = QUIZ_DATA["questions"]
    n = len(qs)
    score = root.locator(".tb-score")
    live = root.locator("[aria-live]")
    expect(score).to_have_text(score_text(0, n, 0))
    right_so_far = 0
    for k, (q, choice) in enumerate(zip(qs, QUIZ_PLAN)):
        fs = root.locator(f'.tb-question[data-qid="{q["id"]}"]')
        expect(fs.locator(".tb-legend")).to_have_text(f"Question {k + 1} of {n}")
        fs.locator(".tb-radio").nth(choice).check()
        fs.locator(".tb-check").click()  # choosing only selects; Check answer answers
        opt = q["options"][choice]
        correct = bool(opt.get("correct"))
        right_so_far += correct
        fb = fs.locator(".tb-feedback").nth(choice)
        expect(fb).to_be_visible()
        expect(fb.locator(".tb-verdict strong")).to_have_text("Correct." if correct else "Not correct.")
        assert norm(opt["feedback"]) in norm(fb.inner_text())
        for j in range(len(q["options"])):
            if j != choice:
                expect(fs.locator(".tb-feedback").nth(j)).to_be_hidden()
        expect(score).to_have_text(score_text(right_so_far, n, k + 1))
        # the verdict, then the option's feedback, then the score (quiz.js onChoice)
        verdict = "Correct" if correct else "Not correct"
        expect(live).to_have_text(re.compile(rf"^{verdict}\. .+ Score {right_so_far} of {n}$"))
        assert norm(opt["feedback"])[:40] in norm(live.inner_text())
    expect(score).to_have_text("Score: 2 of 4 (4 answered; first answer scored)")

    root.locator(".tb-restart").click()
    expect(score).to_have_text("Score: 0 of 4 (0 answered; first answer scored)")
    expect(live).to_have_text("Quiz restarted. Score 0 of 4")
    radios = root.locator(".tb-radio")
    for i in range(radios.count()):
        expect(radios.nth(i)).not_to_be_checked()
    feedback = root.locator(".tb-feedback")
    for i in range(feedback.count()):
        expect(feedback.nth(i)).to_be_hidden()
    expect(radios.first).to_be_focused()
    assert_clean(v)


def tab_until(page, js_predicate: str, limit: int = 500) -> int:
    """Press Tab until `js_predicate(document.activeElement)` is true; returns the number of presses."""
    for i in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(
            f"(() => {{ const el = document.activeElement; return Boolean({js_predicate}); }})()"
        ):
            return i
    raise AssertionError(f"focus never reached {js_predicate} in {limit} Tab presses")


# the keyboard path of the quiz (arrows select, "Check answer" answers) is in tests/test_quiz_site.py


# --------------------------------------------------------------------------- 3. lookup
def test_ctcae_boundaries_from_data():
    """The hand check behind the lookup cases: CTCAE v5.0 floors as stored in data/ctcae.yaml."""
    assert CTCAE["anc"]["grade_floors"] == [1500, 1000, 500]
    assert CTCAE["platelets"]["grade_floors"] == [75000, 50000, 25000]
    assert CTCAE["haemoglobin"]["grade_floors"] == [10.0, 8.0]
    anc_units = {u["unit"]: u for u in CTCAE["anc"]["units"]}
    assert anc_units["×10⁹/L"]["to_base"] == 1000 and anc_units["×10⁹/L"]["max"] < 200
    assert {u["unit"]: u["to_base"] for u in CTCAE["haemoglobin"]["units"]}["g/L"] == 0.1


LOOKUP_CASES = [
    # (test, value, unit, grade): grade 2 is "< 1500 and >= 1000" for ANC, etc. (CTCAE v5.0)
    ("anc", "1000", "/mm³", 2),
    ("anc", "999", "/mm³", 3),
    ("anc", "1.0", "×10⁹/L", 2),
    ("anc", "0.999", "×10⁹/L", 3),
    ("platelets", "50000", "/mm³", 2),
    ("platelets", "49999", "/mm³", 3),
    ("haemoglobin", "8.0", "g/dL", 2),
    ("haemoglobin", "79", "g/L", 3),
]

LOOKUP_INVALID = [
    ("anc", "-5", "/mm³", "Enter a value from 0 to 100000 /mm³."),
    ("anc", "200", "×10⁹/L", "Enter a value from 0 to 100 ×10⁹/L."),
    ("anc", "abc", "/mm³", "Enter a number, for example 1200."),
]


def _lookup_enter(root, test, value, unit):
    root.locator(".tb-select").select_option(test)
    root.locator(".tb-unit").select_option(unit)
    root.locator(".tb-value").fill(value)


def test_lookup_grades_and_invalid_values(visit):
    v = visit(GALLERY)
    page = v.page
    root = ready(page, LOOKUP)
    value = root.locator(".tb-value")
    result = root.locator(".tb-numeric-result")
    msg_id = value.get_attribute("aria-describedby")
    msg = page.locator(f'[id="{msg_id}"]')
    assert msg_id and root.locator(f'[id="{msg_id}"]').count() == 1
    cards_shown = root.locator(".tb-card:visible")
    live = root.locator("[aria-live]")

    for test, val, unit, grade in LOOKUP_CASES:
        _lookup_enter(root, test, val, unit)
        expect(result).to_have_text(f"Result: Grade {grade}")
        card = root.locator(f'.tb-card[data-row="{test}-g{grade}"]')
        expect(card).to_be_visible()
        expect(card.locator(".tb-card-title")).to_have_text(f"{CTCAE[test]['label']}: grade {grade}")
        # one card, nothing to choose between: no "most severe" mark (never one for a lone grade-0 card)
        expect(card).not_to_have_class(re.compile(r"\btb-most-severe\b"))
        expect(card.locator(".tb-most-severe-label")).to_be_hidden()
        expect(cards_shown).to_have_count(1)
        expect(value).not_to_have_attribute("aria-invalid", "true")
        expect(msg).to_have_text("")
        expect(live).to_have_text(f"Grade {grade}. 1 matching entry.")

    for test, val, unit, message in LOOKUP_INVALID:
        _lookup_enter(root, test, val, unit)
        expect(msg).to_have_text(message)
        expect(msg).to_be_visible()
        expect(value).to_have_attribute("aria-invalid", "true")
        expect(result).to_be_hidden()
        expect(cards_shown).to_have_count(0)
        assert "grade" not in norm(root.locator(".tb-cards").inner_text()).lower()
        # the message sits next to its field, in the same form row
        assert msg.evaluate(
            "(m, id) => m.parentElement.contains(document.getElementById(id))", value.get_attribute("id")
        )
    assert_clean(v)


# --------------------------------------------------------------------------- 4. calculator
Z = 1.959963984540054


def wilson_by_hand(x: int, n: int) -> tuple[float, float]:
    p = x / n
    denom = 1 + Z * Z / n
    centre = (p + Z * Z / (2 * n)) / denom
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def pct1(v: float) -> str:
    return f"{100 * v:.1f}%"


def test_wilson_by_hand_check_values():
    lo, hi = wilson_by_hand(0, 20)
    assert abs(lo) < 1e-12 and round(hi, 4) == 0.1611  # Newcombe (1998), table I
    lo, hi = wilson_by_hand(16, 83)
    assert (pct1(lo), pct1(hi)) == ("12.2%", "29.0%")


def test_calculator_wilson(visit):
    v = visit(GALLERY)
    page = v.page
    root = ready(page, CALC)
    x, n = root.locator('.tb-input[data-name="x"]'), root.locator('.tb-input[data-name="n"]')
    out = {k: root.locator(f'.tb-out[data-name="{k}"]') for k in ("count", "proportion", "low", "high")}
    msg = {
        f: page.locator(f'[id="{loc.get_attribute("aria-describedby")}"]') for f, loc in (("x", x), ("n", n))
    }

    for o in out.values():
        expect(o).to_have_text("–")

    x.fill("16")
    n.fill("83")
    lo, hi = wilson_by_hand(16, 83)
    expect(out["count"]).to_have_text("16/83")
    expect(out["proportion"]).to_have_text(f"{100 * 16 / 83:.1f}%")
    expect(out["proportion"]).to_have_text("19.3%")
    assert int(out["count"].evaluate("e => getComputedStyle(e).fontWeight")) >= 600  # a value stays large and bold
    expect(out["low"]).to_have_text(pct1(lo))
    expect(out["high"]).to_have_text(pct1(hi))
    for f in ("x", "n"):
        expect(msg[f]).to_have_text("")
    expect(x).not_to_have_attribute("aria-invalid", "true")

    x.fill("0")
    n.fill("20")
    expect(out["count"]).to_have_text("0/20")
    expect(out["proportion"]).to_have_text("0.0%")
    expect(out["low"]).to_have_text("0.0%")
    expect(out["high"]).to_have_text("16.1%")
    assert pct1(wilson_by_hand(0, 20)[1]) == "16.1%"

    invalid = [
        ("90", "83", "x", "Must not be more than n."),
        ("0", "0", "n", "Enter a value from 1 to 100000."),
        ("abc", "83", "x", "Enter a whole number."),
        ("2.5", "83", "x", "Enter a whole number."),
    ]
    for xv, nv, field, message in invalid:
        x.fill(xv)
        n.fill(nv)
        bad = x if field == "x" else n
        good = n if field == "x" else x
        expect(msg[field]).to_have_text(message)
        expect(msg[field]).to_be_visible()
        expect(bad).to_have_attribute("aria-invalid", "true")
        expect(good).not_to_have_attribute("aria-invalid", "true")
        assert msg[field].evaluate(
            "(m, id) => m.parentElement.contains(document.getElementById(id))", bad.get_attribute("id")
        )
        for o in out.values():
            expect(o).to_have_text("–")
        assert not re.search(r"\d", root.locator(".tb-outputs").inner_text().replace("95%", ""))
        # and back to a valid pair: the numbers return (so each invalid case starts from a shown result)
        x.fill("16")
        n.fill("83")
        expect(out["proportion"]).to_have_text("19.3%")
    assert_clean(v)


# --------------------------------------------------------------------------- 5. linked figure
def test_linked_figure_switches_denominator(visit):
    v = visit(GALLERY)
    page = v.page
    root = ready(page, FIGURE)
    ready(page, f"#{PLOT_ID}", timeout=20000)
    summaries = root.locator(".tb-figure-summary:visible")
    expect(summaries).to_have_count(1)
    expect(summaries).to_contain_text("16/83")
    expect(summaries).not_to_contain_text("16/51")

    def ticks():  # the y tick labels: each trial with the count of the view shown (16/83 = 19.3%, 16/51 = 31.4%)
        return page.evaluate(f"() => [...document.querySelectorAll('#{PLOT_ID} .ytick text')].map(t => t.textContent)")

    assert "Raza 2001 (16/83)" in ticks()
    assert "Raza 2001 (16/51)" not in ticks()

    root.get_by_role("radio", name="evaluable patients").check()
    expect(summaries).to_have_count(1)
    expect(summaries).to_contain_text("16/51")
    expect(summaries).to_contain_text("23/39")
    expect(summaries).not_to_contain_text("16/83")
    expect(root.locator("[aria-live]")).to_have_text("Showing evaluable patients")
    page.wait_for_function(
        f"() => [...document.querySelectorAll('#{PLOT_ID} .ytick text')].some(t => t.textContent === 'Raza 2001 (16/51)')",
        timeout=10000,
    )
    ys = ticks()
    assert "Raza 2001 (16/51)" in ys and "Bouscary 2005 (23/39)" in ys
    assert "Raza 2001 (16/83)" not in ys
    assert_clean(v)


# --------------------------------------------------------------------------- 6. without JavaScript
def test_without_javascript_everything_reads_in_order(visit):
    v = visit(GALLERY, javascript=False)
    page = v.page
    text = page.locator(STEPPER).inner_text()
    titles = [s["title"] for s in STEPS["stages"]]
    positions = [text.find(t) for t in titles]
    assert -1 not in positions, f"missing stage titles: {titles} in {text[:300]}"
    assert positions == sorted(positions)
    for i in range(len(titles)):
        expect(page.locator(STEPPER).locator(".tb-stage-title").nth(i)).to_be_visible()
    quiz = page.locator(QUIZ)
    quiz_text = norm(quiz.inner_text())
    for q in QUIZ_DATA["questions"]:
        for o in q["options"]:
            assert norm(o["text"]) in quiz_text
    options = quiz.locator(".tb-option-text")
    assert options.count() == sum(len(q["options"]) for q in QUIZ_DATA["questions"])
    for i in range(options.count()):
        expect(options.nth(i)).to_be_visible()
    assert_clean(v)


# --------------------------------------------------------------------------- 8. keyboard reach
FIRST_CONTROLS = {
    STEPPER: ".tb-next",  # Back is disabled at stage 1
    QUIZ: ".tb-radio",
    LOOKUP: ".tb-select",
    CALC: '.tb-input[data-name="x"]',
    FIGURE: ".tb-figure-control .tb-radio",
}


def test_keyboard_reaches_every_widget_with_visible_focus(visit):
    v = visit(GALLERY)
    page = v.page
    for sel in FIRST_CONTROLS:
        ready(page, sel)
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    reached: dict[str, dict] = {}
    for _ in range(600):
        page.keyboard.press("Tab")
        info = page.evaluate(
            """(controls) => {
                const el = document.activeElement;
                if (!el || el === document.body) return null;
                for (const [w, c] of Object.entries(controls)) {
                    const first = document.querySelector(w + ' ' + c);
                    if (first === el) {
                        const cs = getComputedStyle(el);
                        return {widget: w, outline: cs.outlineStyle, width: cs.outlineWidth, shadow: cs.boxShadow};
                    }
                }
                return null;
            }""",
            FIRST_CONTROLS,
        )
        if info and info["widget"] not in reached:
            reached[info["widget"]] = info
        if len(reached) == len(FIRST_CONTROLS):
            break
    assert set(reached) == set(FIRST_CONTROLS), f"Tab never reached: {set(FIRST_CONTROLS) - set(reached)}"
    for w, info in reached.items():
        visible = (info["outline"] != "none" and info["width"] not in ("0px", "")) or info["shadow"] not in (
            "none",
            "",
        )
        assert visible, f"{w}: focused first control has no visible focus style: {info}"
    assert_clean(v)


# --------------------------------------------------------------------------- 9. size budget
def _resources(page) -> list[str]:
    return page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")


def _local_path(url: str) -> str:
    return urlparse(url).path


def test_gallery_loads_plotly_once_from_static(visit):
    v = visit(GALLERY)
    page = v.page
    ready(page, f"#{PLOT_ID}", timeout=20000)
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    plotly = [u for u in _resources(page) if "plotly" in _local_path(u).rsplit("/", 1)[-1]]
    assert len(plotly) == 1, plotly
    assert _local_path(plotly[0]).endswith("/_static/thalbook/plotly.min.js")
    assert page.evaluate("() => document.querySelectorAll('script[src*=\"plotly\"]').length") == 1
    assert_clean(v)


def test_quiz_page_js_budget(visit, site: Path):
    v = visit(LABELS_PAGE)
    page = v.page
    ready(page, QUIZ)
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(300)
    page.wait_for_load_state("networkidle")
    urls = _resources(page)
    assert not [u for u in urls if "plotly" in u], "a page with no figure must not load plotly"
    assert page.evaluate("() => typeof window.Plotly") == "undefined"
    widget_js = sorted(
        {
            _local_path(u)
            for u in urls
            if "/_static/thalbook/" in _local_path(u) and _local_path(u).endswith(".js")
        }
    )
    assert widget_js, "no widget module was requested"
    assert any(p.endswith("/quiz.js") for p in widget_js)
    base = urlparse(page.url).path.rsplit("/chapters/", 1)[0]
    total = sum((site / p[len(base) :].lstrip("/")).stat().st_size for p in widget_js)
    transferred = page.evaluate(
        "() => performance.getEntriesByType('resource')"
        ".filter(e => e.name.includes('/_static/thalbook/') && /\\.js(\\?|$)/.test(e.name))"
        ".reduce((s, e) => s + e.encodedBodySize, 0)"
    )
    assert total < 60_000, f"widget JS on the quiz page is {total} bytes: {widget_js}"
    assert transferred < 60_000
    assert_clean(v)

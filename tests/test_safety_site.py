"""Pages 4.1 and 4.2 on the built static site, driven in Debian's chromium like a reader would.

Expected grades, actions, doses and messages are worked out by hand from the CTCAE v5.0 cut-offs and the
teaching decision table of the evidence note (safety.md), written next to each case; nothing is taken
from the code under test. After each action the NEW text is asserted (playwright's `expect` waits).
"""

from __future__ import annotations

import re

import pytest
from conftest import assert_clean, norm, ready
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

P41 = "chapters/4-safety/4.1-safety-evaluation-and-monitoring.html"
P42 = "chapters/4-safety/4.2-adverse-reactions-and-management.html"
P421 = "chapters/4-safety/4.2.1-treatment-course-decisions.html"  # the simulator, split from 4.2
P422 = "chapters/4-safety/4.2.2-peripheral-neuropathy.html"  # neuropathy and the cumulative dose, split from 4.2
P423 = "chapters/4-safety/4.2.3-blood-counts-and-other-reactions.html"  # the other reactions, split from 4.2
EXPLORER = "#tbw-lookup-dose-adjustment"
CAPSULES = "#tbw-calculator-capsules"
COURSE = "#tbw-stepper-treatment-course"
NOTICE = "not a prescribing guide"


def shown_rows(root) -> list[str]:
    return [c.get_attribute("data-row") for c in root.locator(".tb-card:visible").all()]


def test_pages_carry_the_teaching_notice(visit):
    for path in (P41, P42, P421, P422, P423):
        v = visit(path)
        assert NOTICE in norm(v.page.locator("main").inner_text()).lower() or NOTICE in norm(v.page.inner_text("body")).lower()
        assert_clean(v)


APPLIED = ("Rule applied: {title}. It asks for the strongest action of the matching rows (stop > interrupt or "
           "withhold > reduce > re-evaluate or monitor > continue); every matching row is shown.")


def test_explorer_toxicity_and_grade(visit):
    v = visit(P42)
    root = ready(v.page, EXPLORER)
    assert NOTICE in root.locator(".tb-title").inner_text()
    tox, grade = root.locator('select[data-name="toxicity"]'), root.locator('select[data-name="grade"]')
    numeric, applied = root.locator(".tb-value"), root.locator(".tb-applied")

    # neuropathy grade 2 (symptomatic): the label's "stop if clinically appropriate" (L, stop) and the
    # protocol's interrupt (P, X); the label's row asks for the stronger action and is applied
    tox.select_option("peripheral-neuropathy")
    grade.select_option("2")
    expect(numeric).to_be_hidden()  # no laboratory value for a clinical toxicity
    expect(root.locator(".tb-card:visible")).to_have_count(2)
    assert shown_rows(root) == ["neuropathy-label", "neuropathy-g2-protocol"]
    worst = root.locator('.tb-card[data-row="neuropathy-label"]')
    expect(worst).to_have_class(re.compile(r"\btb-most-severe\b"))
    expect(worst.locator(".tb-most-severe-label")).to_have_text("Rule applied")
    expect(applied).to_have_text(APPLIED.format(title="Peripheral sensory neuropathy, grades 2-4: stop"))
    text = norm(worst.inner_text())
    assert "Label: stop the drug if clinically appropriate" in text and "does not say “permanently”" in text
    assert "stop permanently" not in worst.locator(".tb-card-title").inner_text().lower()
    assert "L (label)" in [t.inner_text() for t in worst.locator(".tb-tag").all()]
    assert "not verified" in worst.locator(".tb-meta").inner_text()
    other = root.locator('.tb-card[data-row="neuropathy-g2-protocol"]')
    expect(other).not_to_have_class(re.compile(r"\btb-most-severe\b"))
    tags = [t.inner_text() for t in other.locator(".tb-tag").all()]
    assert tags == ["P (published protocol)", "X (extrapolated from adults)"]

    # neuropathy grade 3: the label row and the protocol's permanent stop (P, X), both "stop": the tie keeps
    # the label's row, listed first
    grade.select_option("3")
    expect(root.locator(".tb-card:visible")).to_have_count(2)
    assert shown_rows(root) == ["neuropathy-label", "neuropathy-g3-4-protocol"]
    expect(worst).to_have_class(re.compile(r"\btb-most-severe\b"))

    # rash grade 4: the explicit no-rule row with its reason; nothing highlighted, no rule applied
    tox.select_option("rash")
    grade.select_option("4")
    expect(root.locator(".tb-card:visible")).to_have_count(1)
    card = root.locator('.tb-card[data-row="rash-g4-no-rule"]')
    assert "CTCAE v5.0 defines no grade 4 for this term" in norm(card.inner_text())
    expect(root.locator(".tb-most-severe:visible")).to_have_count(0)
    expect(applied).to_be_hidden()

    # suspected SJS/TEN, any grade: the grade selector is hidden, one row, said in words, not highlighted
    tox.select_option("sjs-ten")
    expect(grade).to_be_hidden()
    assert shown_rows(root) == ["sjs-ten-any"]
    assert "Stop permanently; do not re-challenge." in norm(root.locator('.tb-card[data-row="sjs-ten-any"]').inner_text())
    expect(root.locator(".tb-most-severe:visible")).to_have_count(0)
    expect(applied).to_contain_text("Rule applied: Blistering or exfoliative rash, suspected SJS/TEN, any grade: stop.")
    tox.select_option("rash")
    expect(grade).to_be_visible()
    assert_clean(v)


def _enter(root, tox, value, unit, baseline=""):
    root.locator('select[data-name="toxicity"]').select_option(tox)
    root.locator(".tb-unit").select_option(unit)
    root.locator(".tb-value").fill(value)
    root.locator(".tb-baseline").fill(baseline)


# toxicity, value, unit, grade by hand (CTCAE v5.0; illustrative ANC LLN 2000 /mm³), matching rows
# (safety.md), the row applied (the strongest action)
BOUNDARIES = [
    ("neutropenia", "1999", "/mm³", 1, ["neutropenia-g1-2"], "neutropenia-g1-2"),  # grade 1: < LLN - 1500
    ("neutropenia", "1000", "/mm³", 2, ["neutropenia-g1-2"], "neutropenia-g1-2"),
    ("neutropenia", "999", "/mm³", 3, ["neutropenia-g3"], "neutropenia-g3"),
    ("neutropenia", "1.0", "×10⁹/L", 2, ["neutropenia-g1-2"], "neutropenia-g1-2"),
    ("neutropenia", "0.999", "×10⁹/L", 3, ["neutropenia-g3"], "neutropenia-g3"),
    # 749 /mm³ is grade 3 AND below the label's 750: the L row (re-evaluate) and the X row (interrupt)
    ("neutropenia", "749", "/mm³", 3, ["neutropenia-label-750", "neutropenia-g3"], "neutropenia-g3"),
    ("thrombocytopenia", "50000", "/mm³", 2, ["thrombocytopenia-g1-2"], "thrombocytopenia-g1-2"),
    ("thrombocytopenia", "49999", "/mm³", 3, ["thrombocytopenia-g3"], "thrombocytopenia-g3"),
    ("thrombocytopenia", "50", "×10⁹/L", 2, ["thrombocytopenia-g1-2"], "thrombocytopenia-g1-2"),
    ("thrombocytopenia", "49.999", "×10⁹/L", 3, ["thrombocytopenia-g3"], "thrombocytopenia-g3"),
    ("thrombocytopenia", "24.9", "×10⁹/L", 4, ["thrombocytopenia-g4"], "thrombocytopenia-g4"),
    ("anaemia", "79", "g/L", 3, ["anaemia-g1-4"], "anaemia-g1-4"),
]


def test_explorer_lab_values_in_both_units(visit):
    v = visit(P42)
    root = ready(v.page, EXPLORER)
    result, msg = root.locator(".tb-numeric-result"), root.locator(".tb-value + select + .tb-msg, .tb-msg").first
    grade_select = root.locator('select[data-name="grade"]')
    for tox, value, unit, grade, rows, worst in BOUNDARIES:
        _enter(root, tox, value, unit)
        expect(result).to_have_text(f"Result: Grade {grade}")
        expect(grade_select).to_have_value(str(grade))  # the typed value sets the grade selector
        expect(root.locator(".tb-card:visible")).to_have_count(len(rows))
        assert shown_rows(root) == rows, (tox, value, unit)
        card = root.locator(f'.tb-card[data-row="{worst}"]')
        if len(rows) > 1:  # marked only when chosen among several
            expect(card).to_have_class(re.compile(r"\btb-most-severe\b"))
        title = card.locator(".tb-card-title").inner_text()
        expect(root.locator(".tb-applied")).to_have_text(APPLIED.format(title=title))
        expect(root.locator(".tb-baseline-result")).to_have_text(
            "No baseline value: the count is judged on its grade alone.")
        # what to monitor next is on every card
        assert "Monitor next:" in norm(card.inner_text())

    # a normal count: grade 0, no rule, the empty text with the notice, nothing applied
    _enter(root, "neutropenia", "2000", "/mm³")
    expect(result).to_contain_text("Result: Grade 0 (at or above the illustrative lower limit of normal, 2,000 /mm³;")
    expect(root.locator(".tb-empty")).to_be_visible()
    expect(root.locator(".tb-applied")).to_be_hidden()
    assert NOTICE in root.locator(".tb-empty").inner_text()

    # impossible or malformed values are refused with a message and show no card at all
    for tox, value, unit, message in [
        ("neutropenia", "200", "×10⁹/L", "Enter a value from 0 to 100 ×10⁹/L."),  # 200 x10⁹/L is impossible
        ("neutropenia", "-1", "/mm³", "Enter a value from 0 to 100000 /mm³."),
        ("thrombocytopenia", "5000", "×10⁹/L", "Enter a value from 0 to 2000 ×10⁹/L."),
        ("anaemia", "95", "g/dL", "Enter a value from 0 to 25 g/dL."),
        ("neutropenia", "abc", "/mm³", "Enter a number, for example 1200."),
        ("neutropenia", "1,000", "/mm³", "Enter a number, for example 1200."),
    ]:
        _enter(root, tox, value, unit)
        expect(msg).to_have_text(message)
        expect(root.locator(".tb-value")).to_have_attribute("aria-invalid", "true")
        expect(result).to_be_hidden()
        expect(root.locator(".tb-card:visible")).to_have_count(0)
        expect(root.locator(".tb-empty")).to_be_hidden()
        expect(root.locator(".tb-applied")).to_be_hidden()
    assert_clean(v)


def test_explorer_unit_switch_converts_and_toxicity_switch_clears(visit):
    v = visit(P42)
    root = ready(v.page, EXPLORER)
    value, unit, base = root.locator(".tb-value"), root.locator(".tb-unit"), root.locator(".tb-baseline")
    _enter(root, "neutropenia", "1200", "/mm³", "800")
    unit.select_option("×10⁹/L")  # 1200 /mm³ = 1.2 x10⁹/L, 800 /mm³ = 0.8 x10⁹/L (1000 /mm³ per 10⁹/L)
    expect(value).to_have_value("1.2")
    expect(base).to_have_value("0.8")
    expect(root.locator(".tb-numeric-result")).to_have_text("Result: Grade 2")  # the count itself is unchanged
    unit.select_option("/mm³")
    expect(value).to_have_value("1200")
    root.locator('select[data-name="toxicity"]').select_option("thrombocytopenia")
    expect(value).to_have_value("")  # the typed values belonged to the neutrophils
    expect(base).to_have_value("")
    assert_clean(v)


def test_explorer_baseline_rule(visit):
    v = visit(P42)
    root = ready(v.page, EXPLORER)
    result, base = root.locator(".tb-numeric-result"), root.locator(".tb-baseline-result")
    not_worse = ("At or better than baseline: the teaching rows (A, X) take no action for this count; a label row "
                 "(L) still shows when its threshold is met (baseline rule, origin A).")

    # ANC 600 (grade 3) with baseline 800 (grade 3): the teaching rows are quiet, but 600 is below the
    # label's 750, so the label's row shows (safety.md: the baseline rule never hides a label row)
    _enter(root, "neutropenia", "600", "/mm³", "800")
    expect(result).to_have_text("Result: Grade 3")
    expect(base).to_have_text(f"Baseline grade 3. {not_worse}")
    expect(root.locator(".tb-card:visible")).to_have_count(2)
    assert shown_rows(root) == ["neutropenia-label-750", "neutropenia-baseline"]
    label = root.locator('.tb-card[data-row="neutropenia-label-750"]')
    expect(label).to_have_class(re.compile(r"\btb-most-severe\b"))  # re-evaluate is stronger than continue
    assert "Label: re-evaluate; consider withholding" in norm(label.inner_text())

    # a child whose count starts in grade 4 (450) and is 700 now: still below 750, the label's row shows
    _enter(root, "neutropenia", "700", "/mm³", "450")
    expect(base).to_have_text(f"Baseline grade 4. {not_worse}")
    assert shown_rows(root) == ["neutropenia-label-750", "neutropenia-baseline"]

    # 0.45 x10⁹/L = 450 /mm³ (grade 4) against 0.8 (grade 3): worse by one; label row and the X row
    # (interrupt), the interrupt applied
    _enter(root, "neutropenia", "0.45", "×10⁹/L", "0.8")
    expect(result).to_have_text("Result: Grade 4")
    expect(base).to_have_text("Baseline grade 3. Worse than the baseline grade by at least one: the teaching rows "
                              "apply (baseline rule, origin A).")
    expect(root.locator(".tb-card:visible")).to_have_count(2)
    assert shown_rows(root) == ["neutropenia-label-750", "neutropenia-g4"]
    expect(root.locator('.tb-card[data-row="neutropenia-g4"]')).to_have_class(re.compile(r"\btb-most-severe\b"))

    # platelets 45,000 (grade 3) against 60,000 (grade 2): worse, interrupt (X); no platelet label row
    _enter(root, "thrombocytopenia", "45000", "/mm³", "60000")
    expect(base).to_contain_text("Baseline grade 2. Worse than the baseline grade")
    assert shown_rows(root) == ["thrombocytopenia-g3"]

    # an impossible baseline is refused with its own message
    _enter(root, "thrombocytopenia", "45000", "/mm³", "3000000")
    expect(root.locator(".tb-baseline-msg")).to_have_text("Enter a value from 0 to 2000000 /mm³.")
    expect(root.locator(".tb-baseline")).to_have_attribute("aria-invalid", "true")
    assert_clean(v)


def test_capsule_arithmetic(visit):
    v = visit(P42)
    page = v.page
    root = ready(page, CAPSULES)
    assert NOTICE in root.locator(".tb-title").inner_text()
    note = norm(root.locator(".tb-note").inner_text())
    assert "No paediatric MDS dose exists" in note and "safety is not established under 12 years" in note
    assert "Crohn's disease (children and adolescents, not MDS): 1.5-2.5 mg/kg/day" in note
    w, d, k = (root.locator(f'.tb-input[data-name="{n}"]') for n in ("weight", "mgkg", "weeks"))
    expect(d).to_have_value("")  # empty by default
    out = {n: root.locator(f'.tb-out[data-name="{n}"]') for n in
           ("daily", "range", "daily_schedules", "alternate_schedules", "given", "hazard", "cumulative",
            "cumulative_flag")}
    msg = {n: page.locator(f'[id="{loc.get_attribute("aria-describedby")}"]') for n, loc in (("weight", w), ("mgkg", d))}
    for o in out.values():
        expect(o).to_have_text("–")

    # 20 kg x 2.5 mg/kg/day = 50 mg/day = one capsule a day; 50 x 7 x 12 weeks = 4200 mg = 4.2 g; band 50-99: 2.62
    w.fill("20")
    d.fill("2.5")
    k.fill("12")
    expect(out["daily"]).to_have_text("50.0 mg/day calculated (arithmetic, not a dose for a child with MDS)")
    expect(out["range"]).to_contain_text("2.5 mg/kg/day: within the range reported in Crohn's disease")
    expect(out["daily_schedules"]).to_have_text("1 × 50 mg every day: 50 mg/day")
    expect(out["alternate_schedules"]).to_have_text(
        "50 mg every other day: average 25 mg/day; 50 mg and 100 mg on alternate days: average 75 mg/day")
    expect(out["given"]).to_have_text("1 × 50 mg every day: 50 mg/day on average. 1.00 times the calculated dose.")
    expect(out["hazard"]).to_contain_text("For 50 mg/day (the nearest whole-capsule schedule): 50 to 99 mg/day: "
                                          "relative hazard 2.62 against below 50 mg/day")
    assert "%" not in out["hazard"].inner_text()
    expect(out["cumulative"]).to_have_text("4.2 g over 12 weeks of the nearest whole-capsule schedule")
    expect(out["cumulative_flag"]).to_contain_text("Not past about 28 g")
    # a sentence reads as body text, not as a large bold value (issue 17 polish)
    assert out["cumulative"].evaluate("e => getComputedStyle(e).fontWeight") == "400"

    # 40 kg x 2.5 = 100 mg/day (two capsules): 41 weeks = 28.7 g (past 28), 86 weeks = 60.2 g (past both)
    w.fill("40")
    k.fill("41")
    expect(out["cumulative"]).to_have_text("28.7 g over 41 weeks of the nearest whole-capsule schedule")
    expect(out["cumulative_flag"]).to_contain_text("Past about 28 g")
    k.fill("86")
    expect(out["cumulative_flag"]).to_contain_text("Past about 60 g")

    # the band follows what whole capsules give: 60 kg x 2.5 = 150 (three capsules, top band, 9.57);
    # 30 kg x 1.5 = 45 mg/day, nearest schedule 50 mg/day (band 50-99, 2.62, not the reference band)
    for weight, dose, hazard in [("60", "2.5", "9.57"), ("30", "1.5", "2.62")]:
        w.fill(weight)
        d.fill(dose)
        expect(out["hazard"]).to_contain_text(f"relative hazard {hazard}")

    # 5 kg x 1 mg/kg/day = 5 mg/day: even one capsule every other day (25 mg/day) is 5 times that, said in
    # words; 1 mg/kg/day is below every published paediatric range; 1 week of 25 mg/day is 175 mg
    w.fill("5")
    d.fill("1")
    k.fill("1")
    expect(out["given"]).to_contain_text("Even the smallest whole-capsule schedule (50 mg every other day, 25 mg/day "
                                         "on average) is 5.0 times the calculated dose")
    expect(out["range"]).to_have_text("1 mg/kg/day: below every published paediatric range in the book's sources "
                                      "(none is from MDS)")
    expect(out["cumulative"]).to_have_text("175 mg over 1 week of the nearest whole-capsule schedule")

    # invalid weights and doses: a message, never a number
    for weight, dose, field, message in [
        ("0", "2", "weight", "Enter a weight above 0 kg."),
        ("151", "2", "weight", "Enter a value from 0 to 150."),
        ("-3", "2", "weight", "Enter a value from 0 to 150."),
        ("heavy", "2", "weight", "Enter a number."),
        ("30", "-1", "mgkg", "Enter a value from 0 to 10."),
    ]:
        w.fill(weight)
        d.fill(dose)
        expect(msg[field]).to_have_text(message)
        for o in out.values():
            expect(o).to_have_text("–")
    assert_clean(v)


def answer(stage, option_text):
    """Choose an option of the stage's question; returns that option's feedback. Works whether a choice
    answers at once or needs "Check answer" (the answering change of issue 17, on the quizzes branch)."""
    fs = stage.locator(".tb-question")
    radio = fs.get_by_label(option_text, exact=True)
    index = radio.get_attribute("value")
    radio.check()
    check = fs.get_by_role("button", name="Check answer")
    if check.count():
        check.click()
    return fs.locator(f'.tb-feedback[data-option="{index}"]')


def test_treatment_course_simulator(visit):
    v = visit(P421)
    root = ready(v.page, COURSE)
    progress, nxt = root.locator(".tb-progress-text"), root.locator(".tb-next")
    stages = root.locator(".tb-stage")
    assert stages.count() == 7
    # by hand (course.yaml, dose_levels.yaml, dose_rules.yaml): week -> dose and the text to find
    first_dose = ("50 mg/day (50 mg every day). This level is invented for teaching (origin A, illustrative): no "
                  "paediatric MDS dose exists in any source the book found.")
    level_1, level_2 = "50 mg/day (50 mg every day, illustrative level)", "25 mg/day (50 mg on alternate days, illustrative level)"
    # (title, the option the table asks for, the dose that follows, a text of the table's answer)
    expected = [
        ("Week 0: Baseline, before the first dose", None, first_dose, "baseline grade recorded"),
        # ANC 700: grade 3 like the baseline's 800, but below the label's 750: re-evaluate, the dose stays
        ("Week 1: First weekly check", "Continue, with closer checks", level_1,
         "Label: re-evaluate; consider withholding the drug if the low count persists."),
        # ANC 450: grade 4, worse: the X row's interrupt is applied, and the dose line says interrupted
        ("Week 2: Second weekly check", "Interrupt the drug for now", "0 mg/day (interrupted)",
         "Action: Interrupt; resume one dose level lower only after recovery; consider stopping."),
        ("Week 3: Third weekly check", "Go one dose level lower", level_2, "Resume one dose level lower."),
        ("Week 4: Fourth weekly check", "Continue at the same dose", level_2,
         "the teaching rows (A, X) take no action for this count"),
        ("Week 8: First monthly check", "Continue, with closer checks", level_2,
         "Teaching rule: continue with closer examination; consider a lower dose."),
        ("Week 12: Three-month check", "Stop the drug for good", "0 mg/day (stopped)",
         "Label: stop the drug if clinically appropriate"),
    ]
    # before each check, by hand: 0; 50 x 7 = 350 mg; 700 mg; 700 mg (interrupted); + 25 x 7 = 875 mg;
    # + 25 x 28 = 1575 mg = 1.6 g; + 25 x 28 = 2275 mg = 2.3 g (one decimal from a gram on, never "0.0 g")
    cumulative = ["0 mg", "350 mg", "700 mg", "700 mg", "875 mg", "1.6 g", "2.3 g"]
    for i, (title, decision, dose, text) in enumerate(expected):
        stage = stages.nth(i)
        expect(progress).to_have_text(f"Stage {i + 1} of 7")
        expect(stage.locator(".tb-stage-title")).to_have_text(title)  # the title once, not "Stage 1 of 7: ..."
        expect(stage).to_be_visible()
        body = norm(stage.inner_text())
        assert f"Cumulative dose before this check: {cumulative[i]}" in body
        assert NOTICE in body
        if decision is None:  # the baseline: nothing to decide
            assert f"Dose for the coming weeks: {dose}" in body, body
            assert text in body, body
        else:  # the reader decides from the findings before the table's answer shows
            assert "Dose for the coming weeks" not in body and "Action:" not in body, body
            reveal = stage.locator(".tb-stage-reveal")
            expect(reveal).to_be_hidden()  # the table's answer waits for the reader's decision
            if i == 2:  # a milder choice first: the feedback names what the table asks for instead
                fb = answer(stage, "Continue at the same dose")
                expect(fb).to_be_visible()
                assert "Milder than the table's answer (interrupt the drug for now)" in norm(fb.inner_text())
            fb = answer(stage, decision)
            expect(fb).to_be_visible()
            assert "What the teaching rule table asks for; why, below." in norm(fb.inner_text())
            expect(reveal).to_be_visible()
            shown = norm(reveal.inner_text())
            assert f"Dose for the coming weeks: {dose}" in shown, shown
            assert text in shown, shown
        if i < 6:
            nxt.click()
    root.locator(".tb-back").click()
    root.locator(".tb-back").click()
    root.locator(".tb-back").click()
    root.locator(".tb-back").click()
    expect(progress).to_have_text("Stage 3 of 7")
    body = norm(stages.nth(2).inner_text())
    assert "Neutrophil count (ANC): 450 /mm³, grade 4; baseline grade 3: worse, the teaching rows apply" in body
    assert "Rule applied (the strongest action): Neutropenia (neutrophil count decreased), grade 4" in body
    assert "Full blood count weekly [A]" in body
    assert_clean(v)


def test_course_cumulative_dose_figure_on_the_neuropathy_page(visit):
    """The course's cumulative dose is drawn beside the neuropathy thresholds it is read against (4.2.2)."""
    v = visit(P422)
    fig = v.page.locator("#fig-course-cumulative-dose")
    fig.scroll_into_view_if_needed()
    expect(fig.locator(".main-svg").first).to_be_attached(timeout=15000)
    assert_clean(v)


def test_monitoring_timeline_and_table(visit):
    v = visit(P41)
    page = v.page
    fig = page.locator("#fig-monitoring-timeline")
    fig.scroll_into_view_if_needed()
    expect(fig.locator(".main-svg").first).to_be_attached(timeout=15000)
    table = page.locator("table", has_text="Teaching monitoring schedule")
    assert table.locator("tbody tr").count() == 15  # with the label's two neuropathy examination rows
    first = norm(table.locator("tbody tr").nth(0).inner_text())
    assert "baseline" in first and "A" in first and "illustrative" in first
    assert "No pregnancy for 4 more weeks" in norm(table.inner_text())
    assert page.locator("#appraisal-ch4-1-monitoring-without-numbers").count() == 1
    assert_clean(v)

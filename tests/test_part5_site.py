"""Pages 5.1-5.3 on the built static site, in Debian's chromium, used like a reader would.

Expected text for the citation tracer comes from ../shared/evidence/review-appraisal.md (section 2),
restated in APPRAISAL below, not from data/citations.yaml; sample sizes come from hand arithmetic in the
comments; the quiz's wording from its data file (as tests/test_pharmacology_site.py does).
"""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import ROOT, assert_clean, axe_violations, norm, ready
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

OVERVIEW = "chapters/5-conclusions/overview.html"
P51 = "chapters/5-conclusions/5.1-research-conclusion.html"
P52 = "chapters/5-conclusions/5.2-open-issues-and-prospects.html"
P53 = "chapters/5-conclusions/5.3-applications-and-perspectives.html"
P531 = "chapters/5-conclusions/5.3.1-molecular-glues.html"
BY_CLAIM = "#tbw-lookup-citation-tracer-claims"
BY_REF = "#tbw-lookup-citation-tracer-references"
CALC = "#tbw-calculator-sample-size"
QUIZ = "#tbw-quiz-part5"

# review-appraisal.md §2, entry by entry: words the tracer must show for it, and whether it is real
APPRAISAL = {
    1: (True, ["Palumbo", "myeloma"]),
    2: (True, ["List", "lenalidomide", "del(5q)"]),
    3: (True, ["Singhal", "refractory multiple myeloma"]),
    4: (False, ["Chen C, Morgan GJ, Lista F", "Br J Haematol"]),
    5: (False, ["Verma A, List A", "Semin Hematol"]),
    6: (False, ["Hasle H", "Curr Opin Pediatr", "27913534"]),  # the real Hasle 2016 review: PMID 27913534
    7: (False, ["Yoshida N", "Int J Hematol"]),
    8: (False, ["Wei AH", "Am J Hematol"]),
    9: (False, ["Imamura T", "Leuk Res"]),
}
NEVER_CITED = [4, 5, 6, 7, 8, 9]  # "[4]-[9] are listed but never cited"
# the claims of Table 1 / section 5.1 by their menu label: (name in the text, number cited, words the
# trace must show). "Smith" [1], "Chen" [2], "Siegel" [3]; Table 1's uses beyond MDS and the "substantial
# evidence" sentence cite nothing; "no thalidomide MDS trial found reports a survival benefit".
CLAIMS = {
    "Mechanisms in MDS, shown in a mouse model (Smith et al.)": ("Smith", 1, ["mouse", "myeloma", "do not match"]),
    "Better blood counts and fewer transfusions in MDS (Chen et al.)": (
        "Chen", 2, ["lenalidomide", "do not match", "first author of the listed [4]"]),
    "Longer survival in MDS (Chen et al.)": ("Chen", 2, ["survival", "not found", "lenalidomide"]),
    "Responses and survival in myeloma (Siegel et al.)": ("Siegel", 3, ["Singhal", "do not match"]),
    "Uses beyond MDS (no study named)": (None, None, ["cites no reference", "ENL"]),
    "The evidence is called substantial": (None, None, ["cites no reference", "none is about thalidomide in MDS"]),
}
SEARCH = "bibliographic databases"  # README "Searches behind not found": how [4]-[9] were looked for


def visible_cards(root):
    return root.locator(".tb-card:visible")


def entries(n: int) -> str:
    return f"{n} matching {'entry' if n == 1 else 'entries'}."


# --------------------------------------------------------------------------- tracer, by claim
def test_tracer_every_claim_to_its_reference_and_verdict(visit):
    v = visit(P51)
    root = ready(v.page, BY_CLAIM)
    select = root.locator('.tb-select[data-name="claim"]')
    labels = [norm(o) for o in select.locator("option").all_inner_texts()]
    assert sorted(labels) == sorted(CLAIMS)
    live = root.locator("[aria-live]")
    for label, (name, number, words) in CLAIMS.items():
        select.select_option(label=label)
        cards = visible_cards(root)
        n_cards = 4 if number else 3
        expect(cards).to_have_count(n_cards)
        expect(live).to_have_text(entries(n_cards))
        titles = [norm(t) for t in cards.locator(".tb-card-title").all_inner_texts()]
        text = norm(" ".join(cards.all_inner_texts()))
        assert titles[0].startswith("1. The claim") and titles[-1].startswith("4. Verdict:")
        if number:
            assert titles[1].startswith(f"2. The reference it cites: [{number}]")
            assert titles[2].startswith(f"3. What [{number}] actually reports")
            assert f"{name} et al." in text
            real, ref_words = APPRAISAL[number]
            assert real and all(w in text for w in ref_words[:1])
            # the reference cards carry a status badge
            assert cards.nth(1).locator(".tb-badge").count() == 1
        else:
            assert titles[1].startswith("2-3. The reference it cites: none")
        for w in words:
            assert w in text, (label, w)
        verdict = cards.nth(n_cards - 1)
        expect(verdict.locator(".tb-badge")).to_have_count(1)
    assert_clean(v)


def test_tracer_chen_mismatch_both_ways(visit):
    v = visit(P51)
    page = v.page
    claims = ready(page, BY_CLAIM)
    claims.locator('.tb-select[data-name="claim"]').select_option(label="Better blood counts and fewer transfusions in MDS (Chen et al.)")
    ref_card = visible_cards(claims).nth(1)
    expect(ref_card).to_contain_text("[2]")
    t = norm(ref_card.inner_text())
    # the text's "Chen" is not the first author of [2] (List) but of the listed, uncited [4]
    assert "The review names Chen et al., but the first author of [2] is List" in t
    assert "matches the first author of the listed [4]" in t and "no sentence of the review cites" in t
    refs = ready(page, BY_REF)
    refs.locator('.tb-select[data-name="reference"]').select_option("4")
    cited = visible_cards(refs).nth(2)
    expect(cited).to_contain_text("Listed but never cited")
    expect(cited).to_contain_text("Chen et al.")
    expect(cited).to_contain_text("citing [2] instead")
    assert_clean(v)


# --------------------------------------------------------------------------- tracer, by reference
def test_tracer_every_reference(visit):
    v = visit(P51)
    root = ready(v.page, BY_REF)
    select = root.locator('.tb-select[data-name="reference"]')
    assert [o.get_attribute("value") for o in select.locator("option").all()] == [str(n) for n in range(1, 10)]
    for number, (real, words) in APPRAISAL.items():
        select.select_option(str(number))
        cards = visible_cards(root)
        expect(cards).to_have_count(3)
        expect(cards.nth(0)).to_contain_text(f"[{number}]")
        text = norm(" ".join(cards.all_inner_texts()))
        for w in words:
            assert w in text, (number, w)
        badge = cards.nth(1).locator(".tb-badge")
        if real:
            expect(badge).not_to_have_text("not found")
            assert "Listed but never cited" not in text
            assert re.search(r"\d claims? of the review cites? \[" + str(number) + r"\]", text)
        else:
            expect(badge).to_have_text("not found")
            assert "Not found as cited" in text and SEARCH in text
            assert "Listed but never cited" in text
            assert "Claims that cite" in text and ": none" in text
    assert_clean(v)


def test_reference_table_and_counts_on_51(visit):
    v = visit(P51)
    page = v.page
    table = page.locator("table.tb-reflist")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(9)
    for number in NEVER_CITED:
        row = rows.nth(number - 1)
        expect(row).to_contain_text("listed but never cited")
        expect(row.locator(".tb-status")).to_have_text("not found")
    for number in (1, 2, 3):
        expect(rows.nth(number - 1)).not_to_contain_text("never cited")
    article = norm(page.inner_text("article"))
    assert "[4] to [9] (derived)" in article and "3 of 9 (derived)" in article
    flags = yaml.safe_load((ROOT / "data/appraisals.yaml").read_text(encoding="utf-8"))
    mine = [a["id"] for a in flags if a["page"] == P51.removesuffix(".html")]
    assert set(mine) >= {"ch5-table1-names", "ch5-survival", "ch5-references-real"}
    for f in mine:
        expect(page.locator(f"#appraisal-{f}")).to_be_visible()
    assert_clean(v)


def test_tracer_twin_without_javascript(visit):
    """The static twin alone (no script): every step of every trace is on the page, in reading order."""
    v = visit(P51, javascript=False)
    root = v.page.locator(BY_CLAIM)
    rows = [c.get_attribute("data-row") for c in root.locator(".tb-card").all()]
    assert rows[:4] == ["mechanisms-smith-claim", "mechanisms-smith-ref1", "mechanisms-smith-ref1-reports", "mechanisms-smith-verdict"]
    assert len(rows) == 4 * 4 + 3 * 2  # four claims cite one entry each, two cite none
    assert "Listed but never cited" in norm(v.page.locator(BY_REF).inner_text())


# --------------------------------------------------------------------------- calculator (5.2)
def test_sample_size_calculator(visit):
    v = visit(P52)
    root = ready(v.page, CALC)
    field = {k: root.locator(f'.tb-input[data-name="{k}"]') for k in ("rate", "half_width", "confidence")}
    out = {k: root.locator(f'.tb-out[data-name="{k}"]') for k in ("n", "interval", "normal")}
    # starts at the data's assumptions: 30%, 10 points, 95%
    # n = 77: h = 0.10035 > 0.10; n = 78: h = 0.09972 -> 78; normal: 3.8415 * 0.21 / 0.01 = 80.67 -> 81
    expect(out["n"]).to_have_text("78 children")
    expect(out["normal"]).to_have_text("81 children")
    expect(out["interval"]).to_contain_text("21.0% to 40.9%")

    field["half_width"].fill("20")  # n = 17: h = 0.20017; n = 18: h = 0.19538 -> 18; normal 20.17 -> 21
    expect(out["n"]).to_have_text("18 children")
    expect(out["normal"]).to_have_text("21 children")

    field["rate"].fill("50")  # p = 0.5: n >= (z/2d)² - z²
    field["half_width"].fill("10")  # 96.04 - 3.84 = 92.20 -> 93; normal 96.04 -> 97
    expect(out["n"]).to_have_text("93 children")
    expect(out["normal"]).to_have_text("97 children")
    field["half_width"].fill("5")  # 384.15 - 3.84 = 380.31 -> 381: halving the half-width, about 4x
    expect(out["n"]).to_have_text("381 children")
    field["confidence"].fill("99")  # z = 2.5758: (2.5758/0.1)² - z² = 663.49 - 6.63 = 656.86 -> 657
    expect(out["n"]).to_have_text("657 children")
    field["half_width"].fill("10")  # (2.5758/0.2)² - 6.63 = 165.87 - 6.63 = 159.24 -> 160
    expect(out["n"]).to_have_text("160 children")

    for name, value, message in [
        ("confidence", "97", "Choose one of 90, 95, 99."),
        ("rate", "0", "Enter a value from 1 to 99."),
        ("half_width", "abc", "Enter a number."),
    ]:
        field[name].fill(value)
        msg = v.page.locator(f'[id="{field[name].get_attribute("aria-describedby")}"]')
        expect(msg).to_have_text(message)
        expect(field[name]).to_have_attribute("aria-invalid", "true")
        for o in out.values():
            expect(o).to_have_text("–")
        field["rate"].fill("30")
        field["half_width"].fill("10")
        field["confidence"].fill("95")
        expect(out["n"]).to_have_text("78 children")
    assert_clean(v)


def test_52_tables_statuses_and_notice(visit):
    v = visit(P52)
    page = v.page
    issues = page.locator("table.tb-open-issues tbody tr")
    n_issues = len(yaml.safe_load((ROOT / "data/open_issues.yaml").read_text(encoding="utf-8")))
    expect(issues).to_have_count(n_issues)
    for i in range(n_issues):
        expect(issues.nth(i)).to_contain_text("teaching proposal")
        expect(issues.nth(i).locator(".tb-status").last).to_have_text("illustrative")
    plan = page.locator("table.tb-planning tbody tr")
    expect(plan.first.locator(".tb-status")).to_have_text("illustrative")
    sizes = page.locator("table.tb-sample-size")
    expect(sizes).to_contain_text("78")
    article = norm(page.inner_text("article"))
    assert "not a prescribing guide" in article.lower()
    assert "78 children (derived)" in article and "30% (illustrative)" in article
    expect(page.locator("#appraisal-ch5-2-individual-dosing")).to_be_visible()
    assert_clean(v)


# --------------------------------------------------------------------------- 5.3: uses and the quiz
def test_53_uses_table_shows_standing_place_and_status(visit):
    v = visit(P53)
    page = v.page
    rows = page.locator("table.tb-other-uses tbody tr")
    uses = yaml.safe_load((ROOT / "data/other_uses.yaml").read_text(encoding="utf-8"))
    expect(rows).to_have_count(len(uses))
    # facts.md "Other indications": US approvals for myeloma (2006, with dexamethasone) and ENL (1998)
    myeloma = rows.filter(has_text="multiple myeloma, with dexamethasone")
    expect(myeloma).to_contain_text("approved")
    expect(myeloma).to_contain_text("United States, since 2006")
    enl = rows.filter(has_text="erythema nodosum leprosum").filter(has_text="United States")
    expect(enl).to_contain_text("since 1998")
    expect(rows.filter(has_text="European Union").first.locator(".tb-status")).to_have_text("not verified")
    for off in ("Behçet's disease", "cutaneous lupus"):
        expect(rows.filter(has_text=off)).to_contain_text("reported off-label")
    expect(rows.filter(has_text="MDS in children").locator(".tb-status")).to_have_text("not found")
    for i in range(len(uses)):
        expect(rows.nth(i).locator(".tb-status")).to_have_count(1)
    expect(page.locator("#appraisal-ch5-3-beyond-mds")).to_be_visible()
    assert_clean(v)


def test_531_molecular_glues_box_and_glossary_link(visit):
    """The outlook's flag and the molecular-glue section, split from 5.3 to its own page (issue 17)."""
    v = visit(P531)
    page = v.page
    expect(page.locator("#appraisal-ch5-3-target-known")).to_be_visible()
    glossary = page.locator("article a[href*='glossary']", has_text="molecular glue")
    expect(glossary.first).to_be_visible()
    expect(page.locator("article a[href$='5.3-applications-and-perspectives.html']").first).to_be_visible()
    assert_clean(v)


def score_text(score: int, of: int, answered: int) -> str:
    return f"Score: {score} of {of} ({answered} answered; first answer scored)"


def test_quiz_part5_right_and_wrong_answers(visit):
    v = visit(P53)
    root = ready(v.page, QUIZ)
    qs = yaml.safe_load((ROOT / "data/quizzes/part5.yaml").read_text(encoding="utf-8"))["questions"]
    fieldsets = root.locator(".tb-question")
    expect(fieldsets).to_have_count(len(qs))
    score = root.locator(".tb-score")
    expect(score).to_have_text(score_text(0, len(qs), 0))
    right_so_far = 0
    for i, q in enumerate(qs):
        f = fieldsets.nth(i)
        right = next(k for k, o in enumerate(q["options"]) if o.get("correct"))
        first = (right + 1) % len(q["options"]) if i % 2 == 0 else right  # even questions answered wrong first
        f.get_by_label(q["options"][first]["text"], exact=True).check()
        f.locator(".tb-check").click()  # choosing only selects; Check answer answers
        fb = f.locator(".tb-feedback").nth(first)
        expect(fb).to_be_visible()
        expect(fb.locator(".tb-verdict")).to_contain_text("Correct." if first == right else "Not correct.")
        assert norm(q["options"][first]["feedback"]) in norm(fb.inner_text())
        right_so_far += first == right
        expect(score).to_have_text(score_text(right_so_far, len(qs), i + 1))
    # changing to the right answer shows its feedback but the first answer stays scored
    f0 = fieldsets.nth(0)
    right0 = next(k for k, o in enumerate(qs[0]["options"]) if o.get("correct"))
    f0.get_by_label(qs[0]["options"][right0]["text"], exact=True).check()
    f0.locator(".tb-check").click()  # choosing only selects; Check answer answers
    expect(f0.locator(".tb-feedback").nth(right0)).to_contain_text("Correct.")
    expect(score).to_have_text(score_text(right_so_far, len(qs), len(qs)))
    root.locator(".tb-restart").click()
    expect(score).to_have_text(score_text(0, len(qs), 0))
    assert_clean(v)


# --------------------------------------------------------------------------- every page of the part
@pytest.mark.parametrize("path", [OVERVIEW, P51, P52, P53, P531])
def test_pages_clean_accessible_and_linked(visit, path):
    v = visit(path)
    page = v.page
    for handle in page.query_selector_all(".thalbook-widget"):
        handle.scroll_into_view_if_needed()
    assert page.evaluate("() => [...document.querySelectorAll('.thalbook-widget')].every(e => e.dataset.ready === 'true')")
    assert axe_violations(page) == []
    text = norm(page.inner_text("article"))
    assert "being written" not in text
    if path == OVERVIEW:
        for sub in (P51, P52, P53, P531):
            expect(page.locator(f"article a[href$='{sub.rsplit('/', 1)[1]}']").first).to_be_visible()
    else:
        assert "References" in text and page.locator("article a.footnote-reference").count() > 0
    assert_clean(v)

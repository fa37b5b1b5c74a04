"""Pages 2.1 and 2.2 on the built static site, in Debian's chromium: every control of the mechanism
explorer, the mechanism summary stepper and the part 2 quiz, the cereblon diagram, page weight, no request
off the site and no console error.

Expected text comes from the data files (read here with yaml) or from the widget engine's fixed wording
(as in tests/test_widgets_site.py), never from the code under test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, assert_clean, norm, ready
from playwright.sync_api import expect

# a short citation: names, then a year or n.d. (tests/test_citations.py checks the labels by hand)
AUTHOR_YEAR = re.compile(r"^[A-Z].* (\d{4}|n\.d\.)$")

pytestmark = pytest.mark.browser

P21 = "chapters/2-pharmacology/2.1-antitumour-mechanisms.html"
P22 = "chapters/2-pharmacology/2.2-mechanisms-in-mds.html"
P221 = "chapters/2-pharmacology/2.2.1-mechanism-statements.html"  # the mechanism stepper, split from 2.2
EXPLORER = "#tbw-lookup-mechanism-explorer"
STEPPER = "#tbw-stepper-mechanism-summary"
QUIZ = "#tbw-quiz-part2"
ROWS = yaml.safe_load((ROOT / "data/mechanisms.yaml").read_text(encoding="utf-8"))
STEPS = yaml.safe_load((ROOT / "data/steppers/mechanism-summary.yaml").read_text(encoding="utf-8"))
QUIZ_DATA = yaml.safe_load((ROOT / "data/quizzes/part2.yaml").read_text(encoding="utf-8"))
DRUG = {"thalidomide": "Thalidomide", "lenalidomide": "Lenalidomide", "pomalidomide": "Pomalidomide"}


def ids_where(**want) -> list[str]:
    """Row ids of data/mechanisms.yaml whose fields equal `want` (the hand filter behind each case)."""
    return [r["id"] for r in ROWS if all(r[k] == v for k, v in want.items())]


def entries(n: int) -> str:
    return f"{n} matching {'entry' if n == 1 else 'entries'}."


# --------------------------------------------------------------------------- mechanism explorer (2.1)
def test_explorer_every_selector_shows_the_chains_from_the_data(visit):
    v = visit(P21)
    page = v.page
    root = ready(page, EXPLORER)
    mech, target, effect = (root.locator(f'.tb-select[data-name="{n}"]') for n in ("mechanism", "target", "effect"))
    shown = root.locator(".tb-card:visible")
    live = root.locator("[aria-live]")
    empty = root.locator(".tb-empty")

    # starts on the cereblon mechanism, other choices "Any"
    expect(mech).to_have_value("cereblon")
    expect(shown).to_have_count(len(ids_where(mechanism="cereblon")))
    expect(live).to_have_text(entries(len(ids_where(mechanism="cereblon"))))

    # every mechanism in turn
    for m in dict.fromkeys(r["mechanism"] for r in ROWS):
        mech.select_option(m)
        want = ids_where(mechanism=m)
        expect(shown).to_have_count(len(want))
        assert [c.get_attribute("data-row") for c in shown.all()] == want
        expect(live).to_have_text(entries(len(want)))

    # by target: SALL4 -> the one chain, with its chain, source and status
    mech.select_option("any")
    target.select_option("SALL4")
    expect(shown).to_have_count(1)
    row = next(r for r in ROWS if r["target"] == "SALL4")
    card = shown.first
    expect(card.locator(".tb-card-title")).to_have_text(f"{DRUG[row['drug']]} → SALL4 → {row['effect']}")
    expect(card).to_contain_text(norm(row["downstream"]))
    expect(card).to_contain_text("Evidence level: " + row["system"])
    # the source as its short citation, the key kept in the link's title (thalbook.data.citations)
    cite = card.locator(f'.tb-source a.tb-cite[title="{row["source"]}"]')
    expect(cite).to_have_text(AUTHOR_YEAR)
    expect(cite).to_have_attribute("href", f"../back/references.html#ref-{row['source']}")
    expect(card.locator(".tb-badge")).to_have_text(row["status"])
    expect(card).to_contain_text("the review does not mention it")

    # by effect, across mechanisms: every chain ending in limb defects
    target.select_option("any")
    effect.select_option("limb defects")
    want = ids_where(effect="limb defects")
    expect(shown).to_have_count(len(want))
    assert [c.get_attribute("data-row") for c in shown.all()] == want

    # the not-verified tenfold binding figure keeps its status on its card
    tenfold = root.locator('.tb-card[data-row="enantiomers-binding"]')
    expect(tenfold).to_be_visible()
    expect(tenfold.locator(".tb-badge")).to_have_text("not verified")

    # a combination no chain fits: the empty message, no card
    mech.select_option("pro-apoptotic")
    expect(shown).to_have_count(0)
    expect(empty).to_be_visible()
    expect(empty).to_contain_text("No chain in the book's data fits all three choices")
    expect(live).to_have_text(entries(0))

    # back to everything: every row shows, each with a source and a status
    mech.select_option("any")
    effect.select_option("any")
    expect(shown).to_have_count(len(ROWS))
    for r in ROWS:
        c = root.locator(f'.tb-card[data-row="{r["id"]}"]')
        expect(c.locator(f'.tb-source a.tb-cite[title="{r["source"]}"]')).to_have_text(AUTHOR_YEAR)
        expect(c.locator(".tb-badge")).to_have_text(r["status"])
    assert_clean(v)


# --------------------------------------------------------------------------- cereblon diagram (2.1)
def test_cereblon_diagram_has_every_neosubstrate_and_a_text_alternative(visit):
    v = visit(P21)
    page = v.page
    fig = page.locator("#fig-cereblon-model")
    fig.scroll_into_view_if_needed()
    svg = fig.locator("svg.tb-crbn-svg")
    expect(svg).to_be_visible()
    assert svg.get_attribute("role") == "img"
    box = svg.bounding_box()
    assert box and box["height"] > 300
    svg_text = norm(svg.text_content())
    neos = list(dict.fromkeys(r["neosubstrate"] for r in ROWS if r.get("neosubstrate")))
    assert set(neos) == {"IKZF1/IKZF3", "CK1α", "SALL4", "PLZF"}
    for n in [*neos, "CRL4-CRBN"]:
        assert n in svg_text
    expect(fig.locator("figcaption")).to_contain_text("Solid lines and the word Benefit")
    alt = fig.locator("details.tb-crbn-alt")
    alt.locator("summary").click()
    items = alt.locator("li")
    expect(items).to_have_count(1 + len(neos))
    for n in neos:
        expect(alt).to_contain_text(f"CRL4-CRBN then destroys {n}")
    assert fig.locator("script").count() == 0
    assert_clean(v)


def _transferred(visit, path: str) -> tuple[int, list[str]]:
    """Bytes the page transferred (document + every resource, encoded body sizes) and the resource URLs."""
    v = visit(path)
    page = v.page
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(300)
    page.wait_for_load_state("networkidle")
    urls = page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")
    doc = page.evaluate("() => performance.getEntriesByType('navigation')[0].encodedBodySize")
    res = page.evaluate("() => performance.getEntriesByType('resource').reduce((s, e) => s + e.encodedBodySize, 0)")
    assert_clean(v)
    return doc + res, urls


def test_page_21_weight_no_plotly(visit, site: Path):
    """The SVG route, measured: page 2.1 loads no plotly.js, and what it adds to a plain page of the book
    (the part 2 overview: same theme, fonts and scripts) stays under 200 kB. A plotly Sankey would add
    plotly.min.js alone (about 4.8 MB uncompressed)."""
    total, urls = _transferred(visit, P21)
    base, _ = _transferred(visit, "chapters/2-pharmacology/overview.html")
    assert not [u for u in urls if "plotly" in u], "page 2.1 must not load plotly"
    plotly = (site / "_static" / "thalbook" / "plotly.min.js").stat().st_size
    print(f"page 2.1: {total} bytes; overview: {base} bytes; added {total - base}; plotly.min.js {plotly}")
    assert total - base < 200_000, f"page 2.1 adds {total - base} bytes to a plain page"
    assert total - base < plotly / 20
    v = visit(P21)
    assert v.page.evaluate("() => typeof window.Plotly") == "undefined"
    svg_bytes = v.page.evaluate("() => document.querySelector('svg.tb-crbn-svg').outerHTML.length")
    assert svg_bytes < 12_000


# --------------------------------------------------------------------------- stepper (2.2)
def stage_title(i: int) -> str:
    """The progress line (the title is the stage's own heading, printed once)."""
    return f"Stage {i + 1} of {len(STEPS['stages'])}"


def score_text(score: int, of: int, answered: int) -> str:
    return f"Score: {score} of {of} ({answered} answered; first answer scored)"


def test_stepper_every_stage_every_control(visit):
    v = visit(P221)
    page = v.page
    root = ready(page, STEPPER)
    stages = root.locator(".tb-stage")
    progress = root.locator(".tb-progress-text")
    back, nxt, restart = root.locator(".tb-back"), root.locator(".tb-next"), root.locator(".tb-restart")
    score = root.locator(".tb-score")
    n = len(STEPS["stages"])
    assert n == 8
    expect(stages).to_have_count(n)
    expect(progress).to_have_text(stage_title(0))
    expect(back).to_be_disabled()

    right_total = 0
    for i, s in enumerate(STEPS["stages"]):
        expect(progress).to_have_text(stage_title(i))
        expect(stages.nth(i)).to_be_visible()
        expect(stages.nth(i).locator(".tb-body")).to_contain_text(norm(s["body"].split("**The evidence.**")[1])[:60])
        q = s["question"]
        right = next(k for k, o in enumerate(q["options"]) if o.get("correct"))
        wrong = (right + 1) % len(q["options"])
        fb = stages.nth(i).locator(".tb-feedback")
        if i % 2 == 0:  # even stages: a wrong answer first (scored), then the right one
            stages.nth(i).get_by_label(q["options"][wrong]["text"], exact=True).check()
            stages.nth(i).locator(".tb-check").click()  # choosing only selects; Check answer answers
            expect(fb.nth(wrong).locator(".tb-verdict strong")).to_have_text("Not correct.")
            assert norm(q["options"][wrong]["feedback"]) in norm(fb.nth(wrong).inner_text())
        else:
            right_total += 1
        stages.nth(i).get_by_label(q["options"][right]["text"], exact=True).check()
        stages.nth(i).locator(".tb-check").click()  # choosing only selects; Check answer answers
        expect(fb.nth(right).locator(".tb-verdict strong")).to_have_text("Correct.")
        assert norm(q["options"][right]["feedback"]) in norm(fb.nth(right).inner_text())
        expect(score).to_have_text(score_text(right_total, n, i + 1))
        if i < n - 1:
            nxt.click()
    expect(nxt).to_be_disabled()
    back.click()
    expect(progress).to_have_text(stage_title(n - 2))
    restart.click()
    expect(progress).to_have_text(stage_title(0))
    expect(score).to_have_text(score_text(0, n, 0))
    assert_clean(v)


# --------------------------------------------------------------------------- quiz (2.2)
def test_quiz_part2_every_question(visit):
    v = visit(P22)
    page = v.page
    root = ready(page, QUIZ)
    qs = QUIZ_DATA["questions"]
    assert len(qs) >= 5
    fieldsets = root.locator(".tb-question")
    expect(fieldsets).to_have_count(len(qs))
    score = root.locator(".tb-score")
    for i, q in enumerate(qs):
        f = fieldsets.nth(i)
        expect(f.locator(".tb-prompt")).to_contain_text(norm(re.sub(r"\*\*", "", q["prompt"])))
        right = next(k for k, o in enumerate(q["options"]) if o.get("correct"))
        first = right if i else (right + 1) % len(q["options"])  # question 1 answered wrong first
        f.get_by_label(q["options"][first]["text"], exact=True).check()
        f.locator(".tb-check").click()  # choosing only selects; Check answer answers
        fb = f.locator(".tb-feedback").nth(first)
        expect(fb).to_be_visible()
        assert norm(q["options"][first]["feedback"]) in norm(fb.inner_text())
        expect(score).to_have_text(score_text(i, len(qs), i + 1))
    # every other option's feedback, by changing the answer (the first answer stays scored)
    for i, q in enumerate(qs):
        for k, o in enumerate(q["options"]):
            fieldsets.nth(i).get_by_label(o["text"], exact=True).check()
            fieldsets.nth(i).locator(".tb-check").click()  # choosing only selects; Check answer answers
            expect(fieldsets.nth(i).locator(".tb-feedback").nth(k)).to_contain_text(norm(o["feedback"])[:50])
    expect(score).to_have_text(score_text(len(qs) - 1, len(qs), len(qs)))
    root.locator(".tb-restart").click()
    expect(score).to_have_text(score_text(0, len(qs), 0))
    assert_clean(v)


# --------------------------------------------------------------------------- both pages
@pytest.mark.parametrize("path", [P21, P22])
def test_pages_show_appraisals_statuses_and_no_off_site_request(visit, path):
    v = visit(path)
    page = v.page
    text = page.inner_text("article")
    flags = yaml.safe_load((ROOT / "data/appraisals.yaml").read_text(encoding="utf-8"))
    mine = [a for a in flags if a["page"] == path.removesuffix(".html")]
    assert len(mine) >= 2
    for a in mine:
        expect(page.locator(f"#appraisal-{a['id']}")).to_be_visible()
    assert "not verified" in text
    for handle in page.query_selector_all(".thalbook-widget"):
        handle.scroll_into_view_if_needed()
    assert page.evaluate("() => [...document.querySelectorAll('.thalbook-widget')].every(e => e.dataset.ready === 'true')")
    assert_clean(v)

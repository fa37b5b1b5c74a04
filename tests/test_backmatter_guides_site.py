"""The page-not-found page, the lecturer guide's presenter-mode quiz and lesson plans, and the changelog,
on the built static site in Debian's chromium, used like a reader would.

Expected values come from the data files (data/quizzes/evidence-labels.yaml, data/lesson_plans.yaml,
data/changelog.yaml), from the theme (its CSS defines `--pst-color-primary`, a flex page container, no body margin, system fonts) or from the text the widget
engine writes (thalbook/widgets/static/core.js and quiz.js), never from the code under test.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from urllib.parse import urldefrag, urlparse

import pytest
import yaml
from conftest import ROOT, assert_clean, axe_violations, norm, ready, search_and_expect_results
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

NESTED_MISSING = "chapters/nope/x.html"
GUIDE = "chapters/back/lecturer-guide.html"
LIVE = "chapters/back/running-the-notebooks-live.html"  # make live and presenter mode, split from the guide
CHANGELOG_PAGE = "chapters/back/changelog.html"
QUIZ = "#tbw-quiz-evidence-labels"
QUIZ_DATA = yaml.safe_load((ROOT / "data/quizzes/evidence-labels.yaml").read_text(encoding="utf-8"))
PLANS = {p["id"]: p for p in yaml.safe_load((ROOT / "data/lesson_plans.yaml").read_text(encoding="utf-8"))["plans"]}
CHANGELOG = yaml.safe_load((ROOT / "data/changelog.yaml").read_text(encoding="utf-8"))


def visit_missing(visit, path: str, **kw):
    """Open a missing address (twice: the `visit` fixture's load, then one whose response is kept).

    Chromium logs "Failed to load resource ... 404" for a document answered with 404, which is the
    expected outcome here: those messages are taken out of the console errors once every 4xx/5xx
    response is checked to be the missing document itself (no asset or script of the page failed)."""
    failed: list[tuple[str, int]] = []
    v = visit(path, **kw)
    v.page.on("response", lambda r: failed.append((r.url, r.status)) if r.status >= 400 else None)
    response = v.page.goto(v.page.url, wait_until="networkidle")
    assert failed == [(v.page.url, 404)], failed
    v.console_errors[:] = [e for e in v.console_errors if not e.startswith("Failed to load resource: the server responded with a status of 404")]
    return v, response


# --------------------------------------------------------------------------- the 404 page
@pytest.mark.parametrize("path", [NESTED_MISSING, "nope.html", "chapters/back/deeper/still/missing.html"])
def test_missing_address_shows_the_styled_404_page(visit, site, path):
    assert not (site / path).exists()
    v, response = visit_missing(visit, path)
    page = v.page
    assert response.status == 404
    expect(page.locator("article h1")).to_have_text("Page not found")
    expect(page).to_have_title(re.compile(r"^Page not found"))
    # the theme's CSS is loaded: it defines the colour variables and lays the page out in flex boxes
    assert page.evaluate("() => getComputedStyle(document.documentElement).getPropertyValue('--pst-color-primary').trim()") != ""
    # (a page without its CSS has a block container, an 8 px body margin and the browser's serif font;
    # the header is no witness since the book's CSS hides it on every page, thalbook.css "Search")
    looks = page.evaluate(
        "() => [getComputedStyle(document.querySelector('.bd-container')).display,"
        " getComputedStyle(document.body).margin, getComputedStyle(document.body).fontFamily]"
    )
    assert looks[:2] == ["flex", "0px"] and looks[2].startswith("system-ui"), looks
    sheets = page.evaluate("() => [...document.styleSheets].filter(s => s.href).map(s => [s.href, s.cssRules.length])")
    assert sheets and all(n > 0 for _, n in sheets), sheets
    csp = page.locator('meta[http-equiv="Content-Security-Policy"]').get_attribute("content")
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert axe_violations(page) == [], "accessibility violations on the 404 page"
    assert_clean(v)


def test_every_link_and_asset_of_the_404_page_resolves(visit, base_url):
    v, _ = visit_missing(visit, NESTED_MISSING)
    page = v.page
    attrs = page.evaluate(
        "() => [...document.querySelectorAll('[href], [src], form[action]')]"
        ".map(e => e.getAttribute('href') ?? e.getAttribute('src') ?? e.getAttribute('action'))"
    )
    # every URL is absolute from the site root (or a fragment, or another site): nothing relative is left
    relative = [a for a in attrs if not (a.startswith(("/", "#")) or urlparse(a).scheme)]
    assert relative == [], relative
    urls = page.evaluate(
        "() => [...document.querySelectorAll('a[href], link[href], script[src], form[action]')]"
        ".map(e => e.href || e.src || e.action)"
    )
    # links to "#..." resolve to the missing address itself: they are fragments of this page, not pages
    local = sorted({urldefrag(u)[0] for u in urls if u.startswith(base_url)} - {page.url})
    assert len(local) > 20  # theme assets, the sidebar's pages, home, search
    broken = []
    for url in local:
        try:
            with urllib.request.urlopen(url) as r:
                r.read()
        except urllib.error.HTTPError as exc:
            broken.append((url, exc.code))
    assert broken == []
    assert_clean(v)


@pytest.mark.parametrize("link, lands_on", [("home page", None), ("table of contents", "how-the-book-is-organised")])
def test_404_links_lead_to_the_home_page(visit, link, lands_on):
    v, _ = visit_missing(visit, NESTED_MISSING)
    page = v.page
    page.locator("article").get_by_role("link", name=link, exact=True).click()
    page.wait_for_load_state("networkidle")
    assert urlparse(page.url).path == "/chapters/index.html"
    expect(page.locator("article h1")).to_contain_text("a critical teaching book")
    if lands_on:
        assert urlparse(page.url).fragment == lands_on
        expect(page.locator(f"#{lands_on}")).to_be_visible()
    assert_clean(v)


def test_404_search_box_searches_the_book(visit):
    v, _ = visit_missing(visit, NESTED_MISSING)
    page = v.page
    box = page.get_by_label("Search the book")
    search_and_expect_results(page, box)
    assert_clean(v)


def test_404_page_reflows_at_320px(visit):
    v, _ = visit_missing(visit, NESTED_MISSING, width=320, height=640)
    assert v.page.evaluate("() => document.documentElement.scrollWidth") <= 320


def test_404_parts_list_links_each_part(visit):
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    v, _ = visit_missing(visit, NESTED_MISSING)
    links = v.page.locator("ul.tb-404-parts a")
    expect(links).to_have_count(len(toc["parts"]))
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs == [f"/{part['chapters'][0]['file']}.html" for part in toc["parts"]]
    assert [norm(links.nth(i).inner_text()) for i in range(links.count())] == [p["caption"] for p in toc["parts"]]


def test_server_answers_missing_address_with_404_and_the_page(base_url, site):
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(base_url + NESTED_MISSING)
    assert info.value.code == 404
    body = info.value.read()
    if info.value.headers.get("Content-Encoding") == "gzip":  # a server that compresses text
        import gzip

        body = gzip.decompress(body)
    assert body == (site / "404.html").read_bytes()
    with urllib.request.urlopen(base_url + "chapters/index.html") as ok:
        assert ok.status == 200


# --------------------------------------------------------------------------- lecturer guide
def test_presenter_quiz_holds_feedback_until_revealed(visit):
    v = visit(LIVE)
    page = v.page
    root = ready(page, QUIZ)
    qs = QUIZ_DATA["questions"]
    n = len(qs)
    score = root.locator(".tb-score")
    # quiz.js: `Score: ${score} of ${n} (revealed answers only; ${answered} answered; first answer scored)`
    expect(score).to_have_text(f"Score: 0 of {n} (revealed answers only; 0 answered; first answer scored)")

    q1 = qs[0]
    right1 = next(i for i, o in enumerate(q1["options"]) if o.get("correct"))
    wrong1 = next(i for i, o in enumerate(q1["options"]) if not o.get("correct"))
    fs = root.locator(f'.tb-question[data-qid="{q1["id"]}"]')
    fs.locator(".tb-radio").nth(wrong1).check()
    fs.locator(".tb-check").click()  # choosing only selects; Check answer answers
    expect(fs.locator(".tb-qstatus")).to_have_text("Answer recorded. Press “Reveal answer” to see the feedback.")
    for j in range(len(q1["options"])):
        expect(fs.locator(".tb-feedback").nth(j)).to_be_hidden()
    expect(score).to_have_text(f"Score: 0 of {n} (revealed answers only; 1 answered; first answer scored)")

    reveal = fs.get_by_role("button", name="Reveal answer")
    reveal.click()
    chosen = fs.locator(".tb-feedback").nth(wrong1)
    expect(chosen).to_be_visible()
    expect(chosen.locator(".tb-verdict strong")).to_have_text("Not correct.")
    assert norm(q1["options"][wrong1]["feedback"]) in norm(chosen.inner_text())
    expect(fs.locator(".tb-feedback").nth(right1)).to_be_visible()  # the right answer is shown and marked
    expect(fs.locator(".tb-option").nth(right1).locator(".tb-answer-mark")).to_be_visible()
    expect(reveal).to_be_disabled()
    expect(score).to_have_text(f"Score: 0 of {n} (revealed answers only; 1 answered; first answer scored)")

    q2 = qs[1]
    right2 = next(i for i, o in enumerate(q2["options"]) if o.get("correct"))
    fs2 = root.locator(f'.tb-question[data-qid="{q2["id"]}"]')
    fs2.locator(".tb-radio").nth(right2).check()
    fs2.locator(".tb-check").click()  # choosing only selects; Check answer answers
    # right, but not counted until revealed
    expect(score).to_have_text(f"Score: 0 of {n} (revealed answers only; 2 answered; first answer scored)")
    fs2.get_by_role("button", name="Reveal answer").click()
    expect(fs2.locator(".tb-feedback").nth(right2).locator(".tb-verdict strong")).to_have_text("Correct.")
    expect(score).to_have_text(f"Score: 1 of {n} (revealed answers only; 2 answered; first answer scored)")
    assert_clean(v)


@pytest.mark.parametrize("ident, section", [("45", "a-45-minute-class"), ("90", "a-90-minute-class")])
def test_lesson_plans_on_the_guide_link_each_step_to_its_page(visit, base_url, ident, section):
    plan = PLANS[ident]
    page = visit(GUIDE).page
    steps = page.locator(f"section#{section} ol > li")
    expect(steps).to_have_count(len(plan["steps"]))
    start = 0
    for i, step in enumerate(plan["steps"]):
        item = steps.nth(i)
        end = start + step["minutes"]
        expect(item).to_contain_text(f"Minutes {start}–{end}")
        start = end
        link = item.locator("a.reference.internal")
        if step.get("page"):
            assert urlparse(link.first.evaluate("a => a.href")).path == f"/{step['page']}.html"
        else:
            expect(link).to_have_count(0)
        for call in step.get("live", []):
            expect(item).to_contain_text(call)
    assert start == plan["minutes"]
    steps.nth(0).locator("a.reference.internal").first.click()
    page.wait_for_load_state("load")
    assert urlparse(page.url).path == f"/{plan['steps'][0]['page']}.html"


def test_changelog_page_lists_every_version_and_erratum(visit):
    v = visit(CHANGELOG_PAGE)
    # Sphinx prints typographic apostrophes and quotes ("smartquotes"); compare with straight ones
    straight = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})
    text = norm(v.page.inner_text("article")).translate(straight)
    for r in CHANGELOG["releases"]:
        assert f"Version {r['version']}" in text
        for change in r["changes"]:
            assert all(c in text for c in change.get("commits", []))
    for e in CHANGELOG["errata"]:
        # Markdown code spans show without their backticks
        for said in (e["text"], e["correction"]):
            assert norm(said).replace("`", "").translate(straight) in text, said
    assert_clean(v)

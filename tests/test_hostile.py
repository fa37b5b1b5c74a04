"""Hostile data: every free-text field of every widget kind holds markup and script.

Fixture: tests/fixtures/hostile/specs.yaml (`<img src=x onerror=...>`, `<script>`, `</script>`, both
quotes, `{{ }}`, `<svg onload>`, `<iframe src=javascript:>`). Checked twice:

* kernel side: each widget's `html` trait (what JupyterLab shows and the static twin holds) and its
  state JSON contain no live tag or event attribute from the hostile text, and the text is there escaped;
* in Debian's chromium: the same widgets, rendered by the same engine (thalbook.widgets, thalbook.pages.common)
  into a small static page that loads the site's own `_static/thalbook/*.js|css` (copied from the built
  site) under the book's CSP (`thalbook.site.sphinxext.add_csp`), then driven: the text reads literally, no
  dialog opens, no console error or CSP violation, no `img[src=x]` (or svg/iframe) element appears.

Why a standalone page and not the gallery page (as the issue first suggested): the gallery is published;
building hostile strings into it would put `<script>alert(2)</script>` in front of every student. This page
uses the same Python renderer, the same ES modules, boot.js and the same CSP builder as the book, so it
exercises the same code paths without shipping the fixture, and it needs no book rebuild (fast).
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).parent / "fixtures" / "hostile" / "specs.yaml"
SPECS = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
H, H2 = SPECS["hostile"], SPECS["other"]
KINDS = ("quiz", "stepper", "lookup", "calculator", "figure")
LIVE_TAGS = {"img", "script", "svg", "iframe", "b", "object", "embed"}  # tags the hostile text spells


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of script elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def parse(markup: str) -> Tags:
    p = Tags()
    p.feed(markup)
    p.close()
    return p


# --------------------------------------------------------------------------- building the widgets
def widgets() -> dict:
    from thalbook import widgets as w

    return {
        "quiz": w.Quiz(SPECS["quiz"]),
        "stepper": w.Stepper(SPECS["stepper"]),
        "lookup": w.Lookup(SPECS["lookup"]),
        "calculator": w.Calculator(SPECS["calculator"]),
    }


def figure_html() -> str:
    from thalbook import widgets as w

    return w.figure_static_html(w.figure._prepare_figure_spec(SPECS["figure"]))


def appraisal_html(monkeypatch) -> str:
    """thalbook.pages.common.appraisal_box reads data/appraisals.yaml; a stand-in dataset serves the hostile row
    instead, so data/ is not touched."""
    from thalbook.pages import common as book

    row = SimpleNamespace(**SPECS["appraisal"])
    real = book.dataset()
    fake = SimpleNamespace(by_id=lambda table, ident: row, item=real.item)  # the box's words stay the book's
    monkeypatch.setattr(book, "dataset", lambda: fake)
    return book.appraisal_box("hostile-appraisal")._repr_html_()


# --------------------------------------------------------------------------- kernel side
@pytest.mark.parametrize("kind", ["quiz", "stepper", "lookup", "calculator"])
def test_html_trait_has_no_live_tags(kind):
    widget = widgets()[kind]
    inner = parse(widget.html)
    names = {t for t, _ in inner.tags}
    assert not names & LIVE_TAGS, f"{kind}: live tags from the hostile text: {names & LIVE_TAGS}"
    events = [(t, a) for t, attrs in inner.tags for a in attrs if a.lower().startswith("on")]
    assert events == [], f"{kind}: event attributes: {events}"
    assert "&lt;img src=x onerror=alert(1)&gt;" in widget.html  # the text is there, escaped
    assert "{{ 7*7 }}" in widget.html and "49" not in widget.html  # no template ran on it
    # the static twin: the same inner HTML plus exactly one JSON data block that cannot end early
    twin = parse(widget.static_html())
    scripts = [a for t, a in twin.tags if t == "script"]
    assert scripts == [{"type": "application/json", "class": "thalbook-state"}]
    assert len(twin.scripts) == 1
    assert "</" not in twin.scripts[0] and not re.search(r"<[a-zA-Z!?/]", twin.scripts[0])
    # and the JSON still holds the hostile text, unchanged, for the JS to show as text
    assert json.loads(twin.scripts[0])["spec"]["title"] == H


def test_figure_and_appraisal_twins_have_no_live_tags(monkeypatch):
    for name, markup in (("figure", figure_html()), ("appraisal", appraisal_html(monkeypatch))):
        tree = parse(markup)
        names = {t for t, _ in tree.tags} - {"script"}  # script: only the JSON data blocks, checked below
        assert not names & LIVE_TAGS, f"{name}: {names & LIVE_TAGS}"
        assert all("</" not in s and not re.search(r"<[a-zA-Z!?/]", s) for s in tree.scripts), name
        assert [a for _, attrs in tree.tags for a in attrs if a.lower().startswith("on")] == []
        assert all(a.get("type") == "application/json" for t, a in tree.tags if t == "script"), name
        assert "&lt;script&gt;alert(2)&lt;/script&gt;" in markup


# --------------------------------------------------------------------------- in chromium
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hostile data</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="_static/thalbook/thalbook.css">
<script type="module" src="_static/thalbook/boot.js"></script>
</head><body><main><h1>Hostile data</h1>
{body}
</main></body></html>
"""

CSP_PROBE = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture(scope="module")
def hostile_url(site, tmp_path_factory):
    from thalbook.site.serve import make_server
    from thalbook.site.sphinxext import add_csp

    root = tmp_path_factory.mktemp("hostile")
    static = root / "_static" / "thalbook"
    static.mkdir(parents=True)
    for f in (site / "_static" / "thalbook").iterdir():
        if f.suffix in (".js", ".css"):
            shutil.copy2(f, static / f.name)
    mp = pytest.MonkeyPatch()
    try:
        parts = [w.static_html() for w in widgets().values()]
        parts += [figure_html(), appraisal_html(mp)]
    finally:
        mp.undo()
    page = add_csp(PAGE.replace("{body}", "\n".join(f"<section>{p}</section>" for p in parts)))
    assert "unsafe-inline" not in page.split("script-src")[1].split(";")[0]
    (root / "index.html").write_text(page, encoding="utf-8")
    server = make_server(root, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()


def test_hostile_text_reads_literally_and_runs_nothing(hostile_url, browser):
    dialogs, console, errors = [], [], []
    context = browser.new_context(viewport={"width": 1024, "height": 800})  # the session's chromium
    try:
        page = context.new_page()
        page.add_init_script(CSP_PROBE)
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("response", lambda r: errors.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None)
        page.goto(hostile_url, wait_until="load")

        roots = {k: page.locator(f'.thalbook-widget[data-kind="{k}"]') for k in KINDS}
        for root in roots.values():
            root.scroll_into_view_if_needed()
            expect(root).to_have_attribute("data-ready", "true", timeout=15000)
        plot = page.locator(".thalbook-figure")
        plot.scroll_into_view_if_needed()
        expect(plot).to_have_attribute("data-ready", "true", timeout=30000)

        # drive every widget so the JS writes whatever it writes from the data
        quiz = roots["quiz"]
        quiz.locator(".tb-radio").nth(1).check()
        quiz.locator(".tb-check").first.click()  # choosing only selects; Check answer answers
        quiz.locator(".tb-radio").nth(0).check()
        quiz.locator(".tb-check").first.click()  # choosing only selects; Check answer answers
        expect(quiz.locator(".tb-feedback").nth(0)).to_be_visible()
        stepper = roots["stepper"]
        stepper.locator(".tb-next").click()
        expect(stepper.locator(".tb-progress-text")).to_have_text("Stage 2 of 2")
        stepper.locator(".tb-stage").nth(1).locator(".tb-radio").nth(0).check()
        stepper.locator(".tb-stage").nth(1).locator(".tb-check").click()  # choosing only selects; Check answer answers
        lookup = roots["lookup"]
        lookup.locator(".tb-select").select_option("b")
        expect(lookup.locator('.tb-card[data-row="rb"]')).to_be_visible()
        lookup.locator(".tb-select").select_option("a")
        expect(lookup.locator('.tb-card[data-row="ra"]')).to_be_visible()
        calc = roots["calculator"]
        calc.locator('.tb-input[data-name="n"]').fill("10")
        calc.locator('.tb-input[data-name="x"]').fill("3")
        expect(calc.locator('.tb-out[data-name="count"]')).to_have_text("3/10")
        fig = roots["figure"]
        fig.locator(".tb-figure-control .tb-radio").nth(1).check()
        expect(fig.locator("[aria-live]")).to_have_text(f"Showing {H2}", timeout=5000)
        page.wait_for_timeout(300)

        # the text reads literally: titles, option labels, bodies (Markdown), notes, tags, sources
        expect(quiz.locator(".tb-title")).to_have_text(H)
        expect(quiz.locator(".tb-option-text").nth(0)).to_have_text(H)
        expect(quiz.locator(".tb-prompt")).to_have_text(H)
        expect(quiz.locator(".tb-feedback").nth(0)).to_contain_text(H)
        expect(quiz.locator(".tb-source")).to_have_text(H)
        expect(stepper.locator(".tb-stage-title").nth(1)).to_have_text(H2)
        expect(stepper.locator(".tb-stage").nth(1).locator(".tb-body")).to_have_text(H2)
        expect(stepper.locator(".tb-stage").nth(0)).to_contain_text(H2)  # the stage note's body (its only H2)
        expect(lookup.locator('.tb-card[data-row="ra"] .tb-card-title')).to_have_text(H)
        expect(lookup.locator('.tb-card[data-row="ra"] .tb-tag').nth(1)).to_have_text(H2)
        expect(lookup.locator("label").first).to_have_text(H)
        expect(lookup.locator(".tb-select option").nth(1)).to_have_text(H2)
        expect(calc.locator(".tb-calc-inputs label").first).to_have_text(H)
        expect(calc.locator(".tb-outputs dt").first).to_have_text(H)
        expect(calc.locator(".tb-note")).to_have_text(H)
        expect(fig.locator("figcaption")).to_have_text(H)
        expect(fig.locator(".tb-figure-control legend")).to_have_text(H)
        appraisal = page.locator(".tb-appraisal")
        expect(appraisal.locator(".tb-appraisal-claim")).to_have_text(f"The review says: {H}")
        expect(appraisal.locator(".tb-appraisal-evidence")).to_have_text(f"The evidence: {H2}")

        # nothing from the text became an element, nothing ran
        assert page.locator("img").count() == 0
        assert page.locator('img[src="x"], iframe, svg[onload], main b, [onerror], [onload]').count() == 0
        scripts = page.evaluate("() => Array.from(document.scripts).map(s => [s.type, s.src.split('/').pop(), s.textContent.length ? 'inline' : ''])")
        allowed = {("module", "boot.js"), ("application/json", ""), ("", "plotly.min.js"), ("text/javascript", "plotly.min.js")}
        assert {(t, src) for t, src, _ in scripts} <= allowed, scripts
        assert page.evaluate("() => window.__csp") == []
        assert not page.evaluate("() => 'alerted' in window")
        assert all(page.evaluate(f"() => document.querySelector('.thalbook-widget[data-kind=\"{k}\"]').dataset.ready") == "true" for k in KINDS)
    finally:
        context.close()
    assert dialogs == [], f"a dialog opened: {dialogs}"
    assert errors == [], f"script errors: {errors}"
    assert console == [], f"console errors or warnings (CSP violations show here): {console}"

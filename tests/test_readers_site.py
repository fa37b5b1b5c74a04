"""Issue 18 on the built site, in Debian's chromium: dark mode, tables, citations, figure weight, the 3.2
figure, search, favicon, the contents highlight and code toggles.

Thresholds are cited, not measured: WCAG 2.1 contrast of 4.5:1 for text (SC 1.4.3); the 600 kB first-visit
budget of issue 18; counts from data/studies.csv checked by hand (16/83 = 19.3%, 16/51 = 31.4%).
"""

from __future__ import annotations

import gzip
import json
import re
import urllib.request
from urllib.parse import urlparse

import pytest
from conftest import ROOT, SITE, assert_clean, axe_violations, built_pages, ready
from playwright.sync_api import expect

PAGES = built_pages()
pytestmark = pytest.mark.browser

P32 = "chapters/3-clinical-efficacy/3.2-clinical-studies.html"
P33 = "chapters/3-clinical-efficacy/3.3-case-vignettes.html"
P42 = "chapters/4-safety/4.2-adverse-reactions-and-management.html"
P422 = "chapters/4-safety/4.2.2-peripheral-neuropathy.html"  # the neuropathy rules table, split from 4.2
CHECKLIST = "chapters/back/critical-reading.html"
FIGURE_PAGES = sorted(p for p in PAGES if "thalbook-figure-data" in (SITE / p).read_text(encoding="utf-8"))
PLOT_ID = "tbw-figure-response-by-denominator-plot"
FIGURE = "#tbw-figure-response-by-denominator"
WCAG_TEXT = 4.5


def scroll_through(page) -> None:
    for handle in page.query_selector_all(".thalbook-widget, .thalbook-figure"):
        handle.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.thalbook-figure')].every(e => e.dataset.ready === 'true')", timeout=20000
    )


# ---------------------------------------------------------------- 1. dark mode
@pytest.mark.parametrize("path", PAGES)
def test_page_is_accessible_with_the_system_in_dark_mode(visit, path):
    """The theme's default mode is "auto": a reader whose system is dark gets the dark theme, with every
    widget, table and figure readable (axe: no serious or critical finding)."""
    v = visit(path, color_scheme="dark")
    assert v.page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    scroll_through(v.page)
    assert axe_violations(v.page) == [], f"{path} (system dark): accessibility violations"
    assert v.console_errors == [] and v.page_errors == []


CONTRAST = """(div) => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let bg = null;
  for (let e = div; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) { bg = c; break; }
  }
  bg = bg || [255, 255, 255];
  const texts = [...div.querySelectorAll('.xtick text, .ytick text, .g-xtitle text, .g-ytitle text, .legendtext')];
  return texts.map((t) => {
    const [a, b] = [lum(rgb(getComputedStyle(t).fill)), lum(bg)];
    return {text: t.textContent, ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)};
  });
}"""


def low_contrast(page) -> list:
    out = []
    for div in page.query_selector_all(".thalbook-figure"):
        found = div.evaluate(CONTRAST)
        assert found, f"{div.get_attribute('id')}: no axis text drawn"
        out += [(div.get_attribute("id"), t["text"], round(t["ratio"], 2)) for t in found if t["ratio"] < WCAG_TEXT]
    return out


@pytest.mark.parametrize("path", FIGURE_PAGES)
def test_figure_text_contrasts_with_its_background_and_follows_a_theme_switch(visit, path):
    v = visit(path, color_scheme="dark")
    page = v.page
    scroll_through(page)
    assert low_contrast(page) == []
    first = page.locator(".thalbook-figure .xtick text").first
    dark_fill = first.evaluate("t => getComputedStyle(t).fill")
    # the reader switches the theme with the theme's own button (it cycles light, dark, auto)
    for _ in range(3):
        if page.evaluate("() => document.documentElement.dataset.theme") == "light":
            break
        page.locator(".theme-switch-button:visible").first.click()
    assert page.evaluate("() => document.documentElement.dataset.theme") == "light"
    page.wait_for_function("([t, f]) => getComputedStyle(t).fill !== f", arg=[first.element_handle(), dark_fill], timeout=5000)
    assert low_contrast(page) == []
    assert_clean(v)


def test_widget_frames_take_the_page_background_in_dark_mode(visit):
    """The theme's light box behind notebook outputs (meant for images) is gone behind the book's widgets."""
    v = visit("chapters/back/widget-gallery.html", color_scheme="dark")
    colours = v.page.evaluate(
        "() => [...document.querySelectorAll('.cell_output .text_html')].map(e => getComputedStyle(e).backgroundColor)"
    )
    assert colours and set(colours) == {"rgba(0, 0, 0, 0)"}, set(colours)


# ---------------------------------------------------------------- 2. tables
@pytest.mark.parametrize("path, table", [(P32, "table.tb-evidence"), (P422, "table.tb-safety-rules")])
def test_wide_tables_are_cards_on_a_phone(visit, path, table):
    v = visit(path, width=390, height=844)
    page = v.page
    t = page.locator(table).first
    t.scroll_into_view_if_needed()
    wrap = t.locator("xpath=..")
    assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth + 1"), "the table still scrolls sideways on a phone"
    headers = t.locator("thead th").all_inner_texts()
    first_row = t.locator("tbody tr").first
    labels = first_row.locator("td").evaluate_all("tds => tds.map(td => td.dataset.label)")
    assert labels == headers
    # each cell shows its column's name above its value (the header row is only for screen readers)
    shown = first_row.locator("td").nth(1).evaluate("td => getComputedStyle(td, '::before').content")
    assert shown.strip('"') == headers[1]
    assert t.locator("thead").evaluate("h => h.getBoundingClientRect().height") <= 1
    assert_clean(v)


def test_evidence_table_scrolls_visibly_on_a_desktop(visit):
    v = visit(P32)
    wrap = v.page.locator(".tb-table-wrap:has(> table.tb-evidence)")
    info = wrap.evaluate(
        "w => ({scrolls: w.scrollWidth > w.clientWidth, tab: w.tabIndex, role: w.getAttribute('role'),"
        " label: w.getAttribute('aria-label'), cue: getComputedStyle(w).backgroundImage})"
    )
    assert info["scrolls"] and info["tab"] == 0 and info["role"] == "region" and info["label"]
    assert info["cue"].count("gradient") == 4, "no scroll shadow on the table's edges"
    headers = v.page.locator("table.tb-evidence thead th").all_inner_texts()
    assert headers[:3] == ["Study", "Responders (as printed)", "Status"]
    wrap.focus()
    v.page.keyboard.press("ArrowRight")
    v.page.wait_for_function("() => document.querySelector('.tb-table-wrap:has(> table.tb-evidence)').scrollLeft > 0")


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("path", [P32, P42])
def test_status_badges_are_never_clipped(visit, path, width):
    v = visit(path, width=width)
    clipped = v.page.evaluate(
        """() => [...document.querySelectorAll('.tb-table .tb-status, .tb-table .tb-badge')].filter(b => {
             const r = b.getBoundingClientRect(), c = b.closest('td').getBoundingClientRect();
             return b.scrollWidth > b.clientWidth + 1 || r.left < c.left - 1 || r.right > c.right + 1;
           }).map(b => b.textContent)"""
    )
    assert clipped == []


# ---------------------------------------------------------------- 3. citations
def test_sources_are_short_citations_linking_to_the_references_row(visit):
    v = visit(P32)
    page = v.page
    row = page.locator("table.tb-evidence tr#evidence-raza2001")
    link = row.locator("a.tb-cite")
    expect(link).to_have_text("Raza et al. 2001")  # data/references.bib: Raza, Meyer, Dutt, ...; 2001
    assert "raza2001thalidomide" not in row.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"references\.html#ref-raza2001thalidomide$"))
    target = page.locator("#ref-raza2001thalidomide")
    expect(target).to_contain_text("raza2001thalidomide")  # the key stays, on the references page
    expect(target).to_contain_text("Raza et al. 2001")
    assert_clean(v)


READER_PAGES = [p for p in PAGES if not re.search(r"back/(references|data-dictionary|contributing|changelog|lecturer-guide)", p)]


def test_no_reader_page_shows_a_bibtex_key(visit, site):
    keys = re.findall(r"^@\w+\{([^,]+),", (ROOT / "data/references.bib").read_text(encoding="utf-8"), re.MULTILINE)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, keys)) + r")\b")
    shown = {}
    for path in READER_PAGES:
        html = (site / path).read_text(encoding="utf-8")
        text = re.sub(r"<script\b.*?</script>", "", html, flags=re.DOTALL)
        text = re.sub(r"<[^>]+>", " ", text)  # attributes (links, titles) may keep the key; visible text may not
        found = set(pattern.findall(text))
        if found:
            shown[path] = sorted(found)
    assert shown == {}


# ---------------------------------------------------------------- 4. figure pages: weight, placeholder, phone
BUDGET = 600 * 1000  # issue 18: at most 600 kB transferred on a first visit of a figure page


@pytest.mark.parametrize("path", FIGURE_PAGES)
def test_figure_page_first_visit_within_budget(visit, base_url, path):
    v = visit(path)
    scroll_through(v.page)
    v.page.wait_for_load_state("networkidle")
    urls = v.page.evaluate("() => [location.href, ...performance.getEntriesByType('resource').map(e => e.name)]")
    total = 0
    for url in dict.fromkeys(u.split("#")[0] for u in urls):
        req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(req) as r:
            total += len(r.read())  # as sent: gzip where thalbook.site.serve compresses
    assert total <= BUDGET, f"{path}: {total} bytes on a first visit"


def test_site_serves_the_pinned_basic_plotly_bundle(site):
    pinned = json.loads((ROOT / "package.json").read_text())["devDependencies"]["plotly.js-basic-dist-min"]
    head = (site / "_static/thalbook/plotly.min.js").read_text(encoding="utf-8")[:200]
    assert f"plotly.js (basic - minified) v{pinned}" in head
    assert len(gzip.compress((site / "_static/thalbook/plotly.min.js").read_bytes())) < 450 * 1000


def test_figure_shows_its_summary_until_drawn(visit, browser, base_url):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        held = []
        page.route("**/plotly.min.js*", lambda route: held.append(route))
        page.goto(base_url + "chapters/1-introduction/1.4-what-research-exists.html", wait_until="load")
        fig = page.locator(".thalbook-figure").first
        fig.scroll_into_view_if_needed()
        placeholder = fig.locator(".tb-figure-placeholder")
        expect(placeholder).to_be_visible()
        assert placeholder.inner_text() == fig.get_attribute("aria-label") and len(placeholder.inner_text()) > 20
        for _ in range(50):
            if held:
                break
            page.wait_for_timeout(100)
        assert held, "plotly was never requested"
        held[0].continue_()
        expect(fig).to_have_attribute("data-ready", "true", timeout=20000)
        expect(placeholder).to_have_count(0)
    finally:
        context.close()


@pytest.mark.parametrize("path", FIGURE_PAGES)
def test_phone_figures_leave_the_data_uncovered(visit, path):
    v = visit(path, width=390, height=844)
    scroll_through(v.page)
    for div in v.page.query_selector_all(".thalbook-figure"):
        div.hover()
        bar = div.query_selector(".modebar-container")
        assert bar is None or not bar.is_visible(), "plotly's mode bar covers the data on a phone"
        box = div.bounding_box()
        for title in div.query_selector_all(".g-xtitle text, .g-ytitle text"):
            t = title.bounding_box()
            assert t["x"] >= box["x"] - 1 and t["x"] + t["width"] <= box["x"] + box["width"] + 1, title.text_content()
            assert t["y"] >= box["y"] - 1 and t["y"] + t["height"] <= box["y"] + box["height"] + 1, title.text_content()
        # tick labels (4.1's eighteen checks, 3.2's trials) wrap rather than run off the figure's edge, and
        # no label is drawn over its neighbour
        ticks = [(t.bounding_box(), t.text_content()) for t in div.query_selector_all(".ytick text, .xtick text")]
        ticks = [(t, text) for t, text in ticks if t is not None and text.strip()]  # plotly keeps empty, hidden ticks
        for t, text in ticks:
            assert t["x"] >= box["x"] - 1 and t["x"] + t["width"] <= box["x"] + box["width"] + 1, f"{path}: tick '{text}' cut"
        ys = sorted((b for b in (t.bounding_box() for t in div.query_selector_all(".ytick text") if t.text_content().strip())
                     if b is not None), key=lambda t: t["y"])
        for upper, lower in zip(ys, ys[1:]):
            assert upper["y"] + upper["height"] <= lower["y"] + 1, f"{path}: y tick labels drawn over each other"


# ---------------------------------------------------------------- 5. the 3.2 figure
def test_response_figure_keeps_every_trial_and_moves_the_marker(visit):
    v = visit(P32)
    page = v.page
    root = ready(page, FIGURE)
    plot = ready(page, f"#{PLOT_ID}", timeout=20000)
    trials = ["Raza 2001", "Bouscary 2005", "Moreno-Aspitia 2006", "GFM 2004 (abstract)", "Taiwan 2012"]  # studies.csv

    def rows():
        return page.evaluate(f"() => [...document.querySelectorAll('#{PLOT_ID} .ytick text')].map(t => t.textContent)")

    def marker_x(trial):
        return page.evaluate(
            f"t => document.getElementById('{PLOT_ID}').data.filter(d => d.mode === 'markers')"
            ".flatMap(d => d.y.map((y, i) => [y, d.x[i]])).filter(p => p[0] === t).map(p => p[1])", trial)

    itt = rows()
    assert [re.sub(r" \(\d+/\d+\)$", "", r) for r in itt] == trials
    assert marker_x("Raza 2001") == [19.3]  # 16/83
    expect(plot).to_contain_text("no intention-to-treat count printed")  # Bouscary and GFM: evaluable counts only
    root.get_by_role("radio", name="evaluable patients").check()
    page.wait_for_function(f"() => [...document.querySelectorAll('#{PLOT_ID} .ytick text')].some(t => t.textContent === 'Raza 2001 (16/51)')")
    assert [re.sub(r" \(\d+/\d+\)$", "", r) for r in rows()] == trials  # the same trials, in the same order
    assert marker_x("Raza 2001") == [31.4]  # 16/51: the marker moved along its row
    expect(plot).to_contain_text("no evaluable count printed")  # Moreno-Aspitia and Taiwan: ITT counts only
    headers = root.locator(".tb-figure-summary:visible th").all_inner_texts()
    assert headers[0] == "Trial" and "y" not in headers and "x" not in headers
    assert_clean(v)


# Where the marker of one study is once the figure has settled: plotly's last draw (newPlot, then the title
# fitting's relayout, then a react to the chosen state) is followed by 500 ms without a plotly_afterplot,
# and the marker's box, scrolled back into view if the page moved it away, is the same over five animation
# frames. The marker is found by plotly's own data (the study id in the trace's customdata, via the point's
# bound datum), not by its place in the SVG.
SETTLED_MARKER = """async ([id, study]) => {
  const div = document.getElementById(id);
  const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
  let last = performance.now();
  div.on("plotly_afterplot", () => { last = performance.now(); });
  const find = () => [...div.querySelectorAll(".scatterlayer .trace .points path")].find((p) => {
    const cd = p.parentNode.parentNode.__data__, d = p.__data__;
    const trace = cd && cd[0] && cd[0].trace;
    return trace && d && trace.customdata && (trace.customdata[d.i] || [])[0] === study;
  });
  let prev = "", same = 0;
  for (let n = 0; n < 600; n++) {
    await frame();
    const p = find();
    let b = p ? p.getBoundingClientRect() : null;
    if (b && (b.top < 0 || b.bottom > innerHeight)) {  // the page moved it out of view (widgets above it grew)
      p.scrollIntoView({ block: "center" });
      b = null;
    }
    const key = b ? [b.x, b.y, b.width, b.height].map((v) => v.toFixed(1)).join() : "";
    same = key && key === prev ? same + 1 : 0;
    prev = key;
    if (b && same >= 5 && performance.now() - last > 500) {
      return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
    }
  }
  return null;
}"""


def test_clicking_a_point_highlights_its_row_in_the_evidence_table(visit):
    v = visit(P32)
    page = v.page
    ready(page, FIGURE)
    ready(page, f"#{PLOT_ID}", timeout=20000)
    rows = page.locator("table.tb-evidence tr.tb-row-highlight")
    spot = page.evaluate(SETTLED_MARKER, [PLOT_ID, "raza2001"])  # Raza 2001: studies.csv, first trial
    assert spot, "the Raza 2001 marker was not found, or the figure never settled"
    # a real click on the marker's pixels, which must be the figure's (plotly's drag layer over the plot area
    # takes the click and finds the point), not a header or the table scrolled over it
    hit = page.evaluate(f"([x, y]) => {{ const e = document.elementFromPoint(x, y); return e && e.closest('#{PLOT_ID}') ? 'plot' : [x, y, innerHeight, e && e.outerHTML.slice(0, 120)]; }}",
                        [spot["x"], spot["y"]])
    assert hit == "plot", f"something covers the Raza 2001 marker: {hit}"
    page.mouse.move(spot["x"], spot["y"])  # a reader points, then clicks
    page.mouse.click(spot["x"], spot["y"])
    expect(rows.first).to_have_attribute("data-study", "raza2001")
    assert page.evaluate("() => document.activeElement.id") == "evidence-raza2001"
    assert page.locator("tr#evidence-raza2001").evaluate("r => { const b = r.getBoundingClientRect(); return b.top >= 0 && b.bottom <= innerHeight; }")
    # the text alternative's trial link does the same from the keyboard
    link = page.locator(f"{FIGURE} .tb-figure-summary:visible a", has_text="Taiwan 2012")
    link.focus()
    page.keyboard.press("Enter")
    expect(rows.first).to_have_attribute("data-study", "taiwan2012")
    assert_clean(v)


# ---------------------------------------------------------------- 6. search, favicon, contents, code toggles
def test_search_snippets_are_sentences_around_the_hit(visit):
    v = visit("search.html?q=neuropathy")
    page = v.page
    results = page.locator("#search-results ul.search li")
    expect(results.first).to_be_visible(timeout=15000)
    page.wait_for_function("() => document.querySelector('#search-status') && /finished/i.test(document.querySelector('#search-status').textContent)"
                           " || document.querySelectorAll('#search-results li').length > 10", timeout=15000)
    page.wait_for_timeout(500)
    snippets = {li.locator("a").first.inner_text(): li.locator("p.context").inner_text() for li in results.all()
                if li.locator("p.context").count()}
    assert len(snippets) >= 10
    for s in snippets.values():
        assert not s.startswith("..."), f"a cut, not a sentence: {s!r}"  # Sphinx's own 240-character window
        assert len(s) <= 340, s
    with_term = [s for s in snippets.values() if re.search(r"neuropath", s, re.IGNORECASE)]
    assert len(with_term) >= 0.75 * len(snippets), snippets
    # page 1.3's sentence, whole (chapters/1-introduction/1.3-why-it-matters.ipynb), not a window cut mid-word
    assert snippets["1.3 Why it matters"].endswith(
        "A child has decades ahead, so a lasting peripheral neuropathy or an unplanned pregnancy in a teenager "
        "matters a great deal.")
    assert_clean(v)


SEARCH_BOXES = """() => [...document.querySelectorAll('input[type=search], .search-button-field, .search-button')]
  .filter(e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden' && !e.closest('dialog'))
  .map(e => e.className)"""


@pytest.mark.parametrize("path", ["search.html?q=thalidomide", "chapters/back/glossary.html"])
def test_one_search_box_per_page_and_no_icon_over_the_text(visit, path):
    v = visit(path)
    page = v.page
    assert len(page.evaluate(SEARCH_BOXES)) == 1, page.evaluate(SEARCH_BOXES)
    assert page.locator(".bd-header").evaluate("h => h.getClientRects().length") == 0  # no empty top bar
    if path.startswith("search"):
        gap = page.evaluate(
            """() => { const f = document.querySelector('.bd-search-container form.bd-search');
                 const i = f.querySelector('.fa-magnifying-glass').getBoundingClientRect();
                 const inp = f.querySelector('input'); const r = inp.getBoundingClientRect();
                 return r.left + parseFloat(getComputedStyle(inp).paddingLeft) - i.right; }"""
        )
        assert gap >= 0, "the magnifier covers the first typed letter"


def test_favicon_is_served(visit, base_url):
    v = visit("chapters/index.html")
    href = v.page.evaluate("() => document.querySelector('link[rel=icon]').href")
    with urllib.request.urlopen(href) as r:
        assert r.status == 200 and b"<svg" in r.read()
    assert urlparse(href).path.endswith("/_static/thalbook/favicon.svg")
    assert_clean(v)


@pytest.mark.parametrize("path", [P33, CHECKLIST])
def test_contents_highlight_follows_scrolling_back_up(visit, path):
    v = visit(path, width=1400)
    page = v.page
    links = page.locator(".page-toc a.nav-link")
    first = links.first.get_attribute("href")
    page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(400)
    # back up, step by step, to the first section's heading
    y = page.evaluate("() => window.scrollY")
    target = page.evaluate(f"() => document.getElementById('{first[1:]}').getBoundingClientRect().top + scrollY - 50")
    while y > target:
        y = max(target, y - 500)
        page.evaluate(f"() => window.scrollTo(0, {y})")
        page.wait_for_timeout(120)
    page.wait_for_timeout(300)
    active = page.evaluate("() => [...document.querySelectorAll('.page-toc a.active')].map(a => a.getAttribute('href'))")
    assert active == [first]


@pytest.mark.parametrize("path", [P32, P42, "chapters/2-pharmacology/2.1-antitumour-mechanisms.html"])
def test_no_code_toggle_where_code_is_not_the_lesson(site, path):
    html = (site / path).read_text(encoding="utf-8")
    assert "Show code cell source" not in html and 'class="cell_input' not in html


def test_lecturer_guide_keeps_its_code_toggles(site):
    """Where the call is the lesson (thalbook.site.sphinxext.SHOW_CODE_PAGES), the toggle stays: on the guide's
    page for the class (the presenter-mode quiz, split from the lecturer guide)."""
    assert "Show code cell source" in (site / "chapters/back/running-the-notebooks-live.html").read_text(encoding="utf-8")
